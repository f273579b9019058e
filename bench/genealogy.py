"""Benchmark: genealogy of a lot at depth >= 6 in a big lot graph.

Builds a layered graph of productions (each consumes 3 lots of a layer and
makes 2 lots of the next one, so lots merge and branch), then computes the
downstream genealogy of a first-layer lot and the upstream genealogy of a
last-layer lot three ways, and checks they agree:

1. stock.lot.downstream / upstream: the module's recursive query (python-sql
   WITH RECURSIVE, one round trip);
2. a hand-written recursive CTE in SQL text, the floor for (1);
3. walking stock.lot.trace hop by hop through the ORM (Tryton's own
   upward/downward traces), what code without a set-based query would do.

Usage (from the repository root, with the venv):
    .venv/bin/python bench/genealogy.py [--width 1000] [--depth 8]
SQLite in memory by default; set TRYTOND_DATABASE__URI=postgresql://... and
DB_NAME to run on PostgreSQL.  DB_CACHE speeds up module activation.
"""
import argparse
import os
import random
import statistics
import sys
import time

os.environ.setdefault('DB_NAME', ':memory:')
os.environ.setdefault('TRYTOND_DATABASE__URI', 'sqlite://')

from sql import Flavor, Table  # noqa: E402

from trytond.tests.test_tryton import (  # noqa: E402
    DB_NAME, activate_module)
from trytond.pool import Pool  # noqa: E402
from trytond.transaction import Transaction  # noqa: E402

# Hand-written baseline; %s is the lot id (the only parameter)
DOWNSTREAM_SQL = '''
WITH RECURSIVE edges(parent, child) AS (
    SELECT i.lot, o.lot FROM stock_move AS i
    JOIN stock_move AS o ON i.production_input = o.production_output
    WHERE i.lot IS NOT NULL AND o.lot IS NOT NULL
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


def rows(cursor, table, id_):
    cursor.execute(*table.select(where=table.id == id_))
    names = [d[0] for d in cursor.description]
    return dict(zip(names, cursor.fetchone()))


def insert(cursor, table, records):
    if not records:
        return
    columns = list(records[0])
    cursor.execute(*table.insert(
            [getattr(table, c) for c in columns],
            [[r[c] for c in columns] for r in records]))


def build_graph(chain, width, depth, seed=7):
    """Insert depth layers of productions over width lots per layer; return
    the list of lot id layers"""
    cursor = Transaction().connection.cursor()
    lot_t, move_t, production_t = (
        Table('stock_lot'), Table('stock_move'), Table('production'))
    # One real harvest and production give template rows to copy
    _, plot = chain.farm(code='BENCH-0')
    product = chain.product("Bench coffee")
    first = chain.harvest(plot, product, 10)
    out, = chain.produce([(first, 10)], [(product, 'BENCH-T', 10)])
    input_move = Pool().get('stock.move').search([
            ('production_input', '!=', None)], limit=1)[0]
    production = input_move.production_input
    output_move = production.outputs[0]
    lot_row = rows(cursor, lot_t, out.id)
    in_row = rows(cursor, move_t, input_move.id)
    out_row = rows(cursor, move_t, output_move.id)
    production_row = rows(cursor, production_t, production.id)

    def next_ids(table):
        cursor.execute(*table.select(table.id, order_by=[table.id.desc],
                limit=1))
        return cursor.fetchone()[0] + 1
    lot_id, move_id, production_id = (
        next_ids(lot_t), next_ids(move_t), next_ids(production_t))
    rng = random.Random(seed)

    def new_lots(count, layer):
        nonlocal lot_id
        records = []
        for n in range(count):
            records.append(dict(lot_row, id=lot_id, number=f'B{layer}-{n}'))
            lot_id += 1
        insert(cursor, lot_t, records)
        return [r['id'] for r in records]

    layers = [new_lots(width, 0)]
    for layer in range(1, depth + 1):
        outputs = new_lots(width, layer)
        productions, moves = [], []
        for n in range(width // 2):
            productions.append(dict(
                    production_row, id=production_id,
                    number=f'BP{layer}-{n}'))
            for lot in rng.sample(layers[-1], 3):
                moves.append(dict(
                        in_row, id=move_id, lot=lot,
                        production_input=production_id))
                move_id += 1
            for lot in outputs[2 * n:2 * n + 2]:
                moves.append(dict(
                        out_row, id=move_id, lot=lot,
                        production_output=production_id))
                move_id += 1
            production_id += 1
        for start in range(0, len(productions), 500):
            insert(cursor, production_t, productions[start:start + 500])
        for start in range(0, len(moves), 500):
            insert(cursor, move_t, moves[start:start + 500])
        layers.append(outputs)
    return layers


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


def timed(function, repeat):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--width', type=int, default=1000)
    parser.add_argument('--depth', type=int, default=8)
    parser.add_argument('--repeat', type=int, default=5)
    args = parser.parse_args(argv)

    from trytond.modules.company.tests import create_company, set_company
    from trytond.modules.lao_trace.tests.tools import ChainBuilder
    activate_module('lao_trace')
    with Transaction().start(DB_NAME, 0, context={}) as transaction:
        company = create_company()
        with set_company(company):
            start = time.perf_counter()
            layers = build_graph(ChainBuilder(company), args.width, args.depth)
            built = time.perf_counter() - start
            Lot = Pool().get('stock.lot')
            cursor = transaction.connection.cursor()
            # a first-layer lot whose products reach the last layer
            last = set(layers[-1])
            root = next(Lot(i) for i in layers[0]
                if last & set(Lot._genealogy([Lot(i)], 'downstream')[i]))
            leaf = Lot(layers[-1][0])
            print(f"graph: {args.depth} layers of {args.width} lots, "
                f"{args.depth * args.width // 2} productions, "
                f"{args.depth * args.width // 2 * 5} moves "
                f"(built in {built:.1f}s) on {transaction.database.name}")

            def hand(sql, lot):
                # the placeholder of the backend: %s (psycopg) or ? (sqlite)
                cursor.execute(sql.replace('%s', Flavor.get().param),
                    (lot.id,))
                return {r[0] for r in cursor} - {lot.id}

            for name, lot, method, sql in [
                    ('downstream', root, Lot.downstream, DOWNSTREAM_SQL),
                    ('upstream', leaf, Lot.upstream, UPSTREAM_SQL)]:
                module_time, module_lots = timed(
                    lambda: {l.id for l in method([lot])}, args.repeat)
                hand_time, hand_lots = timed(
                    lambda: hand(sql, lot), args.repeat)
                walk_time, (walk_lots, hops) = timed(
                    lambda: walk_traces(lot.id, name), 1)
                assert module_lots == hand_lots == walk_lots, name
                print(f"{name} of {lot.number}: {len(module_lots)} lots | "
                    f"stock.lot.{name} {module_time * 1000:.1f} ms | "
                    f"hand-written CTE {hand_time * 1000:.1f} ms | "
                    f"stock.lot.trace walk {walk_time * 1000:.0f} ms "
                    f"({hops} hops)")
            transaction.rollback()


run = main

if __name__ == '__main__':
    sys.exit(main())
