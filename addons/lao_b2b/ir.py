"""Scheduled tasks of the marketplace."""
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('lao.rfq|close_expired',
                    "Close Expired Requests, Quotes and Board Posts"),
                ('lao.commission.run|run_monthly',
                    "Invoice the Marketplace Commissions of Last Month"),
                ('company.company|open_next_fiscal_years',
                    "Open the Next Fiscal Year of Every Company"),
                ('res.user.invitation|retry_delivery',
                    "Retry the Invitations Not Delivered"),
                ('web.user.email|retry_delivery',
                    "Retry the Web Shop's E-mails Not Delivered"),
                ])
