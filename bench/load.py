"""The storefront under load, with wrk on loopback, against the floor.

The storefront runs as in production (docker-compose.yml): gunicorn with
config/gunicorn.conf.py, on the database of the catalogue bench (1,000
vendors and 50,000 listings by default, made or reused), to which this
bench adds its buyers (bench-buyer-N@example.com, validated, with a buyer
profile), a few posts of the board and the trace chains of lao_trace.  One
run measures, side by side at each number of connections (8, 32 and 128 by
default), each side for --duration seconds:

- floor: the same gunicorn, same settings, serving from memory the bytes
  of the same pages, fetched from the storefront beforehand in each
  language (a WSGI application of a dozen lines): what Python WSGI costs
  here, the ceiling of any page cache;
- anonymous: the shop for visitors: the home page, catalogue searches with
  filters, text, sorts and pages, listing pages, sellers' pages, the board
  and trace pages, in English, Lao and Chinese;
- buyers: logged-in buyers (the session cookies of --buyers accounts,
  logged in over HTTP): their cart, their orders, one of their orders, and
  the checkout of a small order (the cart of one listing at its minimum
  quantity, kept in the signed session cookie: each POST places a new
  order, with the CSRF token of the session, paid as the checkout page
  chose first: on delivery, as the buyers are not scored and the order is
  above lao_credit's credit limit of a party with too little history).

It prints per side the throughput, the latency percentiles (p50, p95,
p99), the errors (an anonymous answer must be a 2xx, a buyer's a 2xx or the
checkout's redirection to the order; sockets errors and timeouts count
too) and the ratio of the throughput to the floor's, then the goals of the
issue (storefront/README.md, "Speed").  The load average of the machine as
each side starts is printed beside, as the figures depend on it.

On PostgreSQL a queue worker (trytond-worker) runs beside gunicorn, as in
production: a checkout's sale is processed (its shipment; paid on
delivery, its invoice comes when it ships) by the worker, not in the
buyer's request.  Before each side the bench waits
until the storefront answers at once and the queue is empty, so that a
side is not measured with the work the one before left (the time the
buyers' queued tasks took after their run is printed as "settled in").
Then the catalogue versions' bumps are folded, as the cron task of every
minute does in production (the bench runs no cron): a cache hit sums the
rows of each area, several hundred after a buyers' side otherwise.

--backend postgresql runs it on PostgreSQL (the local server, or
TRYTOND_DATABASE__URI), --backend both on SQLite then PostgreSQL (one
process each: trytond's backend is chosen once per process), the default
unless TRYTOND_DATABASE__URI names a backend.  The database
is named by BENCH_DATABASE (default bench_catalogue).

wrk comes from the distribution: `apt-get install wrk` on Debian or Ubuntu.

    python -m bench load [--backend sqlite|postgresql|both]
        [--connections 8,32,128] [--duration 15] [--sides floor,anonymous,buyers]
        [--worker-class gthread] [--workers 2] [--threads 4] [--buyers 16]
"""
import argparse
import html.parser
import http.cookiejar
import json
import os
import pickle
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

from bench import catalogue
from bench.harness import report
from scripts.database import ROOT
from scripts.demo.tryton import run_in_transaction

LANGUAGES = ['en', 'lo', 'zh_CN']
# The share of each kind of anonymous page in the mix, in percent
MIX = {'home': 10, 'catalogue': 40, 'listing': 30, 'seller': 10,
    'board': 5, 'trace': 5}
# The share of each kind of a buyer's request, in percent
BUYER_MIX = {'cart': 35, 'orders': 30, 'order': 15, 'checkout': 20}
SORTS = ['newest', 'price', 'price_desc', 'title']
TEXTS = ['coffee', 'rice', 'Paksong', 'organic', 'ກາເຟ', '咖啡']
BUYER_PASSWORD = 'bench-buyer-2026'
POSTGRESQL_URI = 'postgresql://postgres@127.0.0.1:5432/'
GUNICORN_CONFIG = os.path.join(ROOT, 'config', 'gunicorn.conf.py')
DIRECTORY = os.path.join(ROOT, 'var', 'bench')
# The goals of the issue: (side, connections, what, comparison, value)
GOALS = [
    ('anonymous', 32, 'throughput', '>=', 150),
    ('anonymous', 32, 'p95 ms', '<', 300),
    ('anonymous', 32, 'errors', '<=', 0),
    ('anonymous', 128, 'errors', '<=', 0),
    ('anonymous', 128, 'p99 ms', '<', 1000),
    ('buyers', 32, 'throughput', '>=', 40),
    ('buyers', 32, 'p95 ms', '<', 500),
    ('anonymous', 32, 'ratio to floor', '>=', 0.25),
    ]

# wrk's script of both mixes: a random request per call, the answers that
# are errors counted per thread, and the summary as one line of JSON.
# requests holds {method, path, body, buyer}; the buyer's session cookie
# is added to its requests.
WRK_SCRIPT = '''
local requests = %(requests)s
local cookies = %(cookies)s
local languages = %(languages)s
local redirects_ok = %(redirects_ok)s
local threads = {}

function setup(thread)
    table.insert(threads, thread)
    thread:set("id", #threads)
end

function init(args)
    math.randomseed(os.time() * 100 + id)
    failed = 0
end

function request()
    local r = requests[math.random(#requests)]
    local headers = {
        ["Accept-Language"] = languages[math.random(#languages)]}
    if r.buyer then
        headers["Cookie"] = cookies[r.buyer]
    end
    if r.body then
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    end
    return wrk.format(r.method, r.path, headers, r.body)
end

function response(status, headers, body)
    if status >= 400 or status < 200
            or (status >= 300 and not redirects_ok) then
        failed = failed + 1
    end
end

function done(summary, latency, requests)
    local failed_total = 0
    for _, thread in ipairs(threads) do
        failed_total = failed_total + thread:get("failed")
    end
    local errors = summary.errors
    io.write(string.format(
        'WRK_JSON {"requests": %%d, "duration_us": %%d, "failed": %%d, ' ..
        '"connect": %%d, "read": %%d, "write": %%d, "timeout": %%d, ' ..
        '"p50_us": %%d, "p95_us": %%d, "p99_us": %%d, "max_us": %%d}\\n',
        summary.requests, summary.duration, failed_total,
        errors.connect, errors.read, errors.write, errors.timeout,
        math.floor(latency:percentile(50)),
        math.floor(latency:percentile(95)),
        math.floor(latency:percentile(99)), latency.max))
end
'''


# The pages of the mixes, read from the database

def catalogue_searches(rng, count):
    """count catalogue searches: the bench's own, then random ones (text,
    commodity, province, certification, price range, minimum quantity,
    sorts, second pages)"""
    from trytond.pool import Pool
    Subdivision = Pool().get('country.subdivision')
    commodities = [c[0] for c in catalogue.commodities()]
    commodities += [catalogue.model_id('lao_b2b', f'category_{code}')
        for code in catalogue.ROOT_NAMES]
    provinces = [s.id for s in Subdivision.search(
                Subdivision.lao_provinces())]
    kinds = ['organic', 'gap', 'geographical_indication', 'fair_trade']
    searches = [catalogue.search_filters(commodity, province, prices)
        for commodity, province, prices, _ in catalogue.SEARCHES]
    while len(searches) < count:
        filters = {}
        for name, values in [
                ('category', commodities), ('province', provinces),
                ('certification', kinds), ('q', TEXTS)]:
            if rng.random() < 0.5:
                filters[name] = rng.choice(values)
        if rng.random() < 0.3:
            low = rng.choice([5000, 10000, 20000, 30000])
            filters.update(price_min=low, price_max=low * 2)
        if rng.random() < 0.2:
            filters['quantity'] = rng.choice([100, 500, 1000])
        filters['sort'] = rng.choice(SORTS)
        if rng.random() < 0.2:
            filters['page'] = 2
        searches.append(filters)
    return searches


def published_listings():
    "The ids of the published listings (ids only: not 50,000 records)"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    listing = Pool().get('lao.listing').__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*listing.select(listing.id, listing.company,
            where=listing.state == 'published', order_by=[listing.id]))
    return list(cursor)


def trace_paths():
    "The trace pages of the database's last lots of lao_trace's chains"
    from trytond.pool import Pool
    pool = Pool()
    try:
        Lot = pool.get('stock.lot')
    except KeyError:
        return []
    if 'gtin' not in Lot._fields:
        return []
    # gtin is the product's, without a searcher
    lots = [l for l in Lot.search([], order=[('id', 'DESC')], limit=50)
        if l.gtin]
    return [f'/01/{l.gtin}/10/{l.number}' for l in lots[:5]]


def page_paths(seed=2026):
    "The anonymous paths of the mix, in proportion (100 paths)"
    rng = random.Random(seed)
    listings = published_listings()
    paths = ['/'] * MIX['home']
    paths += ['/catalogue?' + urlencode(f)
        for f in catalogue_searches(rng, MIX['catalogue'])]
    paths += [f'/listing/{i}'
        for i, _ in rng.sample(listings, MIX['listing'])]
    companies = sorted({c for _, c in listings})
    paths += [f'/seller/{c}'
        for c in rng.sample(companies, MIX['seller'])]
    boards = ['/board', '/board?kind=buy', '/board?kind=sell',
        '/board?province=%d' % paths_province()]
    paths += [boards[i % len(boards)] for i in range(MIX['board'])]
    traces = trace_paths()
    if traces:
        paths += [traces[i % len(traces)] for i in range(MIX['trace'])]
    return paths


def paths_province():
    from trytond.pool import Pool
    Subdivision = Pool().get('country.subdivision')
    return Subdivision.search(Subdivision.lao_provinces(),
        order=[('code', 'ASC')], limit=1)[0].id


# The data this bench adds to the catalogue bench's database

def add_load_data(buyer_count):
    """The bench's buyers (validated, with a domestic buyer profile), the
    board's posts and lao_trace's chains in the seed vendor's company, when
    missing; return the e-mails of the buyers"""
    from trytond.pool import Pool
    from scripts.demo.marketplace import Buyer, create_buyers
    pool = Pool()
    WebUser = pool.get('web.user')
    Application = pool.get('lao.vendor.application')
    Post = pool.get('lao.board.post')
    buyers = [Buyer(f'bench-buyer-{i}@example.com', BUYER_PASSWORD,
            f"Bench Buyer {i} Co., Ltd.", f"VT-BENCH-{i:04d}", 'domestic',
            f"+856 21 {100000 + i}", "Thanon Lane Xang", "Vientiane", 'LA',
            'LA-VT', language=LANGUAGES[i % len(LANGUAGES)])
        for i in range(buyer_count)]
    existing = {u.email for u in WebUser.search(
            [('email', 'in', [b.email for b in buyers])])}
    create_buyers([b for b in buyers if b.email not in existing])
    orderable_listings(buyer_count)

    applications = Application.search([('state', '=', 'approved')],
        order=[('id', 'ASC')], limit=12)
    if not Post.search([], count=True, limit=1):
        board_posts(applications)
    if not trace_paths():
        trace_chains(applications[0])
    return [b.email for b in buyers]


def board_posts(applications):
    "Sell offers of vendors on the board, published by the operator"
    import datetime as dt
    from decimal import Decimal
    from trytond.pool import Pool
    from scripts.demo.platform import OPERATOR
    from scripts.demo.tryton import acting_as, uom
    pool = Pool()
    Post = pool.get('lao.board.post')
    operator, = pool.get('res.user').search([('login', '=', OPERATOR.login)])
    commodities = catalogue.commodities()
    today = dt.date.today()
    values = []
    for i, application in enumerate(applications):
        category_id, name, _ = commodities[i % len(commodities)]
        values.append({
                'kind': 'sell', 'party': application.company.party.id,
                'title': f"{name}, 2 t a week", 'category': category_id,
                'province': application.province.id, 'quantity': 2,
                'unit': uom('lao_b2b', 'uom_tonne').id,
                'price': Decimal(9000000), 'contact': application.phone,
                'description': f"{name} from {application.district}.",
                'expiry_date': today + dt.timedelta(days=45)})
    with acting_as(operator):
        Post.publish(Post.create(values))


def trace_chains(application):
    """lao_trace's coffee and banana chains in the company of application,
    when lao_trace is activated, as the demo loads them"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    if not pool.get('ir.module').search([
                ('name', '=', 'lao_trace'), ('state', '=', 'activated')]):
        return
    from trytond.modules.lao_trace.tests import load_chains
    Listing = pool.get('lao.listing')
    company = application.company
    company.gs1_company_prefix = '0614141'
    company.save()
    with Transaction().set_context(company=company.id):
        load_chains(company, Listing.company_warehouse(company))


def orderable_listings(count):
    """count published listings of the seed vendor, one per buyer, made
    when missing (copies of its seed listing, each of its own product):
    the catalogue bench's generated vendors are copies of rows without a
    warehouse, accounts or fiscal year, so only the seed vendor can take
    orders, and buyers' checkouts of one listing would all wait on its row
    lock (Listing.lock) and measure the generator, not the shop"""
    from trytond.pool import Pool
    from scripts.demo.marketplace import create_product
    from scripts.demo.platform import REVIEWERS
    from scripts.demo.tryton import acting_as
    pool = Pool()
    Listing = pool.get('lao.listing')
    User = pool.get('res.user')
    seed, = Listing.search([('title', '=', "Seed arabica"),
            ('state', '=', 'published'), ('revision_of', '=', None)],
        order=[('id', 'ASC')], limit=1)
    company = seed.company
    made = Listing.search([('company', '=', company.id),
            ('title', 'like', "Bench cart arabica %"),
            ('state', '=', 'published')])
    if len(made) >= count:
        return
    manager = company.vendor_application.manager
    reviewer, = User.search([('login', '=', REVIEWERS[0].login)])
    names = [f"Bench cart arabica {i}" for i in range(len(made), count)]
    products = [create_product(company, name, seed.category,
            company.sales_account_category(), 42000) for name in names]
    copies = []
    with acting_as(manager):
        for name, product in zip(names, products):
            copies.extend(Listing.copy([seed], default={
                        'product': product.id, 'title': name,
                        'declared_quantity': 10 ** 8}))
        Listing.submit(copies)
    with acting_as(reviewer):
        Listing.publish(copies)


def cart_listings(count, seed):
    """count listings (repeated if fewer) of the vendors that can take
    orders, those with a warehouse (the catalogue bench's copies have
    none: only its seed vendor, with a listing per buyer from
    orderable_listings), each at its minimum quantity, one listing per
    buyer as far as they go; their declared quantities raised for the many
    small orders of the run"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    listing = pool.get('lao.listing').__table__()
    application = pool.get('lao.vendor.application').__table__()
    cursor = Transaction().connection.cursor()
    sellers = application.select(application.company,
        where=(application.state == 'approved')
        & (application.warehouse != None))  # noqa: E711
    cursor.execute(*listing.update([listing.declared_quantity],
            [listing.minimum_quantity * 100000],
            where=listing.company.in_(sellers)
            & (listing.availability == 'declared')))
    cursor.execute(*listing.select(listing.id, listing.minimum_quantity,
            where=(listing.state == 'published')
            & (listing.availability == 'declared')
            & listing.company.in_(sellers),
            order_by=[listing.id]))
    rows = list(cursor)
    assert rows, "no listing of a vendor with a warehouse"
    rows = random.Random(seed).sample(rows, len(rows))
    return [rows[i % len(rows)] for i in range(count)]


# HTTP with a cookie jar, for the buyers' sessions

class FormParser(html.parser.HTMLParser):
    """The fields of the form posting to action: inputs and the selected
    (or first non-empty) option of each select"""

    def __init__(self, action, path):
        super().__init__()
        self.action = action
        # A form without action posts to its page
        self.path = path
        self.inside = False
        self.select = None
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == 'form':
            self.inside = (attrs.get('action') or self.path).split(
                '?')[0] == self.action
        elif not self.inside:
            return
        elif tag == 'input' and attrs.get('name') and attrs.get(
                'type') not in {'submit', 'checkbox', 'radio'}:
            self.fields[attrs['name']] = attrs.get('value') or ''
        elif tag == 'select':
            self.select = attrs.get('name')
        elif tag == 'option' and self.select:
            value = attrs.get('value') or ''
            if 'selected' in attrs or (
                    value and not self.fields.get(self.select)):
                self.fields[self.select] = value

    def handle_endtag(self, tag):
        if tag == 'form':
            self.inside = False
        elif tag == 'select':
            self.select = None


class Browser:
    "A buyer's session over HTTP, not following redirections"

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, url):
        self.url = url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), self.NoRedirect)

    def open(self, path, data=None):
        "(status, location, body)"
        body = urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.url + path, body, timeout=120) as r:
                return r.status, r.headers.get('Location'), r.read().decode()
        except urllib.error.HTTPError as error:
            return (error.code, error.headers.get('Location'),
                error.read().decode(errors='replace'))

    def form(self, path, action):
        status, _, page = self.open(path)
        assert status == 200, (path, status)
        parser = FormParser(action, path)
        parser.feed(page)
        assert 'csrf_token' in parser.fields, (path, action)
        return parser.fields

    def cookie(self):
        return '; '.join(f'{c.name}={c.value}' for c in self.jar)


def log_in_buyers(url, emails, listings):
    """Log each buyer in, put one listing at its minimum quantity in its
    cart and check one order out; return the buyers' (cookie, checkout
    form body, path of its order)"""
    buyers = []
    for email, (listing_id, minimum) in zip(emails, listings):
        browser = Browser(url)
        fields = browser.form('/account/login', '/account/login')
        fields.update(email=email, password=BUYER_PASSWORD)
        status, location, page = browser.open('/account/login', fields)
        assert status == 302, f"log-in of {email}: {status}"
        fields = browser.form(f'/listing/{listing_id}', '/cart/add')
        fields.update(listing=listing_id, quantity=f'{minimum:g}')
        status, location, page = browser.open('/cart/add', fields)
        assert status == 302, f"cart of {email}: {status}"
        checkout = browser.form('/checkout', '/checkout')
        cookie = browser.cookie()
        status, location, page = browser.open('/checkout', checkout)
        assert status == 302 and '/orders/' in (location or ''), (
            f"checkout of {email}: {status} {location} {page[:2000]}")
        order = '/orders/' + location.split('/orders/', 1)[1]
        # The cookie from before the checkout still holds the cart
        buyers.append((cookie, urlencode(checkout), order))
    return buyers


def buyer_requests(buyers):
    "The buyers' requests of the mix, in proportion (100 requests)"
    requests = []
    for kind, share in BUYER_MIX.items():
        for n in range(share):
            buyer = n % len(buyers) + 1
            cookie, checkout, order = buyers[buyer - 1]
            if kind == 'checkout':
                requests.append({'method': 'POST', 'path': '/checkout',
                        'body': checkout, 'buyer': buyer})
            else:
                path = {'cart': '/cart', 'orders': '/orders',
                    'order': order}[kind]
                requests.append(
                    {'method': 'GET', 'path': path, 'buyer': buyer})
    return requests


# The servers

def lua(value):
    "A Lua literal of a JSON-like value"
    if isinstance(value, dict):
        return '{' + ', '.join(
            f'[{json.dumps(k)}] = {lua(v)}' for k, v in value.items()) + '}'
    if isinstance(value, (list, tuple)):
        return '{' + ', '.join(lua(v) for v in value) + '}'
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return json.dumps(value)


def write_script(filename, requests, cookies=(), redirects_ok=False):
    with open(filename, 'w') as file:
        file.write(WRK_SCRIPT % {
                'requests': lua(requests),
                'cookies': lua(list(cookies)),
                'languages': lua(LANGUAGES),
                'redirects_ok': lua(redirects_ok),
                })
    return filename


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def gunicorn(application, port, log, options, env=None):
    """gunicorn with the production settings (config/gunicorn.conf.py),
    the worker class, processes and threads of options"""
    env = dict(os.environ if env is None else env,
        STOREFRONT_WORKER_CLASS=options.worker_class,
        STOREFRONT_WORKERS=str(options.workers),
        STOREFRONT_THREADS=str(options.threads))
    return subprocess.Popen([
            sys.executable, '-m', 'gunicorn', '--config', GUNICORN_CONFIG,
            '--bind', f'127.0.0.1:{port}', '--error-logfile', log,
            application],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)


def start_storefront(port, log, options, queue_worker=False):
    """The storefront on the bench's database, as docker-compose.yml runs
    it: on PostgreSQL, its queued tasks (a sale's processing after its
    checkout) are left to the queue worker (start_worker) with
    queue_worker, as config/trytond-postgresql.conf says"""
    env = dict(os.environ,
        TRYTON_DATABASE=catalogue.DATABASE,
        STOREFRONT_SECRET_KEY=secrets.token_hex(32),
        STOREFRONT_URL=f'http://127.0.0.1:{port}',
        # The buyers log in before the run
        STOREFRONT_AUTH_RATE_LIMIT='100000 per minute')
    env.pop('TRYTON_CONFIG', None)
    if queue_worker:
        env['TRYTOND_QUEUE__WORKER'] = 'True'
    return gunicorn('storefront:create_app()', port, log, options, env)


def start_worker(log):
    """Tryton's queue worker on the bench's database, as docker-compose.yml
    runs it (one process per core), in a session of its own: stop(worker,
    session=True) stops its pool's processes too"""
    with open(log, 'w') as file:
        return subprocess.Popen([
                os.path.join(os.path.dirname(sys.executable),
                    'trytond-worker'), '-d', catalogue.DATABASE],
            cwd=ROOT, stdout=file, stderr=subprocess.STDOUT,
            env=dict(os.environ, TRYTOND_QUEUE__WORKER='True'),
            start_new_session=True)


def queued_tasks():
    """The tasks of the queue that no worker took yet (one that a worker
    stopped in left dequeued and unfinished, and is never taken again)"""
    from sql import Null
    from sql.aggregate import Count

    from trytond.pool import Pool
    from trytond.transaction import Transaction
    queue = Pool().get('ir.queue').__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*queue.select(Count(queue.id),
            where=queue.dequeued_at == Null))
    return cursor.fetchone()[0]


def settle(url, worker, timeout=600):
    """Wait until the storefront answers its health check at once and,
    with a queue worker, the queue is empty, so that what one side left
    behind (requests still in the workers, the sales its checkouts queued)
    is not measured with the next: return the seconds it took"""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        before = time.perf_counter()
        urllib.request.urlopen(url + '/healthz', timeout=timeout).close()
        quick = time.perf_counter() - before < 0.05
        if quick and not (worker and run_in_transaction(
                    catalogue.DATABASE, queued_tasks)):
            break
        time.sleep(0.5)
    # What production's cron does every minute, which the bench runs
    # without: the bumps of the side before folded, the versions unchanged
    # (every hit reads them, summing the rows of each area)
    run_in_transaction(catalogue.DATABASE, compact_versions)
    return time.perf_counter() - started


def compact_versions():
    from trytond.pool import Pool
    Pool().get('lao.catalogue.version').compact()


def floor_app():
    """The floor: a WSGI application answering the bytes of the pages
    fetched from the storefront (BENCH_LOAD_PAGES, a pickle of
    {(path, language): (status, headers, body)}), 404 for others"""
    with open(os.environ['BENCH_LOAD_PAGES'], 'rb') as file:
        pages = pickle.load(file)

    def application(environ, start_response):
        path = environ.get('PATH_INFO', '')
        if environ.get('QUERY_STRING'):
            path += '?' + environ['QUERY_STRING']
        page = pages.get((path, environ.get('HTTP_ACCEPT_LANGUAGE')))
        if page is None:
            start_response('404 Not Found', [('Content-Length', '0')])
            return [b'']
        status, headers, body = page
        start_response(status, headers)
        return [body]
    return application


def wait_until_up(url, server, log, timeout=300):
    "Wait until /healthz answers"
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped; see {log}")
        try:
            with urllib.request.urlopen(url + '/healthz', timeout=30) as r:
                if r.status == 200:
                    return
        except urllib.error.HTTPError:
            # The floor answers 404 to what it did not fetch
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not start; see {log}")


def stop(process, session=False):
    """Stop the process; with session, every process of the session it
    leads (the queue worker's pool outlives its parent)"""
    def send(signal_):
        try:
            if session:
                os.killpg(process.pid, signal_)
            else:
                process.send_signal(signal_)
        except ProcessLookupError:
            # every process of the session had stopped already
            return
    send(signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        process.wait()
    if session:
        send(signal.SIGKILL)


def kind(path):
    "The kind of an anonymous page, to report the time of each kind"
    for prefix, name in [('/listing/', 'listing'), ('/seller/', 'seller'),
            ('/board', 'board'), ('/01/', 'trace')]:
        if path.startswith(prefix):
            return name
    if path.startswith('/catalogue'):
        return 'catalogue, text' if 'q=' in path else 'catalogue, filters'
    return 'home'


def fetch_pages(url, paths, languages=LANGUAGES):
    """Each path in each language, one request at a time (which warms the
    workers): the pages for the floor, and the median time of each kind"""
    pages, times = {}, {}
    kept = {'content-type', 'content-language', 'cache-control', 'etag',
        'last-modified', 'vary'}
    for path in sorted(set(paths)):
        for language in languages:
            request = urllib.request.Request(
                url + path, headers={'Accept-Language': language})
            started = time.perf_counter()
            try:
                response = urllib.request.urlopen(request, timeout=120)
            except urllib.error.HTTPError as error:
                raise SystemExit(f"{path} ({language}): {error.code}")
            with response:
                body = response.read()
                headers = [(k, v) for k, v in response.headers.items()
                    if k.lower() in kept]
                assert not any(k.lower().startswith('x-ratelimit')
                    for k in response.headers), f"{path} is rate limited"
            times.setdefault(kind(path), []).append(
                time.perf_counter() - started)
            headers.append(('Content-Length', str(len(body))))
            pages[path, language] = (
                f'{response.status} {response.reason}', headers, body)
    return pages, {k: statistics.median(t) for k, t in sorted(times.items())}


def run_wrk(url, script, duration, connections, threads=2):
    """Run wrk and return the summary its script printed, with the load
    average of the machine as it starts"""
    load = load_average()
    output = subprocess.run([
            'wrk', '--latency', '--timeout', '10s',
            '-t', str(min(threads, connections)), '-c', str(connections),
            '-d', f'{duration}s', '-s', script, url],
        check=True, capture_output=True, text=True).stdout
    for line in output.splitlines():
        if line.startswith('WRK_JSON '):
            result = json.loads(line[len('WRK_JSON '):])
            seconds = result['duration_us'] / 1e6
            return {
                'requests': result['requests'],
                'throughput': result['requests'] / seconds,
                'p50 ms': result['p50_us'] / 1000,
                'p95 ms': result['p95_us'] / 1000,
                'p99 ms': result['p99_us'] / 1000,
                'max ms': result['max_us'] / 1000,
                'errors': result['failed'] + sum(result[k]
                    for k in ['connect', 'read', 'write', 'timeout']),
                'load': load,
                }
    raise RuntimeError(f"no summary in wrk's output:\n{output}")


def load_average():
    return ' '.join(f'{l:.2f}' for l in os.getloadavg())


def result_line(side, connections, result, floor=None):
    ratio = (f"{result['throughput'] / floor['throughput']:6.3f}"
        if floor else '     -')
    return (f"  {side:<10} {connections:4d} | "
        f"{result['throughput']:8.1f} req/s | p50 {result['p50 ms']:7.1f}"
        f" | p95 {result['p95 ms']:7.1f} | p99 {result['p99 ms']:7.1f} ms"
        f" | errors {result['errors']:5d} of {result['requests']:6d}"
        f" | /floor {ratio} | load {result['load']}"
        + (f" | settled in {result['settled s']:.1f} s"
            if 'settled s' in result else ''))


def goal_lines(results, backend):
    lines = []
    compare = {'>=': lambda a, b: a >= b, '<': lambda a, b: a < b,
        '<=': lambda a, b: a <= b}
    for side, connections, what, comparison, goal in GOALS:
        result = results.get((side, connections))
        if what == 'ratio to floor':
            floor = results.get(('floor', connections))
            value = (result['throughput'] / floor['throughput']
                if result and floor else None)
        else:
            value = result[what] if result else None
        if value is None:
            continue
        # A run without a single answer proves nothing but its slowness
        answered = result and result['requests'] and (
            what != 'ratio to floor' or value)
        met = ('met' if answered and compare[comparison](value, goal)
            else 'MISSED')
        lines.append(f"  goal {side}, {connections} connections, "
            f"{backend}: {what} {value:.3g} (goal {comparison} {goal:g}: "
            f"{met})")
    return lines


def measure(options):
    "One backend: prepare, serve and measure every side"
    backend = catalogue.prepare(options.vendors, options.listings,
        reuse=True)
    sides = options.sides
    emails = run_in_transaction(
        catalogue.DATABASE, add_load_data, options.buyers)
    paths = run_in_transaction(catalogue.DATABASE, page_paths)
    listings = run_in_transaction(catalogue.DATABASE, cart_listings,
        options.buyers, time.time_ns())
    os.makedirs(DIRECTORY, exist_ok=True)
    log = os.path.join(DIRECTORY, 'load-gunicorn.log')
    floor_log = os.path.join(DIRECTORY, 'load-floor.log')
    pages_file = os.path.join(DIRECTORY, 'load-pages.pickle')
    anonymous_script = write_script(os.path.join(DIRECTORY, 'load.lua'),
        [{'method': 'GET', 'path': p} for p in paths])
    port = free_port()
    url = f'http://127.0.0.1:{port}'
    started = time.perf_counter()
    # The embedded SQLite default runs the queued tasks after each commit,
    # in the request: no worker
    worker = (start_worker(os.path.join(DIRECTORY, 'load-worker.log'))
        if backend == 'postgresql' else None)
    server = start_storefront(port, log, options, queue_worker=bool(worker))
    try:
        wait_until_up(url, server, log)
        report(f"  storefront up in {time.perf_counter() - started:.1f} s;"
            f" {len(set(paths))} anonymous paths, one request at a time, "
            "median:")
        # Without the floor, one language is warm-up enough
        pages, medians = fetch_pages(url, paths,
            LANGUAGES if 'floor' in sides else LANGUAGES[:1])
        report(*(f"    {name:<20} {median * 1000:7.1f} ms"
                for name, median in medians.items()))
        with open(pages_file, 'wb') as file:
            pickle.dump(pages, file)
        buyer_script = None
        if 'buyers' in sides:
            buyers = log_in_buyers(url, emails, listings)
            buyer_script = write_script(
                os.path.join(DIRECTORY, 'load-buyers.lua'),
                buyer_requests(buyers), [b[0] for b in buyers],
                redirects_ok=True)
            report(f"  {len(buyers)} buyers logged in, one order each "
                "checked out")
        results = {}
        for connections in options.connections:
            if 'anonymous' in sides:
                settle(url, worker)
                results['anonymous', connections] = run_wrk(
                    url, anonymous_script, options.duration, connections)
            if buyer_script:
                settle(url, worker)
                results['buyers', connections] = run_wrk(
                    url, buyer_script, options.duration, connections)
                results['buyers', connections]['settled s'] = settle(
                    url, worker)
    finally:
        stop(server)
        if worker:
            stop(worker, session=True)

    if 'floor' in sides:
        floor = gunicorn('bench.load:floor_app()', port, floor_log, options,
            dict(os.environ, BENCH_LOAD_PAGES=pages_file))
        try:
            wait_until_up(url, floor, floor_log)
            for connections in options.connections:
                results['floor', connections] = run_wrk(
                    url, anonymous_script, options.duration, connections)
        finally:
            stop(floor)

    threads = (f" x {options.threads} threads"
        if options.worker_class == 'gthread' else '')
    report(f"  {backend}: gunicorn {options.worker_class}, "
        f"{options.workers} workers{threads}; wrk 2 threads, "
        f"{options.duration} s per side; {os.cpu_count()} cores; mixes: "
        + ', '.join(f'{k} {v} %' for k, v in MIX.items())
        + '; buyers: ' + ', '.join(f'{k} {v} %'
            for k, v in BUYER_MIX.items()))
    for connections in options.connections:
        floor = results.get(('floor', connections))
        for side in ['floor', 'anonymous', 'buyers']:
            if (side, connections) in results:
                report(result_line(side, connections,
                        results[side, connections],
                        floor if side != 'floor' else None))
    report(*goal_lines(results, backend))
    return results


def integers(text):
    return [int(v) for v in text.split(',')]


def run(argv=None):
    parser = argparse.ArgumentParser(prog='python -m bench load')
    catalogue.add_data_options(parser)
    parser.add_argument('--backend', choices=['sqlite', 'postgresql', 'both'],
        help="the database backend (default: the backend of "
        "TRYTOND_DATABASE__URI if set, else both)")
    parser.add_argument('--duration', type=int, default=15,
        help="seconds of each measured run")
    parser.add_argument('--connections', type=integers, default=[8, 32, 128],
        help="requests in flight at once, comma-separated")
    parser.add_argument('--sides', type=lambda t: t.split(','),
        default=['floor', 'anonymous', 'buyers'])
    parser.add_argument('--buyers', type=int, default=16,
        help="logged-in buyer accounts")
    parser.add_argument('--worker-class', default=os.environ.get(
            'STOREFRONT_WORKER_CLASS', 'gthread'))
    parser.add_argument('--workers', type=int, default=int(os.environ.get(
                'STOREFRONT_WORKERS', 2)), help="gunicorn processes")
    parser.add_argument('--threads', type=int, default=int(os.environ.get(
                'STOREFRONT_THREADS', 4)),
        help="threads of each process (gthread)")
    options = parser.parse_args(argv)
    if not shutil.which('wrk'):
        raise SystemExit(
            "wrk is not installed: `apt-get install wrk` (Debian, Ubuntu) "
            "or see https://github.com/wg/wrk")
    if not options.backend and not os.environ.get('TRYTOND_DATABASE__URI'):
        options.backend = 'both'
    if options.backend == 'both':
        # One process per backend: trytond chooses its backend once
        argv = list(argv or [])
        for backend in ['sqlite', 'postgresql']:
            report(f"== load, {backend} ==")
            subprocess.run([sys.executable, '-c',
                    'import sys; from bench import load; '
                    'load.run(sys.argv[1:])',
                    *argv, '--backend', backend],
                cwd=ROOT, check=True, env=backend_environment(backend))
        return None
    if options.backend:
        os.environ.update(backend_environment(options.backend))
    return measure(options)


def backend_environment(backend):
    "The environment of this process for backend"
    env = dict(os.environ)
    uri = env.get('TRYTOND_DATABASE__URI', '')
    if backend == 'postgresql' and not uri.startswith('postgresql'):
        env['TRYTOND_DATABASE__URI'] = POSTGRESQL_URI
    elif backend == 'sqlite' and not uri.startswith('sqlite'):
        env['TRYTOND_DATABASE__URI'] = 'sqlite://'
    return env
