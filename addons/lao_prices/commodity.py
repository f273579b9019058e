"""Commodities whose prices are followed, each tied to a commodity category
of the marketplace and priced per its standard unit (LAK per kg)."""
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool


class Commodity(DeactivableMixin, ModelSQL, ModelView):
    __string__ = "Price Commodity"
    __name__ = 'lao.price.commodity'

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True)
    category = fields.Many2One(
        'product.category', "Category", required=True, ondelete='RESTRICT',
        help="The marketplace's commodity category; listings of it and of "
        "the categories below it are priced against this commodity.")
    unit = fields.Many2One(
        'product.uom', "Standard Unit", required=True, ondelete='RESTRICT',
        help="Every price of the commodity is normalised per this unit.")
    hdx_code = fields.Char(
        "HDX Code", help="WFP's commodity_id in HDX food price files.")
    hdx_name = fields.Char(
        "HDX Name", help="WFP's commodity name in HDX food price files.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'lao_prices.msg_commodity_code_unique'),
            ('category_unique', Unique(t, t.category),
                'lao_prices.msg_commodity_category_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))

    @classmethod
    def of_categories(cls, categories):
        """Map each category id to the commodity of it or of its nearest
        parent category that has one"""
        Category = Pool().get('product.category')
        by_category = {c.category.id: c for c in cls.search([])}
        result = {}
        for category in Category.browse(categories):
            node = category
            while node and node.id not in by_category:
                node = node.parent
            result[category.id] = by_category.get(node.id) if node else None
        return result

    @classmethod
    def refresh_aggregates(cls, commodities, dates):
        "Recompute the aggregates of the commodities on the dates"
        Aggregate = Pool().get('lao.price.aggregate')
        Aggregate.refresh([(c.id, d) for c in commodities for d in dates])
