"""Sanctions imposed on a party by reviewers or operators.

A sanction is proposed, then approved or rejected with a written reason by
another reviewer; every decision goes to the lao.decision log.  An approved
suspension or blacklist of a vendor moves the vendor through lao_b2b's one
vendor-status API (its application's suspend and blacklist transitions), so
a blacklisted vendor cannot trade nor log in.
"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.lao_b2b.catalogue_version import (
    CatalogueVersionMixin)
from trytond.modules.lao_b2b.vendor import DecideWithReason
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import without_check_access

from .exceptions import SanctionError
from .review import PartyReviewMixin

SANCTION_KINDS = [
    ('warning', "Warning"),
    ('suspension', "Suspension"),
    ('blacklist', "Blacklist"),
    ]

SANCTION_STATES = [
    ('draft', "Draft"),
    ('submitted', "Submitted"),
    ('approved', "In Force"),
    ('rejected', "Rejected"),
    ('lifted', "Lifted"),
    ]

_editable = {'readonly': Eval('state') != 'draft'}


class Sanction(
        CatalogueVersionMixin, PartyReviewMixin, Workflow, ModelSQL,
        ModelView):
    __string__ = "Credit Sanction"
    __name__ = 'lao.credit.sanction'
    _decide_own_error = SanctionError
    _decide_own_message = 'lao_credit.msg_sanction_decide_own'

    party = fields.Many2One(
        'party.party', "Party", required=True, states=_editable,
        context={'company': Eval('vendor', -1)}, depends={'vendor'})
    kind = fields.Selection(
        SANCTION_KINDS, "Kind", required=True, states=_editable)
    reason = fields.Text("Reason", required=True, states=_editable)
    start = fields.Date("Start", required=True, states=_editable)
    expiry = fields.Date(
        "Expiry", states=_editable,
        domain=['OR', ('expiry', '=', None), ('expiry', '>=', Eval('start'))],
        help="Leave empty for a sanction without end.")
    state = fields.Selection(SANCTION_STATES, "State", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.party, Index.Range())),
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                })
        cls._order = [('start', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'submitted'),
            ('submitted', 'approved'),
            ('submitted', 'rejected'),
            ('approved', 'lifted'),
            }
        cls._buttons.update({
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'submitted',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'reject_wizard': {
                    'invisible': Eval('state') != 'submitted',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'lift_wizard': {
                    'invisible': Eval('state') != 'approved',
                    'icon': 'tryton-undo',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_kind():
        return 'warning'

    @staticmethod
    def default_start():
        return Pool().get('ir.date').today()

    def get_rec_name(self, name):
        kinds = dict(self.fields_get(['kind'])['kind']['selection'])
        return '%s: %s' % (self.party.rec_name, kinds[self.kind])

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('party'):
            values['vendor'] = cls.vendor_of(values['party'])
        return values

    @classmethod
    def check_modification(cls, mode, sanctions, values=None, external=False):
        super().check_modification(
            mode, sanctions, values=values, external=external)
        if mode == 'delete':
            for sanction in sanctions:
                if sanction.state != 'draft':
                    raise SanctionError(gettext(
                            'lao_credit.msg_sanction_delete',
                            sanction=sanction.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, sanctions):
        "Put the sanctions in force, the vendor's state changed with them"
        cls.check_decider(sanctions)
        cls._log_transition(sanctions, 'approved')
        cls._apply_vendor_state(sanctions)
        cls._recompute(sanctions)

    @classmethod
    @ModelView.button_action('lao_credit.wizard_sanction_reject')
    def reject_wizard(cls, sanctions):
        pass

    @classmethod
    @ModelView.button_action('lao_credit.wizard_sanction_lift')
    def lift_wizard(cls, sanctions):
        pass

    @classmethod
    @Workflow.transition('lifted')
    def lift(cls, sanctions, reason):
        "Lift the sanctions before their expiry, with the decider's reason"
        cls._decide_with_reason(sanctions, 'lifted', reason)
        cls._reinstate_vendors(sanctions)
        cls._recompute(sanctions)

    @classmethod
    def _recompute(cls, sanctions):
        Pool().get('lao.credit.profile').queue_recompute(
            [s.party for s in sanctions])

    @classmethod
    def _vendor_applications(cls, sanctions):
        Company = Pool().get('company.company')
        states = Company._vendor_states(
            [s.vendor.id for s in sanctions if s.vendor])
        Application = Pool().get('lao.vendor.application')
        return {s: Application(states[s.vendor.id][1])
            for s in sanctions
            if s.vendor and states[s.vendor.id][1]}

    @classmethod
    def _apply_vendor_state(cls, sanctions):
        "Suspend or blacklist the vendors through their application"
        Application = Pool().get('lao.vendor.application')
        today = Pool().get('ir.date').today()
        applications = cls._vendor_applications(
            [s for s in sanctions if s.start <= today])
        # The decider of a sanction may decide on the vendor's state
        with without_check_access():
            for sanction, application in applications.items():
                if sanction.kind == 'blacklist':
                    Application.blacklist([application], sanction.reason)
                elif (sanction.kind == 'suspension'
                        and application.state == 'approved'):
                    Application.suspend([application], sanction.reason)

    @classmethod
    def _reinstate_vendors(cls, sanctions):
        """Reinstate the vendors whose suspension or blacklist ends, unless
        another one of theirs is still in force"""
        Application = Pool().get('lao.vendor.application')
        ending = [s for s in sanctions if s.kind != 'warning']
        applications = cls._vendor_applications(ending)
        for sanction, application in applications.items():
            others = cls.search([
                    ('party', '=', sanction.party.id),
                    ('id', 'not in', [s.id for s in ending]),
                    ] + cls._in_force_domain())
            if (not any(o.kind != 'warning' for o in others)
                    and application.state in {'suspended', 'blacklisted'}):
                with without_check_access():
                    Application.reinstate([application])

    @classmethod
    def _in_force_domain(cls, date=None):
        date = date or Pool().get('ir.date').today()
        return [
            ('state', '=', 'approved'),
            ('start', '<=', date),
            ['OR', ('expiry', '=', None), ('expiry', '>=', date)],
            ]

    @classmethod
    def update_vendor_states(cls):
        """Apply the sanctions that start today and end those that expired
        yesterday (the daily cron)"""
        today = Pool().get('ir.date').today()
        yesterday = today - dt.timedelta(days=1)
        starting = cls.search([
                ('state', '=', 'approved'),
                ('start', '=', today),
                ('kind', '!=', 'warning'),
                ])
        cls._apply_vendor_state(starting)
        expired = cls.search([
                ('state', '=', 'approved'),
                ('expiry', '=', yesterday),
                ])
        cls._reinstate_vendors(expired)
        cls._recompute(starting + expired)


class RejectSanction(DecideWithReason):
    __string__ = "Reject Sanction"
    __name__ = 'lao.credit.sanction.reject'
    _decision = 'reject'


class LiftSanction(DecideWithReason):
    __string__ = "Lift Sanction"
    __name__ = 'lao.credit.sanction.lift'
    _decision = 'lift'
