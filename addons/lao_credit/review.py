"""What sanctions and appeals share: a reviewed workflow about a party,
logged to lao.decision and visible to the party's vendor company."""
from trytond.model import ModelView, Workflow, fields
from trytond.modules.lao_b2b.vendor import WorkflowDecisionMixin
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class Decision(metaclass=PoolMeta):
    __name__ = 'lao.decision'

    @classmethod
    def _resource_models(cls):
        return super()._resource_models() + [
            'lao.credit.sanction', 'lao.credit.appeal']


class PartyReviewMixin(WorkflowDecisionMixin):
    __slots__ = ()
    vendor = fields.Many2One(
        'company.company', "Vendor", readonly=True,
        help="The vendor company of the party, if it is a vendor.")
    submitted_by = fields.Many2One('res.user', "Submitted By", readonly=True)

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def vendor_of(cls, party_id):
        "The id of the vendor company of the party, or None"
        Company = Pool().get('company.company')
        companies = Company.search([('party', '=', party_id)], limit=1)
        return companies[0].id if companies else None

    @classmethod
    @ModelView.button
    @Workflow.transition('submitted')
    def submit(cls, records):
        cls._log_transition(records, 'submitted')
        cls.write(records, {'submitted_by': Transaction().user or None})
