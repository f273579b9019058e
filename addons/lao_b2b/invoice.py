"""The Lao VAT on the invoices of the platform's companies, and the
buyer's copy of its posted invoices."""
from collections import defaultdict
from decimal import Decimal

from trytond.pool import Pool, PoolMeta
from trytond.tools import slugify
from trytond.transaction import without_check_access

from .common import as_vendor_system
from .sale import AmountSummary, tax_name


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    def amount_summary(self):
        "The invoice's untaxed amount, taxes by rate and total"
        taxes = defaultdict(Decimal)
        for tax in self.taxes:
            taxes[tax_name(tax.tax) if tax.tax else tax.description] += (
                tax.amount)
        return AmountSummary(self.untaxed_amount, list(taxes.items()),
            self.tax_amount, self.total_amount, self.currency)

    @classmethod
    def web_owner_domain(cls, user):
        "The posted customer invoices of the web user's buyer party"
        return [
            ('type', '=', 'out'),
            ('party', '=', user.buyer_party_id),
            ('state', 'in', ['posted', 'paid']),
            ]

    @classmethod
    def web_buyer_report(cls, user, invoice_id):
        """The invoice report of the buyer's posted invoice of id, as
        Tryton prints it for its vendor (and keeps it): (format, data, file
        name), or raise WebAccessError"""
        InvoiceReport = Pool().get('account.invoice', type='report')
        with without_check_access():
            invoice = user.own(cls, invoice_id)
        with as_vendor_system(invoice.company):
            format_, data, _, name = InvoiceReport.execute([invoice.id], {})
        return format_, data, f'{slugify(name)}.{format_}'


class InvoiceLine(metaclass=PoolMeta):
    __name__ = 'account.invoice.line'

    def on_change_product(self):
        super().on_change_product()
        invoice_type = self.invoice.type if self.invoice else self.invoice_type
        if self.product and self.company and invoice_type == 'out':
            self.taxes = self.company.apply_vat(self.product, self.taxes)
