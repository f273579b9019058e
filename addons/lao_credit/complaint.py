from trytond.pool import Pool, PoolMeta


class Complaint(metaclass=PoolMeta):
    __name__ = 'sale.complaint'

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        # A complaint upheld counts against the vendor of the sale
        if mode == 'write' and 'state' in field_names:
            Pool().get('lao.credit.profile').queue_recompute(
                [r.company.party for r in records
                    if r.state in {'approved', 'done'}])
