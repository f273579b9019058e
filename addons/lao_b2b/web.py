"""What the web shop (storefront/) asks of the platform.

Buyers and vendors sign up on the web shop as a `web.user` (module
web_user).  A buyer keeps its business profile on the party linked to its web
user; a vendor applies through a `lao.vendor.application` that remembers the
web user who filed it.  The web shop runs as the dedicated user
`lao_b2b.user_storefront` with access checks on: every rule about who may do
what on whose record lives here, so that the web handlers only parse, call and
render.

The exceptions of this file are declared here rather than in exceptions.py
because the web shop is an optional face of the module with its own messages
(web.xml).
"""
import re
from contextlib import contextmanager
from decimal import Decimal
from typing import NamedTuple

from sql import Cast, Null, NullsFirst
from sql.operators import ILike

from trytond import backend, config
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelSQL, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice, reduce_ids
from trytond.tools.email_ import (
    EmailNotValidError, validate_email as validate_email_address)
from trytond.transaction import Transaction, without_check_access

from .common import as_vendor_system
from .exceptions import ListingError, VendorBlacklistedError
from .listing import REVIEWED_FIELDS


# The file types a vendor may upload, recognised by their first bytes: the
# name and the type announced by the browser are not to be trusted.
DOCUMENT_SIGNATURES = [
    (b'%PDF-', 'application/pdf', '.pdf'),
    (b'\xff\xd8\xff', 'image/jpeg', '.jpg'),
    (b'\x89PNG\r\n\x1a\n', 'image/png', '.png'),
    ]
DOCUMENT_MAX_SIZE = 5 * 1024 * 1024
# The photos of a listing: images only
IMAGE_SIGNATURES = [
    s for s in DOCUMENT_SIGNATURES if s[1].startswith('image/')]
# The states in which a vendor changes a listing on the web: a rejected
# listing goes back to draft first, a published one changes its reviewed
# terms through a revision
WEB_EDITABLE_LISTING_STATES = {'draft', 'rejected', 'published'}
# The fields of a certification that the web form gives
WEB_CERTIFICATION_FIELDS = ['kind', 'name', 'issuer', 'number', 'valid_to']


class WebAccessError(UserError):
    "The web user asked for a record that is not theirs"


class WebUserError(UserError):
    pass


class WebUploadError(ValidationError):
    pass


def _escape_like(text):
    "text for a LIKE pattern that matches it literally"
    return (text.replace('\\', '\\\\').replace('%', '\\%')
        .replace('_', '\\_'))


def check_upload(filename, data, signatures, type_message):
    """Check the size and the real type of an uploaded file among
    signatures and return a safe file name with the extension of its type"""
    data = data or b''
    if not data:
        raise WebUploadError(gettext('lao_b2b.msg_web_upload_empty'))
    max_size = document_max_size()
    if len(data) > max_size:
        raise WebUploadError(gettext(
                'lao_b2b.msg_web_upload_too_big',
                size=max_size // (1024 * 1024)))
    for signature, _, extension in signatures:
        if data.startswith(signature):
            break
    else:
        raise WebUploadError(gettext(type_message))
    stem = ''.join(
        c for c in (filename or '').rsplit('.', 1)[0]
        if c.isalnum() or c in '-_')[:80] or 'document'
    return stem + extension


@contextmanager
def acting_for_vendor(application):
    """Act as the manager of an approved vendor in its company: the vendor
    has on the web the rights and the company rule it has in the back
    office, and the decision log names its manager"""
    transaction = Transaction()
    company = application.company
    with transaction.set_user(application.manager.id), \
            transaction.set_context(company=company.id,
                companies=[company.id], _check_access=True):
        yield


def web_password_length():
    return config.getint('lao_b2b', 'web_password_length', default=8)


def document_max_size():
    return config.getint(
        'lao_b2b', 'document_max_size', default=DOCUMENT_MAX_SIZE)


class WebUser(metaclass=PoolMeta):
    __name__ = 'web.user'

    vendor_applications = fields.One2Many(
        'lao.vendor.application', 'web_user', "Vendor Applications",
        readonly=True)

    @classmethod
    def check_web_password(cls, password):
        "Refuse a password too short for an account reachable from anywhere"
        length = web_password_length()
        if len(password or '') < length:
            raise WebUserError(gettext(
                    'lao_b2b.msg_web_password_length', length=length))

    @classmethod
    def sign_up(cls, email, password):
        """Create a web user and send it the e-mail to validate its address

        For an address that has an account, the answer is the same: its
        owner is e-mailed instead (a link to choose a new password, or to
        validate the address if not yet done) and nothing is created, so
        that sign-up does not tell who has an account.
        The message is sent when the transaction commits."""
        email = (email or '').strip().lower()
        try:
            # Tryton checks deliverability only when email_validator is
            # installed: check the shape in any case
            if not re.fullmatch(r'[^@\s]+@[^@\s]+\.[^@\s]+', email):
                raise EmailNotValidError(email)
            validate_email_address(email)
        except EmailNotValidError as exception:
            raise WebUserError(gettext(
                    'lao_b2b.msg_web_email_invalid', email=email)) from exception
        cls.check_web_password(password)
        existing = cls.search([('email', '=', email)], limit=1)
        if existing:
            user, = existing
            if user.email_valid:
                cls.reset_password([user])
            else:
                cls.validate_email([user])
            return user
        user = cls(email=email)
        user.save()
        cls.write([user], {'password': password})
        cls.validate_email([user])
        return user

    @classmethod
    def log_in(cls, email, password):
        """Return the user and a new session key for valid credentials of a
        validated address, or None

        Failed attempts are recorded by authenticate: the caller must let the
        transaction commit to keep them."""
        user = cls.authenticate(email or '', password or '')
        if not user:
            return None
        if not user.email_valid:
            raise WebUserError(gettext(
                    'lao_b2b.msg_web_email_not_validated', email=user.email))
        for application in user.vendor_applications:
            if application.state == 'blacklisted':
                raise VendorBlacklistedError(gettext(
                        'lao_b2b.msg_vendor_blacklisted_login',
                        vendor=application.rec_name))
        return user, user.new_session()

    @classmethod
    def log_out(cls, session_key):
        Session = Pool().get('web.user.session')
        Session.remove(session_key)

    @classmethod
    def request_password_reset(cls, email):
        """E-mail a link to choose a new password to the validated user of
        email, if any; the answer never tells whether the address exists"""
        users = cls.search([
                ('email', '=', (email or '').strip().lower()),
                ('email_valid', '=', True),
                ], limit=1)
        cls.reset_password(users)

    @classmethod
    def reset_password_with_token(cls, email, token, password):
        "Set password if token is the valid reset token of email"
        cls.check_web_password(password)
        return cls.set_password_token(email or '', token or '', password)

    # Buyer profile

    @property
    def buyer_profile(self):
        "The values of the buyer profile form"
        party = self.party
        address = party.addresses[0] if party and party.addresses else None
        return {
            'business_name': party.buyer_business_name if party else '',
            'registration_number': (
                party.buyer_registration_number if party else ''),
            'buyer_type': party.buyer_type if party else None,
            'phone': party.phone if party else '',
            'street': address.street if address else '',
            'city': address.city if address else '',
            'subdivision': (
                address.subdivision.id
                if address and address.subdivision else None),
            'country': (
                address.country.id if address and address.country else None),
            }

    def save_buyer_profile(
            self, business_name, registration_number, buyer_type,
            phone, street, city, country, subdivision):
        "Create or update the buyer's party and its first address"
        pool = Pool()
        Party = pool.get('party.party')
        Address = pool.get('party.address')
        ContactMechanism = pool.get('party.contact_mechanism')
        Lang = pool.get('ir.lang')
        if not buyer_type or buyer_type not in dict(
                Party.fields_get(['buyer_type'])['buyer_type']['selection']):
            raise WebUserError(gettext('lao_b2b.msg_web_buyer_type'))
        if not (business_name or '').strip():
            raise WebUserError(gettext('lao_b2b.msg_web_business_name'))
        party = self.party or Party()
        party.name = party.buyer_business_name = business_name.strip()
        party.buyer_registration_number = (registration_number or '').strip()
        party.buyer_type = buyer_type
        if not party.id or party.id < 0:
            languages = Lang.search([
                    ('code', '=', Transaction().language),
                    ], limit=1)
            party.lang = languages[0] if languages else None
            party.contact_mechanisms = [
                ContactMechanism(type='email', value=self.email)]
        party.save()
        if phone and phone.strip() != (party.phone or ''):
            ContactMechanism(
                party=party, type='phone', value=phone.strip()).save()
        address = party.addresses[0] if party.addresses else Address(
            party=party)
        address.street = street
        address.city = city
        address.country = country
        address.subdivision = subdivision
        address.save()
        if self.party != party:
            self.party = party
            self.save()
        return party

    # Vendor applications

    def own_vendor_application(self, application_id):
        "Return the application of id filed by the user or raise"
        Application = Pool().get('lao.vendor.application')
        applications = Application.search([
                ('id', '=', application_id),
                ('web_user', '=', self.id),
                ], limit=1)
        if not applications:
            raise WebAccessError(gettext('lao_b2b.msg_web_not_found'))
        return applications[0]

    def apply_as_vendor(self, values):
        "File a draft vendor application with values"
        Application = Pool().get('lao.vendor.application')
        application = Application(**values)
        application.web_user = self
        application.save()
        return application

    def update_vendor_application(self, application_id, values):
        Application = Pool().get('lao.vendor.application')
        application = self.own_vendor_application(application_id)
        Application.check_web_editable([application])
        Application.write([application], values)
        return application

    def add_vendor_document(self, application_id, kind, filename, data):
        "Attach an uploaded file to the user's application"
        pool = Pool()
        Application = pool.get('lao.vendor.application')
        Document = pool.get('lao.vendor.application.document')
        application = self.own_vendor_application(application_id)
        Application.check_web_editable([application], documents=True)
        filename = Document.check_upload(filename, data)
        document = Document(
            application=application, kind=kind, filename=filename, data=data)
        document.save()
        return document

    def submit_vendor_application(self, application_id):
        Application = Pool().get('lao.vendor.application')
        application = self.own_vendor_application(application_id)
        Application.submit([application])
        return application

    # Orders

    def check_buyer(self):
        "Only a web user with a buyer profile may order"
        if not self.party or not self.party.buyer_type:
            raise WebUserError(gettext('lao_b2b.msg_web_buyer_profile'))

    def place_order(self, items, reference=None, delivery_method='delivery',
            payment_method='bank_transfer', shipment_address=None):
        """Create and place the marketplace order of the cart items
        [(listing id, quantity)]: one confirmed sale per vendor, or nothing

        shipment_address is the id of one of the buyer's addresses, the
        first one by default; it is needed for a delivery."""
        pool = Pool()
        Order = pool.get('lao.marketplace.order')
        Line = pool.get('lao.marketplace.order.line')
        Listing = pool.get('lao.listing')
        self.check_buyer()
        if not items:
            raise WebUserError(gettext('lao_b2b.msg_web_cart_empty'))
        methods = Order.fields_get(['delivery_method', 'payment_method'])
        for name, value in [
                ('delivery_method', delivery_method),
                ('payment_method', payment_method)]:
            if value not in dict(methods[name]['selection']):
                raise WebUserError(gettext(
                        'lao_b2b.msg_web_checkout_choice',
                        field=methods[name]['string']))
        addresses = {a.id: a for a in self.party.addresses}
        if shipment_address is not None:
            if shipment_address not in addresses:
                raise WebUserError(gettext(
                        'lao_b2b.msg_web_checkout_address'))
            address = addresses[shipment_address]
        else:
            address = self.party.address_get(type='delivery')
        if delivery_method == 'delivery' and not address:
            raise WebUserError(gettext('lao_b2b.msg_web_checkout_address'))
        with without_check_access():
            listings = {l.id: l for l in Listing.search([
                        ('id', 'in', [i for i, _ in items]),
                        Listing.catalogue_domain(),
                        ])}
        if set(listings) != {i for i, _ in items}:
            raise WebUserError(gettext('lao_b2b.msg_web_cart_unavailable'))
        order = Order(buyer=self.party, reference=reference,
            delivery_method=delivery_method, payment_method=payment_method)
        order.on_change_buyer()
        order.shipment_address = address
        order.lines = [
            Line(listing=listings[i], quantity=q) for i, q in items]
        order.save()
        # Placing reads the vendors' listings and creates their sales
        with without_check_access():
            Order.place([Order(order.id)])
        return order

    @property
    def orders(self):
        Order = Pool().get('lao.marketplace.order')
        if not self.party:
            return []
        return Order.search([('buyer', '=', self.party.id)])

    def own_order(self, order_id):
        "Return the order of id placed by the user or raise"
        Order = Pool().get('lao.marketplace.order')
        orders = Order.search([
                ('id', '=', order_id),
                ('buyer', '=', self.party.id if self.party else -1),
                ], limit=1)
        if not orders:
            raise WebAccessError(gettext('lao_b2b.msg_web_not_found'))
        return orders[0]

    # Vendor's listings

    @property
    def vendor_approved_applications(self):
        "The user's approved applications that have their company"
        return [a for a in self.vendor_applications
            if a.state == 'approved' and a.company and a.manager]

    @property
    def vendor_companies(self):
        return [a.company for a in self.vendor_approved_applications]

    def _vendor_application_of(self, company_id):
        "The user's approved application of company_id, or raise"
        for application in self.vendor_approved_applications:
            if application.company.id == company_id:
                return application
        raise WebAccessError(gettext('lao_b2b.msg_web_not_found'))

    @property
    def vendor_listings(self):
        "The listings of the companies of the user's approved applications"
        Listing = Pool().get('lao.listing')
        companies = [c.id for c in self.vendor_companies]
        if not companies:
            return []
        with without_check_access():
            return Listing.search([
                    ('company', 'in', companies),
                    ('state', '!=', 'merged'),
                    ], order=[('state', 'ASC'), ('id', 'DESC')])

    def own_vendor_listing(self, listing_id):
        "Return the listing of id of one of the user's vendors or raise"
        Listing = Pool().get('lao.listing')
        companies = [c.id for c in self.vendor_companies]
        with without_check_access():
            listings = Listing.search([
                    ('id', '=', listing_id),
                    ('company', 'in', companies),
                    ('state', '!=', 'merged'),
                    ], limit=1)
        if not listings:
            raise WebAccessError(gettext('lao_b2b.msg_web_not_found'))
        return listings[0]

    def vendor_products(self, company_id):
        "The products that the user's vendor company_id may list"
        Listing = Pool().get('lao.listing')
        application = self._vendor_application_of(company_id)
        with acting_for_vendor(application):
            return Listing.vendor_products(application.company)

    def create_vendor_listing(self, values):
        """Create a draft listing of the user's vendor values['company']
        with a new product unless values['product'] names one of its
        products"""
        Listing = Pool().get('lao.listing')
        values = dict(values)
        application = self._vendor_application_of(values.pop('company'))
        with acting_for_vendor(application):
            listing = Listing.create_from_web(application.company, values)
        return Listing(listing.id)

    def update_vendor_listing(self, listing_id, values):
        """Change the user's listing of id and return the listing that
        holds the change: the listing, or the new revision of a published
        listing whose reviewed terms change"""
        Listing = Pool().get('lao.listing')
        listing = self.own_vendor_listing(listing_id)
        application = self._vendor_application_of(listing.company.id)
        with acting_for_vendor(application):
            changed = Listing(listing.id).apply_web_changes(dict(values))
        return Listing(changed.id)

    def submit_vendor_listing(self, listing_id):
        Listing = Pool().get('lao.listing')
        listing = self.own_vendor_listing(listing_id)
        application = self._vendor_application_of(listing.company.id)
        with acting_for_vendor(application):
            Listing.submit([Listing(listing.id)])
        return Listing(listing.id)

    def archive_vendor_listing(self, listing_id):
        Listing = Pool().get('lao.listing')
        listing = self.own_vendor_listing(listing_id)
        application = self._vendor_application_of(listing.company.id)
        if (listing.state, 'archived') not in Listing._transitions:
            raise WebUserError(gettext(
                    'lao_b2b.msg_web_listing_not_archivable',
                    listing=listing.rec_name))
        with acting_for_vendor(application):
            Listing.archive([Listing(listing.id)])
        return Listing(listing.id)

    def add_vendor_listing_photo(self, listing_id, filename, data):
        "Add an uploaded image to the photos of the user's listing"
        Listing = Pool().get('lao.listing')
        Photo = Pool().get('lao.listing.photo')
        listing = self.own_vendor_listing(listing_id)
        application = self._vendor_application_of(listing.company.id)
        if listing.state == 'archived':
            raise WebUserError(gettext(
                    'lao_b2b.msg_web_listing_not_editable',
                    listing=listing.rec_name))
        check_upload(filename, data, IMAGE_SIGNATURES,
            'lao_b2b.msg_web_upload_image_type')
        with acting_for_vendor(application):
            photo = Photo(listing=Listing(listing.id), image=data)
            photo.save()
        return photo

    def remove_vendor_listing_photo(self, listing_id, photo_id):
        Photo = Pool().get('lao.listing.photo')
        listing = self.own_vendor_listing(listing_id)
        application = self._vendor_application_of(listing.company.id)
        if photo_id not in {p.id for p in listing.photos}:
            raise WebAccessError(gettext('lao_b2b.msg_web_not_found'))
        if listing.state == 'archived':
            raise WebUserError(gettext(
                    'lao_b2b.msg_web_listing_not_editable',
                    listing=listing.rec_name))
        with acting_for_vendor(application):
            Photo.delete([Photo(photo_id)])

    def vendor_listing_photo(self, listing_id, photo_id):
        "The bytes of a photo of the user's listing, or raise"
        listing = self.own_vendor_listing(listing_id)
        with without_check_access():
            for photo in listing.photos:
                if photo.id == photo_id and photo.image:
                    return bytes(photo.image)
        raise WebAccessError(gettext('lao_b2b.msg_web_not_found'))

    @property
    def vendor_sales(self):
        """The confirmed sales of the user's vendors, newest first: the
        orders they fulfil and invoice in the back office"""
        Sale = Pool().get('sale.sale')
        companies = [c.id for c in self.vendor_companies]
        if not companies:
            return []
        with without_check_access():
            return Sale.search([
                    ('company', 'in', companies),
                    ('state', 'in', ['confirmed', 'processing', 'done']),
                    ], order=[('sale_date', 'DESC'), ('id', 'DESC')],
                limit=100)

    @property
    def vendor_open_requests(self):
        """The open requests for quotation, each with the quotes of the
        user's vendors: [(request, quotes)]"""
        Request = Pool().get('lao.rfq')
        companies = {c.id for c in self.vendor_companies}
        if not companies:
            return []
        with without_check_access():
            requests = Request.search([
                    ('state', '=', 'open'),
                    ], order=[('expiry_date', 'ASC'), ('id', 'ASC')],
                limit=100)
            return [(r, [q for q in r.quotes if q.company.id in companies])
                for r in requests]


class VendorApplication(metaclass=PoolMeta):
    __name__ = 'lao.vendor.application'

    web_user = fields.Many2One(
        'web.user', "Web User", readonly=True, ondelete='RESTRICT',
        help="The account of the web shop that filed the application.")

    @classmethod
    def copy(cls, applications, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('web_user', None)
        return super().copy(applications, default=default)

    @classmethod
    def check_web_editable(cls, applications, documents=False):
        "Only draft or rejected applications (or submitted, for documents)"
        editable = {'draft', 'rejected'}
        if documents:
            editable.add('submitted')
        for application in applications:
            if application.state not in editable:
                raise WebUserError(gettext(
                        'lao_b2b.msg_web_application_not_editable',
                        application=application.rec_name))

    @property
    def documents_to_upload(self):
        "The required documents not uploaded yet, one line per choice"
        missing = self.missing_document_kinds(checked=False)
        return self.describe_document_kinds(missing).splitlines()

    @property
    def public_decisions(self):
        "The decisions the applicant may read, oldest first"
        return sorted(self.decisions, key=lambda d: (d.date, d.id))


class ApplicationDocument(metaclass=PoolMeta):
    __name__ = 'lao.vendor.application.document'

    @classmethod
    def check_upload(cls, filename, data):
        """Check the size and the real type of an uploaded file and return a
        safe file name with the extension of that type"""
        return check_upload(filename, data, DOCUMENT_SIGNATURES,
            'lao_b2b.msg_web_upload_type')


class CatalogueCard(NamedTuple):
    "What the card of a listing shows on the pages of the catalogue"
    id: int
    title: str
    commodity: str
    province: str | None
    price: Decimal | None
    # The currency.currency record, for the currencyformat filter
    currency: object
    unit: str
    minimum_quantity: float
    photo: int | None


class Listing(metaclass=PoolMeta):
    __name__ = 'lao.listing'

    @classmethod
    def _price_query(cls, table):
        """The price shown of the listing of table: the unit price of the
        tier at its minimum quantity"""
        Tier = Pool().get('lao.listing.price_tier')
        tier = Tier.__table__()
        # Cast because SQLite stores decimals as text
        price = Cast(tier.unit_price, Tier.unit_price.sql_type().base)
        return tier.select(price,
            where=(tier.listing == table.id)
            & (tier.quantity <= table.minimum_quantity),
            order_by=[tier.quantity.desc, tier.id.desc], limit=1)

    @classmethod
    def order_price(cls, tables):
        "Sort by the price shown"
        table, _ = tables[None]
        return [cls._price_query(table)]

    @classmethod
    def catalogue_cards(cls, listings):
        """The cards of listings, in their order, read with one query for
        the listings and one per kind of name (titles in the language of
        the context, commodities, provinces, units)

        Read through the records, each card would cost a dozen attribute
        reads, and the company context of the commodity field would read
        the commodity tree again for each vendor."""
        pool = Pool()
        Company = pool.get('company.company')
        Currency = pool.get('currency.currency')
        Photo = pool.get('lao.listing.photo')
        Subdivision = pool.get('country.subdivision')
        Translation = pool.get('ir.translation')
        Uom = pool.get('product.uom')
        table = cls.__table__()
        company = Company.__table__()
        photo = Photo.__table__()
        cursor = Transaction().connection.cursor()

        first_photo = photo.select(photo.id,
            where=photo.listing == table.id,
            order_by=[NullsFirst(photo.sequence.asc), photo.id.asc], limit=1)
        ids = [l.id for l in listings]
        rows = {}
        for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
            cursor.execute(*table.join(company,
                    condition=table.company == company.id
                    ).select(table.id, table.title, table.category,
                    table.origin_province, company.currency,
                    cls._price_query(table), table.unit,
                    table.minimum_quantity, first_photo,
                    where=reduce_ids(table.id, sub_ids)))
            rows.update((row[0], row) for row in cursor)
        titles = Translation.get_ids(
            f'{cls.__name__},title', 'model', Transaction().language, ids)

        def records(Model, column):
            return {r.id: r for r in Model.browse(list(
                        {row[column] for row in rows.values()} - {None}))}
        commodities = cls._commodity_names(
            {row[2] for row in rows.values()})
        provinces = records(Subdivision, 3)
        currencies = records(Currency, 4)
        units = records(Uom, 6)
        cards = []
        for id_, title, category, province, currency, price, unit, \
                minimum_quantity, photo_id in map(rows.get, ids):
            cards.append(CatalogueCard(id_,
                    title=titles.get(id_) or title,
                    commodity=commodities[category],
                    province=provinces[province].name if province else None,
                    # SQLite gives the cast text as a number
                    price=Decimal(str(price)) if price is not None else None,
                    currency=currencies[currency],
                    unit=units[unit].symbol,
                    minimum_quantity=minimum_quantity,
                    photo=photo_id))
        return cards

    @classmethod
    def catalogue_commodities(cls):
        "The commodities to filter the catalogue by: (id, full name), by name"
        Category = Pool().get('product.category')
        categories = Category.search([], order=[('name', 'ASC')])
        names = cls._commodity_names([c.id for c in categories])
        return [(c.id, names[c.id]) for c in categories]

    @classmethod
    def _commodity_names(cls, category_ids):
        """The full name (Coffee / Arabica Coffee / ...) of each category,
        reading the tree one level at a time"""
        Category = Pool().get('product.category')
        names, parents = {}, {}
        to_read = set(category_ids)
        while to_read:
            for category in Category.read(list(to_read), ['name', 'parent']):
                names[category['id']] = category['name']
                parents[category['id']] = category['parent']
            to_read = set(filter(None, parents.values())) - set(names)

        def full_name(category_id):
            parent = parents[category_id]
            # The separator of product.category's rec_name
            return (f'{full_name(parent)} / ' if parent else '') + (
                names[category_id])
        return {i: full_name(i) for i in category_ids}

    @classmethod
    def catalogue_domain(cls, text=None, category=None, province=None,
            certification=None, price_min=None, price_max=None,
            quantity=None, company=None):
        """The domain of the published listings of approved vendors that
        match the filters of the catalogue

        text is looked up in the titles and descriptions in every language;
        a price range keeps the listings with a tier price in it; quantity
        keeps the listings whose minimum is at most quantity."""
        domain = [
            ('state', '=', 'published'),
            ('company.vendor_state', '=', 'active'),
            ]
        if text and text.strip():
            pattern = '%' + _escape_like(text.strip()) + '%'
            domain.append(('id', 'in', cls._text_query(pattern)))
        if category:
            domain.append(('category', 'child_of', [category], 'parent'))
        if province:
            domain.append(('origin_province', '=', province))
        if certification:
            domain.append(('certifications.kind', '=', certification))
        tier_domain = []
        if price_min is not None:
            tier_domain.append(('unit_price', '>=', price_min))
        if price_max is not None:
            tier_domain.append(('unit_price', '<=', price_max))
        if tier_domain:
            domain.append(('price_tiers', 'where', tier_domain))
        if quantity is not None:
            domain.append(('minimum_quantity', '<=', quantity))
        if company:
            domain.append(('company', '=', company))
        return domain

    @classmethod
    def search_catalogue(cls, offset=0, limit=None, order=None, **filters):
        """The listings of the catalogue that match filters

        Published listings are public: they are read without the company
        rule of the back office, which the web shop's user is not under."""
        with without_check_access():
            return cls.search(cls.catalogue_domain(**filters),
                offset=offset, limit=limit, order=order)

    @classmethod
    def count_catalogue(cls, **filters):
        with without_check_access():
            return cls.search_count(cls.catalogue_domain(**filters))

    @classmethod
    def _text_query(cls, pattern):
        """The ids of the listings whose title or description matches
        pattern, as written or in any translation

        Not the title and description fields' own ilike: for a language
        other than the source's, each would join the translations once
        more to the whole table."""
        Translation = Pool().get('ir.translation')
        table = cls.__table__()
        translation = Translation.__table__()
        return (table.select(table.id,
                where=ILike(table.title, pattern, escape='\\')
                | ILike(table.description, pattern, escape='\\'))
            | translation.select(translation.res_id,
                where=translation.name.in_([
                        f'{cls.__name__},title',
                        f'{cls.__name__},description'])
                & (translation.type == 'model')
                & ILike(translation.value, pattern, escape='\\')))

    @classmethod
    def get_catalogue_listing(cls, listing_id):
        "The listing of id if the catalogue shows it, else raise"
        with without_check_access():
            listings = cls.search(
                [('id', '=', listing_id), cls.catalogue_domain()], limit=1)
        if not listings:
            raise WebAccessError(gettext('lao_b2b.msg_web_not_found'))
        return listings[0]

    @property
    def vendor_application(self):
        "The approved application of the listing's vendor, for its badge"
        if self.company.vendor_state == 'active':
            return self.company.vendor_application

    @property
    def sorted_tiers(self):
        return sorted(self.price_tiers, key=lambda t: t.quantity)

    @classmethod
    def price_cart(cls, items):
        """Price the cart items [(listing id, quantity)] with the listings'
        terms: one (listing or None, quantity, unit price, amount, problems)
        per item"""
        with without_check_access():
            listings = {l.id: l for l in cls.search([
                        ('id', 'in', [i for i, _ in items]),
                        cls.catalogue_domain(),
                        ])}
        lines = []
        for listing_id, quantity in items:
            listing = listings.get(listing_id)
            if not listing:
                lines.append((None, quantity, None, None, [
                            gettext('lao_b2b.msg_web_cart_unavailable')]))
                continue
            problems = listing.quantity_problems(quantity)
            if quantity > listing.available_quantity:
                problems.append(gettext('lao_b2b.msg_web_cart_not_enough',
                        listing=listing.rec_name,
                        available=listing.available_quantity))
            unit_price = listing.compute_unit_price(quantity)
            amount = None
            if unit_price is not None:
                amount = listing.company.currency.round(
                    unit_price * Decimal(str(quantity)))
            lines.append((listing, quantity, unit_price, amount, problems))
        return lines


    # The vendor's side

    @property
    def web_editable(self):
        "Whether the vendor may change the listing on the web"
        return self.state in WEB_EDITABLE_LISTING_STATES

    @classmethod
    def web_commodities(cls):
        "The commodity categories a listing may have, by name"
        Category = Pool().get('product.category')
        categories = Category.search([('accounting', '=', False)])
        return sorted((c for c in categories if not c.is_prohibited),
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

        A rejected listing goes back to draft to be corrected.  On a
        published listing the reviewed terms change through a new draft
        revision, returned then, while the rest changes at once."""
        cls = self.__class__
        if self.state not in WEB_EDITABLE_LISTING_STATES:
            raise WebUserError(gettext(
                    'lao_b2b.msg_web_listing_not_editable',
                    listing=self.rec_name))
        listing = self
        if listing.state == 'rejected':
            cls.draft([listing])
            listing = cls(listing.id)
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


class MarketplaceOrder(metaclass=PoolMeta):
    __name__ = 'lao.marketplace.order'

    @property
    def vendor_parts(self):
        """The part of each vendor as (vendor, number, state, total,
        currency): the buyer may see them, not read the vendors' sales"""
        Sale = Pool().get('sale.sale')
        states = dict(Sale.fields_get(['state'])['state']['selection'])
        with without_check_access():
            return [(s.company.rec_name, s.number, states.get(s.state),
                    s.total_amount, s.currency) for s in self.sales]
