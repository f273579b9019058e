"""Confirmed marketplace sales feed the prices: each line becomes an
anonymised platform-transaction observation, in a queued task so that the
sale does not wait for it."""
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    @classmethod
    def confirm(cls, sales):
        super().confirm(sales)
        marketplace = [s for s in sales if s.marketplace_order]
        if marketplace:
            cls.__queue__.record_market_prices(marketplace)

    @classmethod
    def record_market_prices(cls, sales):
        "Record the marketplace lines of the sales as price observations"
        Observation = Pool().get('lao.price.observation')
        lines = [l for s in sales for l in s.lines
            if l.type == 'line' and l.marketplace_listing]
        with Transaction().set_context(_check_access=False):
            Observation.from_sale_lines(lines)
