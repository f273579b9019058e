"""The web shop's account: a `web.user` (module web_user) is a buyer, a
vendor or both.

A buyer keeps its business profile on the party linked to its web user; a
vendor applies through a `lao.vendor.application` that remembers the web
user who filed it.  The web shop runs as the dedicated user
`lao_b2b.user_storefront` with access checks on.  What the web shop reads
and does on a model is a classmethod of that model taking the web user:
`own()` is the one check that a record is the user's, `vendor_action` the
one way a vendor's action runs with the vendor's rights.
"""
import datetime as dt
import re
from contextlib import contextmanager
from functools import wraps

from trytond.i18n import gettext
from trytond.model import Model, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.tools.email_ import (
    EmailNotValidError, validate_email as validate_email_address)
from trytond.transaction import Transaction

from .exceptions import (
    VendorBlacklistedError, WebAccessError, WebUserError)

# The fields of the buyer profile, as get_buyer_profile gives them and
# set_buyer_profile takes them
BUYER_PROFILE_FIELDS = [
    'business_name', 'registration_number', 'buyer_type', 'phone',
    'street', 'city', 'country', 'subdivision']


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


def vendor_action(func=None, *, by_company=False):
    """Make a classmethod the web action of a vendor, called as
    Model.method(web_user, record_id, *args)

    record_id is the id of the web user's record of the model (see
    WebUser.own) or, by_company, of one of the web user's approved vendors.
    The method receives that record (or the company) and runs as the
    vendor's manager (acting_for_vendor); a record it returns is read again
    as the web shop."""
    def decorator(func):
        @wraps(func)
        def wrapper(cls, user, record_id, *args, **kwargs):
            if by_company:
                application = user.vendor_application(record_id)
                record = application.company
            else:
                record = user.own(cls, record_id)
                application = user.vendor_application(record.company.id)
            with acting_for_vendor(application):
                result = func(
                    cls, record.__class__(record.id), *args, **kwargs)
            if isinstance(result, Model):
                result = result.__class__(result.id)
            return result
        return wrapper
    return decorator if func is None else decorator(func)


class WebUser(metaclass=PoolMeta):
    __name__ = 'web.user'

    vendor_applications = fields.One2Many(
        'lao.vendor.application', 'web_user', "Vendor Applications",
        readonly=True)

    @property
    def language_code(self):
        "The code of the language of the user's party, if it has one"
        party = self.party
        return party.lang.code if party and party.lang else None

    # Identity

    @classmethod
    def check_web_password(cls, password):
        """Refuse a password that the platform's rules refuse ([password]
        length and forbidden list of Tryton's configuration), before any
        record is created"""
        Pool().get('res.user').validate_password(password or '', [])

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
    @ModelView.button
    def validate_email(cls, users, from_=None):
        """Queue the e-mail with the link that validates each user's
        address (web.user.email), instead of web_user's sending when the
        transaction commits, which nobody retries or sees fail"""
        for user in users:
            user.set_email_token()
        cls.save(users)
        Pool().get('web.user.email').queue(users, 'validation', from_=from_)

    @classmethod
    def validate_email_token(cls, tokens):
        "Validate the addresses of tokens; their e-mails not sent are moot"
        pool = Pool()
        Email = pool.get('web.user.email')
        users = super().validate_email_token(tokens)
        mails = Email.search([
                ('web_user', 'in', [u.id for u in users]),
                ('kind', '=', 'validation'),
                ('state', '=', 'queued'),
                ])
        Email.write(mails, {'state': 'cancelled', 'retry_at': None})
        return users

    @classmethod
    @ModelView.button
    def reset_password(cls, users, from_=None):
        """Queue the e-mail with a link to choose a new password to each
        user who has no unexpired link (web_user's protection against
        abusive resets)"""
        now = dt.datetime.now()
        users = [u for u in users
            if not (u.reset_password_token_expire
                and u.reset_password_token_expire > now)]
        for user in users:
            user.set_reset_password_token()
        cls.save(users)
        Pool().get('web.user.email').queue(users, 'reset', from_=from_)

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

    # Ownership

    def own(self, Model, record_id):
        """The record of Model (a class or its name) and id if it is the
        user's by Model.web_owner_domain(user), or raise WebAccessError"""
        if isinstance(Model, str):
            Model = Pool().get(Model)
        records = Model.search([
                ('id', '=', record_id),
                Model.web_owner_domain(self),
                ], limit=1)
        if not records:
            raise WebAccessError(gettext('lao_b2b.msg_web_not_found'))
        return records[0]

    @property
    def buyer_party_id(self):
        "The id of the user's buyer party, or -1 which no record has"
        return self.party.id if self.party else -1

    # Buyer profile

    def get_buyer_profile(self):
        "The values of the buyer profile: {name of BUYER_PROFILE_FIELDS: value}"
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

    def set_buyer_profile(self, values):
        """Create or update the buyer's party and its first address from
        values like those of get_buyer_profile and return them as saved"""
        pool = Pool()
        Party = pool.get('party.party')
        Address = pool.get('party.address')
        ContactMechanism = pool.get('party.contact_mechanism')
        Lang = pool.get('ir.lang')
        values = {name: values.get(name) for name in BUYER_PROFILE_FIELDS}
        business_name = values['business_name']
        buyer_type = values['buyer_type']
        phone = values['phone']
        if not buyer_type or buyer_type not in dict(
                Party.fields_get(['buyer_type'])['buyer_type']['selection']):
            raise WebUserError(gettext('lao_b2b.msg_web_buyer_type'))
        if not (business_name or '').strip():
            raise WebUserError(gettext('lao_b2b.msg_web_business_name'))
        party = self.party or Party()
        party.name = party.buyer_business_name = business_name.strip()
        party.buyer_registration_number = (
            values['registration_number'] or '').strip()
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
        address.street = values['street']
        address.city = values['city']
        address.country = values['country']
        address.subdivision = values['subdivision']
        address.save()
        if self.party != party:
            self.party = party
            self.save()
        return self.__class__(self.id).get_buyer_profile()

    def check_buyer(self):
        "Only a web user with a buyer profile may order"
        if not self.party or not self.party.buyer_type:
            raise WebUserError(gettext('lao_b2b.msg_web_buyer_profile'))

    # Vendors

    @property
    def vendor_approved_applications(self):
        "The user's approved applications that have their company"
        return [a for a in self.vendor_applications
            if a.state == 'approved' and a.company and a.manager]

    @property
    def vendor_companies(self):
        return [a.company for a in self.vendor_approved_applications]

    def vendor_application(self, company_id):
        "The user's approved application of company_id, or raise"
        for application in self.vendor_approved_applications:
            if application.company.id == company_id:
                return application
        raise WebAccessError(gettext('lao_b2b.msg_web_not_found'))
