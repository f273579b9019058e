"""The vendors' stock locations: a warehouse belongs to its company."""
from trytond.model import fields
from trytond.pool import PoolMeta

from .catalogue_version import CatalogueVersionMixin
from .common import VendorOwnedMixin


class Location(VendorOwnedMixin, metaclass=PoolMeta):
    __name__ = 'stock.location'

    company = fields.Many2One(
        'company.company', "Company", ondelete='RESTRICT',
        help="The company whose stock the location holds.\n"
        "Leave empty for a location every company uses "
        "(customers, suppliers, transit).")



class Move(CatalogueVersionMixin, metaclass=PoolMeta):
    "A listing on stock offers the forecast quantity of its warehouse"
    __name__ = 'stock.move'
    _catalogue_areas = ('stock',)
