from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.pyson import Eval

from .common import xml_id


class Configuration(ModelSingleton, ModelSQL, ModelView):
    __string__ = "Marketplace Configuration"
    __name__ = 'lao.b2b.configuration'

    recognition_sequence = fields.Many2One(
        'ir.sequence', "Recognition Sequence", required=True,
        domain=[
            ('sequence_type', '=', Eval('recognition_sequence_type', -1)),
            ],
        help="Numbers the certifications of recognition of e-commerce "
        "issued to approved vendors.")
    recognition_sequence_type = fields.Function(
        fields.Many2One('ir.sequence.type', "Recognition Sequence Type"),
        'get_recognition_sequence_type')
    bank_transfer_payment_term = fields.Many2One(
        'account.invoice.payment_term', "Bank Transfer Payment Term",
        required=True,
        help="The payment term of the sales that the buyer pays by bank "
        "transfer (due within its number of days).")
    cash_on_delivery_payment_term = fields.Many2One(
        'account.invoice.payment_term', "Cash on Delivery Payment Term",
        required=True,
        help="The payment term of the sales paid on delivery; they are "
        "invoiced when shipped.")
    vendor_chart_template = fields.Many2One(
        'account.account.template', "Vendor Chart of Accounts",
        required=True, domain=[('parent', '=', None)],
        help="The chart of accounts template given to each new vendor.")

    @classmethod
    def default_recognition_sequence(cls):
        return xml_id('lao_b2b', 'sequence_recognition')

    @classmethod
    def default_vendor_chart_template(cls):
        return xml_id('account', 'account_template_root_en')

    @classmethod
    def default_bank_transfer_payment_term(cls):
        return xml_id('lao_b2b', 'payment_term_bank_transfer')

    @classmethod
    def default_cash_on_delivery_payment_term(cls):
        return xml_id('lao_b2b', 'payment_term_cash_on_delivery')

    def payment_terms(self, payment_method):
        """The payment term and invoice method of a sale paid by
        payment_method"""
        if payment_method == 'cash_on_delivery':
            return self.cash_on_delivery_payment_term, 'fulfillment'
        return self.bank_transfer_payment_term, 'order'

    @classmethod
    def default_recognition_sequence_type(cls):
        return xml_id('lao_b2b', 'sequence_type_recognition')

    def get_recognition_sequence_type(self, name):
        return self.default_recognition_sequence_type()
