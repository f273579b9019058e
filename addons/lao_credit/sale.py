from trytond.i18n import gettext
from trytond.model import ModelView, Workflow
from trytond.pool import Pool, PoolMeta

from .exceptions import ProtectedAmountError


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, sales):
        cls.check_protected_amount(sales)
        super().confirm(sales)

    @classmethod
    def check_protected_amount(cls, sales):
        """Refuse a vendor's sale above the order amount the platform
        guarantees to buyers for that vendor, saying why"""
        pool = Pool()
        Profile = pool.get('lao.credit.profile')
        Lang = pool.get('ir.lang')
        for sale in sales:
            if not sale.company.vendor_state:
                continue
            amount, reason = Profile.protected_amount(sale.company.party)
            if amount is not None and sale.total_amount > amount:
                lang = Lang.get()
                raise ProtectedAmountError(gettext(
                        'lao_credit.msg_protected_amount_exceeded',
                        sale=sale.rec_name,
                        vendor=sale.company.rec_name,
                        protected=lang.currency(
                            amount, sale.currency, grouping=True),
                        amount=lang.currency(
                            sale.total_amount, sale.currency, grouping=True),
                        reason=reason))
