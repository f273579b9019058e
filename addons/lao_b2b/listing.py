"""Marketplace listings and their vetting.

A vendor offers one of its products in a listing: what it is (commodity
category, grade, origin, harvest season, certifications, photos), how it is
sold (unit, minimum quantity, quantity multiple, quantity price tiers,
available quantity, lead time).  A listing is published only after a
government reviewer checked it.  Changing the terms that reviewers check
(price, quantity terms, origin, certifications) on a published listing goes
through a revision: a copy that is reviewed on its own and, once published,
is written over the live listing, which stays on sale meanwhile.

Prices reuse Tryton's product price lists: publishing a listing writes its
tiers into a price list of the vendor's company, from which marketplace
sales take their unit prices.  The minimum and multiple are also written on
the product (sale_product_quantity) so that any sale of the product, in the
back office too, respects them.
"""
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from sql import Null
from sql.aggregate import Sum

from trytond.filestore import filestore
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Workflow, fields, sequence_ordered)
from trytond.modules.product import price_digits, round_price
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction, without_check_access

from .catalogue import CatalogueMixin
from .catalogue_version import CatalogueVersionMixin
from .common import as_vendor_system, state_button
from .country import Subdivision
from .exceptions import (
    ListingError, ListingValidationError, WebAccessError, WebUserError)
from .upload import PHOTO_SIZES, check_upload, photo_sizes
from .vendor import DecideWithReason, WorkflowDecisionMixin
from .web_user import vendor_action

LISTING_STATES = [
    ('draft', "Draft"),
    ('submitted', "Submitted"),
    ('published', "Published"),
    ('rejected', "Rejected"),
    ('suspended', "Suspended"),
    ('archived', "Archived"),
    ('merged', "Merged"),
    ]

CERTIFICATION_KINDS = [
    ('organic', "Organic"),
    ('gap', "Good Agricultural Practice (GAP)"),
    ('geographical_indication', "Geographical Indication"),
    ('fair_trade', "Fair Trade"),
    ('other', "Other"),
    ]

# The terms reviewers check: changing them on a published listing needs a
# revision.  Title, description, photos, availability and lead time may
# change freely.
REVIEWED_FIELDS = {
    'product', 'category', 'grade', 'unit', 'minimum_quantity',
    'quantity_multiple', 'price_tiers', 'origin_province', 'origin_district',
    'harvest_season', 'certifications', 'company',
    }

# The states in which the reviewed terms may change: a draft, and a listing
# (or revision) that the reviewers rejected, corrected and submitted again
# by its vendor; the decisions on it stay in its log
TERMS_EDITABLE_STATES = {'draft', 'rejected'}
# The states in which a vendor changes a listing on the web: a published
# one changes its reviewed terms through a revision
WEB_EDITABLE_LISTING_STATES = TERMS_EDITABLE_STATES | {'published'}
# The fields of a certification that the web form gives
WEB_CERTIFICATION_FIELDS = ['kind', 'name', 'issuer', 'number', 'valid_to']

_reviewed_states = {
    'readonly': ~Eval('state').in_(sorted(TERMS_EDITABLE_STATES))}
_free_states = {'readonly': Eval('state').in_(['archived', 'merged'])}


class Decision(metaclass=PoolMeta):
    __name__ = 'lao.decision'

    @classmethod
    def _resource_models(cls):
        return super()._resource_models() + ['lao.listing']


class Listing(
        CatalogueVersionMixin, CatalogueMixin, WorkflowDecisionMixin,
        Workflow, ModelSQL, ModelView):
    __string__ = "Marketplace Listing"
    __name__ = 'lao.listing'
    _rec_name = 'title'
    _decide_own_error = ListingError
    _decide_own_message = 'lao_b2b.msg_listing_decide_own'

    company = fields.Many2One(
        'company.company', "Vendor", required=True, states=_reviewed_states)
    product = fields.Many2One(
        'product.product', "Product", required=True,
        domain=[
            ('salable', '=', True),
            ('default_uom_category', '=', Eval('unit_category', -1)),
            ],
        states=_reviewed_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="The vendor's product that the listing offers.")
    title = fields.Char(
        "Title", required=True, translate=True, states=_free_states)
    description = fields.Text(
        "Description", translate=True, states=_free_states)
    category = fields.Many2One(
        'product.category', "Commodity", required=True,
        states=_reviewed_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    grade = fields.Char("Grade", states=_reviewed_states)
    origin_province = fields.Many2One(
        'country.subdivision', "Province of Origin",
        domain=Subdivision.lao_provinces(), states=_reviewed_states)
    origin_district = fields.Char(
        "District of Origin", states=_reviewed_states)
    harvest_season = fields.Char(
        "Harvest Season", states=_reviewed_states,
        help="For example: 2025/26 or November to February.")
    certifications = fields.One2Many(
        'lao.listing.certification', 'listing', "Certifications",
        states=_reviewed_states)
    photos = fields.One2Many(
        'lao.listing.photo', 'listing', "Photos", states=_free_states)
    unit = fields.Many2One(
        'product.uom', "Unit of Sale", required=True, states=_reviewed_states)
    unit_category = fields.Function(
        fields.Many2One('product.uom.category', "Unit Category"),
        'on_change_with_unit_category')
    availability = fields.Selection([
            ('declared', "Declared Quantity"),
            ('stock', "Vendor's Stock"),
            ], "Availability", required=True, states=_free_states,
        help="Declared: the vendor states the quantity for sale, which "
        "orders decrease.\nStock: the forecast quantity of the vendor's "
        "warehouse.")
    declared_quantity = fields.Float(
        "Declared Quantity", digits='unit',
        domain=['OR',
            ('declared_quantity', '=', None),
            ('declared_quantity', '>=', 0),
            ],
        states={
            'readonly': _free_states['readonly'],
            'invisible': Eval('availability') != 'declared',
            'required': Eval('availability') == 'declared',
            })
    warehouse = fields.Many2One(
        'stock.location', "Warehouse",
        domain=[('type', '=', 'warehouse')],
        states={
            'readonly': _free_states['readonly'],
            'invisible': Eval('availability') != 'stock',
            'required': Eval('availability') == 'stock',
            })
    available_quantity = fields.Function(
        fields.Float("Available Quantity", digits='unit'),
        'get_available_quantity')
    lead_time = fields.TimeDelta(
        "Lead Time", states=_free_states,
        help="The time the vendor needs to ship an order.")
    minimum_quantity = fields.Float(
        "Minimum Quantity", digits='unit', required=True,
        domain=[('minimum_quantity', '>', 0)], states=_reviewed_states)
    quantity_multiple = fields.Float(
        "Quantity Multiple", digits='unit',
        domain=['OR',
            ('quantity_multiple', '=', None),
            ('quantity_multiple', '>', 0),
            ],
        states=_reviewed_states,
        help="Order quantities must be a multiple of this quantity.")
    price_tiers = fields.One2Many(
        'lao.listing.price_tier', 'listing', "Price Tiers",
        states=_reviewed_states,
        help="The unit price applies from its quantity up to the next tier.")
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"),
        'on_change_with_currency')
    price = fields.Function(
        fields.Numeric("Price From", digits=price_digits),
        'get_price')
    price_list = fields.Many2One(
        'product.price_list', "Price List", readonly=True,
        help="The price list of the published tiers.")
    state = fields.Selection(
        LISTING_STATES, "State", readonly=True, required=True, sort=False)
    revision_of = fields.Many2One(
        'lao.listing', "Revision Of", readonly=True, ondelete='CASCADE',
        help="The published listing that this revision will update.")
    revisions = fields.One2Many(
        'lao.listing', 'revision_of', "Revisions", readonly=True)
    submitted_by = fields.Many2One('res.user', "Submitted By", readonly=True)
    submitted_at = fields.Timestamp("Submitted At", readonly=True)
    published_at = fields.Timestamp("Published At", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # Tryton indexes a Many2One only when its target has the One2Many
        # back (revision_of).  The catalogue filters the published listings
        # by province and commodity and shows the newest first.  (Not
        # partial on the published state: SQLite would not create them.  No
        # index on the vendor: SQLite would pick it for the IN of the
        # approved vendors, which keeps nearly every listing.)
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                Index(t, (t.origin_province, Index.Equality())),
                Index(t, (t.category, Index.Equality())),
                Index(t,
                    (t.published_at, Index.Range(order='DESC')),
                    (t.id, Index.Range(order='DESC'))),
                })
        cls._order = [('submitted_at', 'ASC NULLS LAST'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'submitted'),
            ('submitted', 'published'),
            ('submitted', 'merged'),
            ('submitted', 'rejected'),
            ('rejected', 'submitted'),
            ('published', 'suspended'),
            ('suspended', 'published'),
            ('draft', 'archived'),
            ('rejected', 'archived'),
            ('published', 'archived'),
            }
        cls._buttons.update({
                'submit': state_button(
                    sorted(TERMS_EDITABLE_STATES), 'tryton-forward'),
                'publish': state_button('submitted', 'tryton-ok'),
                'reject_wizard': state_button('submitted', 'tryton-cancel'),
                'suspend_wizard': state_button('published', 'tryton-cancel'),
                'reinstate': state_button('suspended', 'tryton-ok'),
                'archive': state_button(
                    ['draft', 'rejected', 'published'], 'tryton-archive'),
                'revise': state_button('published', 'tryton-copy'),
                })

    @classmethod
    def __register__(cls, module_name):
        super().__register__(module_name)
        # The trigram indexes of the catalogue's text search (PostgreSQL)
        cls.text_indexes()

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_availability():
        return 'declared'

    @classmethod
    def default_unit(cls):
        ModelData = Pool().get('ir.model.data')
        return ModelData.get_id('product', 'uom_kilogram')

    @fields.depends('unit')
    def on_change_with_unit_category(self, name=None):
        return self.unit.category if self.unit else None

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        return self.company.currency if self.company else None

    @fields.depends('product', 'unit', 'title')
    def on_change_product(self):
        if self.product:
            if not self.unit:
                self.unit = self.product.sale_uom
            if not self.title:
                self.title = self.product.name
            categories = self.product.categories
            if categories and not getattr(self, 'category', None):
                self.category = categories[0]

    @fields.depends('company', 'availability', 'warehouse')
    def on_change_availability(self):
        if self.availability == 'stock' and not self.warehouse:
            self.warehouse = self.company_warehouse(self.company)

    @staticmethod
    def company_warehouse(company):
        "The warehouse provisioned at the vendor's address"
        Location = Pool().get('stock.location')
        if not company:
            return None
        warehouses = Location.search([
                ('type', '=', 'warehouse'),
                ('address.party', '=', company.party.id),
                ], limit=1)
        return warehouses[0] if warehouses else None

    def get_rec_name(self, name):
        if self.company:
            return f'{self.title} ({self.company.rec_name})'
        return self.title

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('title', operator, operand, *extra),
            ('product', operator, operand, *extra),
            ('company', operator, operand, *extra),
            ]

    @classmethod
    def get_price(cls, listings, name):
        "The unit price at the minimum quantity"
        return {l.id: l.tier_price(l.minimum_quantity) for l in listings}

    @classmethod
    def get_available_quantity(cls, listings, name):
        pool = Pool()
        Product = pool.get('product.product')
        Uom = pool.get('product.uom')
        quantities = {}
        by_warehouse = {}
        for listing in listings:
            if listing.availability == 'stock':
                if listing.warehouse:
                    by_warehouse.setdefault(
                        (listing.company.id, listing.warehouse.id), []
                        ).append(listing)
                quantities[listing.id] = 0.
            else:
                quantities[listing.id] = listing.declared_quantity or 0.
        for (company_id, warehouse_id), group in by_warehouse.items():
            company = Pool().get('company.company')(company_id)
            with as_vendor_system(company), Transaction().set_context(
                    stock_date_end=dt.date.max):
                stock = Product.products_by_location(
                    [warehouse_id], with_childs=True,
                    grouping_filter=([l.product.id for l in group],))
            pending = cls._pending_sale_quantities(company_id, group)
            for listing in group:
                quantity = stock.get((warehouse_id, listing.product.id), 0)
                quantity -= pending.get(listing.product.id, 0)
                quantities[listing.id] = Uom.compute_qty(
                    listing.product.default_uom, quantity, listing.unit,
                    round=False)
        return quantities

    @classmethod
    def _pending_sale_quantities(cls, company_id, listings):
        """The quantities, in the products' default unit, of the quoted and
        confirmed sales of the company that have no stock moves yet"""
        pool = Pool()
        Sale = pool.get('sale.sale')
        SaleLine = pool.get('sale.line')
        Uom = pool.get('product.uom')
        sale = Sale.__table__()
        line = SaleLine.__table__()
        products = {l.product.id: l.product for l in listings}
        cursor = Transaction().connection.cursor()
        cursor.execute(*line.join(sale, condition=line.sale == sale.id
                ).select(line.product, line.unit, Sum(line.quantity),
                where=(sale.company == company_id)
                & sale.state.in_(['quotation', 'confirmed'])
                & (line.type == 'line')
                & line.product.in_(list(products)),
                group_by=[line.product, line.unit]))
        pending = defaultdict(float)
        for product_id, unit_id, quantity in cursor:
            product = products[product_id]
            pending[product_id] += Uom.compute_qty(
                Uom(unit_id), quantity, product.default_uom, round=False)
        return pending

    @classmethod
    def live_listings(cls, pairs):
        """The live listing of each (company id, product id) of pairs that
        has one: the quantity of its sales is the listing's"""
        if not pairs:
            return {}
        with without_check_access():
            listings = cls.search([
                    ('product', 'in', list({p for _, p in pairs})),
                    ('revision_of', '=', None),
                    ('state', 'in', ['published', 'suspended']),
                    ])
        return {(l.company.id, l.product.id): l for l in listings
            if (l.company.id, l.product.id) in pairs}

    @classmethod
    def sync_sale_lines(cls, lines):
        """The one path by which sales take quantities from listings and give
        them back: every line of a listed product takes what it owes now
        (nothing unless confirmed, less its refused deliveries, negative for
        a return), under the listings' row lock.  A declared quantity goes
        down and up by the difference; a listing on stock, whose available
        quantity already counts its sales, is checked not to go below zero.
        So, for every listing: declared = available + sold - given back."""
        pool = Pool()
        SaleLine = pool.get('sale.line')
        lines = [l for l in lines if l.type == 'line' and l.product]
        live = cls.live_listings({(l.sale.company.id, l.product.id)
                for l in lines if not (l.reserved_listing
                    or l.marketplace_listing)})
        changes = []
        for line in lines:
            listing = (line.reserved_listing or line.marketplace_listing
                or live.get((line.sale.company.id, line.product.id)))
            if not listing:
                continue
            due = line.listing_due(listing)
            if (due != (line.reserved_quantity or 0)
                    or listing != line.reserved_listing):
                changes.append((line, listing, due))
        if not changes:
            return
        listings = cls.browse(sorted({l.id for _, l, _ in changes}))
        # Concurrent sales of the same listings wait here for each other
        cls.lock(listings)
        deltas = defaultdict(float)
        for line, listing, due in changes:
            deltas[listing.id] += due - (line.reserved_quantity or 0)
        problems, to_write = [], []
        with Transaction().set_context(_check_access=False):
            listings = cls.browse(list(deltas))
            available = cls.get_available_quantity(
                listings, 'available_quantity')
        for listing in listings:
            delta = deltas[listing.id]
            if listing.availability == 'declared':
                remaining = round(
                    (listing.declared_quantity or 0) - delta,
                    listing.unit.digits)
                if delta:
                    to_write.extend(([listing], {
                                'declared_quantity': max(remaining, 0),
                                }))
            else:
                remaining = available[listing.id]
            if delta > 0 and remaining < 0:
                problems.append(gettext(
                        'lao_b2b.msg_marketplace_not_enough',
                        listing=listing.rec_name,
                        quantity=listing.format_quantity(delta),
                        available=listing.format_quantity(
                            remaining + delta)))
        if problems:
            raise ListingError(gettext(
                    'lao_b2b.msg_listing_oversold',
                    problems='\n'.join('- ' + p for p in problems)))
        with Transaction().set_context(_check_access=False):
            if to_write:
                cls.write(*to_write)
            SaleLine.write(*[x for line, listing, due in changes
                    for x in ([line], {
                            'reserved_listing': listing.id,
                            'reserved_quantity': due,
                            })])

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('state') == 'submitted', 'success',
                    If(Eval('state').in_(['rejected', 'suspended']),
                        'danger', ''))),
            ]

    @classmethod
    def copy(cls, listings, default=None):
        default = default.copy() if default is not None else {}
        for name in ['price_list', 'revision_of', 'submitted_by',
                'submitted_at', 'published_at', 'decisions', 'revisions']:
            default.setdefault(name, None)
        default.setdefault('state', 'draft')
        return super().copy(listings, default=default)

    # Rules on modification

    @classmethod
    def _catalogue_bump_areas(cls, mode, listings, field_names):
        """Only published listings are shown: a listing changes the pages
        when it is published or its state changes; its declared quantity
        alone changes only what is available"""
        field_names = set(field_names or ())
        if not ('state' in field_names
                or any(l.state == 'published' for l in listings)):
            return ()
        if mode == 'write' and field_names <= {'declared_quantity'}:
            return ('stock',)
        return ('catalogue', 'stock')

    @classmethod
    def check_modification(cls, mode, listings, values=None, external=False):
        super().check_modification(
            mode, listings, values=values, external=external)
        in_review = Transaction().context.get('_lao_listing_review')
        if (mode == 'write' and values and not in_review
                and (REVIEWED_FIELDS & set(values))):
            for listing in listings:
                if listing.state not in TERMS_EDITABLE_STATES:
                    raise ListingError(gettext(
                            'lao_b2b.msg_listing_reviewed_field',
                            listing=listing.rec_name))
        elif mode == 'delete':
            for listing in listings:
                if listing.state not in {'draft', 'rejected'}:
                    raise ListingError(gettext(
                            'lao_b2b.msg_listing_delete',
                            listing=listing.rec_name))

    @classmethod
    def validate_fields(cls, listings, field_names):
        super().validate_fields(listings, field_names)
        if field_names & {'product', 'company', 'state', 'revision_of'}:
            cls.check_product_unique(listings)

    @classmethod
    def check_product_unique(cls, listings):
        """A product is listed by one vendor only and at most once at a time
        (revisions aside): its price list and quantity terms are its own"""
        listings = [l for l in listings
            if not l.revision_of and l.state not in {'archived', 'merged'}]
        if not listings:
            return
        with without_check_access():
            others = cls.search([
                    ('product', 'in', [l.product.id for l in listings]),
                    ('revision_of', '=', None),
                    ('state', 'not in', ['archived', 'merged']),
                    ])
        by_product = {}
        for other in others:
            by_product.setdefault(other.product, []).append(other)
        for listing in listings:
            if len(by_product.get(listing.product, [])) > 1:
                raise ListingValidationError(gettext(
                        'lao_b2b.msg_listing_product_unique',
                        product=listing.product.rec_name))

    # Prices and quantities

    def tier_price(self, quantity):
        "The tier unit price for quantity, in the listing's unit"
        price = None
        for tier in sorted(self.price_tiers, key=lambda t: t.quantity):
            if tier.quantity <= quantity:
                price = tier.unit_price
        return price

    def compute_unit_price(self, quantity):
        """The unit price of the published terms for quantity (in the
        listing's unit), computed by the listing's price list"""
        pool = Pool()
        Uom = pool.get('product.uom')
        if not self.price_list:
            return self.tier_price(quantity)
        with Transaction().set_context(company=self.company.id):
            price = self.price_list.compute(
                self.product, quantity, self.unit)
        if price is None:
            return None
        price = Uom.compute_price(self.product.default_uom, price, self.unit)
        return round_price(price)

    def format_quantity(self, quantity):
        """quantity in the listing's unit as the reader writes it, with the
        unit's symbol: 1,000 kg, 0.5 kg (its own digits, at most the unit's;
        no zero decimals)"""
        Lang = Pool().get('ir.lang')
        return format_quantity(Lang.get(), quantity, self.unit)

    def quantity_problems(self, quantity):
        "The rules of the listing that quantity breaks, as messages"
        problems = []
        fmt = self.format_quantity
        if quantity < self.minimum_quantity:
            problems.append(gettext('lao_b2b.msg_listing_below_minimum',
                    listing=self.rec_name, quantity=fmt(quantity),
                    minimum=fmt(self.minimum_quantity)))
        if self.quantity_multiple and not is_multiple(
                quantity, self.quantity_multiple, self.unit.digits):
            problems.append(gettext('lao_b2b.msg_listing_wrong_multiple',
                    listing=self.rec_name, quantity=fmt(quantity),
                    multiple=fmt(self.quantity_multiple)))
        return problems

    # Pre-checks

    def submit_problems(self):
        "The reasons why the listing cannot be submitted, as messages"
        pool = Pool()
        Date = pool.get('ir.date')
        problems = []
        today = Date.today()
        if not self.description or not self.description.strip():
            problems.append(gettext('lao_b2b.msg_listing_check_description'))
        if not self.origin_province or not self.origin_district:
            problems.append(gettext('lao_b2b.msg_listing_check_origin'))
        if not any(p.image for p in self.photos):
            problems.append(gettext('lao_b2b.msg_listing_check_photo'))
        if self.category.is_prohibited:
            problems.append(gettext('lao_b2b.msg_listing_check_prohibited',
                    category=self.category.rec_name))
        if self.unit.category != self.product.default_uom.category:
            problems.append(gettext('lao_b2b.msg_listing_check_unit',
                    unit=self.unit.rec_name, product=self.product.rec_name))
        problems.extend(self._price_problems())
        if (self.quantity_multiple
                and not is_multiple(self.minimum_quantity,
                    self.quantity_multiple, self.unit.digits)):
            problems.append(gettext(
                    'lao_b2b.msg_listing_check_minimum_multiple'))
        if (self.availability == 'declared'
                and (self.declared_quantity or 0) < self.minimum_quantity):
            problems.append(gettext('lao_b2b.msg_listing_check_available'))
        for certification in self.certifications:
            if (not certification.number
                    or (certification.valid_to
                        and certification.valid_to < today)):
                problems.append(gettext(
                        'lao_b2b.msg_listing_check_certification',
                        certification=certification.rec_name))
        return problems

    def _price_problems(self):
        tiers = sorted(self.price_tiers, key=lambda t: t.quantity)
        if not tiers:
            return [gettext('lao_b2b.msg_listing_check_no_price')]
        problems = []
        if tiers[0].quantity > self.minimum_quantity:
            problems.append(gettext('lao_b2b.msg_listing_check_first_tier'))
        quantities = [t.quantity for t in tiers]
        if len(set(quantities)) != len(quantities):
            problems.append(gettext('lao_b2b.msg_listing_check_tier_twice'))
        if any(t.unit_price <= 0 for t in tiers):
            problems.append(gettext('lao_b2b.msg_listing_check_price'))
        if any(a.unit_price < b.unit_price for a, b in zip(tiers, tiers[1:])):
            problems.append(
                gettext('lao_b2b.msg_listing_check_tier_increase'))
        return problems

    @classmethod
    def check_vendors(cls, listings):
        Company = Pool().get('company.company')
        active = Company.active_vendors({l.company.id for l in listings})
        for listing in listings:
            if listing.company.id not in active:
                raise ListingError(gettext(
                        'lao_b2b.msg_listing_vendor_not_active',
                        listing=listing.rec_name,
                        vendor=listing.company.rec_name))

    # Workflow

    @classmethod
    @ModelView.button
    @Workflow.transition('submitted')
    def submit(cls, listings):
        cls.check_vendors(listings)
        for listing in listings:
            problems = listing.submit_problems()
            if problems:
                raise ListingError(gettext(
                        'lao_b2b.msg_listing_submit_problems',
                        listing=listing.rec_name,
                        problems='\n'.join('- ' + p for p in problems)))
        cls._log_transition(listings, 'submitted')
        cls.write(listings, {
                'submitted_by': Transaction().user or None,
                'submitted_at': dt.datetime.now(),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('published')
    def publish(cls, listings):
        cls.check_decider(listings)
        cls.check_vendors(listings)
        revisions = [l for l in listings if l.revision_of]
        if revisions:
            cls.merge(revisions)
        listings = [l for l in listings if not l.revision_of]
        cls._log_transition(listings, 'published')
        cls.write(listings, {'published_at': dt.datetime.now()})
        cls.apply_terms(listings)

    @classmethod
    @Workflow.transition('merged')
    def merge(cls, revisions):
        "Write the reviewed terms of the revisions over their live listings"
        pool = Pool()
        Decision = pool.get('lao.decision')
        Tier = pool.get('lao.listing.price_tier')
        Certification = pool.get('lao.listing.certification')
        originals = []
        for revision in revisions:
            original = revision.revision_of
            if original.state not in {'published', 'suspended'}:
                raise ListingError(gettext(
                        'lao_b2b.msg_listing_revision_not_live',
                        revision=revision.rec_name,
                        listing=original.rec_name))
            originals.append(original)
        cls._log_transition(revisions, 'merged')
        Decision.log(originals, {o: o.state for o in originals}, 'published',
            gettext('lao_b2b.msg_listing_revision_applied'))
        with Transaction().set_context(
                _check_access=False, _lao_listing_review=True):
            Tier.delete([t for o in originals for t in o.price_tiers])
            Certification.delete(
                [c for o in originals for c in o.certifications])
            to_write = []
            for revision in revisions:
                values = {}
                for name in REVIEWED_FIELDS - {
                        'price_tiers', 'certifications', 'product',
                        'company'}:
                    value = getattr(revision, name)
                    values[name] = getattr(value, 'id', value)
                to_write.extend(([revision.revision_of], values))
            cls.write(*to_write)
            cls._move_children(revisions)
        cls.apply_terms(cls.browse([o.id for o in originals]))

    @classmethod
    def _move_children(cls, revisions):
        "Give the revisions' tiers and certifications to the live listings"
        pool = Pool()
        Tier = pool.get('lao.listing.price_tier')
        Certification = pool.get('lao.listing.certification')
        for Model, name in [
                (Tier, 'price_tiers'), (Certification, 'certifications')]:
            for revision in revisions:
                children = getattr(revision, name)
                Model.copy(children, default={
                        'listing': revision.revision_of.id})

    @classmethod
    @ModelView.button_action('lao_b2b.wizard_listing_reject')
    def reject_wizard(cls, listings):
        pass

    @classmethod
    @ModelView.button_action('lao_b2b.wizard_listing_suspend')
    def suspend_wizard(cls, listings):
        pass

    @classmethod
    @Workflow.transition('suspended')
    def suspend(cls, listings, reason):
        reason = cls._check_reason(reason)
        cls._log_transition(listings, 'suspended', reason)

    @classmethod
    @ModelView.button
    @Workflow.transition('published')
    def reinstate(cls, listings):
        cls.check_vendors(listings)
        cls._log_transition(listings, 'published')

    @classmethod
    @ModelView.button
    @Workflow.transition('archived')
    def archive(cls, listings):
        cls._log_transition(listings, 'archived')
        revisions = cls.search([
                ('revision_of', 'in', [l.id for l in listings]),
                ('state', 'in', ['draft', 'rejected']),
                ])
        if revisions:
            cls.archive(revisions)

    @classmethod
    @ModelView.button
    def revise(cls, listings):
        "Create the draft revision of published listings"
        cls.create_revisions(listings)

    @classmethod
    def create_revisions(cls, listings):
        "Create and return the draft revisions of published listings"
        pending = cls.search([
                ('revision_of', 'in', [l.id for l in listings]),
                ('state', 'in', ['draft', 'submitted', 'rejected']),
                ], limit=1)
        if pending:
            raise ListingError(gettext(
                    'lao_b2b.msg_listing_revision_pending',
                    listing=pending[0].revision_of.rec_name))
        revisions = []
        for listing in listings:
            if listing.state != 'published':
                continue
            revision, = cls.copy([listing], default={
                    'revision_of': listing.id,
                    'state': 'draft',
                    })
            revisions.append(revision)
        return revisions

    @classmethod
    def apply_terms(cls, listings):
        """Write the published terms of listings into their price lists and
        onto their products' sale quantities"""
        pool = Pool()
        PriceList = pool.get('product.price_list')
        PriceListLine = pool.get('product.price_list.line')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        with Transaction().set_context(_check_access=False):
            lines = [l for listing in listings if listing.price_list
                for l in listing.price_list.lines]
            PriceListLine.delete(lines)
            to_save = []
            for listing in listings:
                product = listing.product
                default_uom = product.default_uom
                price_list = listing.price_list or PriceList(
                    company=listing.company,
                    name=gettext('lao_b2b.msg_listing_price_list_name',
                        listing=listing.title),
                    tax_included=False)
                price_list.lines = [PriceListLine(
                        product=product,
                        quantity=Uom.compute_qty(
                            listing.unit, tier.quantity, default_uom,
                            round=False),
                        formula=repr(round_price(Uom.compute_price(
                                    listing.unit, tier.unit_price,
                                    default_uom))),
                        ) for tier in sorted(listing.price_tiers,
                        key=lambda t: t.quantity, reverse=True)]
                price_list.save()
                listing.price_list = price_list
                to_save.append(listing)
            cls.save(to_save)
            templates = {}
            for listing in listings:
                template = listing.product.template
                sale_uom = template.sale_uom
                template.sale_quantity_minimal = Uom.compute_qty(
                    listing.unit, listing.minimum_quantity, sale_uom,
                    round=False)
                template.sale_quantity_rounding = (Uom.compute_qty(
                        listing.unit, listing.quantity_multiple, sale_uom,
                        round=False) if listing.quantity_multiple else None)
                templates[template.id] = template
            Template.save(list(templates.values()))

    # The web shop

    @property
    def vendor_application(self):
        "The approved application of the listing's vendor, for its badge"
        if self.company.vendor_state == 'active':
            return self.company.vendor_application

    @property
    def sorted_tiers(self):
        return sorted(self.price_tiers, key=lambda t: t.quantity)

    @property
    def web_editable(self):
        "Whether the vendor may change the listing on the web"
        return self.state in WEB_EDITABLE_LISTING_STATES

    @classmethod
    def web_commodities(cls):
        "The commodity categories a listing may have, by name"
        Category = Pool().get('product.category')
        return sorted(Category.search(Category.commodity_domain()),
            key=lambda c: c.rec_name)

    @classmethod
    def web_units(cls):
        "The units of sale offered on the web: weights, volumes and counts"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Uom = pool.get('product.uom')
        categories = [ModelData.get_id('product', f'uom_cat_{c}')
            for c in ['weight', 'volume', 'unit']]
        return Uom.search([('category', 'in', categories)],
            order=[('category', 'ASC'), ('factor', 'ASC'), ('id', 'ASC')])

    @classmethod
    def vendor_products(cls, company):
        """The salable products that company may list: those of its earlier
        listings and those its users created, unless listed already"""
        pool = Pool()
        Product = pool.get('product.product')
        User = pool.get('res.user')
        listing = cls.__table__()
        listed = listing.select(listing.product,
            where=(listing.revision_of == Null)
            & ~listing.state.in_(['archived', 'merged']))
        own = listing.select(listing.product,
            where=listing.company == company.id)
        with without_check_access():
            users = User.search([('companies', '=', company.id)])
            return Product.search([
                    ('salable', '=', True),
                    ['OR',
                        ('template.create_uid', 'in', [u.id for u in users]),
                        ('id', 'in', own),
                        ],
                    ('id', 'not in', listed),
                    ], order=[('rec_name', 'ASC')])

    def _check_web_product(self, product_id):
        "The product of id if the listing's vendor may list it, or raise"
        Product = Pool().get('product.product')
        for product in self.vendor_products(self.company):
            if product.id == product_id:
                return product
        raise WebUserError(gettext('lao_b2b.msg_web_listing_product',
                product=Product(product_id).rec_name
                if Product.search([('id', '=', product_id)]) else ''))

    def new_web_product(self):
        """A goods product of the vendor named after the listing, sold in
        the listing's unit, that its sales can invoice"""
        pool = Pool()
        Category = pool.get('product.category')
        Product = pool.get('product.product')
        Template = pool.get('product.template')
        with as_vendor_system(self.company):
            accounting = self.company.sales_account_category()
        first_tier = self.sorted_tiers[0] if self.price_tiers else None
        template = Template(
            name=self.title,
            type='goods',
            salable=True,
            default_uom=self.unit,
            sale_uom=self.unit,
            list_price=first_tier.unit_price if first_tier else Decimal(0),
            account_category=Category(accounting.id),
            categories=[self.category],
            products=[Product()])
        template.save()
        return template.products[0]

    @classmethod
    def create_from_web(cls, company, values):
        """Create a draft listing of company with values of the web form:
        a new product unless values['product'] is one of the vendor's"""
        translations = values.pop('translations', None) or {}
        product_id = values.pop('product', None)
        tiers = values.pop('price_tiers', [])
        certifications = values.pop('certifications', [])
        listing = cls(company=company, **values)
        listing.price_tiers = cls._web_tiers(tiers)
        listing.certifications = cls._web_certifications(certifications)
        listing.on_change_availability()
        if product_id:
            listing.product = listing._check_web_product(product_id)
        else:
            listing.product = listing.new_web_product()
        listing.save()
        listing.set_web_translations(translations)
        return listing

    @staticmethod
    def _web_tiers(tiers):
        Tier = Pool().get('lao.listing.price_tier')
        return [Tier(quantity=q, unit_price=p) for q, p in tiers]

    @staticmethod
    def _web_certifications(certifications):
        Certification = Pool().get('lao.listing.certification')
        return [Certification(**c) for c in certifications]

    def _web_differs(self, name, value):
        "Whether the form's value of field name differs from the listing's"
        current = getattr(self, name)
        if name == 'price_tiers':
            return (sorted((float(t.quantity), t.unit_price) for t in current)
                != sorted((float(q), p) for q, p in value))
        if name == 'certifications':
            def key(certification):
                return tuple(str(certification.get(f) or '')
                    for f in WEB_CERTIFICATION_FIELDS)
            return (sorted(key({f: getattr(c, f)
                            for f in WEB_CERTIFICATION_FIELDS})
                    for c in current)
                != sorted(key(v) for v in value))
        if isinstance(current, ModelSQL):
            current = current.id
        if isinstance(value, ModelSQL):
            value = value.id
        return (current or None) != (value or None)

    @classmethod
    def _web_write_values(cls, listing, changes):
        "The values of write for the changes, children replaced"
        values = {}
        for name, value in changes.items():
            if name == 'price_tiers':
                value = [('delete', [t.id for t in listing.price_tiers]),
                    ('create', [{'quantity': q, 'unit_price': p}
                            for q, p in value])]
            elif name == 'certifications':
                value = [('delete', [c.id for c in listing.certifications]),
                    ('create', value)]
            elif isinstance(value, ModelSQL):
                value = value.id
            values[name] = value
        return values

    def apply_web_changes(self, values):
        """Write the values of the web form and return the listing that
        holds them

        A draft or rejected listing is corrected as it is (a rejected one
        is then submitted again, its decisions kept).  On a published
        listing the reviewed terms change through a new draft revision,
        returned then, while the rest changes at once."""
        cls = self.__class__
        if self.state not in WEB_EDITABLE_LISTING_STATES:
            raise WebUserError(gettext(
                    'lao_b2b.msg_web_listing_not_editable',
                    listing=self.rec_name))
        listing = self
        translations = values.pop('translations', None) or {}
        shown = listing.web_translations(list(translations))
        product_id = values.pop('product', None)
        if product_id and product_id != listing.product.id:
            if listing.state != 'draft':
                raise ListingError(gettext(
                        'lao_b2b.msg_listing_reviewed_field',
                        listing=listing.rec_name))
            values['product'] = listing._check_web_product(product_id)
        if values.get('availability') == 'stock' and not listing.warehouse:
            values['warehouse'] = cls.company_warehouse(listing.company)
        changes = {n: v for n, v in values.items()
            if listing._web_differs(n, v)}
        holder = listing
        reviewed = REVIEWED_FIELDS & set(changes)
        if listing.state == 'published' and reviewed:
            holder, = cls.create_revisions([listing])
            cls.write([holder], cls._web_write_values(
                    holder, {n: changes.pop(n) for n in reviewed}))
        if changes:
            cls.write([listing], cls._web_write_values(listing, changes))
        listing.set_web_translations(translations, shown)
        return holder

    def web_translations(self, languages):
        """The title and description that the readers of each language see:
        {language: {'title': ..., 'description': ...}}"""
        texts = {}
        for language in languages:
            with Transaction().set_context(language=language):
                listing = self.__class__(self.id)
                texts[language] = {
                    'title': listing.title,
                    'description': listing.description,
                    }
        return texts

    def set_web_translations(self, translations, shown=None):
        """Write the titles and descriptions of translations given in other
        languages, those that differ from what was shown"""
        Lang = Pool().get('ir.lang')
        languages = {l.code for l in Lang.search([
                    ('code', 'in', list(translations)),
                    ])}
        for language, texts in translations.items():
            if language not in languages:
                continue
            before = (shown or {}).get(language, {})
            values = {n: v for n, v in texts.items()
                if n in {'title', 'description'} and v
                and v != before.get(n)}
            if values:
                with Transaction().set_context(language=language):
                    self.__class__.write([self.__class__(self.id)], values)


    # The vendor's web actions: WebUser.own finds the web user's listing
    # by this domain and vendor_action runs them as the vendor's manager

    @classmethod
    def web_owner_domain(cls, user):
        "The listings of the web user's approved vendors"
        return [
            ('company', 'in', [c.id for c in user.vendor_companies]),
            ('state', '!=', 'merged'),
            ]

    @classmethod
    def web_vendor_listings(cls, user):
        "The listings of the web user's approved vendors"
        if not user.vendor_companies:
            return []
        with without_check_access():
            return cls.search(cls.web_owner_domain(user),
                order=[('state', 'ASC'), ('id', 'DESC')])

    @classmethod
    @vendor_action(by_company=True)
    def web_vendor_products(cls, company):
        "The products that the web user's vendor company may list"
        return cls.vendor_products(company)

    @classmethod
    @vendor_action(by_company=True)
    def web_create(cls, company, values):
        """Create a draft listing of the web user's vendor company with
        values, with a new product unless values['product'] names one of
        its products"""
        return cls.create_from_web(company, dict(values))

    @classmethod
    @vendor_action
    def web_update(cls, listing, values):
        """Change the web user's listing and return the listing that holds
        the change: the listing, or the new revision of a published listing
        whose reviewed terms change"""
        return listing.apply_web_changes(dict(values))

    @classmethod
    @vendor_action
    def web_submit(cls, listing):
        cls.submit([listing])
        return listing

    @classmethod
    @vendor_action
    def web_archive(cls, listing):
        if (listing.state, 'archived') not in cls._transitions:
            raise WebUserError(gettext(
                    'lao_b2b.msg_web_listing_not_archivable',
                    listing=listing.rec_name))
        cls.archive([listing])
        return listing

    @classmethod
    @vendor_action
    def web_add_photo(cls, listing, filename, data):
        """Add an uploaded image to the photos of the web user's listing,
        stored as re-encoded by check_upload"""
        Photo = Pool().get('lao.listing.photo')
        listing.check_web_photos_editable()
        _, image = check_upload(filename, data, images_only=True)
        photo = Photo(listing=listing, image=image)
        photo.save()
        return photo

    @classmethod
    @vendor_action
    def web_remove_photo(cls, listing, photo_id):
        Photo = Pool().get('lao.listing.photo')
        if photo_id not in {p.id for p in listing.photos}:
            raise WebAccessError(gettext('lao_b2b.msg_web_not_found'))
        listing.check_web_photos_editable()
        Photo.delete([Photo(photo_id)])

    def check_web_photos_editable(self):
        if self.state == 'archived':
            raise WebUserError(gettext(
                    'lao_b2b.msg_web_listing_not_editable',
                    listing=self.rec_name))

    @classmethod
    def web_vendor_photo(cls, user, listing_id, photo_id):
        "The bytes of a photo of the web user's listing, or raise"
        listing = user.own(cls, listing_id)
        with without_check_access():
            for photo in listing.photos:
                if photo.id == photo_id and photo.image:
                    return bytes(photo.image)
        raise WebAccessError(gettext('lao_b2b.msg_web_not_found'))

    @classmethod
    def web_vendor_photo_sized(cls, user, listing_id, photo_id, size):
        """(version, WebP bytes) of a photo of the web user's listing at
        size (ListingPhoto.sized), or raise"""
        listing = user.own(cls, listing_id)
        with without_check_access():
            for photo in listing.photos:
                if photo.id == photo_id:
                    sized = photo.sized(size)
                    if sized:
                        return sized
        raise WebAccessError(gettext('lao_b2b.msg_web_not_found'))




def format_quantity(lang, quantity, unit):
    """quantity in unit written in lang with the digits it has (at most the
    unit's), grouped, and the unit's symbol"""
    quantity = round(quantity, unit.digits)
    digits = max(0, -Decimal(repr(quantity)).normalize().as_tuple().exponent)
    return lang.format_number_symbol(quantity, unit, digits=digits)


def is_multiple(quantity, multiple, digits):
    "Whether quantity is a whole number of multiple, to the unit's digits"
    ratio = Decimal(str(quantity)) / Decimal(str(multiple))
    return abs(ratio - ratio.to_integral_value()) * Decimal(str(multiple)) \
        < Decimal(1).scaleb(-(digits or 0)) / 2


class ListingChildVersionMixin(CatalogueVersionMixin):
    "Only the tiers, certifications and photos of published listings show"
    __slots__ = ()

    @classmethod
    def _catalogue_bump_areas(cls, mode, children, field_names):
        if any(c.listing.state == 'published' for c in children):
            return ('catalogue',)
        return ()


class ListingPriceTier(ListingChildVersionMixin, ModelSQL, ModelView):
    __string__ = "Listing Price Tier"
    __name__ = 'lao.listing.price_tier'
    listing = fields.Many2One(
        'lao.listing', "Listing", required=True, ondelete='CASCADE')
    quantity = fields.Float(
        "From Quantity", digits='unit', required=True,
        domain=[('quantity', '>=', 0)])
    unit = fields.Function(
        fields.Many2One('product.uom', "Unit"), 'on_change_with_unit')
    unit_price = fields.Numeric(
        "Unit Price", digits=price_digits, required=True,
        domain=[('unit_price', '>', 0)])
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"),
        'on_change_with_currency')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('listing')
        cls._order.insert(0, ('quantity', 'ASC'))

    @fields.depends('listing', '_parent_listing.unit')
    def on_change_with_unit(self, name=None):
        return self.listing.unit if self.listing else None

    @fields.depends('listing', '_parent_listing.company')
    def on_change_with_currency(self, name=None):
        if self.listing and self.listing.company:
            return self.listing.company.currency

    @classmethod
    def check_modification(cls, mode, tiers, values=None, external=False):
        super().check_modification(
            mode, tiers, values=values, external=external)
        check_draft_listing(tiers, values)


def check_draft_listing(children, values):
    "Refuse changes to the reviewed children of a non-draft listing"
    if Transaction().context.get('_lao_listing_review'):
        return
    listings = {c.listing for c in children}
    if values and values.get('listing'):
        listings.add(Pool().get('lao.listing')(values['listing']))
    for listing in listings:
        if listing.state not in TERMS_EDITABLE_STATES:
            raise ListingError(gettext(
                    'lao_b2b.msg_listing_reviewed_field',
                    listing=listing.rec_name))


class ListingCertification(
        ListingChildVersionMixin, ModelSQL, ModelView):
    __string__ = "Listing Certification"
    __name__ = 'lao.listing.certification'
    listing = fields.Many2One(
        'lao.listing', "Listing", required=True, ondelete='CASCADE')
    kind = fields.Selection(CERTIFICATION_KINDS, "Kind", required=True)
    name = fields.Char(
        "Name", required=True, translate=True,
        help="For example: Bolaven Plateau Coffee.")
    issuer = fields.Char("Issued By")
    number = fields.Char("Number")
    valid_from = fields.Date("Valid From")
    valid_to = fields.Date(
        "Valid To",
        domain=[If(Bool(Eval('valid_from')) & Bool(Eval('valid_to')),
                ('valid_to', '>=', Eval('valid_from')),
                ())])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('listing')

    @classmethod
    def check_modification(cls, mode, certifications, values=None,
            external=False):
        super().check_modification(
            mode, certifications, values=values, external=external)
        check_draft_listing(certifications, values)

    def get_rec_name(self, name):
        if self.number:
            return f'{self.name} ({self.number})'
        return self.name


class ListingPhoto(
        ListingChildVersionMixin, sequence_ordered(), ModelSQL, ModelView):
    """A photo of a listing, with the sizes the web shop shows (PHOTO_SIZES)
    made once when the image is stored: the id of each size's file changes
    with the image and versions its address"""
    __string__ = "Listing Photo"
    __name__ = 'lao.listing.photo'
    listing = fields.Many2One(
        'lao.listing', "Listing", required=True, ondelete='CASCADE')
    image = fields.Binary("Image", file_id='image_id', required=True)
    image_id = fields.Char("Image ID", readonly=True)
    caption = fields.Char("Caption", translate=True)
    # Empty when Pillow cannot read the image (the web shop's uploads are
    # always read, check_upload): the image is then shown as it is
    card = fields.Binary("Card Image", file_id='card_id', readonly=True)
    card_id = fields.Char("Card Image ID", readonly=True)
    page = fields.Binary("Page Image", file_id='page_id', readonly=True)
    page_id = fields.Char("Page Image ID", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('listing')

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        # Migration from 8.0.0: the sizes of the photos stored before them
        cls._fill_sizes()

    @classmethod
    def _fill_sizes(cls):
        """Make the sizes of the photos that have none, reading and writing
        the filestore as the Binary fields do"""
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        table = cls.__table__()
        prefix = transaction.database.name
        cursor.execute(*table.select(table.id, table.image_id,
                where=(table.card_id == Null) & (table.page_id == Null)
                & (table.image_id != Null) & (table.image_id != '')))
        for photo_id, image_id in cursor.fetchall():
            try:
                sizes = photo_sizes(filestore.get(image_id, prefix=prefix))
            except OSError:
                # The file is missing: nothing to read
                continue
            if not sizes:
                continue
            cursor.execute(*table.update([table.card_id, table.page_id], [
                        filestore.set(sizes['card'], prefix=prefix),
                        filestore.set(sizes['page'], prefix=prefix)],
                    where=table.id == photo_id))

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if 'image' in values:
            sizes = photo_sizes(values['image']) if values['image'] else {}
            for name in PHOTO_SIZES:
                values[name] = sizes.get(name)
        return values

    def sized(self, size):
        """(version, WebP bytes) of the photo at size (a key of
        PHOTO_SIZES), or None when it has no sizes"""
        if size in PHOTO_SIZES:
            version = getattr(self, f'{size}_id')
            if version:
                return version, bytes(getattr(self, size))


class RejectListing(DecideWithReason):
    __string__ = "Reject Listing"
    __name__ = 'lao.listing.reject'
    _decision = 'reject'


class SuspendListing(DecideWithReason):
    __string__ = "Suspend Listing"
    __name__ = 'lao.listing.suspend'
    _decision = 'suspend'
