"""Scheduled tasks of cross-border trade."""
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('lao.export.registration|warn_expiring',
                "Warn Vendors of Expiring Export Registrations"))
