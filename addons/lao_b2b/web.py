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

from trytond import config
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.tools.email_ import (
    EmailNotValidError, validate_email as validate_email_address)
from trytond.transaction import Transaction

BUYER_TYPES = [
    (None, ''),
    ('domestic', "Domestic"),
    ('cross_border', "Cross-Border"),
    ]

# The file types a vendor may upload, recognised by their first bytes: the
# name and the type announced by the browser are not to be trusted.
DOCUMENT_SIGNATURES = [
    (b'%PDF-', 'application/pdf', '.pdf'),
    (b'\xff\xd8\xff', 'image/jpeg', '.jpg'),
    (b'\x89PNG\r\n\x1a\n', 'image/png', '.png'),
    ]
DOCUMENT_MAX_SIZE = 5 * 1024 * 1024


class WebAccessError(UserError):
    "The web user asked for a record that is not theirs"


class WebUserError(UserError):
    pass


class WebUploadError(ValidationError):
    pass


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
        if cls.search([('email', '=', email)], limit=1):
            raise WebUserError(gettext(
                    'lao_b2b.msg_web_email_taken', email=email))
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
        if buyer_type not in dict(BUYER_TYPES) or not buyer_type:
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
        data = data or b''
        if not data:
            raise WebUploadError(gettext('lao_b2b.msg_web_upload_empty'))
        max_size = document_max_size()
        if len(data) > max_size:
            raise WebUploadError(gettext(
                    'lao_b2b.msg_web_upload_too_big',
                    size=max_size // (1024 * 1024)))
        for signature, _, extension in DOCUMENT_SIGNATURES:
            if data.startswith(signature):
                break
        else:
            raise WebUploadError(gettext('lao_b2b.msg_web_upload_type'))
        stem = ''.join(
            c for c in (filename or '').rsplit('.', 1)[0]
            if c.isalnum() or c in '-_')[:80] or 'document'
        return stem + extension


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    buyer_type = fields.Selection(
        BUYER_TYPES, "Buyer Type",
        help="Set to let the party order on the marketplace.")
    buyer_business_name = fields.Char("Business Name")
    buyer_registration_number = fields.Char("Registration or Tax Number")
