"""A short load run of the storefront with wrk on loopback.

The storefront runs as in production (docker-compose.yml): gunicorn with
sync workers, on the database of the catalogue bench (1,000 vendors and
50,000 listings by default, made or reused).  After a warm-up of one
request per path, one at a time (the median time of each kind of page is
printed), wrk keeps `--connections` requests in flight for `--duration`
seconds over a mix of the home page (10 %), catalogue searches with
filters, text, sorts and pages (50 %) and listing pages (40 %), in
English, Lao and Chinese, and prints the throughput, the latency
percentiles and the errors (every answer must be a 2xx: nothing but the
log-in, sign-up and reset forms is rate limited).

wrk comes from the distribution: `apt-get install wrk` on Debian or Ubuntu.

    python -m bench load [--duration 20] [--connections 8] [--workers 2]
"""
import argparse
import json
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

from bench import catalogue
from scripts.database import ROOT
from scripts.demo.tryton import run_in_transaction

LANGUAGES = ['en', 'lo', 'zh_CN']
# The share of each kind of page in the mix, in percent
MIX = {'home': 10, 'catalogue': 50, 'listing': 40}
SORTS = ['newest', 'price', 'price_desc', 'title']
TEXTS = ['coffee', 'rice', 'Paksong', 'organic', 'ກາເຟ', '咖啡']

# wrk's script: a random path of the mix and language per request, the
# answers that are not 2xx counted per thread, and the summary as one line
# of JSON.  The paths are filled in by write_script.
WRK_SCRIPT = '''
local paths = %(paths)s
local languages = %(languages)s
local threads = {}

function setup(thread)
    table.insert(threads, thread)
    thread:set("id", #threads)
end

function init(args)
    math.randomseed(os.time() * 100 + id)
    non2xx = 0
end

function request()
    local path = paths[math.random(#paths)]
    local language = languages[math.random(#languages)]
    return wrk.format("GET", path, {["Accept-Language"] = language})
end

function response(status, headers, body)
    if status < 200 or status > 299 then
        non2xx = non2xx + 1
    end
end

function done(summary, latency, requests)
    local non2xx_total = 0
    for _, thread in ipairs(threads) do
        non2xx_total = non2xx_total + thread:get("non2xx")
    end
    local errors = summary.errors
    io.write(string.format(
        'WRK_JSON {"requests": %%d, "duration_us": %%d, "non2xx": %%d, ' ..
        '"connect": %%d, "read": %%d, "write": %%d, "timeout": %%d, ' ..
        '"p50_us": %%d, "p95_us": %%d, "p99_us": %%d, "max_us": %%d}\\n',
        summary.requests, summary.duration, non2xx_total,
        errors.connect, errors.read, errors.write, errors.timeout,
        math.floor(latency:percentile(50)),
        math.floor(latency:percentile(95)),
        math.floor(latency:percentile(99)), latency.max))
end
'''


def page_paths(seed=2026):
    """The paths of the mix, in proportion: the home page, catalogue
    searches (text, commodity, province, certification, price range,
    minimum quantity, sorts, second pages) and listings of the database"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Listing = pool.get('lao.listing')
    Subdivision = pool.get('country.subdivision')
    rng = random.Random(seed)
    commodities = [c[0] for c in catalogue.commodities()]
    commodities += [catalogue.model_id('lao_b2b', f'category_{code}')
        for code in catalogue.ROOT_NAMES]
    provinces = [s.id for s in Subdivision.search(
                Subdivision.lao_provinces())]
    # Their ids only: records would load every column of 50,000 rows
    listing = Listing.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*listing.select(listing.id,
            where=listing.state == 'published', order_by=[listing.id]))
    listings = [i for i, in cursor]
    kinds = ['organic', 'gap', 'geographical_indication', 'fair_trade']
    searches = []
    for commodity, province, (low, high), _ in catalogue.SEARCHES:
        filters = catalogue.search_filters(commodity, province, (low, high))
        searches.append(filters)
    while len(searches) < MIX['catalogue']:
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
    paths = ['/'] * MIX['home']
    paths += ['/catalogue?' + urlencode(f) for f in searches]
    paths += [f'/listing/{i}' for i in rng.sample(listings, MIX['listing'])]
    return paths


def lua_table(values):
    return '{' + ', '.join(json.dumps(v) for v in values) + '}'


def write_script(paths, filename):
    with open(filename, 'w') as file:
        file.write(WRK_SCRIPT % {
                'paths': lua_table(paths),
                'languages': lua_table(LANGUAGES),
                })
    return filename


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def start_storefront(port, workers, log):
    """gunicorn serving the storefront on the bench's database, as
    docker-compose.yml runs it"""
    env = dict(os.environ,
        TRYTON_DATABASE=catalogue.DATABASE,
        STOREFRONT_SECRET_KEY=secrets.token_hex(32),
        STOREFRONT_URL=f'http://127.0.0.1:{port}')
    env.pop('TRYTON_CONFIG', None)
    return subprocess.Popen([
            sys.executable, '-m', 'gunicorn',
            '--bind', f'127.0.0.1:{port}', '--workers', str(workers),
            '--error-logfile', log, 'storefront:create_app()'],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)


def wait_until_up(url, server, log, timeout=300):
    "Wait until /healthz answers; check no rate limit applies to a page"
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if server.poll() is not None:
            raise SystemExit(f"the storefront stopped; see {log}")
        try:
            with urllib.request.urlopen(url + '/healthz', timeout=30) as r:
                if r.status == 200:
                    break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(1)
    else:
        raise SystemExit(f"the storefront did not start; see {log}")
    with urllib.request.urlopen(url + '/catalogue', timeout=60) as response:
        assert not any(h.lower().startswith('x-ratelimit')
            for h in response.headers), "the catalogue is rate limited"


def kind(path):
    "The kind of page of path, to report the time of each kind"
    if path.startswith('/listing/'):
        return 'listing'
    if path.startswith('/catalogue'):
        return 'catalogue, text' if 'q=' in path else 'catalogue, filters'
    return 'home'


def warm_up(url, paths):
    """Ask for each path once, one request at a time (warming the caches of
    the workers); return the median time of each kind of page"""
    times = {}
    for path in paths:
        started = time.perf_counter()
        with urllib.request.urlopen(url + path, timeout=60) as response:
            response.read()
        times.setdefault(kind(path), []).append(
            time.perf_counter() - started)
    return {k: statistics.median(t) for k, t in sorted(times.items())}


def run_wrk(url, script, duration, connections, threads):
    "Run wrk and return the summary its script printed"
    output = subprocess.run([
            'wrk', '--latency', '--timeout', '30s',
            '-t', str(threads), '-c', str(connections),
            '-d', f'{duration}s', '-s', script, url],
        check=True, capture_output=True, text=True).stdout
    for line in output.splitlines():
        if line.startswith('WRK_JSON '):
            return json.loads(line[len('WRK_JSON '):])
    raise RuntimeError(f"no summary in wrk's output:\n{output}")


def run(argv=None):
    parser = argparse.ArgumentParser(prog='python -m bench load')
    catalogue.add_data_options(parser)
    parser.add_argument('--duration', type=int, default=20,
        help="seconds of the measured run (after one request per path)")
    parser.add_argument('--connections', type=int, default=8,
        help="requests in flight at once")
    parser.add_argument('--threads', type=int, default=2,
        help="threads of wrk")
    parser.add_argument('--workers', type=int, default=2,
        help="gunicorn workers")
    options = parser.parse_args(argv)
    if not shutil.which('wrk'):
        raise SystemExit(
            "wrk is not installed: `apt-get install wrk` (Debian, Ubuntu) "
            "or see https://github.com/wg/wrk")

    catalogue.prepare(options.vendors, options.listings, reuse=True)
    paths = run_in_transaction(catalogue.DATABASE, page_paths)
    directory = os.path.join(ROOT, 'var', 'bench')
    os.makedirs(directory, exist_ok=True)
    script = write_script(paths, os.path.join(directory, 'load.lua'))
    log = os.path.join(directory, 'load-gunicorn.log')
    port = free_port()
    url = f'http://127.0.0.1:{port}'
    started = time.perf_counter()
    server = start_storefront(port, options.workers, log)
    try:
        wait_until_up(url, server, log)
        print(f"  storefront up in {time.perf_counter() - started:.1f} s; "
            "one request at a time, median:", flush=True)
        for name, median in warm_up(url, paths).items():
            print(f"    {name:<20} {median * 1000:7.1f} ms", flush=True)
        result = run_wrk(url, script, options.duration,
            options.connections, options.threads)
    finally:
        server.terminate()
        server.wait(timeout=60)

    seconds = result['duration_us'] / 1e6
    errors = sum(result[k] for k in ['connect', 'read', 'write', 'timeout'])
    print(f"  gunicorn, {options.workers} sync workers; wrk, "
        f"{options.threads} threads, {options.connections} connections, "
        f"{seconds:.1f} s; {len(paths)} paths: home {MIX['home']} %, "
        f"catalogue {MIX['catalogue']} %, listing {MIX['listing']} %")
    print(f"  requests {result['requests']:8d}   "
        f"throughput {result['requests'] / seconds:8.1f} requests/s")
    print(f"  latency p50 {result['p50_us'] / 1000:7.1f} ms   "
        f"p95 {result['p95_us'] / 1000:7.1f} ms   "
        f"p99 {result['p99_us'] / 1000:7.1f} ms   "
        f"max {result['max_us'] / 1000:7.1f} ms")
    print(f"  answers not 2xx {result['non2xx']}   "
        f"socket errors {errors}", flush=True)
    if result['non2xx'] or errors:
        raise SystemExit(f"errors under load; see {log}")
    return result
