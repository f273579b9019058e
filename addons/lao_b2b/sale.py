from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

from .catalogue_version import CatalogueVersionMixin
from .company import FROZEN_VENDOR_STATES
from .exceptions import VendorSuspendedError


class AmountSummary(NamedTuple):
    """What a buyer pays one vendor: the untaxed amount, each tax by the
    name of its rate [(name, amount)], the taxes and the total"""
    untaxed: Decimal
    taxes: list
    tax: Decimal
    total: Decimal
    # The currency.currency record, for the currencyformat filter
    currency: object


def tax_name(tax):
    """The name of the rate of tax as the buyer reads it: "VAT 10%" for the
    Lao VAT (in the context language), else the tax's description"""
    if tax.parent and tax.parent.template and tax.parent.template.id == (
            Pool().get('ir.model.data').get_id('lao_b2b', 'tax_vat')):
        rate = format(tax.rate * 100, 'f')
        if '.' in rate:
            rate = rate.rstrip('0').rstrip('.')
        return gettext('lao_b2b.msg_tax_vat_rate', rate=rate)
    return tax.description


class SaleLine(CatalogueVersionMixin, metaclass=PoolMeta):
    __name__ = 'sale.line'
    # A listing on stock offers its stock less its pending sales
    _catalogue_areas = ('stock',)

    def compute_taxes(self, party):
        """The Lao VAT of the vendor's goods: none when the vendor is not
        VAT-registered or the goods are of an exempt category"""
        taxes = super().compute_taxes(party)
        company = self.on_change_with_company()
        if self.type != 'line' or not company:
            return taxes
        return [t.id for t in company.apply_vat(self.product, taxes)]


class Sale(CatalogueVersionMixin, metaclass=PoolMeta):
    __name__ = 'sale.sale'

    @classmethod
    def _catalogue_bump_areas(cls, mode, sales, field_names):
        "Whether a sale is pending changes what a listing on stock offers"
        if mode == 'create' or (
                mode == 'write' and 'state' not in field_names):
            return ()
        return ('stock',)

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

    def amount_summary(self):
        """The sale's untaxed amount, taxes by rate and total, by Tryton's
        tax computation of the sale: for a sale not saved too (a cart)"""
        if self.id is None or self.id < 0:
            self.on_change_lines()
        taxes = defaultdict(Decimal)
        for line in self._get_taxes().values():
            taxes[tax_name(line.tax)] += line.amount
        return AmountSummary(self.untaxed_amount,
            [(n, self.currency.round(a)) for n, a in taxes.items()],
            self.tax_amount, self.total_amount, self.currency)

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
