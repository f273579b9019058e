"""Buyer profiles: the parties that order on the marketplace."""
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Bool, Eval

BUYER_TYPES = [
    (None, ""),
    ('domestic', "Domestic"),
    ('cross_border', "Cross-Border"),
    ]


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    buyer_type = fields.Selection(
        BUYER_TYPES, "Buyer Type",
        help="Set to let the party order on the marketplace.")
    buyer_business_name = fields.Char(
        "Business Name",
        states={
            'invisible': ~Bool(Eval('buyer_type')),
            'required': Bool(Eval('buyer_type')),
            })
    buyer_registration_number = fields.Char(
        "Registration or Tax Number",
        states={
            'invisible': ~Bool(Eval('buyer_type')),
            'required': Bool(Eval('buyer_type')),
            })
