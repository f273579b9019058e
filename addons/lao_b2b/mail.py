"""E-mails the platform sends through Tryton's queue, and retries.

An e-mail to deliver is a record (a vendor manager's invitation, a web
user's validation or reset e-mail) whose queued task sends it.  A delivery
that fails (the SMTP server refuses or cannot be reached) does not fail the
task: the record counts the attempt, keeps the error for the operators and
waits for its next attempt (RETRY_DELAYS), which the cron task
retry_delivery queues; after the last one it is failed, and the operators
see it in the back office.
"""
import datetime as dt
import logging
import smtplib

from sql import Null

from trytond import config
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.sendmail import send_message
from trytond.tools.email_ import set_from_header
from trytond.transaction import Transaction

logger = logging.getLogger(__name__)

# What a delivery that did not happen raises: no connection, a timeout, a
# TLS failure (OSError) or a refusal of the server
DELIVERY_ERRORS = (OSError, smtplib.SMTPException)
# The wait before each new attempt: seven attempts over about 17 hours
RETRY_DELAYS = [dt.timedelta(minutes=m) for m in [1, 5, 15, 60, 240, 720]]

MAIL_STATES = [
    ('queued', "Queued"),
    ('sent', "Sent"),
    ('failed', "Failed"),
    ('cancelled', "Cancelled"),
    ]


class DeliveryMixin:
    """An e-mail sent by a queued task and retried while its delivery fails

    The model has a state with 'queued', 'sent' and 'failed', a sent_at
    timestamp and a classmethod send(records) that the queue runs."""
    __slots__ = ()

    delivery_attempts = fields.Integer(
        "Delivery Attempts", readonly=True,
        help="The attempts to deliver the e-mail that failed.")
    delivery_error = fields.Text(
        "Delivery Error", readonly=True,
        states={'invisible': ~Eval('delivery_error')},
        help="Why the last attempt to deliver the e-mail failed.")
    retry_at = fields.Timestamp(
        "Next Attempt", readonly=True,
        help="When the delivery is tried again.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(
                t, (t.retry_at, Index.Range()), where=t.retry_at != Null))

    @classmethod
    def default_delivery_attempts(cls):
        return 0

    def delivered(self):
        "Record the delivery of the e-mail"
        self.state = 'sent'
        self.sent_at = dt.datetime.now()
        self.delivery_error = None
        self.retry_at = None

    def delivery_failed(self, exception):
        "Record a failed attempt and when the next one is, if any"
        self.delivery_attempts = (self.delivery_attempts or 0) + 1
        self.delivery_error = (
            str(exception) or exception.__class__.__name__)
        if self.delivery_attempts > len(RETRY_DELAYS):
            self.state = 'failed'
            self.retry_at = None
        else:
            self.retry_at = (
                dt.datetime.now() + RETRY_DELAYS[self.delivery_attempts - 1])
        logger.warning("%s: delivery %d failed: %s", self,
            self.delivery_attempts, self.delivery_error)

    @classmethod
    def retry_values(cls):
        "The values that queue an e-mail again from its first attempt"
        return {
            'state': 'queued',
            'delivery_attempts': 0,
            'delivery_error': None,
            'retry_at': None,
            }

    @classmethod
    def retry_delivery(cls):
        "Queue again the e-mails whose next attempt is due (a cron task)"
        records = cls.search([
                ('state', '=', 'queued'),
                ('retry_at', '<=', dt.datetime.now()),
                ])
        if records:
            cls.write(records, {'retry_at': None})
            cls.__queue__.send(records)


class WebUserEmail(DeliveryMixin, ModelSQL, ModelView):
    """The validation and password reset e-mails of the web shop's users

    The message is written when it is sent, from the user's token of that
    moment: the token is stored by web_user, not here.  It is written in
    the language of the request that queued it (the shop's language of the
    visitor), as Tryton's queue runs its tasks without the language of the
    context, unless the user's party has a language of its own."""
    __string__ = "Web User E-mail"
    __name__ = 'web.user.email'

    web_user = fields.Many2One(
        'web.user', "Web User", required=True, ondelete='CASCADE',
        readonly=True)
    kind = fields.Selection([
            ('validation', "Address Validation"),
            ('reset', "Password Reset"),
            ], "Kind", required=True, readonly=True)
    email = fields.Char("E-Mail", readonly=True)
    language = fields.Many2One(
        'ir.lang', "Language", readonly=True, ondelete='SET NULL',
        help="The language of the shop when the e-mail was asked for.")
    state = fields.Selection(
        MAIL_STATES, "State", required=True, readonly=True)
    sent_at = fields.Timestamp("Sent At", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(
                t, (t.web_user, Index.Range()), (t.kind, Index.Equality())))
        cls._order.insert(0, ('id', 'DESC'))
        cls._buttons.update({
                'resend': {
                    'invisible': Eval('state') != 'failed',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'queued'

    @classmethod
    def queue(cls, users, kind, from_=None):
        "Queue an e-mail of kind to each user, in the context's language"
        language = Pool().get('ir.lang').get()
        mails = cls.create([{
                    'web_user': u.id,
                    'kind': kind,
                    'email': u.email,
                    'language': language.id,
                    } for u in users])
        cls.__queue__.send(mails, from_=from_)
        return mails

    @classmethod
    @ModelView.button
    def resend(cls, mails):
        "Queue again the e-mails whose delivery failed"
        mails = [m for m in mails if m.state == 'failed']
        cls.write(mails, cls.retry_values())
        cls.__queue__.send(mails)

    @classmethod
    def send(cls, mails, from_=None):
        """Send each queued e-mail; one whose link is no longer valid (the
        address validated, the reset done or expired) is cancelled"""
        for mail in mails:
            if mail.state != 'queued':
                continue
            message = mail._message(from_)
            if message is None:
                mail.state = 'cancelled'
                mail.retry_at = None
                continue
            try:
                send_message(message, strict=True)
            except DELIVERY_ERRORS as exception:
                mail.delivery_failed(exception)
            else:
                mail.delivered()
        cls.save(mails)

    def _message(self, from_=None):
        "The message to send now, or None when its link no longer works"
        user = self.web_user
        if self.kind == 'validation':
            if user.email_valid or not user.email_token:
                return None
            render = user.get_email_validation
        else:
            expire = user.reset_password_token_expire
            if (not user.reset_password_token
                    or not expire or expire <= dt.datetime.now()):
                return None
            render = user.get_email_reset_password
        language = self.language.code if self.language else None
        with Transaction().set_context(language=language):
            message, title = render()
        sender = config.get('email', 'from')
        set_from_header(message, sender, from_ or sender)
        self.email = user.email
        message['To'] = user.email
        message['Subject'] = title
        return message
