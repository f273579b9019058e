"""The railway journey of a lot on its public trace page."""
from trytond.modules.lao_trace.trace_page import TracePageMixin
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


# The railway part of the trace page reads these: their changes bump the
# version of the trace pages (lao_trace/trace_page.py)
class Declaration(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'lao.customs.declaration'


class DeclarationLine(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'lao.customs.declaration.line'


class Station(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'lao.rail.station'


class Booking(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'lao.rail.booking'


class Stop(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'lao.rail.stop'
