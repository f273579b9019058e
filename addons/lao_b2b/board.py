"""The supply-and-demand board.

Public buy requests and sell offers by commodity and province: short posts
with their own expiry, for goods that are not (yet) listed, such as a
village's coming cassava harvest.  The scheduled task of the requests for
quotation expires them.
"""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.product import price_digits
from trytond.pool import Pool
from trytond.pyson import Eval

from .catalogue_version import CatalogueVersionMixin
from .common import state_button
from .country import Subdivision
from .exceptions import QuotationRequestError, WebUserError
from .rfq import today, web_values

# The fields of a post that the web form gives: the web may not set the
# party or the state
BOARD_POST_FIELDS = [
    'title', 'category', 'province', 'quantity', 'unit', 'price',
    'description', 'contact', 'expiry_date']

POST_STATES = [
    ('draft', "Draft"),
    ('published', "Published"),
    ('expired', "Expired"),
    ('withdrawn', "Withdrawn"),
    ]


class BoardPost(CatalogueVersionMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Supply and Demand Board Post"
    __name__ = 'lao.board.post'
    _rec_name = 'title'
    _states = {'readonly': Eval('state') != 'draft'}
    _catalogue_areas = ('board',)

    kind = fields.Selection([
            ('buy', "Buy Request"),
            ('sell', "Sell Offer"),
            ], "Kind", required=True, states=_states)
    party = fields.Many2One(
        'party.party', "Posted By", required=True, states=_states)
    title = fields.Char("Title", required=True, states=_states)
    category = fields.Many2One(
        'product.category', "Commodity", required=True, states=_states)
    province = fields.Many2One(
        'country.subdivision', "Province", required=True,
        domain=Subdivision.lao_provinces(), states=_states)
    quantity = fields.Float(
        "Quantity", digits='unit', states=_states,
        domain=['OR',
            ('quantity', '=', None),
            ('quantity', '>', 0),
            ])
    unit = fields.Many2One('product.uom', "Unit", states=_states)
    price = fields.Numeric(
        "Unit Price", digits=price_digits, states=_states,
        domain=['OR',
            ('price', '=', None),
            ('price', '>', 0),
            ])
    currency = fields.Many2One('currency.currency', "Currency", states=_states)
    description = fields.Text("Description", states=_states)
    contact = fields.Char("Contact", states=_states)
    expiry_date = fields.Date("Expiry Date", required=True, states=_states)
    state = fields.Selection(
        POST_STATES, "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    (t.category, Index.Range()),
                    (t.province, Index.Range())),
                })
        cls._order.insert(0, ('expiry_date', 'ASC'))
        cls._transitions |= {
            ('draft', 'published'),
            ('published', 'expired'),
            ('draft', 'withdrawn'),
            ('published', 'withdrawn'),
            }
        cls._buttons.update({
                'publish': state_button('draft', 'tryton-forward'),
                'withdraw': state_button(
                    ['draft', 'published'], 'tryton-cancel'),
                })

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_currency(cls):
        return Pool().get('lao.rfq').default_currency()

    @classmethod
    def default_unit(cls):
        return Pool().get('lao.rfq').default_unit()

    @classmethod
    @ModelView.button
    @Workflow.transition('published')
    def publish(cls, posts):
        today_ = today()
        for post in posts:
            if post.expiry_date < today_:
                raise QuotationRequestError(gettext(
                        'lao_b2b.msg_board_expiry_past', post=post.rec_name))
            if post.category.is_prohibited:
                raise QuotationRequestError(gettext(
                        'lao_b2b.msg_board_prohibited', post=post.rec_name,
                        category=post.category.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('withdrawn')
    def withdraw(cls, posts):
        pass

    @classmethod
    @Workflow.transition('expired')
    def expire(cls, posts):
        pass

    @classmethod
    def board_domain(cls, kind=None, category=None, province=None):
        """The domain of the open posts (published, expiry not passed) of
        kind, commodity (with the categories below it) and province"""
        domain = [
            ('state', '=', 'published'),
            ('expiry_date', '>=', today()),
            ]
        if kind:
            domain.append(('kind', '=', kind))
        if category:
            domain.append(('category', 'child_of', [int(category)], 'parent'))
        if province:
            domain.append(('province', '=', int(province)))
        return domain

    @classmethod
    def board(cls, kind=None, category=None, province=None,
            offset=0, limit=None):
        "The open posts that match the filters, the soonest expiry first"
        return cls.search(
            cls.board_domain(kind=kind, category=category, province=province),
            offset=offset, limit=limit,
            order=[('expiry_date', 'ASC'), ('id', 'DESC')])

    @classmethod
    def count_board(cls, **filters):
        return cls.search_count(cls.board_domain(**filters))

    # The web shop: the posts of a web user's buyer party

    @classmethod
    def web_owner_domain(cls, user):
        return [('party', '=', user.buyer_party_id)]

    @classmethod
    def web_posts(cls, user):
        "The web user's posts on the board, the latest first"
        return cls.search(cls.web_owner_domain(user), order=[('id', 'DESC')])

    @classmethod
    def web_post_buy(cls, user, values):
        "Publish on the board a buy request of the web user's buyer party"
        Request = Pool().get('lao.rfq')
        user.check_buyer()
        values = web_values(values, BOARD_POST_FIELDS)
        Request.check_web_unit(values['unit'])
        post = cls(kind='buy', party=user.party, **values)
        post.currency = cls.default_currency() if post.price else None
        post.save()
        cls.publish([post])
        return post

    @classmethod
    def web_withdraw(cls, user, post_id):
        "Take the web user's post off the board"
        post = user.own(cls, post_id)
        if post.state not in {'draft', 'published'}:
            raise WebUserError(gettext(
                    'lao_b2b.msg_web_board_post_not_withdrawable',
                    post=post.rec_name))
        cls.withdraw([post])
        return post
