"""Cross-border marketplace orders: destination, incoterm and the export
readiness of every listing ordered."""
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from .exceptions import CrossBorderOrderError

_cross_border = Eval('buyer_type') == 'cross_border'


class Order(metaclass=PoolMeta):
    __name__ = 'lao.marketplace.order'

    buyer_type = fields.Function(
        fields.Selection('get_buyer_types', "Buyer Type"),
        'on_change_with_buyer_type')
    destination = fields.Many2One(
        'country.country', "Destination",
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': ~_cross_border,
            },
        help="The country to which the goods are exported.")
    incoterm = fields.Many2One(
        'incoterm.incoterm', "Incoterm",
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': ~_cross_border,
            })
    incoterm_location = fields.Char(
        "Incoterm Location",
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': ~_cross_border,
            },
        help="For example: FCA Vientiane South, DAP Mohan, CPT Kunming.")

    @classmethod
    def get_buyer_types(cls):
        Party = Pool().get('party.party')
        return Party.fields_get(['buyer_type'])['buyer_type']['selection']

    @fields.depends('buyer')
    def on_change_with_buyer_type(self, name=None):
        return self.buyer.buyer_type if self.buyer else None

    @fields.depends('buyer', 'destination')
    def on_change_buyer(self):
        super().on_change_buyer()
        if (self.buyer and self.buyer.buyer_type == 'cross_border'
                and not self.destination):
            address = self.buyer.address_get(type='delivery')
            if address and address.country:
                self.destination = address.country

    @classmethod
    def check_lines(cls, orders):
        cls.check_export_readiness(orders)
        super().check_lines(orders)

    @classmethod
    def check_export_readiness(cls, orders):
        """Refuse cross-border orders for listings that are not export-ready
        for the order's destination, naming what each one lacks"""
        Requirement = Pool().get('lao.export.requirement')
        problems = []
        by_destination = defaultdict(set)
        for order in orders:
            if order.buyer.buyer_type != 'cross_border':
                continue
            if not order.destination:
                problems.append(gettext(
                        'lao_crossborder.msg_order_no_destination',
                        order=order.rec_name))
                continue
            for line in order.lines:
                by_destination[order.destination].add(line.listing)
        for destination, listings in by_destination.items():
            listings = sorted(listings, key=lambda l: l.id)
            missing = Requirement.missing(listings, destination)
            for listing in listings:
                if missing[listing.id]:
                    problems.append(gettext(
                            'lao_crossborder.msg_order_listing_not_ready',
                            listing=listing.rec_name,
                            destination=destination.rec_name,
                            missing='; '.join(missing[listing.id])))
        if problems:
            raise CrossBorderOrderError(gettext(
                    'lao_crossborder.msg_order_refused',
                    problems='\n'.join('- ' + p for p in problems)))
