"""Benchmark: export readiness of many listings and railway ETA updates.

Approves --vendors vendors through the ORM (as the tests do), gives each a
different set of China registrations (CIFER, orchard, packhouse; some
expired or too soon expiring) and lists green coffee, bananas, durian and
cassava flour with their HS codes; the seed listings are then copied
set-based into --listings listings spread over the vendors.  It measures:

1. export readiness of every listing for China and Thailand:
   lao.export.requirement.checklist (one query per destination and slice
   of listings, the requirements matched in memory) against a hand-written
   SQL of the same rules (one statement per destination answering the ready
   listings), both checked to agree; sides alternate, --repeat times, the
   medians are compared as a ratio (goal <= 2);
2. ETA recomputation of --legs open railway legs (bookings of four stops,
   Vientiane South to Kunming South) after batches of station events
   (Booking.record_events: actual times saved, the estimates of the
   bookings touched moved by their latest delay, delays past the threshold
   notified), at two batch sizes (--events), reported per 1,000 events:
   equal figures mean linear in events.

Usage (from the repository root, with the venv):
    python -m bench crossborder [--listings 2000] [--legs 1000]
        [--events 250 1000]
The figures of the issue:
    python -m bench crossborder --listings 50000 --legs 10000 \\
        --events 1000 5000
On PostgreSQL (TRYTOND_DATABASE__URI=postgresql://...) the database
DB_NAME is recreated and dropped at the end unless --keep.
"""
import argparse
import datetime as dt
import os
import random
import statistics
import time

os.environ.setdefault('TRYTOND_DATABASE__URI', 'sqlite://')
os.environ.setdefault('DB_NAME', (
        'bench_crossborder'
        if os.environ['TRYTOND_DATABASE__URI'].startswith('postgresql')
        else ':memory:'))

from trytond import backend  # noqa: E402
from trytond.tests.test_tryton import (  # noqa: E402
    DB_NAME, activate_module, drop_db)
from trytond.pool import Pool  # noqa: E402
from trytond.transaction import Transaction  # noqa: E402

from scripts.demo.tryton import run_in_transaction  # noqa: E402

# commodity category (lao_b2b), product name, HS code
GOODS = [
    ('coffee_arabica_green', "Green arabica", '09011100'),
    ('banana', "Cavendish banana", '08039000'),
    ('durian', "Durian", '08106000'),
    ('cassava', "Cassava flour", '11062000'),
    ]
# The registrations of vendor n: kind, days of validity left (None: open)
REGISTRATIONS = [
    [],
    [('cifer_registration', 800)],
    [('cifer_registration', 800), ('orchard_registration', 800),
        ('packhouse_registration', 800)],
    [('cifer_registration', 10), ('orchard_registration', None),
        ('packhouse_registration', -5)],
    [('cifer_registration', None), ('orchard_registration', 400)],
    ]
STATIONS = ['VTS', 'BTN', 'MHN', 'KMS']
HOURS = [0, 6, 30, 46]
CHUNK = 500


def as_admin(func, *args):
    """Run func as the administrator (user 1), who decides the vendors'
    applications that root (user 0) submits, as in the tests"""
    with Transaction().set_user(1), Transaction().set_context(
            _check_access=False):
        return func(*args)


def timed(func, *args, **kwargs):
    start = time.perf_counter()
    result = func(*args, **kwargs)
    return time.perf_counter() - start, result


def setup(vendor_count):
    """The platform, vendor_count approved vendors with their registrations
    and one listing of each good; return the seed listings' ids"""
    from trytond.modules.company.tests import create_company, set_company
    from trytond.modules.lao_b2b.tests.test_marketplace import (
        category, create_listing, create_product, create_vendor)
    from trytond.modules.lao_crossborder.tests import (
        add_tariff_code, create_registration)
    today = dt.date.today()
    company = create_company(name="Lao Rural E-Commerce Platform")
    with set_company(company):
        vendors = [create_vendor(f"Bench Cooperative {n}", f'BN-{n:04d}')
            for n in range(vendor_count)]
        for n, vendor in enumerate(vendors):
            for kind, days in REGISTRATIONS[n % len(REGISTRATIONS)]:
                valid_to = (today + dt.timedelta(days=days)
                    if days is not None else None)
                create_registration(vendor, kind, valid_to=valid_to,
                    valid_from=today - dt.timedelta(days=400),
                    number=f'{kind[:4].upper()}-{n}')
        seeds = []
        for code, name, hs_code in GOODS:
            product = create_product(name, vendors[0], category(code))
            add_tariff_code(product, hs_code)
            seeds.append(create_listing(vendors[0], product=product,
                    cat=code, photo=False).id)
    return [v.id for v in vendors], seeds


def copy_listings(seed_ids, vendor_ids, count):
    "Copy the seed listings into count listings spread over the vendors"
    from bench.catalogue import RowCopier
    pool = Pool()
    Listing = pool.get('lao.listing')
    transaction = Transaction()
    table = Listing.__table__()
    copier = RowCopier(transaction.connection.cursor(), transaction.database,
        transaction.connection)
    seeds = [copier.row(table, i) for i in seed_ids]
    # one seed per good, all vendors in turn: every combination is met
    by_seed = {}
    for n in range(count):
        seed = seeds[n % len(seeds)]
        vendor = vendor_ids[(n // len(seeds)) % len(vendor_ids)]
        by_seed.setdefault(seed['id'], []).append({'company': vendor})
    ids = []
    for seed in seeds:
        ids += copier.insert(table, seed, by_seed.get(seed['id'], []))
    if backend.name == 'postgresql':
        transaction.connection.cursor().execute('ANALYZE')
    return ids


RAW_LISTING = '''
SELECT l.id, l.company, l.category, (
        SELECT MIN(tc.code) FROM "{product_tariff}" AS pt
        JOIN customs_tariff_code AS tc ON tc.id = pt.tariff_code
        WHERE pt.product = {template_ref}
            AND (tc.country IS NULL OR tc.country = {destination})) AS code
FROM lao_listing AS l
JOIN product_product AS p ON p.id = l.product
'''
RAW_REGISTRATION = '''EXISTS (
        SELECT 1 FROM lao_export_registration AS g
        WHERE g.company = b.company AND g.destination = {destination}
            AND g.kind = '{kind}' AND g.active = {true}
            AND g.valid_from <= {date}
            AND (g.valid_to IS NULL OR g.valid_to >= {until}))'''


def raw_sql(destination, date):
    """The hand-written SQL answering the ids of the listings export-ready
    for the destination on date: the rules of
    lao.export.requirement.checklist written out for the destination's
    requirements"""
    pool = Pool()
    Requirement = pool.get('lao.export.requirement')
    ProductTariff = pool.get('product-customs.tariff.code')
    requirements = Requirement.search([('destination', '=', destination.id)])
    categories = Requirement.commodity_categories(requirements)
    postgresql = backend.name == 'postgresql'

    def literal(day):
        return (f"CAST('{day.isoformat()}' AS DATE)" if postgresql
            else f"'{day.isoformat()}'")
    template_ref = ("'product.template,' || CAST(p.template AS VARCHAR)")
    applies, missing = [], []
    for requirement in requirements:
        conditions = []
        if categories[requirement.id] is not None:
            conditions.append('b.category IN (%s)' % ', '.join(
                    str(c) for c in sorted(categories[requirement.id])))
        if requirement.hs_code_from:
            low = requirement.hs_code_from
            high = requirement.hs_code_to or low
            conditions.append(
                f"SUBSTR(b.code, 1, {len(low)}) >= '{low}' "
                f"AND SUBSTR(b.code, 1, {len(high)}) <= '{high}'")
        condition = '(%s)' % ' AND '.join(conditions)
        applies.append(condition)
        if requirement.kind == 'market_access':
            if not requirement.protocol_in_force(date):
                missing.append(condition)
        elif requirement.vendor_held:
            until = date + dt.timedelta(
                days=requirement.minimum_remaining_days or 0)
            missing.append('(%s AND NOT %s)' % (condition,
                    RAW_REGISTRATION.format(destination=destination.id,
                        kind=requirement.kind,
                        true='TRUE' if postgresql else '1',
                        date=literal(date), until=literal(until))))
    listing = RAW_LISTING.format(product_tariff=ProductTariff._table,
        template_ref=template_ref, destination=destination.id)
    where = ['b.code IS NOT NULL', '(%s)' % (' OR '.join(applies) or 'FALSE')]
    where += ['NOT %s' % m for m in missing]
    return (f'SELECT b.id FROM ({listing}) AS b WHERE '
        + ' AND '.join(where))


def readiness(repeat):
    "Readiness for China and Thailand: the model against the raw SQL"
    pool = Pool()
    Country = pool.get('country.country')
    Listing = pool.get('lao.listing')
    Requirement = pool.get('lao.export.requirement')
    cursor = Transaction().connection.cursor()
    today = dt.date.today()
    listings = Listing.search([], order=[('id', 'ASC')])
    results = []
    for code in ['CN', 'TH']:
        destination, = Country.search([('code', '=', code)])
        query = raw_sql(destination, today)

        def model():
            checklist = Requirement.checklist(listings, destination, today)
            return {i for i, items in checklist.items()
                if all(ok is not False for _, _, ok in items)}

        def raw():
            cursor.execute(query)
            return {i for i, in cursor}
        ready = model()
        assert ready == raw(), (code, len(ready), len(raw()))
        sides = {'model': [], 'raw': []}
        for n in range(repeat):
            order = [('model', model), ('raw', raw)]
            for name, func in (order if n % 2 else order[::-1]):
                sides[name].append(timed(func)[0])
        medians = {k: statistics.median(v) for k, v in sides.items()}
        results.append((code, len(listings), len(ready), medians))
    return results


def create_legs(count):
    "count open legs of four stops, planned over the coming days"
    pool = Pool()
    Booking = pool.get('lao.rail.booking')
    Company = pool.get('company.company')
    Station = pool.get('lao.rail.station')
    stations = {s.code: s.id for s in Station.search([])}
    vendors = Company.search([('party.name', 'like', "Bench Cooperative%")])
    start = dt.datetime.combine(dt.date.today(), dt.time(8))
    hour = dt.timedelta(hours=1)
    for first in range(0, count, CHUNK):
        Booking.create([{
                    'company': vendors[n % len(vendors)].id,
                    'number': f'BNCH{n:07d}',
                    'stops': [('create', [{
                                    'station': stations[code],
                                    ('planned_departure' if not i
                                        else 'planned_arrival'):
                                    start + (n % 48) * hour + hours * hour,
                                    } for i, (code, hours) in enumerate(
                                    zip(STATIONS, HOURS))])],
                    } for n in range(first, min(first + CHUNK, count))])


def events(count, rng):
    """count station events on open legs: the next stop without actual
    time of random bookings, late by 0 to 5 hours"""
    pool = Pool()
    Stop = pool.get('lao.rail.stop')
    stops = Stop.search([
            ('actual_arrival', '=', None),
            ('actual_departure', '=', None),
            ], order=[('booking', 'ASC'), ('sequence', 'ASC'), ('id', 'ASC')])
    first = {}
    for stop in stops:
        first.setdefault(stop.booking.id, stop)
    chosen = rng.sample(sorted(first), min(count, len(first)))
    result = []
    for booking in chosen:
        stop = first[booking]
        kind = 'departure' if stop.planned_departure else 'arrival'
        planned = getattr(stop, f'planned_{kind}')
        result.append((stop, kind,
                planned + dt.timedelta(minutes=rng.randrange(0, 300))))
    return result


def eta(batch):
    "Record one batch of events; return their number and its time"
    pool = Pool()
    Booking = pool.get('lao.rail.booking')
    rng = random.Random(batch)
    batch_events = events(batch, rng)
    duration, _ = timed(Booking.record_events, batch_events)
    return len(batch_events), duration


def run(argv=None):
    parser = argparse.ArgumentParser(prog='python -m bench crossborder')
    parser.add_argument('--vendors', type=int, default=20)
    parser.add_argument('--listings', type=int, default=2000)
    parser.add_argument('--legs', type=int, default=1000)
    parser.add_argument('--events', type=int, nargs=2, default=[250, 1000],
        metavar=('SMALL', 'LARGE'))
    parser.add_argument('--repeat', type=int, default=7)
    parser.add_argument('--keep', action='store_true',
        help="keep the PostgreSQL database")
    args = parser.parse_args(argv)
    if max(args.events) > args.legs:
        parser.error("each batch of events needs as many open legs")

    if backend.name != 'sqlite':
        drop_db()
    activate_module('lao_crossborder')
    built, (vendor_ids, seed_ids) = timed(
        run_in_transaction, DB_NAME, as_admin, setup, args.vendors)
    copied, _ = timed(run_in_transaction, DB_NAME, as_admin, copy_listings,
        seed_ids, vendor_ids, args.listings - len(seed_ids))
    print(f"{backend.name}: {args.vendors} vendors in {built:.1f} s, "
        f"{args.listings:,} listings copied in {copied:.1f} s", flush=True)

    for code, count, ready, medians in run_in_transaction(
            DB_NAME, as_admin, readiness, args.repeat):
        print(f"export readiness for {code} of {count:,} listings "
            f"({ready:,} ready): raw SQL {medians['raw'] * 1000:.1f} ms, "
            f"checklist {medians['model'] * 1000:.1f} ms, ratio "
            f"{medians['model'] / medians['raw']:.2f}", flush=True)

    created, _ = timed(
        run_in_transaction, DB_NAME, as_admin, create_legs, args.legs)
    print(f"{args.legs:,} open legs of {len(STATIONS)} stops created in "
        f"{created:.1f} s", flush=True)
    for batch in args.events:
        count, duration = run_in_transaction(DB_NAME, as_admin, eta, batch)
        print(f"ETA recomputation after {count:,} station events: "
            f"{duration:.2f} s, {duration / count * 1000:.2f} s per 1,000 "
            "events", flush=True)

    if backend.name != 'sqlite' and not args.keep:
        drop_db()
