"""Markets where prices are observed: a place in a province of Laos and
what kind of trade happens there."""
from trytond.model import DeactivableMixin, Index, ModelSQL, ModelView, fields
from trytond.model import Unique
from trytond.pool import Pool

KINDS = [
    ('farm_gate', "Farm Gate"),
    ('wholesale', "Wholesale"),
    ('retail', "Retail"),
    ('border', "Border"),
    ('export', "Export"),
    ]


class Market(DeactivableMixin, ModelSQL, ModelView):
    __string__ = "Market"
    __name__ = 'lao.price.market'

    name = fields.Char("Name", required=True)
    code = fields.Char(
        "Code", help="The market's identifier in imported data (WFP's "
        "market_id).")
    province = fields.Many2One(
        'country.subdivision', "Province",
        domain=[('country.code', '=', 'LA'), ('parent', '=', None)],
        help="Leave empty for a national average.")
    district = fields.Char("District")
    kind = fields.Selection(KINDS, "Kind", required=True)
    kind_string = kind.translated('kind')
    latitude = fields.Numeric("Latitude", digits=(3, 6))
    longitude = fields.Numeric("Longitude", digits=(3, 6))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'lao_prices.msg_market_code_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.province, Index.Equality())))

    @classmethod
    def default_kind(cls):
        return 'retail'

    @classmethod
    def provinces(cls):
        "The provinces of Laos, the first-level subdivisions"
        Subdivision = Pool().get('country.subdivision')
        return Subdivision.search([
                ('country.code', '=', 'LA'),
                ('parent', '=', None),
                ], order=[('code', 'ASC')])
