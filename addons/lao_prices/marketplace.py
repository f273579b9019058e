"""What the operations centre's wall screen reads of the marketplace
orders: how many were placed today and their value."""
import datetime as dt
from decimal import Decimal

from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access


class Order(metaclass=PoolMeta):
    __name__ = 'lao.marketplace.order'

    @classmethod
    def today_summary(cls, today=None):
        """The count and value per currency of the orders placed today

        Only totals leave: no buyer, vendor or order."""
        pool = Pool()
        Date = pool.get('ir.date')
        today = today or Date.today()
        start = dt.datetime.combine(today, dt.time())
        with without_check_access():
            orders = cls.search([
                    ('state', '=', 'placed'),
                    ('placed_at', '>=', start),
                    ('placed_at', '<', start + dt.timedelta(days=1)),
                    ])
            value = {}
            for order in orders:
                for line in order.lines:
                    if line.amount is not None and line.currency:
                        code = line.currency.code
                        value[code] = value.get(code, Decimal(0)) + line.amount
        return {
            'date': today,
            'orders': len(orders),
            'value': {k: float(v) for k, v in value.items()},
            }
