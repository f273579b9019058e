"Pieces shared by the documents of the module (harvests, recalls)"
from trytond.model import ModelView, Workflow, fields
from trytond.modules.lao_b2b.common import state_button
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction


class NumberedDocumentMixin:
    """A company document numbered from a sequence of the traceability
    configuration, that can be cancelled while draft and reset to draft"""
    __slots__ = ()
    # name of the lao.trace.configuration field holding the sequence
    _number_sequence = None
    # name of the date field whose year the number carries (${year} of the
    # sequence): a harvest entered after the season keeps its season's year
    _number_date = None

    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True,
        states={'readonly': Eval('state') != 'draft'})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._transitions |= {
            ('draft', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'draft': state_button('cancelled', 'tryton-undo'),
                'cancel': state_button('draft', 'tryton-cancel'),
                })

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def preprocess_values(cls, mode, values):
        Configuration = Pool().get('lao.trace.configuration')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            sequence = getattr(Configuration(1), cls._number_sequence)
            context = {}
            if cls._number_date and values.get(cls._number_date):
                context['date'] = values[cls._number_date]
            with Transaction().set_context(context):
                values['number'] = sequence.get()
        return values

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, records):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, records):
        pass
