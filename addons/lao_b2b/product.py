"""Commodity categories and units of the marketplace.

The platform's goods are a tree of product categories seeded in XML.  A
category can be marked prohibited (protected wildlife, for example): no
listing of it, or of any category below it, passes the pre-checks.
"""
from trytond.model import Index, fields
from trytond.pool import PoolMeta
from trytond.transaction import Transaction

from .common import keep_company_context


class Category(metaclass=PoolMeta):
    __name__ = 'product.category'

    prohibited = fields.Boolean(
        "Prohibited",
        help="Check to forbid listing goods of this category and of the "
        "categories below it on the marketplace.")
    commission_rate = fields.Numeric(
        "Commission Rate", digits=(1, 4),
        domain=['OR',
            ('commission_rate', '=', None),
            [('commission_rate', '>=', 0), ('commission_rate', '<', 1)],
            ],
        help="The share of each marketplace sale of this category kept by "
        "the platform.\nLeave empty to use the rate of the parent category.")

    @staticmethod
    def default_prohibited():
        return False

    @property
    def is_prohibited(self):
        "Whether this category or one of its parents is prohibited"
        category = self
        while category:
            if category.prohibited:
                return True
            category = category.parent
        return False

    @property
    def effective_commission_rate(self):
        "The rate of the nearest category up the tree that has one"
        category = self
        while category:
            if category.commission_rate is not None:
                return category.commission_rate
            category = category.parent


class Template(metaclass=PoolMeta):
    __name__ = 'product.template'

    company = fields.Many2One(
        'company.company', "Company", ondelete='RESTRICT',
        help="The vendor that owns the product.\n"
        "Leave empty for a product every company may use.")

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


class Product(metaclass=PoolMeta):
    __name__ = 'product.product'

    @classmethod
    def __post_setup__(cls):
        super().__post_setup__()
        # The variant shows its template's company
        keep_company_context(cls)
