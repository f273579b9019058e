"""Appeals of the evidence behind a credit factor.

A vendor or buyer contests one record counted against it (a shipment, a
cancelled sale, a complaint, a rating or a receivable line) with a note; an
operator accepts it, which takes the record out of the evidence and
recomputes the score, or rejects it with a written reason.  Every decision
goes to the lao.decision log.
"""
from sql import Cast
from sql.operators import Concat

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.lao_b2b.vendor import DecideWithReason
from trytond.pool import Pool
from trytond.pyson import Eval

from .exceptions import AppealError
from .review import PartyReviewMixin

APPEAL_STATES = [
    ('draft', "Draft"),
    ('submitted', "Submitted"),
    ('accepted', "Accepted"),
    ('rejected', "Rejected"),
    ]

# The records whose evidence can be contested, with the party they count
# against
EVIDENCE = [
    ('stock.shipment.out', "company.party"),
    ('sale.sale', "company.party"),
    ('sale.complaint', "company.party"),
    ('lao.credit.rating', "vendor"),
    ('account.move.line', "party"),
    ]

_editable = {'readonly': Eval('state') != 'draft'}


class Appeal(PartyReviewMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Credit Appeal"
    __name__ = 'lao.credit.appeal'
    _decide_own_error = AppealError
    _decide_own_message = 'lao_credit.msg_appeal_decide_own'

    party = fields.Many2One(
        'party.party', "Party", required=True, readonly=True,
        context={'company': Eval('vendor', -1)}, depends={'vendor'})
    evidence = fields.Reference(
        "Evidence", selection='get_evidence_models', required=True,
        states=_editable,
        help="The record counted against the party that it contests.")
    note = fields.Text("Note", required=True, states=_editable)
    state = fields.Selection(APPEAL_STATES, "State", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.party, Index.Range())),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    (t.evidence, Index.Equality())),
                })
        cls._order = [('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'submitted'),
            ('submitted', 'accepted'),
            ('submitted', 'rejected'),
            }
        cls._buttons.update({
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'accept': {
                    'invisible': Eval('state') != 'submitted',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'reject_wizard': {
                    'invisible': Eval('state') != 'submitted',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def get_evidence_models(cls):
        Model = Pool().get('ir.model')
        return [(None, '')] + [
            (m, Model.get_name(m)) for m, _ in EVIDENCE]

    def get_rec_name(self, name):
        return '%s: %s' % (
            self.party.rec_name,
            self.evidence.rec_name if self.evidence else '')

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('evidence'):
            party = cls._evidence_party(values['evidence'])
            values['party'] = party.id if party else None
            values['vendor'] = cls.vendor_of(values['party'])
        return values

    @classmethod
    def _evidence_party(cls, evidence):
        "The party against which the evidence counts"
        if isinstance(evidence, str):
            model, id_ = evidence.split(',')
            evidence = Pool().get(model)(int(id_))
        path = dict(EVIDENCE)[evidence.__name__]
        for name in path.split('.'):
            evidence = getattr(evidence, name, None)
        return evidence

    @classmethod
    def contest(cls, party, evidence, note):
        """Record and submit the party's appeal of the evidence

        The web action of the storefront: a party contests only what counts
        against itself."""
        if cls._evidence_party(evidence) != party:
            raise AppealError(gettext(
                    'lao_credit.msg_appeal_not_own',
                    evidence=evidence.rec_name))
        appeal, = cls.create([{
                    'evidence': str(evidence),
                    'note': note,
                    }])
        cls.submit([appeal])
        return appeal

    @classmethod
    @ModelView.button
    @Workflow.transition('accepted')
    def accept(cls, appeals):
        "Take the evidence out of the score and recompute it"
        cls.check_decider(appeals)
        cls._log_transition(appeals, 'accepted')
        Pool().get('lao.credit.profile').queue_recompute(
            [a.party for a in appeals])

    @classmethod
    @ModelView.button_action('lao_credit.wizard_appeal_reject')
    def reject_wizard(cls, appeals):
        pass

    @classmethod
    def accepted_evidence(cls, model, column):
        """A condition on the column of ids of the model's table that is true
        for the records taken out of the evidence by an accepted appeal"""
        appeal = cls.__table__()
        # typed: PostgreSQL cannot type a text parameter beside an integer
        return Concat(model + ',', Cast(column, 'VARCHAR')).in_(
            appeal.select(appeal.evidence,
                where=appeal.state == 'accepted'))


class RejectAppeal(DecideWithReason):
    __string__ = "Reject Appeal"
    __name__ = 'lao.credit.appeal.reject'
    _decision = 'reject'
