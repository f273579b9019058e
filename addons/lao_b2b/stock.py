"""The vendors' stock locations: a warehouse belongs to its company."""
from trytond.model import Index, fields
from trytond.pool import PoolMeta
from trytond.transaction import Transaction

from .common import keep_company_context


class Location(metaclass=PoolMeta):
    __name__ = 'stock.location'

    company = fields.Many2One(
        'company.company', "Company", ondelete='RESTRICT',
        help="The company whose stock the location holds.\n"
        "Leave empty for a location every company uses "
        "(customers, suppliers, transit).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.company, Index.Range())))

    @classmethod
    def __post_setup__(cls):
        super().__post_setup__()
        keep_company_context(cls)

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')
