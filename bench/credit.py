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
4. on PostgreSQL, beside it (not instead): one hand-written statement that
   computes the same facts, scores them with the kernel's formulas in SQL
   and writes a profile, its factors and a snapshot for every party into
   copies of the three tables (their indexes, not their foreign keys),
   emptied before each turn: what writing the rows costs by hand;

the sides in turns, and prints the medians and the ratios to 3 (goal <= 3
for 1), and the cost per party.

    python -m bench credit [--parties 2000] [--orders 10000]
        [--lines 40000] [--invoices 10000] [--vendors 5] [--repeat 3]
        [--keep] [--reuse]

--reuse times again on the data of a database kept by --keep (PostgreSQL),
without generating it.

The issue's scale, on PostgreSQL (the database DB_NAME is recreated, and
dropped at the end unless --keep):
    DB_NAME=creditbench_bench DB_CACHE=postgresql:// \\
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

# The facts of FACTS_SQL scored and written by one hand-written statement
# (PostgreSQL): the profiles, their factors and a snapshot each inserted
# into copies of the three tables (their indexes included), the kernel's
# formulas in SQL
WRITTEN_SQL = """
WITH f AS (
    SELECT f.*, c.id AS company,
        f.shipments + f.sales + f.due_lines + f.ratings AS history
    FROM (
        SELECT p.id, CAST(%(today)s AS DATE) - CAST(p.create_date AS DATE)
                AS tenure, ven.verified, ven.unchecked,
            COALESCE(sh.total, 0) AS shipments, COALESCE(sh.late, 0) AS late,
            COALESCE(sa.total, 0) AS sales,
            COALESCE(sa.cancelled, 0) AS cancelled,
            COALESCE(co.upheld, 0) AS upheld,
            COALESCE(pay.total, 0) AS due_lines,
            COALESCE(pay.on_time, 0) AS on_time,
            COALESCE(pay.days, 0) AS days, COALESCE(pay.open, 0) AS open,
            COALESCE(pay.amount, 0) AS amount,
            COALESCE(ra.count, 0) AS ratings, COALESCE(ra.total, 0)
                AS rating_sum,
            COALESCE(sn.warnings, 0) AS warnings, sn.worst
        {facts_from}) AS f
    LEFT JOIN company_company AS c ON c.party = f.id),
s AS (
    SELECT f.*, ven AS vendor, pts.*,
        base + COALESCE(verification, 0) + tenure_points
            + COALESCE(late_points, 0) + COALESCE(cancel_points, 0)
            + COALESCE(complaint_points, 0) + COALESCE(payment_points, 0)
            + COALESCE(dpd_points, 0) + COALESCE(rating_points, 0)
            + COALESCE(training_points, 0) + COALESCE(warning_points, 0)
            + COALESCE(suspension_points, 0) AS total
    FROM f
    CROSS JOIN LATERAL (SELECT f.verified IS NOT NULL AS ven) AS v
    CROSS JOIN LATERAL (SELECT
        %(base_score)s AS base,
        CASE WHEN ven THEN CASE
            WHEN f.verified = 1 AND f.unchecked = 0
                THEN %(verification_points)s
            WHEN f.verified = 1 THEN %(verification_points)s / 2
            ELSE 0 END END AS verification,
        CAST(ROUND(%(tenure_points)s * LEAST(GREATEST(f.tenure, 0),
                %(tenure_full_days)s) / %(tenure_full_days)s::numeric)
            AS INTEGER) AS tenure_points,
        CASE WHEN f.shipments > 0 OR ven THEN {late} END AS late_points,
        CASE WHEN f.sales > 0 OR ven THEN {cancel} END AS cancel_points,
        CASE WHEN f.sales > 0 OR ven THEN {complaint} END
            AS complaint_points,
        CASE WHEN f.due_lines > 0 THEN {payment} END AS payment_points,
        CASE WHEN f.due_lines > 0 THEN -CAST(ROUND(%(days_past_due_points)s
                * LEAST(1, f.days::numeric / (f.due_lines
                        + %(prior_weight)s) / %(days_past_due_full)s))
            AS INTEGER) END AS dpd_points,
        CASE WHEN f.ratings > 0 OR ven THEN CAST(ROUND(GREATEST(
                -%(rating_points)s, LEAST(%(rating_points)s,
                    %(rating_points)s * ((f.rating_sum + %(rating_neutral)s
                            * %(prior_weight)s) / (f.ratings
                            + %(prior_weight)s) - %(rating_neutral)s))))
            AS INTEGER) END AS rating_points,
        CASE WHEN ven THEN 0 END AS training_points,
        CASE WHEN f.warnings > 0 THEN -%(warning_points)s * f.warnings END
            AS warning_points,
        CASE WHEN f.worst = 1 THEN -%(suspension_points)s END
            AS suspension_points) AS pts),
scored AS (
    SELECT s.*, CASE WHEN s.worst = 2 THEN 0
        ELSE GREATEST(0, LEAST(1000, s.total)) END AS score
    FROM s),
profiles AS (
    INSERT INTO bench_credit_profile (party, vendor, score, grade,
        little_history, computed_at, scoring_model, factors_digest,
        create_uid, create_date)
    SELECT id, company, score, (SELECT g.code FROM bench_credit_grade AS g
            WHERE g.minimum <= score ORDER BY g.minimum DESC LIMIT 1),
        history < %(min_history)s, %(now)s, %(model)s,
        MD5(CAST(score AS TEXT)), 0, CURRENT_TIMESTAMP
    FROM scored
    RETURNING id, party, score, grade),
snapshots AS (
    INSERT INTO bench_credit_snapshot (profile, date, score, grade,
        scoring_model, create_uid, create_date)
    SELECT id, %(now)s, score, grade, %(model)s, 0, CURRENT_TIMESTAMP
    FROM profiles)
INSERT INTO bench_credit_factor (profile, sequence, code, points, message,
    "values", create_uid, create_date)
SELECT p.id, x.sequence, x.code, x.points, x.message, x.vals, 0,
    CURRENT_TIMESTAMP
FROM profiles AS p JOIN scored AS s ON s.id = p.party
CROSS JOIN LATERAL (VALUES
    (0, 'start', s.base, CASE WHEN s.history < %(min_history)s
            THEN 'msg_factor_start_little_history' ELSE 'msg_factor_start'
            END, json_build_object('events', s.history,
            'minimum', %(min_history)s)::text),
    (1, 'verification', s.verification, 'msg_factor_verified', '{{}}'),
    (2, 'tenure', s.tenure_points, 'msg_factor_tenure',
        json_build_object('days', GREATEST(s.tenure, 0))::text),
    (3, 'late_shipment', s.late_points, 'msg_factor_late_shipment',
        json_build_object('late', s.late, 'total', s.shipments,
            'rate', {rate_late})::text),
    (4, 'cancellation', s.cancel_points, 'msg_factor_cancellation',
        json_build_object('cancelled', s.cancelled, 'total', s.sales,
            'rate', {rate_cancel})::text),
    (5, 'complaint', s.complaint_points, 'msg_factor_complaint',
        json_build_object('upheld', s.upheld, 'total', s.sales,
            'rate', {rate_complaint})::text),
    (6, 'payment', s.payment_points, 'msg_factor_payment',
        json_build_object('on_time', s.on_time, 'total', s.due_lines,
            'rate', {rate_payment})::text),
    (7, 'days_past_due', s.dpd_points, 'msg_factor_days_past_due',
        json_build_object('days', s.days, 'open', s.open,
            'amount', s.amount)::text),
    (8, 'rating', s.rating_points, 'msg_factor_rating',
        json_build_object('count', s.ratings, 'average', CASE
                WHEN s.ratings > 0 THEN ROUND(s.rating_sum::numeric
                    / s.ratings, 1) ELSE 0 END)::text),
    (9, 'training', s.training_points, 'msg_factor_training',
        json_build_object('count', 0)::text),
    (10, 'warning', s.warning_points, 'msg_factor_warning',
        json_build_object('count', s.warnings)::text),
    (11, 'suspension', s.suspension_points, 'msg_factor_suspension',
        '{{}}'),
    (12, CASE WHEN s.worst = 2 THEN 'blacklist'
            WHEN s.score <> s.total THEN 'bound' END, s.score - s.total,
        CASE WHEN s.worst = 2 THEN 'msg_factor_blacklist'
            ELSE 'msg_factor_bound' END, '{{}}')
    ) AS x(sequence, code, points, message, vals)
WHERE x.code IS NOT NULL AND x.points IS NOT NULL
"""


def _bad_rate(events, bad, rate, points):
    "bad_rate_points of the kernel in SQL"
    return ("CAST(ROUND(GREATEST(-%(w)s, LEAST(%(w)s, %(w)s * (%(e)s - "
        "(%(bad)s + %(e)s * %%(prior_weight)s) / (%(events)s "
        "+ %%(prior_weight)s)) / %(e)s))) AS INTEGER)") % {
        'w': '%%(%s)s' % points, 'e': '%%(%s)s' % rate, 'bad': bad,
        'events': events}


def _rate(part, whole):
    "_percent of the kernel in SQL"
    return ("CASE WHEN %(w)s > 0 THEN TO_CHAR(100.0 * %(p)s / %(w)s, "
        "'FM990.0') ELSE '0' END") % {'p': part, 'w': whole}


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


def written_sql():
    "WRITTEN_SQL with the facts of FACTS_SQL and the kernel's formulas"
    facts = _sql(FACTS_SQL)
    return _sql(WRITTEN_SQL,
            facts_from=facts[facts.index('FROM party_party'):],
            late=_bad_rate('f.shipments', 'f.late', 'late_shipment_rate',
                'late_shipment_points'),
            cancel=_bad_rate('f.sales', 'f.cancelled', 'cancellation_rate',
                'cancellation_points'),
            complaint=_bad_rate('f.sales', 'f.upheld', 'complaint_rate',
                'complaint_points'),
            payment=_bad_rate('f.due_lines', 'f.due_lines - f.on_time',
                'late_payment_rate', 'payment_points'),
            rate_late=_rate('s.late', 's.shipments'),
            rate_cancel=_rate('s.cancelled', 's.sales'),
            rate_complaint=_rate('s.upheld', 's.sales'),
            rate_payment=_rate('s.on_time', 's.due_lines'))


def written_tables(cursor, model):
    """Copies of the profile, factor and snapshot tables with their
    indexes (not their foreign keys), and the grades of the model"""
    for name in ['profile', 'factor', 'snapshot']:
        cursor.execute(f'CREATE TABLE bench_credit_{name} '
            f'(LIKE lao_credit_{name} INCLUDING ALL)')
    cursor.execute('CREATE TABLE bench_credit_grade '
        '(code VARCHAR, minimum INTEGER)')
    for code, minimum in model.parameters().grades:
        cursor.execute('INSERT INTO bench_credit_grade VALUES (%s, %s)',
            (code, minimum))


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
    parser.add_argument('--reuse', action='store_true',
        help="time on the data of a PostgreSQL database kept before "
        "(its profiles, factors and snapshots deleted first)")
    args = parser.parse_args(argv)

    if args.reuse:
        args.keep = True
        Pool(DB_NAME).init()
        with Transaction().start(DB_NAME, 0, context={}) as transaction:
            cursor = transaction.connection.cursor()
            for name in ['snapshot', 'factor', 'profile']:
                cursor.execute(f'DELETE FROM lao_credit_{name}')
            transaction.commit()
        report(f"{backend.name}: the data of {DB_NAME} reused")
    else:
        if backend.name != 'sqlite':
            drop_db()
        activate_module('lao_credit')
        generated = generate(args)
        report(f"{backend.name}: {args.parties:,} buyers and "
            f"{args.vendors} vendors, {args.orders:,} sales with "
            f"{args.lines:,} lines and their shipments, {args.invoices:,} "
            f"receivable lines generated in {generated:.1f} s")

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

        # PostgreSQL: the facts scored and written by hand-written SQL
        written = backend.name == 'postgresql'
        if written:
            model = ScoringModel.get_active()
            written_tables(cursor, model)
            written_statement = written_sql()
            written_params = dict(model.parameters().__dict__,
                today=today, now=dt.datetime.now(), model=model.id,
                true=True)
            del written_params['grades']
            transaction.commit()

        def write():
            cursor.execute(written_statement, written_params)
            transaction.commit()

        def unwrite():
            cursor.execute('TRUNCATE bench_credit_profile, '
                'bench_credit_factor, bench_credit_snapshot')
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
        sides = {'raw': [], 'facts': [], 'unchanged': [], 'rescored': [],
            'written': []}
        for i in range(args.repeat):
            order = ['raw', 'facts', 'unchanged', 'rescored'] + (
                ['written'] if written else [])
            for name in (order if i % 2 == 0 else order[::-1]):
                if name == 'raw':
                    sides[name].append(timed(raw)[1])
                elif name == 'written':
                    unwrite()
                    sides[name].append(timed(write)[1])
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
        if written:
            cursor.execute('SELECT (SELECT COUNT(*) FROM '
                'bench_credit_profile), (SELECT COUNT(*) FROM '
                'bench_credit_factor)')
            written_counts = cursor.fetchone()
            cursor.execute('SELECT COUNT(*) FROM lao_credit_factor')
            factors_now, = cursor.fetchone()
            for name in ['profile', 'factor', 'snapshot', 'grade']:
                cursor.execute(f'DROP TABLE bench_credit_{name}')
            transaction.commit()
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
    if written:
        written_median = medians['written']
        lines += [
            f"hand-written SQL that scores and writes: "
            f"{written_counts[0]:,} profiles with {written_counts[1]:,} "
            f"factors (the recompute: {factors_now:,} factors)",
            ratio_line("recompute_all, first", first, written_median,
                "hand-written SQL scoring and writing the same rows"),
            ratio_line("recompute_all, every score changed",
                medians['rescored'], written_median,
                "hand-written SQL scoring and writing the same rows"),
            ratio_line("hand-written SQL scoring and writing",
                written_median, raw_median, "hand-written SQL of the facts"),
            ]
    for label, seconds in [('first', first),
            ('every score changed', medians['rescored']),
            ('nothing changed', medians['unchanged'])]:
        lines.append(f"per party, {label}: "
            f"{seconds / parties * 1e6:,.1f} us in all, "
            f"{(seconds - medians['facts']) / parties * 1e6:,.1f} us "
            "beyond the facts")
    lines.append("load average %.1f %.1f %.1f" % os.getloadavg())
    report(*lines)

    if backend.name != 'sqlite' and not args.keep:
        drop_db()


def run(argv):
    main(argv)


if __name__ == '__main__':
    main()
