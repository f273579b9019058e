from trytond.pool import Pool, PoolMeta


class ShipmentOut(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        # Whether it left on time changes the vendor's score
        if mode == 'write' and 'state' in field_names:
            Pool().get('lao.credit.profile').queue_recompute(
                [r.company.party for r in records if r.state in {'done'}])
