"""Export requirements, vendors' registrations and export readiness.

A requirement says what a destination country asks before it accepts a
good: for a commodity (a product category and its children) or an HS code
range, a registration the vendor must hold (China Customs CIFER
registration of the producer, registered orchard or packhouse...), a
market-access protocol that must be in force, or a document needed for
each consignment (phytosanitary certificate, certificate of origin...).

A listing is export-ready for a destination when at least one requirement
applies to it, its product has an HS code, every protocol is in force and
its vendor holds a valid registration of every kind asked for, still valid
for the requirement's minimum number of days.  Readiness is computed for
many listings in one query per destination.
"""
import datetime as dt
import re
from collections import defaultdict

from sql import Literal, Null
from sql.aggregate import Max, Min
from sql.conditionals import Case
from sql.functions import Function, Substring
from sql.operators import Concat, Or

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, fields)
from trytond.model.fields import SQL_OPERATORS
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from .exceptions import (
    RegistrationValidationError, RequirementValidationError)

# Held by the vendor, checked for the readiness of its listings
REGISTRATION_KINDS = [
    ('cifer_registration',
        "China Customs Registration of the Producer (CIFER)"),
    ('orchard_registration', "Registered Orchard or Farm"),
    ('packhouse_registration', "Registered Packhouse"),
    ('exporter_registration', "Registered Exporter"),
    ('import_permit', "Import Permit of the Destination"),
    ]
# Issued for each consignment, checked on the customs declaration
CONSIGNMENT_KINDS = [
    ('phytosanitary_certificate', "Phytosanitary Certificate"),
    ('certificate_of_origin', "Certificate of Origin (Form D, Form E or RCEP)"),
    ('fumigation_certificate', "Fumigation Certificate"),
    ('health_certificate', "Health Certificate"),
    ('pre_export_inspection', "Pre-Export Inspection Report"),
    ]
REQUIREMENT_KINDS = (
    [('market_access', "Market Access Protocol")]
    + REGISTRATION_KINDS + CONSIGNMENT_KINDS)
_REGISTRATION_KINDS = {k for k, _ in REGISTRATION_KINDS}
_CONSIGNMENT_KINDS = {k for k, _ in CONSIGNMENT_KINDS}

HS_CODE = re.compile(r'^\d{2,10}$')


def hs_digits(code):
    "The digits of an HS code written with dots or spaces"
    return re.sub(r'\D', '', code or '')


class Replace(Function):
    "REPLACE(string, from, to) of SQLite and PostgreSQL"
    __slots__ = ()
    _function = 'REPLACE'


def hs_in_range(digits, low, high):
    "Whether the HS code's digits lie between the prefixes low and high"
    return bool(digits) and low <= digits[:len(low)] and (
        digits[:len(high)] <= high)


class Requirement(DeactivableMixin, ModelSQL, ModelView):
    __string__ = "Export Requirement"
    __name__ = 'lao.export.requirement'

    name = fields.Char("Name", required=True, translate=True)
    destination = fields.Many2One(
        'country.country', "Destination", required=True)
    commodity = fields.Many2One(
        'product.category', "Commodity",
        help="The requirement applies to this category and its children.")
    hs_code_from = fields.Char(
        "HS Code From",
        help="The first HS code (or its first digits) of the range.")
    hs_code_to = fields.Char(
        "HS Code To",
        help="The last HS code (or its first digits) of the range.")
    kind = fields.Selection(REQUIREMENT_KINDS, "Kind", required=True)
    protocol_date = fields.Date(
        "Protocol Date",
        states={
            'invisible': Eval('kind') != 'market_access',
            },
        help="The date from which the protocol lets the good in; "
        "without it there is no market access.")
    minimum_remaining_days = fields.Integer(
        "Minimum Remaining Validity (Days)",
        domain=['OR',
            ('minimum_remaining_days', '=', None),
            ('minimum_remaining_days', '>=', 0),
            ],
        states={
            'invisible': ~Eval('kind').in_(list(_REGISTRATION_KINDS)),
            },
        help="The registration must still be valid this many days after "
        "the day of the check.")
    validity_years = fields.Integer(
        "Validity (Years)",
        help="How long the registration or document is valid once issued.")
    source = fields.Char(
        "Source", required=True,
        help="Where the rule comes from: the regulation and the page read.")
    notes = fields.Text("Notes", translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.destination, Index.Equality())))
        cls._order.insert(0, ('destination', 'ASC'))
        cls._order.insert(1, ('kind', 'ASC'))

    @classmethod
    def validate_fields(cls, requirements, field_names):
        super().validate_fields(requirements, field_names)
        for requirement in requirements:
            requirement.check_scope()

    def check_scope(self):
        if not self.commodity and not self.hs_code_from:
            raise RequirementValidationError(gettext(
                    'lao_crossborder.msg_requirement_scope',
                    requirement=self.rec_name))
        for code in [self.hs_code_from, self.hs_code_to]:
            if code and not HS_CODE.match(code):
                raise RequirementValidationError(gettext(
                        'lao_crossborder.msg_requirement_hs_code',
                        requirement=self.rec_name, code=code))

    @property
    def vendor_held(self):
        return self.kind in _REGISTRATION_KINDS

    @property
    def per_consignment(self):
        return self.kind in _CONSIGNMENT_KINDS

    def protocol_in_force(self, date):
        return bool(self.protocol_date and self.protocol_date <= date)

    def matches_hs_code(self, code):
        "Whether the HS code lies in the requirement's range"
        if not self.hs_code_from:
            return True
        return hs_in_range(
            hs_digits(code), self.hs_code_from,
            self.hs_code_to or self.hs_code_from)

    @classmethod
    def commodity_categories(cls, requirements):
        """The ids of the categories each requirement's commodity covers
        (itself and its descendants), from one read of the category tree"""
        Category = Pool().get('product.category')
        category = Category.__table__()
        cursor = Transaction().connection.cursor()
        children = defaultdict(list)
        if any(r.commodity for r in requirements):
            cursor.execute(*category.select(category.id, category.parent,
                    where=category.parent != Null))
            for child, parent in cursor:
                children[parent].append(child)
        result = {}
        for requirement in requirements:
            if requirement.commodity:
                covered, todo = set(), [requirement.commodity.id]
                while todo:
                    node = todo.pop()
                    if node not in covered:
                        covered.add(node)
                        todo.extend(children[node])
                result[requirement.id] = covered
            else:
                result[requirement.id] = None
        return result

    @classmethod
    def destinations(cls):
        "The countries for which requirements are recorded"
        return sorted(
            {r.destination for r in cls.search([])}, key=lambda c: c.code)

    def applies_to(self, category_id, digits, categories):
        """Whether the requirement applies to a listing of the commodity
        category_id whose HS code has digits; categories is
        commodity_categories' answer"""
        covered = categories[self.id]
        if covered is not None and category_id not in covered:
            return False
        if self.hs_code_from:
            return hs_in_range(
                digits, self.hs_code_from,
                self.hs_code_to or self.hs_code_from)
        return True

    def valid_registration(self, company, date):
        """The vendor's registration of the requirement's kind valid on
        date and for its minimum remaining days after, or None"""
        Registration = Pool().get('lao.export.registration')
        until = date + dt.timedelta(days=self.minimum_remaining_days or 0)
        with without_check_access():
            registrations = Registration.search([
                    ('company', '=', company.id),
                    ('destination', '=', self.destination.id),
                    ('kind', '=', self.kind),
                    ('valid_from', '<=', date),
                    ['OR',
                        ('valid_to', '=', None),
                        ('valid_to', '>=', until),
                        ],
                    ], order=[('id', 'ASC')], limit=1)
        return registrations[0] if registrations else None

    @classmethod
    def listing_hs_code(cls, listing, destination):
        """The HS code of the listing's product for the destination: the
        first of its template's tariff codes of the destination or of no
        country"""
        codes = [t.tariff_code.code
            for t in listing.product.template.tariff_codes
            if not t.tariff_code.country
            or t.tariff_code.country == destination]
        return min(codes) if codes else None

    @classmethod
    def checklist(cls, listings, destination, date=None):
        """The checklist of each listing for the destination, item by item,
        for the listing's form

        Returns a dictionary mapping each listing id to a list of
        (requirement, registration, ok) for the requirements checked before
        sale (registrations and protocols) and of (requirement, None, None)
        for the documents needed per consignment.  A listing whose product
        has no HS code, or to which no requirement applies, has one entry
        with requirement None: it is not ready.  Each listing is read on its
        own, with the registration that meets each requirement: for many
        listings, readiness answers the same in one query."""
        Listing = Pool().get('lao.listing')
        if date is None:
            date = dt.date.today()
        requirements = cls.search([('destination', '=', destination.id)])
        categories = cls.commodity_categories(requirements)
        result = {}
        with without_check_access():
            listings = Listing.browse([int(l) for l in listings])
        for listing in listings:
            digits = hs_digits(cls.listing_hs_code(listing, destination))
            items = []
            if not digits:
                items.append((None, None, False))
            for requirement in requirements:
                if not requirement.applies_to(
                        listing.category.id, digits, categories):
                    continue
                if requirement.kind == 'market_access':
                    items.append((requirement, None,
                            requirement.protocol_in_force(date)))
                elif requirement.vendor_held:
                    registration = requirement.valid_registration(
                        listing.company, date)
                    items.append(
                        (requirement, registration, bool(registration)))
                else:
                    items.append((requirement, None, None))
            if not items:
                items.append((None, None, False))
            result[listing.id] = items
        return result

    @classmethod
    def readiness_query(cls, destination, date=None, listings=None):
        """The python-sql query of the export readiness of listings for the
        destination on date, and what its columns answer

        The query has a row per listing: its id, then an integer whose bit
        k is set when the listing misses the k-th item of the returned
        list: None (no HS code, or no requirement applies), then the ids of
        the registration requirements and of the protocols not in force.
        A listing is ready when it misses none (0).
        listings is None (every listing), a list of at most
        MAX_QUERY_PARAMS // 2 ids, or a python-sql query of ids.  The same
        rules as checklist, written as SQL: the requirements (a handful)
        become expressions, the vendors' valid registrations one grouped
        sub-query joined on the vendor."""
        pool = Pool()
        Listing = pool.get('lao.listing')
        Product = pool.get('product.product')
        Template = pool.get('product.template')
        ProductTariff = pool.get('product-customs.tariff.code')
        TariffCode = pool.get('customs.tariff.code')
        Registration = pool.get('lao.export.registration')
        if date is None:
            date = dt.date.today()
        requirements = cls.search([('destination', '=', destination.id)])
        categories = cls.commodity_categories(requirements)

        listing = Listing.__table__()
        product = Product.__table__()
        product_tariff = ProductTariff.__table__()
        tariff_code = TariffCode.__table__()
        template_ref = Concat(
            '%s,' % Template.__name__, product.template.cast('VARCHAR'))
        # the first HS code of each template for the destination
        # (its digits computed once per template, not once per listing)
        hs_codes = product_tariff.join(tariff_code,
            condition=product_tariff.tariff_code == tariff_code.id
            ).select(product_tariff.product.as_('product'),
            Replace(Replace(Min(tariff_code.code), '.', ''), ' ', ''
                ).as_('digits'),
            where=product_tariff.product.like(Template.__name__ + ',%')
            & ((tariff_code.country == Null)
                | (tariff_code.country == destination.id)),
            group_by=[product_tariff.product])
        if listings is None:
            where = None
        else:
            where = SQL_OPERATORS['in'](listing.id, listings)
        base = listing.join(product,
            condition=listing.product == product.id
            ).join(hs_codes, 'LEFT',
            condition=hs_codes.product == template_ref
            ).select(listing.id.as_('id'), listing.company.as_('company'),
            listing.category.as_('category'),
            hs_codes.digits.as_('digits'),
            where=where)
        digits = base.digits

        # one column per kind and minimum validity asked: 1 when the vendor
        # holds a valid registration of that kind, else NULL
        validity = sorted({
                (r.kind, r.minimum_remaining_days or 0)
                for r in requirements if r.vendor_held})
        # whether the vendor lacks a valid registration of the kind
        unheld = {}
        query = base
        if validity:
            registration = Registration.__table__()
            columns = [registration.company.as_('company')]
            for i, (kind, days) in enumerate(validity):
                until = date + dt.timedelta(days=days)
                columns.append(Max(Case(((registration.kind == kind)
                                & ((registration.valid_to == Null)
                                    | (registration.valid_to >= until)),
                                1))).as_('held_%s' % i))
            registrations = registration.select(*columns,
                where=(registration.destination == destination.id)
                & (registration.active == Literal(True))
                & (registration.valid_from <= date),
                group_by=[registration.company])
            query = base.join(registrations, 'LEFT',
                condition=registrations.company == base.company)
            for i, key in enumerate(validity):
                unheld[key] = getattr(registrations, 'held_%s' % i) == Null

        # The requirements' category conditions are decided here, once per
        # group of categories that the same requirements cover, rather than
        # by each row: the mask is a CASE on the category whose branches
        # hold only the requirements of their group, without category test.
        # A condition is NULL only for a listing without HS code digits,
        # which misses the first item whatever the others answer: no
        # condition needs a CASE to make it TRUE or FALSE
        items = [None]
        bits = {}
        for requirement in requirements:
            if requirement.kind == 'market_access':
                if not requirement.protocol_in_force(date):
                    bits[requirement.id] = 1 << len(items)
                    items.append(requirement.id)
            elif requirement.vendor_held:
                bits[requirement.id] = 1 << len(items)
                items.append(requirement.id)

        def hs_condition(requirement):
            if not requirement.hs_code_from:
                return None
            low = requirement.hs_code_from
            high = requirement.hs_code_to or low
            return ((Substring(digits, 1, len(low)) >= low)
                & (Substring(digits, 1, len(high)) <= high))

        def group_mask(group):
            "The mask of a listing to which only the group may apply"
            applies, terms = [], []
            for requirement in group:
                condition = hs_condition(requirement)
                applies.append(
                    condition if condition is not None else Literal(True))
                if requirement.id not in bits:
                    continue
                bit = Literal(bits[requirement.id])
                flag = condition
                if requirement.vendor_held:
                    lacks = unheld[(requirement.kind,
                            requirement.minimum_remaining_days or 0)]
                    flag = lacks if flag is None else flag & lacks
                terms.append(bit if flag is None
                    else Case((flag, bit), else_=Literal(0)))
            no_requirement = (digits == Null) | (digits == '')
            if applies:
                no_requirement |= ~Or(applies)
            return sum(terms,
                Case((no_requirement, Literal(1)), else_=Literal(0)))

        # the categories grouped by the requirements that may apply to them
        groups = defaultdict(list)
        named = set().union(*(c for c in categories.values() if c))
        for category in sorted(named):
            groups[tuple(r for r in requirements
                    if categories[r.id] is None
                    or category in categories[r.id])].append(category)
        anywhere = [r for r in requirements if categories[r.id] is None]
        mask = group_mask(anywhere)
        if groups:
            mask = Case(*((base.category.in_(group_categories),
                        group_mask(group))
                    for group, group_categories in groups.items()),
                else_=mask)
        return query.select(base.id, mask), items

    @classmethod
    def readiness(cls, listings, destination, date=None):
        """The items each listing misses to be export-ready for the
        destination on date, computed set-based: a dictionary mapping each
        listing id to the tuple of the ids of the requirements it misses
        (None first for a missing HS code or when no requirement applies),
        empty when the listing is ready

        listings are records or ids, or None for every listing: one query
        per destination (per slice of the backend's query parameters for a
        list of listings)."""
        cursor = Transaction().connection.cursor()
        if listings is None:
            slices = [None]
        else:
            slices = grouped_slice(
                [int(l) for l in listings], backend.MAX_QUERY_PARAMS // 2)
        result = {}
        for sub_ids in slices:
            if sub_ids is not None:
                sub_ids = list(sub_ids)
            query, items = cls.readiness_query(
                destination, date=date, listings=sub_ids)
            cursor.execute(*query)
            # fetchall: iterating psycopg's cursor costs a call per row
            rows = cursor.fetchall()
            # a tuple per mask, shared by its listings: a list per listing
            # would cost more than the query (and wake the garbage
            # collector) at tens of thousands of listings
            decoded = {
                mask: tuple(i for k, i in enumerate(items) if mask >> k & 1)
                for mask in {mask for _, mask in rows}}
            result.update(
                {listing_id: decoded[mask] for listing_id, mask in rows})
        return result

    @classmethod
    def missing(cls, listings, destination, date=None):
        """The texts of what each listing lacks to be export-ready for the
        destination: an empty list when it is ready (set-based, through
        readiness)"""
        readiness = cls.readiness(listings, destination, date=date)
        requirements = {r.id: r for r in cls.browse(list(
                    {i for items in readiness.values() for i in items
                        if i is not None}))}
        return {
            listing_id: [cls.missing_text(requirements.get(i)) for i in items]
            for listing_id, items in readiness.items()}

    @classmethod
    def missing_text(cls, requirement):
        if requirement is None:
            return gettext('lao_crossborder.msg_readiness_no_requirement')
        if requirement.kind == 'market_access':
            return gettext('lao_crossborder.msg_readiness_no_protocol',
                requirement=requirement.rec_name)
        return gettext('lao_crossborder.msg_readiness_no_registration',
            requirement=requirement.rec_name)


class Registration(DeactivableMixin, ModelSQL, ModelView):
    __string__ = "Export Registration"
    __name__ = 'lao.export.registration'

    company = fields.Many2One(
        'company.company', "Vendor", required=True)
    destination = fields.Many2One(
        'country.country', "Destination", required=True)
    kind = fields.Selection(REGISTRATION_KINDS, "Kind", required=True)
    number = fields.Char("Number", required=True)
    issuer = fields.Char(
        "Issuer", help="The authority that registered the vendor.")
    valid_from = fields.Date("Valid From", required=True)
    valid_to = fields.Date(
        "Valid To",
        domain=[If(Eval('valid_to') & Eval('valid_from'),
                ('valid_to', '>=', Eval('valid_from')),
                ())])
    document = fields.Binary("Document", filename='filename')
    filename = fields.Char("File Name")
    warning_days = fields.Integer(
        "Warn Before Expiry (Days)", required=True,
        domain=[('warning_days', '>=', 0)])
    warned_on = fields.Date("Warned On", readonly=True)
    status = fields.Function(fields.Selection([
                ('valid', "Valid"),
                ('expiring', "Expiring"),
                ('expired', "Expired"),
                ('future', "Not Yet Valid"),
                ], "Status"), 'get_status')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t,
                    (t.company, Index.Equality()),
                    (t.destination, Index.Equality()),
                    (t.kind, Index.Equality())),
                Index(t, (t.valid_to, Index.Range())),
                })
        cls._order.insert(0, ('valid_to', 'ASC NULLS LAST'))

    @classmethod
    def default_warning_days(cls):
        return 90

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    def get_rec_name(self, name):
        kinds = dict(self.fields_get(['kind'])['kind']['selection'])
        return '%s %s' % (kinds.get(self.kind, self.kind), self.number)

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('number',) + tuple(clause[1:])]

    def get_status(self, name):
        today = dt.date.today()
        if self.valid_from > today:
            return 'future'
        if self.valid_to:
            if self.valid_to < today:
                return 'expired'
            if self.valid_to <= today + dt.timedelta(days=self.warning_days):
                return 'expiring'
        return 'valid'

    @classmethod
    def validate_fields(cls, registrations, field_names):
        super().validate_fields(registrations, field_names)
        if field_names and not (field_names & {'company', 'kind'}):
            return
        Company = Pool().get('company.company')
        vendors = Company.active_vendors(
            {r.company.id for r in registrations})
        for registration in registrations:
            if registration.company.id not in vendors:
                raise RegistrationValidationError(gettext(
                        'lao_crossborder.msg_registration_not_vendor',
                        company=registration.company.rec_name))

    @classmethod
    def expiring(cls, date=None):
        "The registrations to warn about on date that were not warned yet"
        if date is None:
            date = dt.date.today()
        registrations = cls.search([
                ('valid_to', '!=', None),
                ('valid_to', '>=', date),
                ('warned_on', '=', None),
                ])
        return [r for r in registrations
            if r.valid_to <= date + dt.timedelta(days=r.warning_days)]

    @classmethod
    def warn_expiring(cls, date=None):
        """Notify the vendor's users of the registrations that expire
        within their warning period, once for each registration"""
        pool = Pool()
        Notification = pool.get('res.notification')
        User = pool.get('res.user')
        if date is None:
            date = dt.date.today()
        registrations = cls.expiring(date)
        if not registrations:
            return
        users = defaultdict(list)
        for user in User.search([
                    ('companies', 'in',
                        list({r.company.id for r in registrations})),
                    ]):
            for company in user.companies:
                users[company.id].append(user)
        notifications = []
        for registration in registrations:
            for user in users[registration.company.id]:
                with Transaction().set_context(language=user.language.code
                        if user.language else None):
                    notifications.append(Notification(
                            user=user,
                            label=gettext(
                                'lao_crossborder.msg_registration_expiring',
                                registration=registration.rec_name),
                            description=gettext(
                                'lao_crossborder'
                                '.msg_registration_expiring_description',
                                registration=registration.rec_name,
                                date=registration.valid_to.isoformat()),
                            model=cls.__name__,
                            records=str([registration.id]),
                            ))
        Notification.save(notifications)
        cls.write(registrations, {'warned_on': date})

    @classmethod
    def copy(cls, registrations, default=None):
        default = default.copy() if default else {}
        default.setdefault('warned_on', None)
        return super().copy(registrations, default=default)

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        args = []
        for registrations, values in zip(actions, actions):
            if 'valid_to' in values and 'warned_on' not in values:
                # a renewed registration is warned again before its new end
                values = values.copy()
                values['warned_on'] = None
            args.extend((registrations, values))
        super().write(*args)
