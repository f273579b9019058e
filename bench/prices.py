"""Benchmark: the price aggregates at national scale.

Fills lao_price_observation with --observations prices over two years (every
main commodity in every province, --observations / (days × 162) a
province-commodity-day), builds the aggregates once, then adds one day of
--new observations and measures:

1. the incremental refresh of that day (its day, week and month, provincial
   and national): lao.price.aggregate.refresh, goal <= 2 s for 20,000;
2. the answer time of the price API (a commodity's monthly series in a
   province and the country) against raw SQL on the aggregate table, as a
   ratio (goal <= 2): through the model method, and through the storefront's
   HTTP endpoint (Flask test client, JSON included).

Sides alternate, --repeat times each; medians are compared.

Usage (from the repository root, with the venv):
    python -m bench prices [--observations 200000] [--new 20000]
The figures of addons/lao_prices/doc/design.rst come from PostgreSQL:
    DB_NAME=bench_prices \\
    TRYTOND_DATABASE__URI=postgresql://postgres@127.0.0.1:5432/ \\
    python -m bench prices --observations 5000000
On PostgreSQL the database DB_NAME is recreated (dropped at the end unless
--keep); the rows are generated inside the database (generate_series).
"""
import argparse
import datetime as dt
import os
import statistics

os.environ.setdefault('TRYTOND_DATABASE__URI', 'sqlite://')
os.environ.setdefault('DB_NAME', (
        'bench_prices'
        if os.environ['TRYTOND_DATABASE__URI'].startswith('postgresql')
        else ':memory:'))

from sql import Literal  # noqa: E402
from sql.aggregate import Count  # noqa: E402

from trytond import backend  # noqa: E402
from trytond.tests.test_tryton import (  # noqa: E402
    DB_NAME, activate_module, drop_db)
from trytond.pool import Pool  # noqa: E402
from trytond.transaction import Transaction  # noqa: E402

from .harness import alternate, ratio_line, report, timed  # noqa: E402

DAYS = 730
END = dt.date(2026, 11, 30)
# One generated row: day offset, province index, commodity index, then a
# price from the row number (deterministic, spread +-20 %)
GENERATE_SQL = '''
INSERT INTO lao_price_observation (
    commodity, province, date, week, month, price_min, price_max,
    price_modal, price_min_lak, price_max_lak, price_lak, currency, unit,
    price_type, source, state, create_uid, create_date)
SELECT c.id, p.id, s.day, s.day - CAST(EXTRACT(ISODOW FROM s.day) AS INTEGER) + 1,
    CAST(date_trunc('month', s.day) AS DATE),
    s.price * 0.93, s.price * 1.07, s.price, s.price * 0.93, s.price * 1.07,
    s.price, %s, %s, 'retail', 'survey', 'valid', 0, now()
FROM (
    SELECT n, CAST(%s AS DATE) + CAST(n / %s AS INTEGER) AS day,
        n %% %s AS province, (n / %s) %% %s AS commodity,
        ROUND(CAST(10000 * (0.8 + ((CAST(n AS BIGINT) * 7919) %% 400) / 1000.0)
            AS NUMERIC), 0)
            AS price
    FROM generate_series(%s, %s) AS n) AS s
JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS i
    FROM country_subdivision WHERE id = ANY(%s)) AS p ON p.i = s.province
JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS i
    FROM lao_price_commodity WHERE id = ANY(%s)) AS c ON c.i = s.commodity
'''
RAW_SQL = '''
SELECT commodity, province, price_type, period, date, median, minimum,
    maximum, count
FROM lao_price_aggregate
WHERE period = 'month' AND commodity = %s
    AND (province = %s OR province IS NULL)
ORDER BY commodity, province, date
'''


def reference(pool):
    "The reference currency, the provinces and commodities (ids)"
    Configuration = pool.get('lao.price.configuration')
    Currency = pool.get('currency.currency')
    Market = pool.get('lao.price.market')
    Commodity = pool.get('lao.price.commodity')
    lak, = Currency.search([('code', '=', 'LAK')])
    config = Configuration(1)
    config.currency = lak
    config.save()
    provinces = [p.id for p in Market.provinces()]
    commodities = Commodity.search([], order=[('id', 'ASC')])
    return lak.id, provinces, commodities


def insert_python(cursor, table, rows_spec):
    "Insert the generated rows by batches (SQLite)"
    start_day, first, last, per_day, provinces, commodities, lak = rows_spec
    columns = [table.commodity, table.province, table.date, table.week,
        table.month, table.price_min, table.price_max, table.price_modal,
        table.price_min_lak, table.price_max_lak, table.price_lak,
        table.currency, table.unit, table.price_type, table.source,
        table.state, table.create_uid, table.create_date]
    now = dt.datetime.now()
    batch = []
    for n in range(first, last + 1):
        day = start_day + dt.timedelta(days=n // per_day)
        province = provinces[n % len(provinces)]
        commodity = commodities[(n // len(provinces)) % len(commodities)]
        price = round(10000 * (0.8 + ((n * 7919) % 400) / 1000.0))
        batch.append([commodity.id, province, day,
                day - dt.timedelta(days=day.weekday()), day.replace(day=1),
                price * 0.93, price * 1.07, price, price * 0.93,
                price * 1.07, price, lak, commodity.unit.id, 'retail',
                'survey', 'valid', 0, now])
        if len(batch) >= 5000:
            cursor.execute(*table.insert(columns, batch))
            batch = []
    if batch:
        cursor.execute(*table.insert(columns, batch))


def generate(cursor, table, start_day, first, last, per_day, provinces,
        commodities, lak):
    if backend.name == 'postgresql':
        units = {c.unit.id for c in commodities}
        unit, = units
        cursor.execute(GENERATE_SQL, (
                lak, unit, start_day, per_day, len(provinces),
                len(provinces), len(commodities), first, last,
                provinces, [c.id for c in commodities]))
    else:
        insert_python(cursor, table, (start_day, first, last, per_day,
                provinces, commodities, lak))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--observations', type=int, default=200_000)
    parser.add_argument('--new', type=int, default=20_000)
    parser.add_argument('--repeat', type=int, default=15)
    parser.add_argument('--keep', action='store_true',
        help="keep the PostgreSQL database")
    args = parser.parse_args(argv)

    if backend.name != 'sqlite':
        drop_db()
    activate_module('lao_prices')
    start_day = END - dt.timedelta(days=DAYS - 1)
    new_day = END + dt.timedelta(days=1)
    # the configuration singleton's first save locks its table
    with Transaction().start(DB_NAME, 0, context={},
            _lock_tables=['lao_price_configuration']) as transaction:
        pool = Pool()
        Observation = pool.get('lao.price.observation')
        Aggregate = pool.get('lao.price.aggregate')
        lak, provinces, commodities = reference(pool)
        per_day = max(args.observations // DAYS, 1)
        table = Observation.__table__()
        cursor = transaction.connection.cursor()
        _, built = timed(generate, cursor, table, start_day, 0,
            args.observations - 1, per_day, provinces, commodities, lak)
        if backend.name == 'postgresql':
            cursor.execute('ANALYZE lao_price_observation')
        _, aggregated = timed(Aggregate.rebuild)
        if backend.name == 'postgresql':
            cursor.execute('ANALYZE lao_price_aggregate')
        aggregate = Aggregate.__table__()
        cursor.execute(*aggregate.select(Count(Literal(1))))
        aggregates, = cursor.fetchone()
        transaction.commit()
    print(f"{backend.name}: {args.observations:,} observations over {DAYS} "
        f"days ({per_day:,} a day) generated in {built:.1f} s; "
        f"{aggregates:,} aggregates built in {aggregated:.1f} s", flush=True)

    with Transaction().start(DB_NAME, 0, context={}) as transaction:
        pool = Pool()
        Observation = pool.get('lao.price.observation')
        Aggregate = pool.get('lao.price.aggregate')
        table = Observation.__table__()
        cursor = transaction.connection.cursor()
        # the new day's rows continue the numbering after the last day
        first = (new_day - start_day).days * per_day
        generate(cursor, table, start_day, first, first + args.new - 1,
            args.new, provinces, commodities, lak)
        keys = [(c.id, new_day) for c in commodities]
        _, refreshed = timed(Aggregate.refresh, keys)
        aggregate = Aggregate.__table__()
        cursor.execute(*aggregate.select(Count(Literal(1)),
                where=aggregate.date == new_day))
        days, = cursor.fetchone()
        transaction.commit()
    print(f"incremental refresh of one day of {args.new:,} new observations "
        f"(its day, week and month): {refreshed:.2f} s (goal <= 2 s) "
        f"({days} day aggregates)", flush=True)

    commodity = commodities[0].id
    province = provinces[len(provinces) // 2]
    with Transaction().start(DB_NAME, 0, context={}) as transaction:
        pool = Pool()
        Aggregate = pool.get('lao.price.aggregate')
        cursor = transaction.connection.cursor()
        raw_sql = RAW_SQL if backend.name == 'postgresql' else RAW_SQL.replace(
            '%s', '?')

        def raw():
            cursor.execute(raw_sql, (commodity, province))
            return cursor.fetchall()

        def model():
            return Aggregate.series(commodities=[commodity],
                provinces=[province, None], period='month')
        assert len(raw()) == len(model()), (len(raw()), len(model()))
        medians = alternate({'raw': raw, 'model': model}, args.repeat)
        rows = len(raw())
    report(f"series of {rows} rows: " + ratio_line(
            "lao.price.aggregate.series", medians['model'], medians['raw'],
            "raw SQL", goal=2))

    http = api_timing(commodity, province, args.repeat, raw_sql)
    if http:
        report(ratio_line("GET /api/v1/prices (storefront, JSON)",
                http['http'], http['raw'], "raw SQL", goal=2))

    if backend.name != 'sqlite' and not args.keep:
        drop_db()


def api_timing(commodity, province, repeat, raw_sql):
    "Median times of the HTTP endpoint and of raw SQL, or None on SQLite"
    if DB_NAME == ':memory:':
        # the storefront opens its own connections: not to a memory database
        return None
    from storefront import create_app
    app = create_app({
            'TESTING': True, 'TRYTON_DATABASE': DB_NAME,
            'SECRET_KEY': 'bench', 'SECRET_KEY_FILE': '/nonexistent'})
    client = app.test_client()
    with Transaction().start(DB_NAME, 0, readonly=True) as transaction:
        pool = Pool()
        Commodity = pool.get('lao.price.commodity')
        Subdivision = pool.get('country.subdivision')
        code = Commodity(commodity).code
        province_code = Subdivision(province).code
    url = (f'/api/v1/prices?commodity={code}&province={province_code},'
        'national&period=month')
    assert client.get(url).status_code == 200
    sides = {'raw': [], 'http': []}
    for _ in range(repeat):
        with Transaction().start(DB_NAME, 0, readonly=True) as transaction:
            cursor = transaction.connection.cursor()

            def raw():
                cursor.execute(raw_sql, (commodity, province))
                return cursor.fetchall()
            sides['raw'].append(timed(raw)[1])
        sides['http'].append(timed(client.get, url)[1])
    return {k: statistics.median(v) for k, v in sides.items()}


def run(argv):
    main(argv)


if __name__ == '__main__':
    main()
