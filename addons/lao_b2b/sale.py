from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

from .company import FROZEN_VENDOR_STATES
from .exceptions import VendorSuspendedError


class SaleLine(metaclass=PoolMeta):
    __name__ = 'sale.line'

    def compute_taxes(self, party):
        """The Lao VAT of the vendor's goods: none when the vendor is not
        VAT-registered or the goods are of an exempt category"""
        taxes = super().compute_taxes(party)
        company = self.on_change_with_company()
        if self.type != 'line' or not company:
            return taxes
        return [t.id for t in company.apply_vat(self.product, taxes)]


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    @classmethod
    def _check_vendor_state(cls, sales):
        "Refuse sales of a vendor whose recognition is suspended"
        Company = Pool().get('company.company')
        states = Company.vendor_states({s.company.id for s in sales})
        for sale in sales:
            if states[sale.company.id] in FROZEN_VENDOR_STATES:
                raise VendorSuspendedError(gettext(
                        'lao_b2b.msg_vendor_suspended_sale',
                        sale=sale.rec_name, vendor=sale.company.rec_name))

    @classmethod
    def quote(cls, sales):
        cls._check_vendor_state(sales)
        super().quote(sales)

    @classmethod
    def confirm(cls, sales):
        cls._check_vendor_state(sales)
        super().confirm(sales)

    @classmethod
    def web_vendor_sales(cls, user):
        """The confirmed sales of the web user's vendors, newest first: the
        orders they fulfil and invoice in the back office"""
        companies = [c.id for c in user.vendor_companies]
        if not companies:
            return []
        with without_check_access():
            return cls.search([
                    ('company', 'in', companies),
                    ('state', 'in', ['confirmed', 'processing', 'done']),
                    ], order=[('sale_date', 'DESC'), ('id', 'DESC')],
                limit=100)
