"""The version of the public trace pages.

The web shop keeps a lot's public trace page (GS1 Digital Link resolver,
storefront/trace.py) in its shared cache under the catalogue version of the
area 'trace' (lao_b2b/catalogue_version.py).  Every model whose table that
page reads bumps it when its records are created, written or deleted, so a
cached trace page is never older than its data.  The models are those
below and, with lao_crossborder, its railway; test_trace_page_version
walks the tables that resolving lots reads and finds each model here."""
from trytond.pool import Pool, PoolMeta


class TracePageMixin:
    "Bump the version of the trace pages when records change"
    __slots__ = ()

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        Pool().get('lao.catalogue.version').bump(['trace'])


# Origins: farms, plots, their certifications, harvests
class Farm(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'lao.trace.farm'


class Plot(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'lao.trace.plot'


class Certification(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'lao.trace.certification'


class Harvest(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'lao.trace.harvest'


class Country(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'country.country'


class Subdivision(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'country.subdivision'


# The lots, their products and what made and moved them
class Configuration(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'lao.trace.configuration'


class Lot(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'stock.lot'


class Template(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'product.template'


class Product(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'product.product'


class Identifier(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'product.identifier'


class Uom(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'product.uom'


class Translation(TracePageMixin, metaclass=PoolMeta):
    "The names of products, places and controls in each language"
    __name__ = 'ir.translation'


class Production(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'production'


class Move(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'stock.move'


class Package(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'stock.package'


class Location(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'stock.location'


class ShipmentIn(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'stock.shipment.in'


class ShipmentOut(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'


# Who held the lot, by name or by place only
class Company(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'company.company'


class Party(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'party.party'


class Address(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'party.address'


class Sale(TracePageMixin, metaclass=PoolMeta):
    "The buyer of a move without shipment, by the place of its sale"
    __name__ = 'sale.sale'


class SaleLine(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'sale.line'


# Quality and recalls
class Control(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'quality.control'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # As its product: a category's values per company (accounts) are
        # the control's company's
        cls.product_category.context = cls.product.context.copy()


class Inspection(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'quality.inspection'


class Recall(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'lao.trace.recall'


class RecallLine(TracePageMixin, metaclass=PoolMeta):
    __name__ = 'lao.trace.recall.line'
