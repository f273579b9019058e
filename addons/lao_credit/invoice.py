from trytond.pool import Pool, PoolMeta


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        # Paid by the due date or not changes the buyer's score
        if mode == 'write' and 'state' in field_names:
            Pool().get('lao.credit.profile').queue_recompute(
                [r.party for r in records if r.state in {'paid'}])
