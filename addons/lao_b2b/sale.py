from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta

from .exceptions import VendorSuspendedError


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    @classmethod
    def check_vendor_active(cls, sales):
        "Refuse sales of a vendor whose recognition is suspended"
        Application = Pool().get('lao.vendor.application')
        suspended = Application.suspended_companies(
            {s.company.id for s in sales})
        for sale in sales:
            if sale.company.id in suspended:
                raise VendorSuspendedError(gettext(
                        'lao_b2b.msg_vendor_suspended_sale',
                        sale=sale.rec_name, vendor=sale.company.rec_name))

    @classmethod
    def quote(cls, sales):
        cls.check_vendor_active(sales)
        super().quote(sales)

    @classmethod
    def confirm(cls, sales):
        cls.check_vendor_active(sales)
        super().confirm(sales)
