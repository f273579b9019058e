"""Benchmark: genealogy of a lot at depth >= 6 in a big lot graph.

Builds a season of a processor, set-based (each kind of row is copied from
one template row made through the ORM, by INSERT ... SELECT over a series of
numbers): --lots lots in --depth + 1 layers, the first one harvest lots
received into storage; each production consumes 3 random lots of a layer
and makes 2 lots of the next one, so lots merge and branch; the rest of the
--moves stock moves are shipments of lots to customers (storage to output,
output to customer), most of the moves as in a real database.  Then computes
the downstream genealogy of a first-layer lot and the upstream genealogy of
a last-layer lot, both at depth --depth, three ways, and checks they agree:

1. stock.lot.downstream / upstream: the module's recursive query (python-sql
   WITH RECURSIVE, one round trip) and the lots it returns;
2. a hand-written recursive CTE in SQL text returning the lot ids, the floor
   for (1);
3. walking stock.lot.trace hop by hop through the ORM (Tryton's own
   upward/downward traces), what code without a set-based query would do.

(1) and (2) run on a warm cache, alternately, --repeat times each, and their
medians are compared; (3) runs once, to the end.

Usage (from the repository root, with the venv):
    python -m bench genealogy [--lots 14000] [--moves 70000] [--depth 6]
SQLite in memory by default.  On PostgreSQL the bench drops and recreates
the database DB_NAME (default bench_genealogy) and drops it at the end
unless --keep; DB_CACHE (a folder) speeds up the module activation.  The
full-scale run whose figures are in addons/lao_trace/doc/design.rst:
    DB_NAME=bench_genealogy \\
    TRYTOND_DATABASE__URI=postgresql://postgres@127.0.0.1:5432/ \\
    python -m bench genealogy --lots 200000 --moves 1000000 --depth 7
"""
import argparse
import os
import random
import sys

os.environ.setdefault('TRYTOND_DATABASE__URI', 'sqlite://')
os.environ.setdefault('DB_NAME', (
        'bench_genealogy'
        if os.environ['TRYTOND_DATABASE__URI'].startswith('postgresql')
        else ':memory:'))

from sql import (  # noqa: E402
    Cast, Column, Flavor, Literal, Select, Table, Union, Values, With)
from sql.conditionals import Coalesce  # noqa: E402
from sql.aggregate import Count, Max  # noqa: E402
from sql.operators import Concat  # noqa: E402

from trytond import backend  # noqa: E402
from trytond.tests.test_tryton import (  # noqa: E402
    DB_NAME, activate_module, drop_db)
from trytond.pool import Pool  # noqa: E402
from trytond.transaction import Transaction  # noqa: E402

from .harness import alternate, ratio_line, report, timed  # noqa: E402

# Hand-written baseline; %s is the lot id (the only parameter)
DOWNSTREAM_SQL = '''
WITH RECURSIVE edges(parent, child) AS (
    SELECT i.lot, o.lot FROM stock_move AS i
    JOIN stock_move AS o ON i.production_input = o.production_output
    WHERE i.lot IS NOT NULL AND o.lot IS NOT NULL
        AND i.production_input IS NOT NULL
        AND o.production_output IS NOT NULL
        AND i.state != 'cancelled' AND o.state != 'cancelled'),
graph(lot) AS (
    SELECT CAST(%s AS INTEGER)
    UNION
    SELECT edges.child FROM graph JOIN edges ON graph.lot = edges.parent)
SELECT lot FROM graph
'''
UPSTREAM_SQL = DOWNSTREAM_SQL.replace(
    'SELECT edges.child FROM graph JOIN edges ON graph.lot = edges.parent',
    'SELECT edges.parent FROM graph JOIN edges ON graph.lot = edges.child')
# Each production consumes this many lots of a layer and makes this many of
# the next one
INPUTS, OUTPUTS = 3, 2
# Input moves are inserted by batches of this many (lot, production) pairs
BATCH = 5000


def numbers(count):
    "The recursive query of the integers 0 to count - 1, in column i"
    series = With('i', recursive=True)
    series.query = Union(
        Select([Cast(Literal(0), 'INTEGER')]),
        series.select(series.i + 1, where=series.i < count - 1),
        all_=True)
    return series


def copy_rows(cursor, table_name, template_id, values, source, with_):
    """Insert into table_name one row per row of source: a copy of the row
    template_id with the columns in values set to their expression"""
    table, template = Table(table_name), Table(table_name)
    cursor.execute(*template.select(limit=1))
    columns = [d[0] for d in cursor.description
        if d[0] != 'id' or 'id' in values]
    query = source.join(template, condition=template.id == template_id
        ).select(*[values.get(c, Column(template, c)) for c in columns])
    cursor.execute(*table.insert(
            [Column(table, c) for c in columns], query, with_=with_))


def next_id(cursor, table_name):
    table = Table(table_name)
    cursor.execute(*table.select(Coalesce(Max(table.id), 0) + 1))
    return cursor.fetchone()[0]


def as_text(expression):
    return Cast(expression, 'VARCHAR')


class Graph:
    "The lot graph: lot ids by layer, built in the current transaction"

    def __init__(self, lots, moves, depth, seed=7):
        self.depth = depth
        self.width = lots // (depth + 1)
        self.productions = self.width // OUTPUTS
        self.lots = self.width * (depth + 1)
        self.production_moves = depth * self.productions * (INPUTS + OUTPUTS)
        self.receipts = self.width
        self.shipments = max(
            0, (moves - self.production_moves - self.receipts) // 2)
        self.random = random.Random(seed)

    def layer(self, index):
        "The lot ids of layer index"
        start = self.lot_base + index * self.width
        return range(start, start + self.width)

    def build(self, chain):
        pool = Pool()
        Move = pool.get('stock.move')
        Production = pool.get('production')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        # One real harvest, production and shipment give the template rows
        _, plot = chain.farm(code='BENCH-0')
        product = chain.product("Bench coffee")
        harvested = chain.harvest(plot, product, 10)
        made, = chain.produce([(harvested, 10)], [(product, 'BENCH-T', 10)])
        chain.ship(made, 1, chain.customer("Bench buyer"))
        production, = Production.search([('outputs.lot', '=', made.id)])
        receipt, = Move.search([
                ('lot', '=', harvested.id), ('production_input', '=', None)])
        picking, delivery = sorted(Move.search([
                    ('lot', '=', made.id), ('shipment', '!=', None)]),
            key=lambda m: m.to_location.type == 'customer')

        self.lot_base = next_id(cursor, 'stock_lot')
        production_base = next_id(cursor, 'production')
        width, productions = self.width, self.productions

        series = numbers(self.lots)
        copy_rows(cursor, 'stock_lot', made.id, {
                'id': series.i + self.lot_base,
                'number': Concat(Concat(Concat(
                            'B', as_text(series.i / width)), '-'),
                    as_text(series.i % width)),
                }, series, [series])

        series = numbers(self.depth * productions)
        copy_rows(cursor, 'production', production.id, {
                'id': series.i + production_base,
                'number': Concat(Concat(Concat(
                            'BP', as_text(series.i / productions + 1)), '-'),
                    as_text(series.i % productions)),
                }, series, [series])

        # Production n of layer l (counted from 0 over all layers) makes
        # lots OUTPUTS * n .. OUTPUTS * n + OUTPUTS - 1 of layer l + 1
        series = numbers(self.depth * productions * OUTPUTS)
        made_by = series.i / OUTPUTS
        copy_rows(cursor, 'stock_move', production.outputs[0].id, {
                'lot': ((made_by / productions + 1) * width
                    + (made_by % productions) * OUTPUTS + series.i % OUTPUTS
                    + self.lot_base),
                'production_output': made_by + production_base,
                }, series, [series])

        pairs = []
        for layer in range(1, self.depth + 1):
            for n in range(productions):
                production_id = (
                    production_base + (layer - 1) * productions + n)
                pairs.extend((lot, production_id) for lot in
                    self.random.sample(self.layer(layer - 1), INPUTS))
        for start in range(0, len(pairs), BATCH):
            consumed = With('lot', 'production',
                query=Values(pairs[start:start + BATCH]))
            copy_rows(cursor, 'stock_move', production.inputs[0].id, {
                    'lot': consumed.lot,
                    'production_input': consumed.production,
                    }, consumed, [consumed])

        series = numbers(self.receipts)
        copy_rows(cursor, 'stock_move', receipt.id, {
                'lot': series.i + self.lot_base,
                }, series, [series])

        if self.shipments:
            for template in [picking, delivery]:
                series = numbers(self.shipments)
                copy_rows(cursor, 'stock_move', template.id, {
                        'lot': series.i % self.lots + self.lot_base,
                        }, series, [series])

        database = transaction.database
        database.setnextid(
            transaction.connection, 'stock_lot', self.lot_base + self.lots)
        database.setnextid(
            transaction.connection, 'production',
            production_base + self.depth * productions)


def walk_traces(lot, direction):
    "Genealogy by walking stock.lot.trace records one hop at a time"
    LotTrace = Pool().get('stock.lot.trace')
    field = 'upward_traces' if direction == 'downstream' else (
        'downward_traces')
    frontier = LotTrace.search([('lot', '=', lot)])
    seen, lots, hops = set(), set(), 0
    while frontier:
        trace = frontier.pop()
        if trace.id in seen:
            continue
        seen.add(trace.id)
        lots.add(trace.lot.id)
        hops += 1
        frontier.extend(getattr(trace, field))
    lots.discard(lot)
    return lots, hops


def compare(module, hand, repeat):
    """The median times and results of module and hand, run alternately
    repeat times each after one warm-up run"""
    results = [module(), hand()]
    medians = alternate({'module': module, 'hand': hand}, repeat)
    return [medians['module'], medians['hand']], results


def hand_query(sql):
    "The hand-written sql in the placeholder style of the backend"
    return sql.replace('%s', Flavor.get().param)


def explain(cursor, query, params):
    "The plan of query, as run, for PostgreSQL; the query plan for SQLite"
    if backend.name == 'postgresql':
        cursor.execute('EXPLAIN (ANALYZE, BUFFERS) ' + query, params)
    else:
        cursor.execute('EXPLAIN QUERY PLAN ' + query, params)
    for row in cursor:
        print('    ' + str(row[-1]))


def count(cursor, table_name):
    table = Table(table_name)
    cursor.execute(*table.select(Count(table.id)))
    return cursor.fetchone()[0]


def analyze():
    "Planner statistics of the new rows, as autovacuum would leave them"
    # VACUUM also marks the pages all-visible, for index-only scans
    command = 'VACUUM ANALYZE' if backend.name == 'postgresql' else 'ANALYZE'
    with Transaction().start(DB_NAME, 0, autocommit=True) as transaction:
        cursor = transaction.connection.cursor()
        for table in ['stock_lot', 'stock_move', 'production']:
            cursor.execute(f'{command} {table}')


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--lots', type=int, default=14_000)
    parser.add_argument('--moves', type=int, default=70_000)
    parser.add_argument('--depth', type=int, default=6)
    parser.add_argument('--repeat', type=int, default=15)
    parser.add_argument('--explain', action='store_true',
        help="print the plans of both queries")
    parser.add_argument('--keep', action='store_true',
        help="keep the PostgreSQL database")
    parser.add_argument('--no-walk', dest='walk', action='store_false',
        help="skip the stock.lot.trace walk (to study the plans)")
    args = parser.parse_args(argv)

    from trytond.modules.company.tests import create_company, set_company
    from trytond.modules.lao_trace.tests import ChainBuilder
    if backend.name != 'sqlite':
        # a fresh database has the indexes of this code
        drop_db()
    activate_module('lao_trace')
    graph = Graph(args.lots, args.moves, args.depth)
    with Transaction().start(DB_NAME, 0, context={}) as transaction:
        company = create_company()
        with set_company(company):
            _, built = timed(graph.build, ChainBuilder(company))
        company_id = company.id
        cursor = transaction.connection.cursor()
        lots, moves = count(cursor, 'stock_lot'), count(cursor, 'stock_move')
        transaction.commit()
    _, analyzed = timed(analyze)
    print(f"graph on {backend.name}: {lots:,} lots ({graph.lots:,} in "
        f"{graph.depth + 1} layers), {moves:,} moves ("
        f"{graph.production_moves:,} of {graph.depth * graph.productions:,} "
        f"productions, {graph.receipts:,} receipts, "
        f"{2 * graph.shipments:,} of shipments); built in {built:.1f} s, "
        f"analysed in {analyzed:.1f} s", flush=True)

    with Transaction().start(DB_NAME, 0, context={}) as transaction:
        Lot = Pool().get('stock.lot')
        cursor = transaction.connection.cursor()

        def hand(sql, lot):
            cursor.execute(hand_query(sql), (lot.id,))
            return {r[0] for r in cursor} - {lot.id}

        def layer(lot_id):
            return (lot_id - graph.lot_base) // graph.width

        # a first-layer lot whose products reach the last layer
        root = next(Lot(i) for i in graph.layer(0)
            if max(map(layer, hand(DOWNSTREAM_SQL, Lot(i)))) == graph.depth)
        leaf = Lot(graph.layer(graph.depth)[0])
        with set_company(Pool().get('company.company')(company_id)):
            for name, lot, method, sql in [
                    ('downstream', root, Lot.downstream, DOWNSTREAM_SQL),
                    ('upstream', leaf, Lot.upstream, UPSTREAM_SQL)]:
                (module_time, hand_time), (module_lots, hand_lots) = compare(
                    lambda: {l.id for l in method([lot])},
                    lambda: hand(sql, lot), args.repeat)
                assert module_lots == hand_lots, name
                layers = {layer(l) for l in module_lots}
                depth = max(layers) if name == 'downstream' else (
                    graph.depth - min(layers))
                report(f"{name} of {lot.number}, depth {depth}: "
                    f"{len(module_lots):,} lots | " + ratio_line(
                        f"stock.lot.{name}", module_time, hand_time,
                        "hand-written CTE"))
                if args.walk:
                    (walk_lots, hops), walk_time = timed(
                        walk_traces, lot.id, name)
                    assert walk_lots == module_lots, name
                    print(f"  stock.lot.trace walk {walk_time * 1000:,.0f} "
                        f"ms ({hops:,} hops): the module's query is "
                        f"{walk_time / module_time:,.0f}x faster", flush=True)
                if args.explain:
                    print(f"  plan of stock.lot.{name}:")
                    explain(cursor, *Lot._genealogy_select([lot.id], name))
                    print("  plan of the hand-written CTE:")
                    explain(cursor, hand_query(sql), (lot.id,))
    if backend.name != 'sqlite' and not args.keep:
        drop_db()


run = main

if __name__ == '__main__':
    sys.exit(main())
