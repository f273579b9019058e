"""The catalogue version: counters that every change to what the web shop
shows its anonymous visitors bumps, in the transaction of the change.

The shop keeps the pages it renders for anonymous visitors in a shared
cache under the versions of the areas they show (storefront/cache.py).  A
page read at a version was rendered from data at least as new as that
version, and a change that commits has bumped it: no page older than the
data is ever served from the cache.

The version of an area is the sum of the counters of its rows.  A
transaction that changes an area inserts a row of one as it commits, once
however many changes it made: an INSERT never waits on another transaction
nor makes a concurrent one fail under PostgreSQL's repeatable read, so
checkouts, reviews and price changes commit side by side (counter rows
shared by every transaction deadlocked concurrent checkouts); and as every
committed bump adds one, a later snapshot always sums more.  The cron task
compact folds the bumps into the first row of their area, in one
transaction that sums and deletes the same rows (those its snapshot sees),
so the sum is the same before and after for every reader.

A model joins by mixing CatalogueVersionMixin in, with the areas it shows
in _catalogue_areas, or _catalogue_bump_areas() for finer rules."""
from sql import Literal
from sql.aggregate import Max, Min, Sum
from sql.functions import CurrentTimestamp

from trytond.model import Index, ModelSQL, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

# What the anonymous pages show: the catalogue (listings, their vendors,
# their credit; home, catalogue, listing and seller pages), what is
# available (the listing pages), the supply-and-demand board, the lots'
# public trace pages (bumped by lao_trace)
AREAS = ['catalogue', 'stock', 'board', 'trace']


class CatalogueVersion(ModelSQL):
    __string__ = "Catalogue Version"
    __name__ = 'lao.catalogue.version'

    area = fields.Char("Area", required=True, readonly=True)
    bumps = fields.Integer("Bumps", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(
                t, (t.area, Index.Equality()), (t.id, Index.Range())))

    @classmethod
    def __register__(cls, module):
        table_h = cls.__table_handler__(module)
        super().__register__(module)
        # The slots of the counters that bumps updated before
        if table_h.column_exist('slot'):
            table_h.drop_column('slot')
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.area, group_by=[table.area]))
        present = {area for area, in cursor}
        missing = [a for a in AREAS if a not in present]
        if missing:
            cursor.execute(*table.insert(
                    [table.area, table.bumps, table.create_uid,
                        table.create_date],
                    [[a, 0, 0, CurrentTimestamp()] for a in missing]))

    @classmethod
    def bump(cls, areas):
        """Bump the versions of areas when the transaction commits: once
        each, however many changes it made"""
        if areas:
            Transaction().join(_Bumps()).areas.update(areas)

    @classmethod
    def pending_bumps(cls):
        "The areas that the transaction bumps as it commits"
        return set(Transaction().join(_Bumps()).areas)

    @classmethod
    def _insert_bumps(cls, areas):
        "A row of one for each area, with one INSERT"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.insert(
                [table.area, table.bumps, table.create_uid,
                    table.create_date],
                [[a, 1, Transaction().user, CurrentTimestamp()]
                    for a in sorted(areas)]))

    @classmethod
    def versions(cls, cursor=None):
        """The version of each area, with one query on cursor (the
        transaction's by default): {area: text}

        The text starts with the time the area's first row was created: a
        database made again never reads as the versions of the one before
        it."""
        if cursor is None:
            cursor = Transaction().connection.cursor()
        cursor.execute(*cls.versions_query())
        return cls.versions_of(cursor)

    @classmethod
    def versions_query(cls):
        """The query of versions, as (SQL, parameters) in the flavor of the
        thread: the web shop builds it once and runs it on every request"""
        table = cls.__table__()
        return tuple(table.select(table.area, Min(table.create_date),
                Sum(table.bumps), group_by=[table.area]))

    @staticmethod
    def versions_of(rows):
        "The versions of the rows of versions_query"
        return {area: f'{created}/{int(bumps or 0)}'
            for area, created, bumps in rows}

    @classmethod
    def compact(cls):
        """Fold the bumps of each area into its first row (a cron task):
        the versions read the same, from a few rows"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.area, Min(table.id),
                group_by=[table.area]))
        for area, first in list(cursor):
            bumps = (table.area == area) & (table.id > first)
            cursor.execute(*table.select(Sum(table.bumps), Max(table.id),
                    where=bumps))
            total, last = cursor.fetchone()
            if not last:
                continue
            cursor.execute(*table.delete(where=bumps & (table.id <= last)))
            cursor.execute(*table.update([table.bumps],
                    [table.bumps + Literal(int(total))],
                    where=table.id == first))


class _Bumps:
    """The areas that a transaction bumps, inserted as it commits (a data
    manager of the transaction, as trytond's sendmail has): a version
    counts the transactions that changed its area, and a change's bump
    commits with it or not at all"""

    def __init__(self):
        self.areas = set()

    def __eq__(self, other):
        # One per transaction (Transaction.join)
        if not isinstance(other, _Bumps):
            return NotImplemented
        return True

    # Transaction.commit calls each step of the two-phase commit; the bumps
    # have work only in commit (before the connection commits) and abort
    def tpc_begin(self, transaction):
        pass

    def commit(self, transaction):
        # before the connection commits; the transaction may go on after
        if self.areas:
            Pool().get('lao.catalogue.version')._insert_bumps(self.areas)
            self.areas.clear()

    def tpc_vote(self, transaction):
        pass

    def tpc_finish(self, transaction):
        pass

    def tpc_abort(self, transaction):
        self.areas.clear()


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
