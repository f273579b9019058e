"""The Lao VAT on the invoices of the platform's companies."""
from trytond.pool import PoolMeta


class InvoiceLine(metaclass=PoolMeta):
    __name__ = 'account.invoice.line'

    def on_change_product(self):
        super().on_change_product()
        invoice_type = self.invoice.type if self.invoice else self.invoice_type
        if self.product and self.company and invoice_type == 'out':
            self.taxes = self.company.apply_vat(self.product, self.taxes)
