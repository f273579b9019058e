"""Quality inspections of lots (moisture, defects, residue).

An inspection whose origin is a lot grades that lot; a failed inspection
whose alert is still open blocks the lot from sale and from customer
shipments (see stock.lot.block_messages).
"""
from trytond.pool import PoolMeta


class Inspection(metaclass=PoolMeta):
    __name__ = 'quality.inspection'

    @classmethod
    def _get_origins(cls):
        return super()._get_origins() + ['stock.lot']
