"""The railway journey of a lot on its public trace page."""
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access


class Lot(metaclass=PoolMeta):
    __name__ = 'stock.lot'

    @classmethod
    def public_trace_data(cls, lot, language=None):
        "Add the railway legs of the lot when it travels cross-border"
        Booking = Pool().get('lao.rail.booking')
        data = super().public_trace_data(lot, language=language)
        with Transaction().set_context(language=language), \
                without_check_access():
            data['railway'] = Booking.lot_journeys([lot])
        return data
