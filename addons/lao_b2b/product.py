"""Commodity categories and units of the marketplace.

The platform's goods are a tree of product categories seeded in XML.  A
category can be marked prohibited (protected wildlife, for example): no
listing of it, or of any category below it, passes the pre-checks.
"""
from trytond import backend
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

from .catalogue_version import CatalogueVersionMixin
from .common import VendorOwnedMixin, keep_company_context


class Category(CatalogueVersionMixin, metaclass=PoolMeta):
    __name__ = 'product.category'

    prohibited = fields.Boolean(
        "Prohibited",
        help="Check to forbid listing goods of this category and of the "
        "categories below it on the marketplace.")
    vat_exempt = fields.Boolean(
        "VAT Exempt",
        help="Check when the goods of this category and of the categories "
        "below it are exempt from VAT (Law on VAT, Art. 12).")
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

    @classmethod
    def commodity_domain(cls):
        """The domain of the categories that are commodities: not the
        accounting categories (such as a vendor's "Sales of" category) and
        neither prohibited nor below a prohibited category"""
        domain = [('accounting', '=', False)]
        prohibited = [c.id for c in cls.search([('prohibited', '=', True)])]
        if prohibited:
            # The prohibited categories and those below them (whose parent
            # is in their subtrees)
            excluded = cls.search(['OR',
                    ('id', 'in', prohibited),
                    ('parent', 'child_of', prohibited),
                    ])
            domain.append(('id', 'not in', [c.id for c in excluded]))
        return domain

    @property
    def is_prohibited(self):
        "Whether this category or one of its parents is prohibited"
        category = self
        while category:
            if category.prohibited:
                return True
            category = category.parent
        return False

    @staticmethod
    def default_vat_exempt():
        return False

    @property
    def is_vat_exempt(self):
        "Whether this category or one of its parents is exempt from VAT"
        category = self
        while category:
            if category.vat_exempt:
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


class Template(VendorOwnedMixin, metaclass=PoolMeta):
    __name__ = 'product.template'

    company = fields.Many2One(
        'company.company', "Company", ondelete='RESTRICT',
        help="The vendor that owns the product.\n"
        "Leave empty for a product every company may use.")



class Product(metaclass=PoolMeta):
    __name__ = 'product.product'

    # The template's company, read in SQL rather than through the template
    # (product's TemplateFunction): the context of the template field itself
    # depends on it
    company = fields.Function(
        fields.Many2One('company.company', "Company"),
        'get_company', searcher='search_company')

    @classmethod
    def __post_setup__(cls):
        super().__post_setup__()
        keep_company_context(cls)

    @classmethod
    def get_company(cls, products, name):
        Template = Pool().get('product.template')
        product = cls.__table__()
        template = Template.__table__()
        cursor = Transaction().connection.cursor()
        companies = {}
        for sub_products in grouped_slice(products, backend.MAX_QUERY_PARAMS):
            cursor.execute(*product.join(
                    template, condition=product.template == template.id
                    ).select(product.id, template.company,
                    where=reduce_ids(product.id, [p.id for p in sub_products])))
            companies.update(cursor)
        return companies

    @classmethod
    def search_company(cls, name, clause):
        return [('template.' + clause[0],) + tuple(clause[1:])]
