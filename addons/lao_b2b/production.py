from trytond.pool import PoolMeta


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'

    @classmethod
    def _warehouse_location_roles(cls):
        # With production, a warehouse needs the location where it produces
        return super()._warehouse_location_roles() + [
            ('production_location',
                'lao_b2b.msg_provision_location_production', 'production'),
            ]
