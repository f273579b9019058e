"""The catalogue version: counters that every change to what the web shop
shows its anonymous visitors bumps, in the transaction of the change.

The shop keeps the pages it renders for anonymous visitors in a shared
cache under the versions of the areas they show (storefront/cache.py).  A
page read at a version was rendered from data at least as new as that
version, and a change that commits has bumped it: no page older than the
data is ever served from the cache.

Each area has SLOTS rows and its version is the sum of their counters.  A
bump adds one to a random row: under PostgreSQL's repeatable read two
transactions that update the same row cannot both commit (the second is
retried), so spreading the bumps lets concurrent checkouts and reviews
commit side by side; and as every committed bump adds one, a later
snapshot always sums more.

A model joins by mixing CatalogueVersionMixin in, with the areas it shows
in _catalogue_areas, or _catalogue_bump_areas() for finer rules."""
import random

from sql import Literal
from sql.aggregate import Min, Sum
from sql.functions import CurrentTimestamp

from trytond.model import ModelSQL, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

# What the anonymous pages show: the catalogue (listings, their vendors,
# their credit; home, catalogue, listing and seller pages), what is
# available (the listing pages), the supply-and-demand board
AREAS = ['catalogue', 'stock', 'board']
SLOTS = 8


class CatalogueVersion(ModelSQL):
    __string__ = "Catalogue Version"
    __name__ = 'lao.catalogue.version'

    area = fields.Char("Area", required=True, readonly=True)
    slot = fields.Integer("Slot", required=True, readonly=True)
    bumps = fields.Integer("Bumps", required=True, readonly=True)

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.area, table.slot))
        present = set(cursor)
        missing = [(a, s) for a in AREAS for s in range(SLOTS)
            if (a, s) not in present]
        if missing:
            cursor.execute(*table.insert(
                    [table.area, table.slot, table.bumps, table.create_uid,
                        table.create_date],
                    [[a, s, 0, 0, CurrentTimestamp()] for a, s in missing]))

    @classmethod
    def bump(cls, areas):
        "Bump the versions of areas, with one UPDATE"
        areas = sorted(set(areas))
        if not areas:
            return
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [table.bumps], [table.bumps + Literal(1)],
                where=table.area.in_(areas)
                & (table.slot == random.randrange(SLOTS))))

    @classmethod
    def versions(cls):
        """The version of each area, with one query: {area: text}

        The text starts with the time the rows were created: a database
        made again never reads as the versions of the one before it."""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.area, Min(table.create_date),
                Sum(table.bumps), group_by=[table.area]))
        return {area: f'{created}/{int(bumps or 0)}'
            for area, created, bumps in cursor}


class CatalogueVersionMixin:
    """Bump the catalogue versions of _catalogue_areas when records are
    created, written or deleted"""
    __slots__ = ()
    _catalogue_areas = ('catalogue',)

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        areas = cls._catalogue_bump_areas(mode, records, field_names)
        if areas:
            Pool().get('lao.catalogue.version').bump(areas)

    @classmethod
    def _catalogue_bump_areas(cls, mode, records, field_names):
        "The areas that the modification of records changes"
        return cls._catalogue_areas
