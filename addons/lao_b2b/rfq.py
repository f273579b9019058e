"""Requests for quotation.

A buyer posts what it wants (commodity, quantity, unit, wanted date,
delivery province or border point, optional target price) until an expiry
date.  Vendors answer with quotes (price, quantity, validity).  Accepting a
quote creates and confirms a sale in that vendor's company and closes the
request.  A scheduled task expires the requests, quotes and board posts
whose date has passed.
"""
import json
from zoneinfo import ZoneInfo

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.product import price_digits
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction, without_check_access

from .common import as_vendor_system, state_button
from .company import TIMEZONE
from .country import Subdivision
from .exceptions import QuotationRequestError, WebUserError
from .marketplace import PAYMENT_METHODS, new_sale_line, new_vendor_sale

REQUEST_STATES = [
    ('draft', "Draft"),
    ('open', "Open"),
    ('closed', "Closed"),
    ('expired', "Expired"),
    ('cancelled', "Cancelled"),
    ]

QUOTE_STATES = [
    ('draft', "Draft"),
    ('submitted', "Submitted"),
    ('accepted', "Accepted"),
    ('declined', "Declined"),
    ('expired', "Expired"),
    ('withdrawn', "Withdrawn"),
    ]

# The quotes a buyer sees: drafts and withdrawn quotes are the vendor's own
VISIBLE_QUOTE_STATES = ['submitted', 'accepted', 'declined', 'expired']
# The units a buyer may ask for, as (module, xml id)
REQUEST_UNITS = [
    ('product', 'uom_kilogram'),
    ('lao_b2b', 'uom_tonne'),
    ('product', 'uom_unit'),
    ]
# The fields of a request that the web form gives: the web may not set the
# buyer or the state
REQUEST_FIELDS = [
    'title', 'category', 'description', 'quantity', 'unit', 'wanted_date',
    'delivery_province', 'border_point', 'target_price', 'expiry_date',
    'payment_method']


def today(company=None):
    """Today in the company's time zone, else in the platform's (Vientiane):
    never in the server's UTC, which is still yesterday until 07:00"""
    Date = Pool().get('ir.date')
    timezone = (company.timezone if company and company.timezone
        else TIMEZONE)
    return Date.today(timezone=ZoneInfo(timezone))


def web_values(values, names):
    "The values of names only, from the values of a web form"
    return {name: values.get(name) for name in names}


class QuotationRequest(Workflow, ModelSQL, ModelView):
    __string__ = "Request for Quotation"
    __name__ = 'lao.rfq'
    _rec_name = 'title'
    _states = {'readonly': Eval('state') != 'draft'}

    buyer = fields.Many2One(
        'party.party', "Buyer", required=True, states=_states,
        domain=[('buyer_type', '!=', None)])
    title = fields.Char("Title", required=True, states=_states)
    category = fields.Many2One(
        'product.category', "Commodity", required=True, states=_states)
    description = fields.Text("Description", states=_states)
    quantity = fields.Float(
        "Quantity", digits='unit', required=True, states=_states,
        domain=[('quantity', '>', 0)])
    unit = fields.Many2One(
        'product.uom', "Unit", required=True, states=_states)
    wanted_date = fields.Date("Wanted Date", states=_states)
    delivery_province = fields.Many2One(
        'country.subdivision', "Delivery Province",
        domain=Subdivision.lao_provinces(),
        states={
            'readonly': _states['readonly'],
            'required': ~Eval('border_point'),
            })
    border_point = fields.Char(
        "Border Point", states={
            'readonly': _states['readonly'],
            'required': ~Eval('delivery_province'),
            },
        help="For cross-border delivery, e.g. Boten or Mohan.")
    target_price = fields.Numeric(
        "Target Unit Price", digits=price_digits, states=_states,
        domain=['OR',
            ('target_price', '=', None),
            ('target_price', '>', 0),
            ])
    currency = fields.Many2One(
        'currency.currency', "Currency", required=True, states=_states)
    payment_method = fields.Selection(
        PAYMENT_METHODS, "Payment Method", required=True, states=_states,
        help="How the buyer pays the vendor whose quote it accepts.")
    expiry_date = fields.Date(
        "Expiry Date", required=True, states=_states,
        help="The request closes at the end of this day.")
    quotes = fields.One2Many(
        'lao.rfq.quote', 'request', "Quotes", readonly=True)
    sale = fields.Function(
        fields.Many2One('sale.sale', "Sale"), 'get_sale')
    state = fields.Selection(
        REQUEST_STATES, "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.state, Index.Equality(cardinality='low')),
                (t.expiry_date, Index.Range())))
        cls._order.insert(0, ('expiry_date', 'ASC'))
        cls._transitions |= {
            ('draft', 'open'),
            ('open', 'closed'),
            ('open', 'expired'),
            ('draft', 'cancelled'),
            ('open', 'cancelled'),
            }
        cls._buttons.update({
                'publish': state_button('draft', 'tryton-forward'),
                'cancel': state_button(['draft', 'open'], 'tryton-cancel'),
                })

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_currency(cls):
        Currency = Pool().get('currency.currency')
        currencies = Currency.search([('code', '=', 'LAK')], limit=1)
        return currencies[0].id if currencies else None

    @classmethod
    def default_unit(cls):
        return Pool().get('ir.model.data').get_id('product', 'uom_kilogram')

    @classmethod
    def default_payment_method(cls):
        return 'bank_transfer'

    def get_sale(self, name):
        for quote in self.quotes:
            if quote.sale:
                return quote.sale.id

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def publish(cls, requests):
        today_ = today()
        for request in requests:
            if request.expiry_date < today_:
                raise QuotationRequestError(gettext(
                        'lao_b2b.msg_rfq_expiry_past',
                        request=request.rec_name))
            if request.category.is_prohibited:
                raise QuotationRequestError(gettext(
                        'lao_b2b.msg_rfq_prohibited',
                        request=request.rec_name,
                        category=request.category.rec_name))
        cls.notify_vendors(requests)

    def matching_vendor_companies(self):
        """The ids of the companies that publish a listing of the requested
        commodity or of one of its kinds"""
        pool = Pool()
        Listing = pool.get('lao.listing')
        listing = Listing.__table__()
        with without_check_access():
            listings = Listing.search([
                    ('state', '=', 'published'),
                    ('category', 'child_of', [self.category.id], 'parent'),
                    ], query=True)
        cursor = Transaction().connection.cursor()
        cursor.execute(*listing.select(listing.company,
                where=listing.id.in_(listings), group_by=[listing.company]))
        return [company for company, in cursor]

    @classmethod
    def notify_vendors(cls, requests):
        """Notify in the back office the managers of the vendors that list
        the requested commodity, each in their own language"""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Notification = pool.get('res.notification')
        User = pool.get('res.user')
        manager_group = ModelData.get_id('lao_b2b', 'group_cooperative_manager')
        action = ModelData.get_id('lao_b2b', 'act_rfq_form')
        notifications = []
        for request in requests:
            companies = request.matching_vendor_companies()
            if not companies:
                continue
            with without_check_access():
                users = User.search([
                        ('companies', 'in', companies),
                        ('groups', '=', manager_group),
                        ])
            for user in users:
                language = user.language.code if user.language else None
                with Transaction().set_context(language=language):
                    translated = cls(request.id)
                    notifications.append(Notification(
                            user=user,
                            label=gettext(
                                'lao_b2b.msg_rfq_notification_label',
                                commodity=translated.category.rec_name),
                            description=gettext(
                                'lao_b2b.msg_rfq_notification_description',
                                request=translated.rec_name,
                                quantity=translated.quantity,
                                unit=translated.unit.symbol,
                                expiry_date=translated.expiry_date),
                            icon='tryton-notification',
                            model=cls.__name__,
                            records=json.dumps([request.id]),
                            action=action))
        # Notifications are the platform's, not the publisher's to create
        with without_check_access():
            Notification.save(notifications)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, requests):
        Quote = Pool().get('lao.rfq.quote')
        Quote.decline([q for r in requests for q in r.quotes])

    @classmethod
    @Workflow.transition('closed')
    def close(cls, requests):
        pass

    @classmethod
    @Workflow.transition('expired')
    def expire(cls, requests):
        pass

    @classmethod
    def close_expired(cls):
        """Expire the open requests, submitted quotes and published board
        posts whose date has passed (scheduled task)"""
        pool = Pool()
        Quote = pool.get('lao.rfq.quote')
        Post = pool.get('lao.board.post')
        today_ = today()
        cls.expire(cls.search([
                    ('state', '=', 'open'),
                    ('expiry_date', '<', today_),
                    ]))
        Quote.expire(Quote.search([
                    ('state', '=', 'submitted'),
                    ('valid_until', '<', today_),
                    ]))
        Post.expire(Post.search([
                    ('state', '=', 'published'),
                    ('expiry_date', '<', today_),
                    ]))

    # The web shop: the requests of a web user's buyer party

    @classmethod
    def web_units(cls):
        "The units a request for quotation or a board post may use"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Uom = pool.get('product.uom')
        return Uom.browse([ModelData.get_id(module, xml_id)
                for module, xml_id in REQUEST_UNITS])

    @classmethod
    def check_web_unit(cls, unit):
        if unit is not None and int(unit) not in {
                u.id for u in cls.web_units()}:
            raise WebUserError(gettext('lao_b2b.msg_web_market_unit'))

    @classmethod
    def web_owner_domain(cls, user):
        return [('buyer', '=', user.buyer_party_id)]

    @classmethod
    def web_requests(cls, user):
        "The web user's requests for quotation, the latest first"
        return cls.search(cls.web_owner_domain(user), order=[('id', 'DESC')])

    @classmethod
    def web_request(cls, user, values):
        """Create the request for quotation of values for the web user's
        buyer party and open it to the vendors"""
        user.check_buyer()
        values = web_values(values, REQUEST_FIELDS)
        if values['payment_method'] is None:
            values['payment_method'] = cls.default_payment_method()
        cls.check_web_unit(values['unit'])
        request = cls(buyer=user.party, **values)
        request.currency = cls.default_currency()
        request.save()
        cls.publish([request])
        return request

    @classmethod
    def web_cancel(cls, user, request_id):
        "Cancel the web user's open request and decline its quotes"
        request = user.own(cls, request_id)
        if request.state not in {'draft', 'open'}:
            raise WebUserError(gettext(
                    'lao_b2b.msg_web_rfq_not_cancellable',
                    request=request.rec_name))
        cls.cancel([request])
        return request

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

    @classmethod
    def web_vendor_open_requests(cls, user):
        """The open requests for quotation, each with the quotes of the
        web user's vendors: [(request, quotes)]"""
        companies = {c.id for c in user.vendor_companies}
        if not companies:
            return []
        with without_check_access():
            requests = cls.search([
                    ('state', '=', 'open'),
                    ], order=[('expiry_date', 'ASC'), ('id', 'ASC')],
                limit=100)
            return [(r, [q for q in r.quotes if q.company.id in companies])
                for r in requests]


class Quote(Workflow, ModelSQL, ModelView):
    __string__ = "Quote"
    __name__ = 'lao.rfq.quote'
    _states = {'readonly': Eval('state') != 'draft'}

    request = fields.Many2One(
        'lao.rfq', "Request", required=True, ondelete='CASCADE',
        domain=[('state', '=', 'open')], states=_states)
    company = fields.Many2One(
        'company.company', "Vendor", required=True, states=_states)
    product = fields.Many2One(
        'product.product', "Product", required=True, states=_states,
        domain=[
            ('salable', '=', True),
            If(Bool(Eval('request_unit_category')),
                ('default_uom_category', '=', Eval('request_unit_category')),
                ()),
            ],
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    request_unit_category = fields.Function(
        fields.Many2One('product.uom.category', "Request Unit Category"),
        'on_change_with_request_unit_category')
    quantity = fields.Float(
        "Quantity", digits='unit', required=True, states=_states,
        domain=[('quantity', '>', 0)])
    unit = fields.Function(
        fields.Many2One('product.uom', "Unit"), 'on_change_with_unit')
    unit_price = fields.Numeric(
        "Unit Price", digits=price_digits, required=True, states=_states,
        domain=[('unit_price', '>', 0)])
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"),
        'on_change_with_currency')
    valid_until = fields.Date("Valid Until", required=True, states=_states)
    comment = fields.Text("Comment", states=_states)
    sale = fields.Many2One('sale.sale', "Sale", readonly=True)
    state = fields.Selection(
        QUOTE_STATES, "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.state, Index.Equality(cardinality='low')),
                (t.valid_until, Index.Range())))
        cls._transitions |= {
            ('draft', 'submitted'),
            ('submitted', 'accepted'),
            ('draft', 'declined'),
            ('submitted', 'declined'),
            ('submitted', 'expired'),
            ('draft', 'withdrawn'),
            ('submitted', 'withdrawn'),
            }
        cls._buttons.update({
                'submit': state_button('draft', 'tryton-forward'),
                'accept': state_button('submitted', 'tryton-ok'),
                'withdraw': state_button(
                    ['draft', 'submitted'], 'tryton-cancel'),
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @fields.depends('request', '_parent_request.unit')
    def on_change_with_request_unit_category(self, name=None):
        if self.request and self.request.unit:
            return self.request.unit.category

    @fields.depends('request', '_parent_request.unit')
    def on_change_with_unit(self, name=None):
        return self.request.unit if self.request else None

    @fields.depends('request', '_parent_request.currency')
    def on_change_with_currency(self, name=None):
        return self.request.currency if self.request else None

    def get_rec_name(self, name):
        return f'{self.request.rec_name}: {self.company.rec_name}'

    @classmethod
    def check_vendor(cls, quotes):
        Company = Pool().get('company.company')
        active = Company.active_vendors({q.company.id for q in quotes})
        for quote in quotes:
            if quote.company.id not in active:
                raise QuotationRequestError(gettext(
                        'lao_b2b.msg_rfq_vendor_not_active',
                        quote=quote.rec_name,
                        vendor=quote.company.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('submitted')
    def submit(cls, quotes):
        cls.check_vendor(quotes)
        for quote in quotes:
            quote.check_request_open()
            if quote.valid_until < today(quote.company):
                raise QuotationRequestError(gettext(
                        'lao_b2b.msg_rfq_quote_validity_past',
                        quote=quote.rec_name))
            if quote.request.currency != quote.company.currency:
                raise QuotationRequestError(gettext(
                        'lao_b2b.msg_rfq_quote_currency',
                        quote=quote.rec_name,
                        currency=quote.request.currency.rec_name))
            quote.check_product()

    def check_request_open(self):
        "Refuse a closed request, or one past its expiry date in Vientiane"
        request = self.request
        if request.state != 'open' or request.expiry_date < today():
            raise QuotationRequestError(gettext(
                    'lao_b2b.msg_rfq_not_open', request=request.rec_name))

    def check_product(self):
        """The product must be the vendor's own (listed by it and by no
        other vendor), of the requested commodity or one of its kinds, and
        the quantity within the request and the product's sale terms"""
        pool = Pool()
        Listing = pool.get('lao.listing')
        Category = pool.get('product.category')
        Uom = pool.get('product.uom')
        with without_check_access():
            listings = Listing.search([
                    ('product', '=', self.product.id),
                    ('state', 'not in', ['archived', 'merged']),
                    ])
        if (not listings
                or any(l.company != self.company for l in listings)):
            raise QuotationRequestError(gettext(
                    'lao_b2b.msg_rfq_quote_not_own_product',
                    quote=self.rec_name, product=self.product.rec_name))
        kinds = Category.search([
                ('parent', 'child_of', [self.request.category.id]),
                ])
        if not (set(self.product.categories) & set(kinds)):
            raise QuotationRequestError(gettext(
                    'lao_b2b.msg_rfq_quote_wrong_commodity',
                    quote=self.rec_name, product=self.product.rec_name,
                    commodity=self.request.category.rec_name))
        if self.quantity > self.request.quantity:
            raise QuotationRequestError(gettext(
                    'lao_b2b.msg_rfq_quote_above_request',
                    quote=self.rec_name))
        listing = listings[0]
        quantity = Uom.compute_qty(
            self.unit, self.quantity, listing.unit, round=False)
        problems = listing.quantity_problems(quantity)
        if problems:
            raise QuotationRequestError(gettext(
                    'lao_b2b.msg_rfq_quote_terms',
                    quote=self.rec_name,
                    problems='\n'.join('- ' + p for p in problems)))

    @classmethod
    @ModelView.button
    @Workflow.transition('withdrawn')
    def withdraw(cls, quotes):
        pass

    @classmethod
    @Workflow.transition('declined')
    def decline(cls, quotes):
        pass

    @classmethod
    @Workflow.transition('expired')
    def expire(cls, quotes):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('accepted')
    def accept(cls, quotes):
        """Create and confirm the sale of each quote in its vendor's company,
        close its request and decline the request's other quotes"""
        pool = Pool()
        Request = pool.get('lao.rfq')
        Sale = pool.get('sale.sale')
        requests = [q.request for q in quotes]
        if len(set(requests)) != len(requests):
            raise QuotationRequestError(gettext(
                    'lao_b2b.msg_rfq_accept_one',
                    request=requests[0].rec_name))
        Request.lock(requests)
        cls.check_vendor(quotes)
        for quote in quotes:
            quote.check_request_open()
            if quote.valid_until < today(quote.company):
                raise QuotationRequestError(gettext(
                        'lao_b2b.msg_rfq_quote_expired',
                        quote=quote.rec_name))
        for quote in quotes:
            with as_vendor_system(quote.company):
                sale = quote.get_sale()
                sale.save()
                Sale.quote([sale])
                Sale.confirm([sale])
            quote.sale = sale
        cls.save(quotes)
        others = cls.search([
                ('request', 'in', [r.id for r in requests]),
                ('id', 'not in', [q.id for q in quotes]),
                ('state', 'in', ['draft', 'submitted']),
                ])
        cls.decline(others)
        Request.close(requests)

    def get_sale(self):
        "The sale of the quote, in the vendor's company"
        request = self.request
        sale = new_vendor_sale(self.company, request.buyer, request.title,
            payment_method=request.payment_method)
        sale.origin = self
        line = new_sale_line(
            sale, self.product, request.unit, self.quantity, self.unit_price)
        line.commission_rate = request.category.effective_commission_rate
        sale.lines = [line]
        return sale

    # The web shop: the quotes made to a web user's requests

    @classmethod
    def web_owner_domain(cls, user):
        return [
            ('request.buyer', '=', user.buyer_party_id),
            ('state', 'in', VISIBLE_QUOTE_STATES),
            ]

    @classmethod
    def web_accept(cls, user, quote_id):
        """Accept the web user's submitted quote of id: the vendor's sale is
        confirmed, the request closed and its other quotes declined"""
        quote = user.own(cls, quote_id)
        if quote.state != 'submitted':
            raise WebUserError(gettext(
                    'lao_b2b.msg_web_quote_not_acceptable',
                    quote=quote.rec_name))
        cls.accept([quote])
        return cls(quote.id)
