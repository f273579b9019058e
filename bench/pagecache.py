"""The shared cache of the anonymous pages against rendering them.

On the database of the catalogue bench (1,000 vendors and 50,000 listings
by default, made or reused), the storefront application serves, in the
same process and through Flask's test client, a filtered catalogue page
(the first search of bench/catalogue.py) and a listing page:

- uncached: PAGE_CACHE off, every request renders the page from the
  database, as before the cache;
- cached: PAGE_CACHE on, with the FileSystemCache of the demo (shared by
  gunicorn's workers), warm: the version read, the entry read and the
  visitor's CSRF token put in.

The pages of both sides are checked equal (their CSRF tokens aside), and
the medians of the sides, taken in turns, are printed with their ratio.

    python -m bench pagecache [--vendors 1000] [--listings 50000]
        [--reuse] [--repeat 31]
"""
import argparse
import re
import secrets
import tempfile
from urllib.parse import urlencode

from bench import catalogue
from bench.harness import alternate, ratio_line, report

TOKEN = re.compile(rb'name="csrf_token" value="[^"]+"')


def paths():
    "The catalogue page of the first search and a listing page"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    commodity, province, prices, sort = catalogue.SEARCHES[0]
    with Transaction().start(catalogue.DATABASE, 0, readonly=True):
        filters = catalogue.search_filters(commodity, province, prices)
        listing, = Pool().get('lao.listing').search(
            [('state', '=', 'published')], order=[('id', 'DESC')], limit=1)
    query = {'sort': sort, **{k: v for k, v in filters.items()
            if k in {'category', 'province', 'price_min', 'price_max'}}}
    return {
        'catalogue page': '/catalogue?' + urlencode(query),
        'listing page': f'/listing/{listing.id}',
        }


def run(argv=None):
    parser = argparse.ArgumentParser(prog='python -m bench pagecache')
    catalogue.add_data_options(parser)
    parser.add_argument('--reuse', action='store_true',
        help="keep the database of an earlier run if it has the listings")
    parser.add_argument('--repeat', type=int, default=31)
    options = parser.parse_args(argv)
    catalogue.prepare(options.vendors, options.listings, options.reuse)

    from storefront import create_app
    with tempfile.TemporaryDirectory() as directory:
        app = create_app({
                'TRYTON_DATABASE': catalogue.DATABASE,
                'SECRET_KEY': secrets.token_hex(32),
                'CACHE_TYPE': 'FileSystemCache',
                'CACHE_DIR': directory,
                })
        client = app.test_client()

        def get(path, cached):
            def request():
                app.config['PAGE_CACHE'] = cached
                response = client.get(path)
                assert response.status_code == 200, response.status
                return response
            return request

        lines = []
        for label, path in paths().items():
            uncached, cached = get(path, False), get(path, True)
            cached()
            assert cached().headers['X-Page-Cache'] == 'hit'
            assert (TOKEN.sub(b'', uncached().data)
                == TOKEN.sub(b'', cached().data)), label
            medians = alternate(
                {'uncached': uncached, 'cached': cached}, options.repeat)
            lines.append(ratio_line(f"{label}: cached", medians['cached'],
                    medians['uncached'], "uncached"))
        report(*lines)
