"""What the web shop's market pages ask of the platform: a buyer's requests
for quotation with their quotes, and its posts on the supply-and-demand
board.

Like web.py, every method takes the record's id from the web, checks that
it belongs to the web user's buyer party and raises WebAccessError (a 404
for the web shop) otherwise.  The web shop runs as `lao_b2b.user_storefront`
with access checks on; web_market.xml grants what these pages need.
"""
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

from .web import WebAccessError, WebUserError

# The quotes a buyer sees: drafts and withdrawn quotes are the vendor's own
VISIBLE_QUOTE_STATES = ['submitted', 'accepted', 'declined', 'expired']
# The units a buyer may ask for, as (module, xml id)
REQUEST_UNITS = [
    ('product', 'uom_kilogram'),
    ('lao_b2b', 'uom_tonne'),
    ('product', 'uom_unit'),
    ]
REQUEST_FIELDS = [
    'title', 'category', 'description', 'quantity', 'unit', 'wanted_date',
    'delivery_province', 'border_point', 'target_price', 'expiry_date']
BOARD_POST_FIELDS = [
    'title', 'category', 'province', 'quantity', 'unit', 'price',
    'description', 'contact', 'expiry_date']


def _values(values, names):
    "The values of names only: the web may not set the buyer or the state"
    return {name: values.get(name) for name in names}


class WebUser(metaclass=PoolMeta):
    __name__ = 'web.user'

    @classmethod
    def request_units(cls):
        "The units a request for quotation or a board post may use"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Uom = pool.get('product.uom')
        return Uom.browse([ModelData.get_id(module, xml_id)
                for module, xml_id in REQUEST_UNITS])

    @classmethod
    def check_request_unit(cls, unit):
        if unit is not None and int(unit) not in {
                u.id for u in cls.request_units()}:
            raise WebUserError(gettext('lao_b2b.msg_web_market_unit'))

    def _buyer_party_id(self):
        return self.party.id if self.party else -1

    def _own(self, model, record_id, buyer_field, domain=None):
        """The record of model and id whose buyer_field is the user's buyer
        party and that matches domain, or raise"""
        Model = Pool().get(model)
        records = Model.search([
                ('id', '=', record_id),
                (buyer_field, '=', self._buyer_party_id()),
                domain or [],
                ], limit=1)
        if not records:
            raise WebAccessError(gettext('lao_b2b.msg_web_not_found'))
        return records[0]

    # Requests for quotation

    @property
    def quotation_requests(self):
        "The user's requests for quotation, the latest first"
        Request = Pool().get('lao.rfq')
        return Request.search([
                ('buyer', '=', self._buyer_party_id()),
                ], order=[('id', 'DESC')])

    def own_quotation_request(self, request_id):
        "Return the request of id of the user's buyer party or raise"
        return self._own('lao.rfq', request_id, 'buyer')

    def request_quotation(self, values):
        """Create the request for quotation of values for the user's buyer
        party and open it to the vendors"""
        Request = Pool().get('lao.rfq')
        self.check_buyer()
        values = _values(values, REQUEST_FIELDS)
        self.check_request_unit(values['unit'])
        request = Request(buyer=self.party, **values)
        request.currency = Request.default_currency()
        request.save()
        Request.publish([request])
        return request

    def cancel_quotation_request(self, request_id):
        "Cancel the user's open request and decline its quotes"
        Request = Pool().get('lao.rfq')
        request = self.own_quotation_request(request_id)
        if request.state not in {'draft', 'open'}:
            raise WebUserError(gettext(
                    'lao_b2b.msg_web_rfq_not_cancellable',
                    request=request.rec_name))
        Request.cancel([request])
        return request

    def own_quote(self, quote_id):
        "Return the quote of id made to one of the user's requests or raise"
        return self._own('lao.rfq.quote', quote_id, 'request.buyer',
            [('state', 'in', VISIBLE_QUOTE_STATES)])

    def accept_quote(self, quote_id):
        """Accept the submitted quote of id: the vendor's sale is confirmed,
        the request closed and its other quotes declined"""
        Quote = Pool().get('lao.rfq.quote')
        quote = self.own_quote(quote_id)
        if quote.state != 'submitted':
            raise WebUserError(gettext(
                    'lao_b2b.msg_web_quote_not_acceptable',
                    quote=quote.rec_name))
        Quote.accept([quote])
        return Quote(quote.id)

    # Supply-and-demand board

    @property
    def board_posts(self):
        "The user's posts on the board, the latest first"
        Post = Pool().get('lao.board.post')
        return Post.search([
                ('party', '=', self._buyer_party_id()),
                ], order=[('id', 'DESC')])

    def own_board_post(self, post_id):
        "Return the board post of id of the user's buyer party or raise"
        return self._own('lao.board.post', post_id, 'party')

    def post_buy_request(self, values):
        "Publish on the board a buy request of the user's buyer party"
        Post = Pool().get('lao.board.post')
        self.check_buyer()
        values = _values(values, BOARD_POST_FIELDS)
        self.check_request_unit(values['unit'])
        post = Post(kind='buy', party=self.party, **values)
        post.currency = Post.default_currency() if post.price else None
        post.save()
        Post.publish([post])
        return post

    def withdraw_board_post(self, post_id):
        "Take the user's post off the board"
        Post = Pool().get('lao.board.post')
        post = self.own_board_post(post_id)
        if post.state not in {'draft', 'published'}:
            raise WebUserError(gettext(
                    'lao_b2b.msg_web_board_post_not_withdrawable',
                    post=post.rec_name))
        Post.withdraw([post])
        return post


class QuotationRequest(metaclass=PoolMeta):
    __name__ = 'lao.rfq'

    @property
    def buyer_quotes(self):
        "The quotes the buyer sees, the cheapest first"
        Quote = Pool().get('lao.rfq.quote')
        return Quote.search([
                ('request', '=', self.id),
                ('state', 'in', VISIBLE_QUOTE_STATES),
                ], order=[('unit_price', 'ASC'), ('id', 'ASC')])

    @property
    def sale_number(self):
        """The number of the vendor's sale of the accepted quote: the buyer
        may see it, not read the vendor's sale"""
        with without_check_access():
            sale = self.__class__(self.id).sale
            return sale.number if sale else None
