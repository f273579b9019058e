"""Benchmark: the nightly full recompute of the credit profiles.

Approves --vendors vendors through the real approval, then generates inside
the database, set-based (one INSERT ... SELECT per table over
generate_series on PostgreSQL, a recursive series on SQLite), --parties
buyer parties, --orders sales of the vendors to them (done or cancelled
after confirmation) with --lines order lines in all and each its customer
shipment (done on time, done late, or still open after its planned date),
and --invoices posted receivable lines of the buyers (paid by their due
date, paid late or open and overdue).  Then it times:

1. lao.credit.profile.recompute_all: every fact gathered by ProfileFacts,
   scored by the kernel, the profiles, factors and snapshots written
   set-based: once at first (everything inserted), then --repeat times
   with nothing changed (only the computation date written) and --repeat
   times with every score changed (a new version of the scoring model
   activated before: every profile updated, its factors replaced and a
   snapshot added);
2. ProfileFacts.collect alone (the facts of every party);
3. one hand-written SQL statement computing the same facts for every party
   at once (a join of per-kind aggregates on the parties);

the sides in turns, and prints the medians and the ratios to 3 (goal <= 3
for 1), and the cost per party.

    python -m bench credit [--parties 2000] [--orders 10000]
        [--lines 40000] [--invoices 10000] [--vendors 5] [--repeat 3]

The issue's scale, on PostgreSQL (the database DB_NAME is recreated, and
dropped at the end unless --keep):
    DB_NAME=creditbench_bench \\
    TRYTOND_DATABASE__URI=postgresql://postgres@127.0.0.1:5432/ \\
    nice -n 10 python -m bench credit --parties 100000 --orders 500000 \\
        --lines 2000000 --invoices 500000 --vendors 50
"""
import argparse
import datetime as dt
import os
import statistics
import time

os.environ.setdefault('TRYTOND_DATABASE__URI', 'sqlite://')
os.environ.setdefault('DB_NAME', (
        'bench_credit'
        if os.environ['TRYTOND_DATABASE__URI'].startswith('postgresql')
        else ':memory:'))

from bench.harness import ratio_line, report, timed  # noqa: E402
from trytond import backend  # noqa: E402
from trytond.pool import Pool  # noqa: E402
from trytond.tests.test_tryton import (  # noqa: E402
    DB_NAME, activate_module, drop_db)
from trytond.transaction import Transaction  # noqa: E402

# A series of integers 0 .. n - 1 as the table "series" of column i:
# generate_series on PostgreSQL, a recursive query on SQLite
WITH_SERIES = {
    'sqlite': ("WITH RECURSIVE series(i) AS (SELECT 0 UNION ALL "
        "SELECT i + 1 FROM series WHERE i + 1 < %(n)s) "),
    'postgresql': "",
    }
SERIES = {
    'sqlite': "series",
    'postgresql': "generate_series(0, %(n)s - 1) AS series(i)",
    }

# Days back from today, per backend
DAYS = {
    'sqlite': "DATE(%(today)s, (-(%(expr)s)) || ' days')",
    'postgresql': "(CAST(%(today)s AS DATE) - CAST(%(expr)s AS INTEGER))",
    }

PARTIES_SQL = """{with_series}
INSERT INTO party_party (name, code, active, create_uid, create_date)
SELECT 'Bench buyer ' || i, 'BENCH-' || i, %(true)s, 0, %(now)s
FROM {series}
"""

# Sale k of buyer (k mod parties) from vendor (k mod vendors): one in
# forty cancelled after confirmation, the others done
SALES_SQL = """{with_series}
INSERT INTO sale_sale (company, party, currency, state, sale_date,
    invoice_method, shipment_method, invoice_state, shipment_state,
    reference, create_uid, create_date)
SELECT v.company, p.id, v.currency,
    CASE WHEN i %% 40 = 0 THEN 'cancelled' ELSE 'done' END,
    {sale_date}, 'order', 'order', 'paid', 'sent', 'bench', 0, %(now)s
FROM {series}
JOIN bench_party AS p ON p.n = i %% %(parties)s
JOIN bench_vendor AS v ON v.n = i %% %(vendors)s
"""

# The shipment of each sale: one in twenty-five done two days late, one in
# two hundred still waiting after its planned date, the others on time
SHIPMENTS_SQL = """
INSERT INTO stock_shipment_out (company, customer, delivery_address,
    warehouse, warehouse_storage, warehouse_output, state, planned_date,
    effective_date, reference, create_uid, create_date)
SELECT s.company, s.party, a.id, v.warehouse, v.storage, v.output,
    CASE WHEN s.id %% 200 = 0 THEN 'waiting' ELSE 'done' END,
    s.sale_date,
    CASE WHEN s.id %% 200 = 0 THEN NULL
        WHEN s.id %% 25 = 0 THEN {late} ELSE s.sale_date END,
    'bench', 0, %(now)s
FROM sale_sale AS s JOIN bench_vendor AS v ON v.company = s.company
JOIN party_address AS a ON a.party = s.party
WHERE s.reference = 'bench'
"""

# The address of each buyer, where its shipments go
ADDRESSES_SQL = """
INSERT INTO party_address (party, active, sequence, create_uid, create_date)
SELECT id, %(true)s, 10, 0, %(now)s FROM bench_party
"""

# One posted move per invoice with the buyer's receivable line; its
# counterpart is left out, no fact reads it
MOVES_SQL = """{with_series}
INSERT INTO account_move (company, journal, period, date, state, number,
    description, create_uid, create_date)
SELECT v.company, v.journal, v.period, %(today)s, 'posted', 'BENCH-' || i,
    'bench ' || i, 0, %(now)s
FROM {series} JOIN bench_vendor AS v ON v.n = i %% %(vendors)s
"""

LINES_SQL = """
INSERT INTO account_move_line (move, account, party, debit, credit,
    maturity_date, state, create_uid, create_date)
SELECT m.id, v.receivable, p.id, 1000000, 0, {maturity}, 'valid', 0,
    %(now)s
FROM account_move AS m
JOIN bench_vendor AS v ON v.company = m.company
JOIN bench_party AS p ON p.n = m.id %% %(parties)s
WHERE m.description LIKE 'bench %%'
"""

# Four in five paid: one in eight of them after their due date
RECONCILIATIONS_SQL = """
INSERT INTO account_move_reconciliation (company, number, date,
    create_uid, create_date)
SELECT m.company, 'BENCH-' || l.id, {paid_on}, 0, %(now)s
FROM account_move_line AS l JOIN account_move AS m ON m.id = l.move
WHERE m.description LIKE 'bench %%' AND l.id %% 5 <> 0
"""

RECONCILE_SQL = """
UPDATE account_move_line SET reconciliation = r.id
FROM account_move_reconciliation AS r
WHERE r.number = 'BENCH-' || account_move_line.id
    AND r.number LIKE 'BENCH-%%'
"""

# The lines of the sales, --lines in all spread over the sales in turn
SALE_LINES_SQL = """{with_series}
INSERT INTO sale_line (sale, sequence, type, description, quantity,
    unit_price, create_uid, create_date)
SELECT s.id, i, 'line', 'Bench coffee', 1 + i %% 7, 50000, 0, %(now)s
FROM {series}
JOIN bench_sale AS s ON s.n = i %% %(sales)s
"""

# The same facts as ProfileFacts, for every active party, in one statement
FACTS_SQL = """
SELECT p.id, p.create_date, ven.verified, ven.unchecked,
    sh.total, sh.late, sa.total, sa.cancelled, co.upheld,
    pay.total, pay.on_time, pay.days, pay.open, pay.amount,
    ra.count, ra.total, sn.warnings, sn.worst
FROM party_party AS p
LEFT JOIN (
    SELECT c.party AS party,
        MAX(CASE WHEN a.state IN ('approved', 'suspended', 'blacklisted')
            THEN 1 ELSE 0 END) AS verified,
        MAX(CASE WHEN EXISTS (SELECT 1 FROM lao_vendor_application_document
                AS d WHERE d.application = a.id AND d.checked IS NOT TRUE)
            THEN 1 ELSE 0 END) AS unchecked
    FROM company_company AS c
    JOIN lao_vendor_application AS a ON a.company = c.id
    GROUP BY c.party) AS ven ON ven.party = p.id
LEFT JOIN (
    SELECT c.party AS party, COUNT(*) AS total,
        SUM(CASE
            WHEN s.state = 'done' AND s.effective_date > s.planned_date
                THEN 1
            WHEN s.state <> 'done' AND s.planned_date < %(today)s THEN 1
            ELSE 0 END) AS late
    FROM stock_shipment_out AS s JOIN company_company AS c
        ON c.id = s.company
    WHERE s.state = 'done' OR (s.state IN ('waiting', 'assigned', 'picked',
            'packed') AND s.planned_date < %(today)s)
    GROUP BY c.party) AS sh ON sh.party = p.id
LEFT JOIN (
    SELECT c.party AS party, COUNT(*) AS total,
        SUM(CASE WHEN s.state = 'cancelled' THEN 1 ELSE 0 END) AS cancelled
    FROM sale_sale AS s JOIN company_company AS c ON c.id = s.company
    WHERE s.state IN ('confirmed', 'processing', 'done')
        OR (s.state = 'cancelled' AND s.sale_date IS NOT NULL)
    GROUP BY c.party) AS sa ON sa.party = p.id
LEFT JOIN (
    SELECT c.party AS party, COUNT(*) AS upheld
    FROM sale_complaint AS k JOIN company_company AS c ON c.id = k.company
    WHERE k.state IN ('approved', 'done')
    GROUP BY c.party) AS co ON co.party = p.id
LEFT JOIN (
    SELECT l.party AS party, COUNT(*) AS total,
        SUM(CASE WHEN r.id IS NOT NULL AND r.date <= l.maturity_date
            THEN 1 ELSE 0 END) AS on_time,
        SUM(CASE
            WHEN r.id IS NOT NULL AND r.date > l.maturity_date
                THEN {paid_late_days}
            WHEN r.id IS NULL AND l.maturity_date < %(today)s
                THEN {open_days}
            ELSE 0 END) AS days,
        SUM(CASE WHEN r.id IS NULL AND l.maturity_date < %(today)s
            THEN 1 ELSE 0 END) AS open,
        SUM(CASE WHEN r.id IS NULL AND l.maturity_date < %(today)s
            THEN l.debit - l.credit ELSE 0 END) AS amount
    FROM account_move_line AS l
    JOIN account_move AS m ON m.id = l.move
    JOIN account_account AS a ON a.id = l.account
    JOIN account_account_type AS t ON t.id = a.type
    LEFT JOIN account_move_reconciliation AS r ON r.id = l.reconciliation
    WHERE m.state = 'posted' AND t.receivable = %(true)s
        AND l.maturity_date IS NOT NULL AND l.debit > 0
        AND (r.id IS NOT NULL OR l.maturity_date <= %(today)s)
    GROUP BY l.party) AS pay ON pay.party = p.id
LEFT JOIN (
    SELECT vendor AS party, COUNT(*) AS count, SUM(rating) AS total
    FROM lao_credit_rating GROUP BY vendor) AS ra ON ra.party = p.id
LEFT JOIN (
    SELECT party, SUM(CASE WHEN kind = 'warning' THEN 1 ELSE 0 END)
            AS warnings,
        MAX(CASE kind WHEN 'warning' THEN 0 WHEN 'suspension' THEN 1
            WHEN 'blacklist' THEN 2 ELSE -1 END) AS worst
    FROM lao_credit_sanction
    WHERE state = 'approved' AND start <= %(today)s
        AND (expiry IS NULL OR expiry >= %(today)s)
    GROUP BY party) AS sn ON sn.party = p.id
WHERE p.active = %(true)s
"""


def _sql(text, **formats):
    "The statement in the backend's SQL and parameter style"
    name = backend.name
    days = DAYS[name]
    values = {
        'sale_date': days % {'today': '%(today)s', 'expr': 'i %% 300'},
        'late': days % {'today': 's.sale_date', 'expr': '-2'},
        'maturity': days % {'today': '%(today)s', 'expr': '(m.id %% 60) - 20'},
        'paid_on': days % {'today': 'l.maturity_date',
            'expr': "CASE WHEN l.id %% 8 = 0 THEN -9 ELSE 1 END"},
        }
    if name == 'sqlite':
        values['paid_late_days'] = 'JULIANDAY(r.date) - JULIANDAY(l.maturity_date)'
        values['open_days'] = 'JULIANDAY(%(today)s) - JULIANDAY(l.maturity_date)'
    else:
        values['paid_late_days'] = 'r.date - l.maturity_date'
        values['open_days'] = 'CAST(%(today)s AS DATE) - l.maturity_date'
    values['with_series'] = WITH_SERIES[name]
    values['series'] = SERIES[name]
    values.update(formats)
    text = text.format(**values) if '{' in text else text
    if name == 'sqlite':
        # named parameters of sqlite3, and its modulo
        import re
        text = re.sub(r'%\((\w+)\)s', r':\1', text).replace('%%', '%')
    return text


def _execute(cursor, text, **params):
    cursor.execute(_sql(text), params)


def vendor_table(cursor, companies):
    "The vendors' ids the generating statements need, numbered from 0"
    pool = Pool()
    Account = pool.get('account.account')
    Journal = pool.get('account.journal')
    Period = pool.get('account.period')
    Listing = pool.get('lao.listing')
    today = pool.get('ir.date').today()
    cursor.execute('CREATE TABLE bench_vendor (n INTEGER, company INTEGER, '
        'currency INTEGER, warehouse INTEGER, storage INTEGER, '
        'output INTEGER, journal INTEGER, period INTEGER, '
        'receivable INTEGER)')
    journal, = Journal.search([('type', '=', 'revenue')], limit=1)
    rows = []
    for n, company in enumerate(companies):
        warehouse = Listing.company_warehouse(company)
        receivable, = Account.search([
                ('company', '=', company.id),
                ('type.receivable', '=', True),
                ('party_required', '=', True),
                ], limit=1)
        rows.append((n, company.id, company.currency.id, warehouse.id,
                warehouse.storage_location.id, warehouse.output_location.id,
                journal.id, Period.find(company, date=today).id,
                receivable.id))
    for row in rows:
        cursor.execute(_sql('INSERT INTO bench_vendor VALUES (' + ', '.join(
                        f'%(v{i})s' for i in range(len(row))) + ')'),
            {f'v{i}': v for i, v in enumerate(row)})


def generate(args):
    "The vendors through the ORM, then everything else set-based"
    from trytond.modules.lao_b2b.tests import create_vendor

    from scripts.demo.tryton import run_in_transaction

    def vendors():
        # decided by a reviewer (user 1), as the builder expects
        with Transaction().set_user(1):
            return [create_vendor(f"Bench cooperative {i}", f'BE-{i:04d}')
                for i in range(args.vendors)]
    companies = run_in_transaction(DB_NAME, vendors)
    with Transaction().start(DB_NAME, 0, context={}) as transaction:
        pool = Pool()
        cursor = transaction.connection.cursor()
        Company = pool.get('company.company')
        vendor_table(cursor, Company.browse([c.id for c in companies]))
        today = pool.get('ir.date').today()
        params = {'today': today, 'now': dt.datetime.now(), 'true': True,
            'parties': args.parties, 'vendors': args.vendors,
            'sales': args.orders}
        start = time.perf_counter()
        _execute(cursor, PARTIES_SQL, n=args.parties, **params)
        cursor.execute('CREATE TABLE bench_party (n INTEGER, id INTEGER)')
        _execute(cursor, "INSERT INTO bench_party SELECT "
            "CAST(SUBSTR(code, 7) AS INTEGER), id FROM party_party "
            "WHERE code LIKE 'BENCH-%%'")
        _execute(cursor, ADDRESSES_SQL, **params)
        _execute(cursor, SALES_SQL, n=args.orders, **params)
        cursor.execute('CREATE TABLE bench_sale (n INTEGER, id INTEGER)')
        _execute(cursor, "INSERT INTO bench_sale SELECT "
            "ROW_NUMBER() OVER (ORDER BY id) - 1, id FROM sale_sale "
            "WHERE reference = 'bench'")
        _execute(cursor, SALE_LINES_SQL, n=args.lines, **params)
        _execute(cursor, SHIPMENTS_SQL, **params)
        _execute(cursor, MOVES_SQL, n=args.invoices, **params)
        _execute(cursor, LINES_SQL, **params)
        _execute(cursor, RECONCILIATIONS_SQL, **params)
        _execute(cursor, RECONCILE_SQL, **params)
        for name in ['bench_party', 'bench_vendor', 'bench_sale']:
            cursor.execute(f'DROP TABLE {name}')
        transaction.commit()
        if backend.name == 'postgresql':
            cursor = transaction.connection.cursor()
            cursor.execute('ANALYZE')
            transaction.commit()
        return time.perf_counter() - start


def rescore(ScoringModel):
    """A new version of the active scoring model, one point more at the
    start: every score changes at the next recompute"""
    active = ScoringModel.get_active()
    new, = ScoringModel.copy([active])
    ScoringModel.write([new], {'base_score': active.base_score + 1})
    ScoringModel.activate([new])


def check(cursor, parties):
    """Every active party has one profile whose factors add up to its
    score, with the version of its model"""
    cursor.execute(
        'SELECT COUNT(*), SUM(CASE WHEN p.score = f.points '
        'AND p.scoring_model IS NOT NULL THEN 1 ELSE 0 END) '
        'FROM lao_credit_profile AS p JOIN (SELECT profile, '
        'SUM(points) AS points FROM lao_credit_factor GROUP BY profile) '
        'AS f ON f.profile = p.id')
    count, exact = cursor.fetchone()
    assert count == exact == parties, (count, exact, parties)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--parties', type=int, default=2_000)
    parser.add_argument('--orders', type=int, default=10_000)
    parser.add_argument('--lines', type=int, default=40_000)
    parser.add_argument('--invoices', type=int, default=10_000)
    parser.add_argument('--vendors', type=int, default=5)
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--keep', action='store_true',
        help="keep the PostgreSQL database")
    args = parser.parse_args(argv)

    if backend.name != 'sqlite':
        drop_db()
    activate_module('lao_credit')
    generated = generate(args)
    report(f"{backend.name}: {args.parties:,} buyers and {args.vendors} "
        f"vendors, {args.orders:,} sales with {args.lines:,} lines and "
        f"their shipments, {args.invoices:,} receivable lines generated "
        f"in {generated:.1f} s")

    with Transaction().start(DB_NAME, 0, context={}) as transaction:
        from trytond.modules.lao_credit.credit import ProfileFacts
        pool = Pool()
        Profile = pool.get('lao.credit.profile')
        ScoringModel = pool.get('lao.credit.scoring_model')
        cursor = transaction.connection.cursor()
        today = pool.get('ir.date').today()
        sql = _sql(FACTS_SQL)

        def raw():
            cursor.execute(sql, {'today': today, 'true': True})
            return cursor.fetchall()

        def facts():
            return ProfileFacts().collect()

        def recompute():
            Profile.recompute_all()
            transaction.commit()

        rows, collected = raw(), facts()
        assert len(rows) == len(collected), (len(rows), len(collected))
        # The same counts on both sides
        for row in rows:
            fact = collected[row[0]]
            assert (row[4] or 0, row[5] or 0, row[6] or 0, row[7] or 0,
                row[9] or 0, row[10] or 0) == (
                fact.shipments, fact.late_shipments, fact.sales,
                fact.vendor_cancellations, fact.due_lines,
                fact.paid_on_time), (row, fact)
        parties = len(rows)
        del rows, collected
        ScoringModel.get_active()
        transaction.commit()
        # The first recompute inserts every profile, factor and snapshot
        first = timed(recompute)[1]
        check(cursor, parties)
        sides = {'raw': [], 'facts': [], 'unchanged': [], 'rescored': []}
        for i in range(args.repeat):
            order = ['raw', 'facts', 'unchanged', 'rescored']
            for name in (order if i % 2 == 0 else order[::-1]):
                if name == 'raw':
                    sides[name].append(timed(raw)[1])
                elif name == 'facts':
                    sides[name].append(timed(facts)[1])
                else:
                    if name == 'rescored':
                        rescore(ScoringModel)
                        transaction.commit()
                    sides[name].append(timed(recompute)[1])
        check(cursor, parties)
        cursor.execute('SELECT COUNT(*) FROM lao_credit_factor')
        factors, = cursor.fetchone()
        cursor.execute('SELECT COUNT(*) FROM lao_credit_snapshot')
        snapshots, = cursor.fetchone()
    medians = {k: statistics.median(v) for k, v in sides.items()}
    raw_median = medians['raw']
    lines = [
        f"{parties:,} parties, {factors:,} factors, {snapshots:,} snapshots "
        f"(medians of {args.repeat}, the first recompute once)",
        ratio_line("ProfileFacts.collect", medians['facts'], raw_median,
            "hand-written SQL of the facts"),
        ratio_line("recompute_all, first (every profile, factor and "
            "snapshot inserted)", first, raw_median,
            "hand-written SQL of the facts", goal=3),
        ratio_line("recompute_all, every score changed (a new model "
            "version)", medians['rescored'], raw_median,
            "hand-written SQL of the facts", goal=3),
        ratio_line("recompute_all, nothing changed", medians['unchanged'],
            raw_median, "hand-written SQL of the facts", goal=3),
        ]
    for label, seconds in [('first', first),
            ('every score changed', medians['rescored']),
            ('nothing changed', medians['unchanged'])]:
        lines.append(f"per party, {label}: "
            f"{seconds / parties * 1e6:,.1f} us in all, "
            f"{(seconds - medians['facts']) / parties * 1e6:,.1f} us "
            "beyond the facts")
    report(*lines)

    if backend.name != 'sqlite' and not args.keep:
        drop_db()


def run(argv):
    main(argv)


if __name__ == '__main__':
    main()
