"""Marketplace orders: one buyer checkout split into a sale per vendor.

Placing an order locks the listings it buys, checks every line against the
listing's published terms (state, vendor standing, minimum, multiple,
available quantity), then creates, quotes and confirms one sale.sale in
each vendor's company through Tryton's normal sale flow.  Either everything
is created or nothing: any refusal is raised before the first record is
written, naming the listing and the rule.  Shipments and invoices then
follow in each vendor's company; the order shows the buyer one status built
from its sales.
"""
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.product import price_digits
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import without_check_access

from .common import as_vendor_system, state_button
from .exceptions import MarketplaceOrderError, WebUserError

ORDER_STATES = [
    ('draft', "Draft"),
    ('placed', "Placed"),
    ('cancelled', "Cancelled"),
    ]

ORDER_STATUS = [
    ('draft', "Draft"),
    ('confirmed', "Confirmed"),
    ('processing', "Processing"),
    ('shipped', "Shipped"),
    ('done', "Done"),
    ('partly_cancelled', "Partly Cancelled"),
    ('cancelled', "Cancelled"),
    ]

DELIVERY_METHODS = [
    ('delivery', "Delivery to the Address"),
    ('pickup', "Collection from the Vendor"),
    ]

PAYMENT_METHODS = [
    ('bank_transfer', "Bank Transfer"),
    ('cash_on_delivery', "Cash on Delivery"),
    ]

_draft = {'readonly': Eval('state') != 'draft'}


class ShipmentView(NamedTuple):
    "A shipment of a vendor part, or its return, as the buyer sees it"
    number: str | None
    state: str
    # The day it was done, else the day it is planned
    date: dt.date | None
    is_return: bool


class InvoiceView(NamedTuple):
    "A posted invoice (or credit note) of a vendor part for the buyer"
    id: int
    number: str
    date: dt.date
    # An AmountSummary: untaxed, taxes by rate, total
    amounts: object


class VendorPart(NamedTuple):
    "The part of one vendor in a marketplace order, as the buyer sees it"
    vendor: str
    number: str | None
    # The buyer's status of the part (Sale.marketplace_status), translated
    state: str
    total: Decimal
    # The currency.currency record, for the currencyformat filter
    currency: object
    # The status's value, for the page's style
    status: str
    # An AmountSummary of the sale: untaxed, VAT by rate, total
    amounts: object
    shipments: list
    invoices: list


class BuyerOrder(NamedTuple):
    """A line of the buyer's orders: a marketplace order (order set) or the
    sale of an accepted quote or of the back office (sale_id set)"""
    order: object
    sale_id: int | None
    name: str
    date: dt.date | dt.datetime | None
    status: str
    status_string: str
    parts: list


class Order(Workflow, ModelSQL, ModelView):
    __string__ = "Marketplace Order"
    __name__ = 'lao.marketplace.order'

    buyer = fields.Many2One(
        'party.party', "Buyer", required=True, states=_draft,
        domain=[('buyer_type', '!=', None)])
    invoice_address = fields.Many2One(
        'party.address', "Invoice Address", states=_draft,
        domain=[('party', '=', Eval('buyer', -1))])
    shipment_address = fields.Many2One(
        'party.address', "Shipment Address", states=_draft,
        domain=[('party', '=', Eval('buyer', -1))],
        help="Where to deliver; the buyer's delivery address when empty.")
    delivery_method = fields.Selection(
        DELIVERY_METHODS, "Delivery", required=True, states=_draft)
    payment_method = fields.Selection(
        PAYMENT_METHODS, "Payment Method", required=True, states=_draft)
    reference = fields.Char("Buyer Reference", states=_draft)
    lines = fields.One2Many(
        'lao.marketplace.order.line', 'order', "Lines", states=_draft)
    sales = fields.One2Many(
        'sale.sale', 'marketplace_order', "Sales", readonly=True)
    state = fields.Selection(
        ORDER_STATES, "State", readonly=True, required=True, sort=False)
    status = fields.Function(
        fields.Selection(ORDER_STATUS, "Status"), 'get_status')
    placed_at = fields.Timestamp("Placed At", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.state, Index.Equality(cardinality='low'))))
        cls._order.insert(0, ('id', 'DESC'))
        cls._transitions |= {
            ('draft', 'placed'),
            ('draft', 'cancelled'),
            }
        cls._buttons.update({
                'place': state_button('draft', 'tryton-ok'),
                'cancel': state_button('draft', 'tryton-cancel'),
                })

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_delivery_method(cls):
        return 'delivery'

    @classmethod
    def default_payment_method(cls):
        return 'bank_transfer'

    @fields.depends('buyer')
    def on_change_buyer(self):
        if self.buyer:
            self.invoice_address = self.buyer.address_get(type='invoice')
            self.shipment_address = self.buyer.address_get(type='delivery')

    @classmethod
    def get_status(cls, orders, name):
        return {o.id: o.compute_status() for o in orders}

    def compute_status(self):
        """The buyer's view of the order, built from its vendors' sales
        (its parts): cancelled when every part is, partly cancelled when
        some are, else the least advanced state of its parts"""
        if self.state != 'placed':
            return self.state
        statuses = [s.marketplace_status for s in self.sales]
        live = [s for s in statuses if s != 'cancelled']
        if not live:
            return 'cancelled'
        if len(live) < len(statuses):
            return 'partly_cancelled'
        for status in ['confirmed', 'processing', 'shipped']:
            if status in live:
                return status
        return 'done'

    def get_rec_name(self, name):
        return gettext('lao_b2b.msg_marketplace_order_name',
            id=self.id, buyer=self.buyer.rec_name)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, orders):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('placed')
    def place(cls, orders):
        """Lock the listings, check every line and create and confirm one
        sale per vendor company"""
        pool = Pool()
        Listing = pool.get('lao.listing')
        Sale = pool.get('sale.sale')
        listings = Listing.browse(sorted(
                {l.listing.id for o in orders for l in o.lines}))
        # Concurrent orders of the same listings wait here for each other
        Listing.lock(listings)
        cls.check_lines(orders)

        sales = []
        for order in orders:
            sales.extend(order.create_sales())
        for company, c_sales in _group_by_company(sales):
            with as_vendor_system(company):
                Sale.quote(c_sales)
                Sale.confirm(c_sales)
        cls.write(orders, {'placed_at': dt.datetime.now()})

    @classmethod
    def check_lines(cls, orders):
        "Raise one error naming every line that breaks its listing's terms"
        pool = Pool()
        Company = pool.get('company.company')
        Listing = pool.get('lao.listing')
        problems = []
        for order in orders:
            if not order.lines:
                problems.append(gettext(
                        'lao_b2b.msg_marketplace_order_empty',
                        order=order.rec_name))
        lines = [l for o in orders for l in o.lines]
        listings = Listing.browse(sorted({l.listing.id for l in lines}))
        active = Company.active_vendors({l.company.id for l in listings})
        wanted = defaultdict(float)
        for line in lines:
            listing = line.listing
            if listing.state != 'published':
                problems.append(gettext(
                        'lao_b2b.msg_marketplace_listing_not_published',
                        listing=listing.rec_name))
            elif listing.company.id not in active:
                problems.append(gettext(
                        'lao_b2b.msg_marketplace_vendor_suspended',
                        listing=listing.rec_name,
                        vendor=listing.company.rec_name))
            problems.extend(listing.quantity_problems(line.quantity))
            wanted[listing] += line.quantity
        available = Listing.get_available_quantity(
            list(wanted), 'available_quantity')
        for listing, quantity in wanted.items():
            if quantity > available[listing.id]:
                problems.append(gettext(
                        'lao_b2b.msg_marketplace_not_enough',
                        listing=listing.rec_name,
                        quantity=listing.format_quantity(quantity),
                        available=listing.format_quantity(
                            available[listing.id])))
        if problems:
            raise MarketplaceOrderError(gettext(
                    'lao_b2b.msg_marketplace_order_refused',
                    problems='\n'.join('- ' + p for p in problems)))

    def create_sales(self):
        "Create one draft sale per vendor company of the order's lines"
        pool = Pool()
        by_company = defaultdict(list)
        for line in self.lines:
            by_company[line.listing.company].append(line)
        sales = []
        for company, lines in by_company.items():
            with as_vendor_system(company):
                sale = new_vendor_sale(company, self.buyer, self.reference,
                    self.payment_method)
                sale.marketplace_order = self
                sale.origin = self
                if self.invoice_address:
                    sale.invoice_address = self.invoice_address
                if self.shipment_address:
                    sale.shipment_address = self.shipment_address
                sale.lines = [line.get_sale_line(sale) for line in lines]
                sale.save()
                for line, sale_line in zip(lines, sale.lines):
                    line.sale_line = sale_line
                    line.unit_price = sale_line.unit_price
            sales.append(sale)
        pool.get('lao.marketplace.order.line').save(
            [l for lines in by_company.values() for l in lines])
        return sales


    # The web shop: the orders of a web user's buyer party

    @classmethod
    def web_owner_domain(cls, user):
        return [('buyer', '=', user.buyer_party_id)]

    @classmethod
    def web_orders(cls, user):
        """Every order of the web user's buyer party, newest first: its
        marketplace orders and the sales it agreed to otherwise (accepted
        quotes), each with its vendors' parts: [BuyerOrder]"""
        Sale = Pool().get('sale.sale')
        if not user.party:
            return []
        statuses = dict(cls.fields_get(['status'])['status']['selection'])
        orders = [BuyerOrder(o, None, o.rec_name, o.placed_at, o.status,
                statuses.get(o.status, o.status), o.vendor_parts)
            for o in cls.search(cls.web_owner_domain(user))]
        orders.extend(Sale.web_buyer_orders(user))

        def key(order):
            date = order.date or dt.date.min
            if isinstance(date, dt.datetime):
                date = date.date()
            return date
        return sorted(orders, key=key, reverse=True)

    @classmethod
    def web_place(cls, user, items, reference=None,
            delivery_method='delivery', payment_method='bank_transfer',
            shipment_address=None, values=None):
        """Create and place the marketplace order of the web user for the
        cart items [(listing id, quantity)]: one confirmed sale per vendor,
        or nothing

        shipment_address is the id of one of the buyer's addresses, the
        first one by default; it is needed for a delivery.  values are the
        checked values of the fields that other modules add to the order
        (lao_crossborder's incoterm)."""
        pool = Pool()
        Line = pool.get('lao.marketplace.order.line')
        Listing = pool.get('lao.listing')
        user.check_buyer()
        if not items:
            raise WebUserError(gettext('lao_b2b.msg_web_cart_empty'))
        methods = cls.fields_get(['delivery_method', 'payment_method'])
        for name, value in [
                ('delivery_method', delivery_method),
                ('payment_method', payment_method)]:
            if value not in dict(methods[name]['selection']):
                raise WebUserError(gettext(
                        'lao_b2b.msg_web_checkout_choice',
                        field=methods[name]['string']))
        addresses = {a.id: a for a in user.party.addresses}
        if shipment_address is not None:
            if shipment_address not in addresses:
                raise WebUserError(gettext(
                        'lao_b2b.msg_web_checkout_address'))
            address = addresses[shipment_address]
        else:
            address = user.party.address_get(type='delivery')
        if delivery_method == 'delivery' and not address:
            raise WebUserError(gettext('lao_b2b.msg_web_checkout_address'))
        with without_check_access():
            listings = {l.id: l for l in Listing.search([
                        ('id', 'in', [i for i, _ in items]),
                        Listing.catalogue_domain(),
                        ])}
        if set(listings) != {i for i, _ in items}:
            raise WebUserError(gettext('lao_b2b.msg_web_cart_unavailable'))
        order = cls(buyer=user.party, reference=reference,
            delivery_method=delivery_method, payment_method=payment_method)
        order.on_change_buyer()
        order.shipment_address = address
        for name, value in (values or {}).items():
            setattr(order, name, value)
        order.lines = [
            Line(listing=listings[i], quantity=q) for i, q in items]
        order.save()
        # Placing reads the vendors' listings and creates their sales
        with without_check_access():
            cls.place([cls(order.id)])
        return order

    @property
    def vendor_parts(self):
        """The part of each vendor: the buyer may see them, not read the
        vendors' sales"""
        with without_check_access():
            return [s.buyer_part() for s in self.sales]


def new_vendor_sale(
        company, party, reference=None, payment_method='bank_transfer'):
    """A draft sale of the vendor company to party, from its warehouse, on
    the payment term of the buyer's payment method"""
    pool = Pool()
    Sale = pool.get('sale.sale')
    Listing = pool.get('lao.listing')
    Configuration = pool.get('lao.b2b.configuration')
    sale = Sale(
        company=company,
        currency=company.currency,
        party=party,
        warehouse=Listing.company_warehouse(company),
        reference=reference)
    sale.on_change_party()
    sale.payment_term, sale.invoice_method = (
        Configuration(1).payment_terms(payment_method))
    return sale


def new_sale_line(sale, product, unit, quantity, unit_price):
    "A sale line of product with the marketplace's agreed unit price"
    SaleLine = Pool().get('sale.line')
    line = SaleLine(
        sale=sale, type='line', product=product, unit=unit,
        quantity=quantity)
    line.on_change_product()
    line.unit = unit
    line.quantity = quantity
    line.unit_price = unit_price
    # on_change_product priced the line at the list price
    line.amount = line.on_change_with_amount()
    return line


def _group_by_company(sales):
    by_company = defaultdict(list)
    for sale in sales:
        by_company[sale.company].append(sale)
    return by_company.items()


class OrderLine(ModelSQL, ModelView):
    __string__ = "Marketplace Order Line"
    __name__ = 'lao.marketplace.order.line'

    order = fields.Many2One(
        'lao.marketplace.order', "Order", required=True, ondelete='CASCADE')
    listing = fields.Many2One(
        'lao.listing', "Listing", required=True,
        domain=[('state', '=', 'published')])
    quantity = fields.Float(
        "Quantity", digits='unit', required=True,
        domain=[('quantity', '>', 0)])
    unit = fields.Function(
        fields.Many2One('product.uom', "Unit"), 'on_change_with_unit')
    unit_price = fields.Numeric(
        "Unit Price", digits=price_digits, readonly=True)
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"),
        'on_change_with_currency')
    amount = fields.Function(
        Monetary("Amount", currency='currency', digits='currency'),
        'get_amount')
    sale_line = fields.Many2One('sale.line', "Sale Line", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('order')

    @fields.depends('listing')
    def on_change_with_unit(self, name=None):
        return self.listing.unit if self.listing else None

    @fields.depends('listing')
    def on_change_with_currency(self, name=None):
        return self.listing.company.currency if self.listing else None

    def get_amount(self, name):
        if self.sale_line:
            return self.sale_line.amount
        if self.listing and self.quantity:
            price = self.listing.compute_unit_price(self.quantity)
            if price is not None:
                return self.listing.company.currency.round(
                    price * Decimal(str(self.quantity)))

    def get_sale_line(self, sale):
        "The sale line of this order line, priced by the listing"
        line = new_sale_line(
            sale, self.listing.product, self.listing.unit, self.quantity,
            self.listing.compute_unit_price(self.quantity))
        line.marketplace_listing = self.listing
        line.commission_rate = (
            self.listing.category.effective_commission_rate)
        return line


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    marketplace_order = fields.Many2One(
        'lao.marketplace.order', "Marketplace Order", readonly=True,
        ondelete='RESTRICT')
    marketplace_delivery_method = fields.Function(fields.Selection(
            [(None, "")] + DELIVERY_METHODS, "Delivery"),
        'get_marketplace_terms')
    marketplace_payment_method = fields.Function(fields.Selection(
            [(None, "")] + PAYMENT_METHODS, "Payment Method"),
        'get_marketplace_terms')
    marketplace_status = fields.Function(fields.Selection(
            [(None, "")] + ORDER_STATUS, "Marketplace Status"),
        'get_marketplace_status')
    marketplace_status_string = marketplace_status.translated(
        'marketplace_status')

    # The states of the sales a buyer sees among its orders
    _buyer_states = ['confirmed', 'processing', 'done', 'cancelled']

    @classmethod
    def web_owner_domain(cls, user):
        """The sales of the web user's buyer party that are no part of a
        marketplace order (accepted quotes, back-office sales)"""
        return [
            ('party', '=', user.buyer_party_id),
            ('marketplace_order', '=', None),
            ('state', 'in', cls._buyer_states),
            ]

    @classmethod
    def web_buyer_orders(cls, user):
        """The buyer's sales of web_buyer_domain as [BuyerOrder], newest
        first; the buyer may see them, not read the vendors' sales"""
        with without_check_access():
            sales = cls.search(cls.web_owner_domain(user),
                order=[('sale_date', 'DESC'), ('id', 'DESC')])
            return [s.buyer_order() for s in sales]

    @classmethod
    def web_buyer_order(cls, user, sale_id):
        "The BuyerOrder of the buyer's sale of id, or raise WebAccessError"
        with without_check_access():
            return user.own(cls, sale_id).buyer_order()

    def buyer_order(self):
        "The BuyerOrder of a sale of its own (no marketplace order)"
        return BuyerOrder(None, self.id, gettext(
                'lao_b2b.msg_buyer_sale_name',
                number=self.number or '', vendor=self.company.rec_name),
            self.sale_date, self.marketplace_status,
            self.marketplace_status_string, [self.buyer_part()])

    def buyer_part(self):
        """The buyer's view of the sale as a VendorPart: its status, its
        amounts with their taxes, its shipments and returns, its posted
        invoices; read without access checks by the callers"""
        pool = Pool()
        ShipmentOut = pool.get('stock.shipment.out')
        ShipmentReturn = pool.get('stock.shipment.out.return')
        shipments = []
        for Shipment, records, is_return in [
                (ShipmentOut, self.shipments, False),
                (ShipmentReturn, self.shipment_returns, True)]:
            states = dict(
                Shipment.fields_get(['state'])['state']['selection'])
            shipments.extend(ShipmentView(s.number, states[s.state],
                    s.effective_date or s.planned_date, is_return)
                for s in records)
        invoices = [InvoiceView(i.id, i.number, i.invoice_date,
                i.amount_summary())
            for i in self.invoices if i.state in {'posted', 'paid'}]
        return VendorPart(self.company.rec_name, self.number,
            self.marketplace_status_string, self.total_amount, self.currency,
            self.marketplace_status, self.amount_summary(), shipments,
            invoices)

    def get_marketplace_status(self, name):
        """The buyer's view of this part of an order: a sale whose every
        line was cancelled (refused, not shipped again) is cancelled"""
        if self.state == 'cancelled':
            return 'cancelled'
        lines = [l for l in self.lines if l.type == 'line']
        if lines and all(l.is_cancelled for l in lines):
            return 'cancelled'
        if self.state == 'done':
            return 'done'
        if self.state == 'processing':
            return ('shipped' if self.shipment_state == 'sent'
                else 'processing')
        if self.state == 'confirmed':
            return 'confirmed'
        return 'draft'

    @classmethod
    def confirm(cls, sales):
        super().confirm(sales)
        cls.sync_listings(sales)

    @classmethod
    def draft(cls, sales):
        super().draft(sales)
        cls.sync_listings(sales)

    @classmethod
    def cancel(cls, sales):
        super().cancel(sales)
        cls.sync_listings(sales)

    @classmethod
    def process(cls, sales):
        super().process(sales)
        cls.sync_listings(sales)

    @classmethod
    def sync_listings(cls, sales):
        "Take from or give back to the listings what the sales' lines owe"
        Listing = Pool().get('lao.listing')
        Listing.sync_sale_lines(
            [l for s in cls.browse([s.id for s in sales]) for l in s.lines])

    @classmethod
    def get_marketplace_terms(cls, sales, names):
        "The buyer's delivery and payment choices of the marketplace order"
        terms = {n: {} for n in names}
        for sale in sales:
            order = sale.marketplace_order
            for name in names:
                terms[name][sale.id] = getattr(
                    order, name[len('marketplace_'):]) if order else None
        return terms


class SaleLine(metaclass=PoolMeta):
    __name__ = 'sale.line'

    marketplace_listing = fields.Many2One(
        'lao.listing', "Marketplace Listing", readonly=True,
        ondelete='RESTRICT')
    reserved_listing = fields.Many2One(
        'lao.listing', "Reserved Listing", readonly=True,
        ondelete='RESTRICT',
        help="The listing whose quantity the line takes.")
    reserved_quantity = fields.Float(
        "Reserved Quantity", readonly=True,
        help="The quantity, in the listing's unit, that the line takes from "
        "its listing now (negative for a return).")

    def listing_due(self, listing):
        """The quantity, in the listing's unit, that the line should take
        from listing: none unless its sale is confirmed, less what was
        cancelled and not shipped again (refused deliveries)"""
        Uom = Pool().get('product.uom')
        if (self.type != 'line'
                or self.sale.state not in {'confirmed', 'processing', 'done'}):
            return 0.
        ignored = sum(
            Uom.compute_qty(m.unit, m.quantity, self.unit, round=False)
            for m in self.moves_ignored if m.state == 'cancelled')
        quantity = abs(self.quantity) - ignored
        if self.quantity < 0:
            quantity = -quantity
        return round(Uom.compute_qty(
                self.unit, quantity, listing.unit, round=False),
            listing.unit.digits)

    @classmethod
    def copy(cls, lines, default=None):
        default = default.copy() if default is not None else {}
        for name in ['reserved_listing', 'reserved_quantity']:
            default.setdefault(name, None)
        return super().copy(lines, default=default)
