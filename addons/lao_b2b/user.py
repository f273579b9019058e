"""Vendor-manager users and their log-in invitations.

A vendor manager never receives a password: an invitation is queued and its
worker e-mails a one-time link to choose one, retried while the delivery
fails (mail.DeliveryMixin).  Only the SHA-256 hash of the link's token is
stored, so neither the database nor the logs hold anything that opens the
account.
"""
import datetime as dt
import hashlib
import secrets
from email.message import EmailMessage
from urllib.parse import quote

from trytond import config
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.sendmail import send_message
from trytond.transaction import Transaction
from trytond.url import http_host

from .exceptions import InvitationError, VendorBlacklistedError
from .mail import DELIVERY_ERRORS, DeliveryMixin

INVITATION_STATES = [
    ('queued', "Queued"),
    ('sent', "Sent"),
    ('failed', "Failed"),
    ('accepted', "Accepted"),
    ('cancelled', "Cancelled"),
    ]
INVITATION_VALIDITY = dt.timedelta(days=7)

# The groups a vendor manager needs to run its own business
VENDOR_MANAGER_GROUPS = [
    ('lao_b2b', 'group_cooperative_manager'),
    ('product', 'group_product_admin'),
    ('sale', 'group_sale'),
    ('stock', 'group_stock'),
    ('account', 'group_account'),
    ]


def hash_token(token):
    return hashlib.sha256(token.encode('utf-8')).hexdigest()


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    @classmethod
    def get_login(cls, login, parameters):
        user_id = super().get_login(login, parameters)
        if user_id:
            cls(user_id).check_vendor_login()
        return user_id

    @classmethod
    def read(cls, ids, fields_names):
        # The temporary password that "Reset Password" mails is read by no
        # user, the administrators included, as Tryton does for the hash;
        # the log-in checks it in SQL (res.user._get_login)
        result = super().read(ids, fields_names)
        if Transaction().user and 'password_reset' in fields_names:
            cache = Transaction().get_cache().get(cls.__name__)
            for values in result:
                values['password_reset'] = None
                if cache and values['id'] in cache:
                    cache[values['id']]['password_reset'] = None
        return result

    def get_email_reset_password(self):
        # The mail shows the temporary password: rendered by root, the only
        # reader of it
        with Transaction().set_user(0):
            return super(User, self.__class__(self.id)
                ).get_email_reset_password()

    def check_vendor_login(self):
        """Refuse the log-in of a user whose every company is a blacklisted
        vendor; checked after the password, so that the answer tells
        nothing to who does not hold it"""
        Company = Pool().get('company.company')
        companies = [c.id for c in self.companies]
        states = Company.vendor_states(companies)
        if companies and all(states[c] == 'blacklisted' for c in companies):
            raise VendorBlacklistedError(gettext(
                    'lao_b2b.msg_vendor_blacklisted_login',
                    vendor=', '.join(c.rec_name for c in self.companies)))

    @classmethod
    def create_vendor_manager(cls, application):
        "Create the user that manages the company of an approved vendor"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Employee = pool.get('company.employee')
        Party = pool.get('party.party')

        company = application.company
        language = application.language
        if language and not language.translatable:
            # res.user accepts only the languages loaded in the database
            language = None
        login = application.email
        if cls.search([('login', '=', login)], limit=1):
            login = f'{application.email}#{application.recognition_number}'
        party = Party(name=gettext(
                'lao_b2b.msg_vendor_manager_name', vendor=company.rec_name),
            company=company)
        party.save()
        employee = Employee(company=company, party=party)
        employee.save()
        user = cls(
            name=employee.party.name,
            login=login,
            email=application.email,
            language=language,
            companies=[company],
            company=company,
            warehouse=application.warehouse,
            employees=[employee],
            employee=employee,
            groups=[ModelData.get_id(m, g) for m, g in VENDOR_MANAGER_GROUPS],
            )
        user.save()
        return user

    @classmethod
    def invite(cls, users):
        "Queue an invitation to choose a password for each user"
        Invitation = Pool().get('res.user.invitation')
        invitations = Invitation.create([
                {'user': u.id, 'email': u.email} for u in users if u.email])
        Invitation.__queue__.send(invitations)
        return invitations


class Invitation(DeliveryMixin, ModelSQL, ModelView):
    __string__ = "User Invitation"
    __name__ = 'res.user.invitation'

    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE', readonly=True)
    email = fields.Char("E-Mail", required=True, readonly=True)
    token_hash = fields.Char("Token Hash", readonly=True, strip=False)
    expires_at = fields.Timestamp("Expires At", readonly=True)
    state = fields.Selection(
        INVITATION_STATES, "State", required=True, readonly=True)
    sent_at = fields.Timestamp("Sent At", readonly=True)
    accepted_at = fields.Timestamp("Accepted At", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.token_hash, Index.Equality())))
        cls._order.insert(0, ('id', 'DESC'))
        cls._buttons.update({
                'resend': {
                    'invisible': Eval('state') == 'accepted',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'queued'

    @classmethod
    @ModelView.button
    def resend(cls, invitations):
        "Queue a new link, for example when the first one expired"
        invitations = [i for i in invitations if i.state != 'accepted']
        cls.write(invitations, {**cls.retry_values(), 'token_hash': None})
        cls.__queue__.send(invitations)

    @classmethod
    def send(cls, invitations):
        """Issue a fresh token for each queued invitation and e-mail its link

        Runs in the queue worker so that the clear token exists only in the
        message.  Sending again replaces the previous token; a delivery that
        fails leaves the invitation queued for its next attempt (or failed
        after the last), the previous token unchanged."""
        now = dt.datetime.now()
        database = Transaction().database.name
        for invitation in invitations:
            if invitation.state not in {'queued', 'sent'}:
                continue
            token = secrets.token_urlsafe(32)
            url = '%s/%s/lao_b2b/invitation/%s' % (
                http_host(), quote(database), token)
            try:
                send_message(invitation._message(url), strict=True)
            except DELIVERY_ERRORS as exception:
                invitation.delivery_failed(exception)
                continue
            invitation.delivered()
            invitation.token_hash = hash_token(token)
            invitation.expires_at = now + INVITATION_VALIDITY
        cls.save(invitations)

    def _message(self, url):
        lang = self.user.language.code if self.user.language else None
        with Transaction().set_context(language=lang):
            msg = EmailMessage()
            msg['From'] = config.get('email', 'from')
            msg['To'] = self.email
            msg['Subject'] = gettext('lao_b2b.msg_invitation_subject')
            msg.set_content(gettext(
                    'lao_b2b.msg_invitation_body',
                    name=self.user.name, login=self.user.login, url=url,
                    days=INVITATION_VALIDITY.days))
        return msg

    @classmethod
    def from_token(cls, token):
        "Return the valid invitation of token or raise InvitationError"
        invitations = cls.search([
                ('token_hash', '=', hash_token(token or '')),
                ('state', '=', 'sent'),
                ], limit=1)
        if (not invitations
                or invitations[0].expires_at < dt.datetime.now()):
            raise InvitationError(gettext('lao_b2b.msg_invitation_invalid'))
        return invitations[0]

    def accept(self, password, confirmation):
        "Set the user's password from the invitation and close it"
        User = Pool().get('res.user')
        if password != confirmation:
            raise InvitationError(gettext('lao_b2b.msg_password_mismatch'))
        User.write([self.user], {'password': password})
        self.state = 'accepted'
        self.accepted_at = dt.datetime.now()
        self.token_hash = None
        self.save()
