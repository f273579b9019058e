"""The vendors' stock locations: a warehouse belongs to its company."""
from trytond.model import fields
from trytond.pool import PoolMeta

from .common import VendorOwnedMixin


class Location(VendorOwnedMixin, metaclass=PoolMeta):
    __name__ = 'stock.location'

    company = fields.Many2One(
        'company.company', "Company", ondelete='RESTRICT',
        help="The company whose stock the location holds.\n"
        "Leave empty for a location every company uses "
        "(customers, suppliers, transit).")

