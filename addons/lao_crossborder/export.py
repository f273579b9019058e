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

from sql import Null
from sql.aggregate import Min
from sql.operators import Concat

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, fields)
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

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
        "The ids of the categories each requirement's commodity covers"
        Category = Pool().get('product.category')
        result = {}
        for requirement in requirements:
            if requirement.commodity:
                result[requirement.id] = {c.id for c in Category.search([
                            ('parent', 'child_of',
                                [requirement.commodity.id]),
                            ])}
            else:
                result[requirement.id] = None
        return result

    @classmethod
    def destinations(cls):
        "The countries for which requirements are recorded"
        return sorted(
            {r.destination for r in cls.search([])}, key=lambda c: c.code)

    @classmethod
    def checklist(cls, listings, destination, date=None):
        """The checklist of each listing for the destination

        Returns a dictionary mapping each listing id to a list of
        (requirement, registration, ok) for the requirements checked before
        sale (registrations and protocols) and of (requirement, None, None)
        for the documents needed per consignment.  A listing whose product
        has no HS code, or to which no requirement applies, has an entry
        with requirement None: it is not ready.  One query per destination
        and slice of listings."""
        pool = Pool()
        Listing = pool.get('lao.listing')
        Product = pool.get('product.product')
        Template = pool.get('product.template')
        ProductTariff = pool.get('product-customs.tariff.code')
        TariffCode = pool.get('customs.tariff.code')
        Registration = pool.get('lao.export.registration')
        cursor = Transaction().connection.cursor()
        if date is None:
            date = dt.date.today()

        requirements = cls.search([('destination', '=', destination.id)])
        categories = cls.commodity_categories(requirements)
        # one column per kind and minimum validity asked
        validity = sorted({
                (r.kind, r.minimum_remaining_days or 0)
                for r in requirements if r.vendor_held})

        listing = Listing.__table__()
        product = Product.__table__()
        product_tariff = ProductTariff.__table__()
        tariff_code = TariffCode.__table__()
        template_ref = Concat(
            '%s,' % Template.__name__, product.template.cast('VARCHAR'))
        hs_code = product_tariff.join(tariff_code,
            condition=product_tariff.tariff_code == tariff_code.id
            ).select(Min(tariff_code.code),
            where=(product_tariff.product == template_ref)
            & ((tariff_code.country == Null)
                | (tariff_code.country == destination.id)))
        columns = [listing.id, listing.company, listing.category, hs_code]
        for kind, days in validity:
            registration = Registration.__table__()
            columns.append(registration.select(Min(registration.id),
                    where=(registration.company == listing.company)
                    & (registration.destination == destination.id)
                    & (registration.kind == kind)
                    & (registration.active == True)  # noqa: E712
                    & (registration.valid_from <= date)
                    & ((registration.valid_to == Null)
                        | (registration.valid_to
                            >= date + dt.timedelta(days=days)))))

        # the requirements as plain values, read once for all the listings
        rules = []
        for requirement in requirements:
            if requirement.kind == 'market_access':
                check = ('protocol', requirement.protocol_in_force(date))
            elif requirement.vendor_held:
                check = ('registration', (requirement.kind,
                        requirement.minimum_remaining_days or 0))
            else:
                check = ('consignment', None)
            low = requirement.hs_code_from
            rules.append((requirement.id, categories[requirement.id],
                    low, requirement.hs_code_to or low, check))

        result = {}
        # half the parameters for the ids: the sub-queries take some too
        for sub_ids in grouped_slice(
                [l.id for l in listings], backend.MAX_QUERY_PARAMS // 2):
            cursor.execute(*listing.join(product,
                    condition=listing.product == product.id
                    ).select(*columns,
                    where=reduce_ids(listing.id, sub_ids)))
            for row in cursor:
                listing_id, _, category_id, code = row[:4]
                registrations = dict(zip(validity, row[4:]))
                digits = hs_digits(code)
                items = []
                if not code:
                    items.append((None, None, False))
                for requirement_id, cats, low, high, (kind, value) in rules:
                    if cats is not None and category_id not in cats:
                        continue
                    if low and not hs_in_range(digits, low, high):
                        continue
                    if kind == 'protocol':
                        items.append((requirement_id, None, value))
                    elif kind == 'registration':
                        registration = registrations[value]
                        items.append((requirement_id, registration,
                                bool(registration)))
                    else:
                        items.append((requirement_id, None, None))
                if not any(r for r, _, _ in items):
                    items.append((None, None, False))
                result[listing_id] = items
        by_id = {r.id: r for r in requirements}
        registration_ids = {
            g for items in result.values() for _, g, _ in items if g}
        registrations = {
            g.id: g for g in Registration.browse(list(registration_ids))}
        return {
            listing_id: [
                (by_id.get(r), registrations.get(g), ok)
                for r, g, ok in items]
            for listing_id, items in result.items()}

    @classmethod
    def missing(cls, listings, destination, date=None):
        """The texts of what each listing lacks to be export-ready for the
        destination: an empty list when it is ready"""
        checklist = cls.checklist(listings, destination, date=date)
        return {
            listing_id: [cls.missing_text(r) for r, _, ok in items
                if ok is False]
            for listing_id, items in checklist.items()}

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
