from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('lao.credit.profile|recompute_all',
                    "Recompute Credit Profiles"),
                ('lao.credit.sanction|update_vendor_states',
                    "Apply and End Credit Sanctions"),
                ])
