from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('lao.price.aggregate|refresh_recent',
                "Refresh the Price Aggregates of Recent Observations"))
