"""What the operations centre's wall screen reads of the board and the
listings: supply on offer per province and the newest posts."""
from collections import defaultdict

from trytond import backend
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice


def _standard_quantity(quantity, unit, standard):
    "The quantity in the standard unit, or None across unit categories"
    Uom = Pool().get('product.uom')
    if not quantity or not unit or unit.category != standard.category:
        return None
    return Uom.compute_qty(unit, quantity, standard, round=False)


class BoardPost(metaclass=PoolMeta):
    __name__ = 'lao.board.post'

    @classmethod
    def supply_by_province(cls, commodity):
        """The quantity on offer of the commodity per province id, in its
        standard unit: open sell offers and published listings"""
        pool = Pool()
        Listing = pool.get('lao.listing')
        supply = defaultdict(float)
        category = commodity.category.id
        for post in cls.search(cls.board_domain(
                    kind='sell', category=category)):
            quantity = _standard_quantity(
                post.quantity, post.unit, commodity.unit)
            if quantity:
                supply[post.province.id] += quantity
        listings = Listing.search([
                ('state', '=', 'published'),
                ('category', 'child_of', [category], 'parent'),
                ('origin_province', '!=', None),
                ])
        for sub in grouped_slice(listings, backend.MAX_QUERY_PARAMS):
            sub = list(sub)
            available = Listing.get_available_quantity(
                sub, 'available_quantity')
            for listing in sub:
                quantity = _standard_quantity(
                    available[listing.id], listing.unit, commodity.unit)
                if quantity:
                    supply[listing.origin_province.id] += quantity
        return dict(supply)

    @classmethod
    def ops_feed(cls, limit=12):
        """The newest open buy requests and sell offers of the board as
        public dicts (no contact, no party)"""
        posts = cls.search(cls.board_domain(), limit=limit,
            order=[('id', 'DESC')])
        return [{
                'id': p.id,
                'kind': p.kind,
                'kind_string': dict(cls.kind.selection)[p.kind],
                'title': p.title,
                'commodity': p.category.rec_name,
                'province': p.province.rec_name,
                'quantity': p.quantity,
                'unit': p.unit.symbol if p.unit else None,
                'price': float(p.price) if p.price is not None else None,
                'currency': p.currency.code if p.currency else None,
                } for p in posts]
