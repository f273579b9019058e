"""Load the demo data into a database whose modules are activated.

    python -m scripts.demo.load NAME [-c CONFIG ...] [--small]

runs the areas in order in one transaction and prints the demo log-ins as
JSON.  The approved vendors list their goods (the suspended one too, before
its suspension), then the reviewers take their other decisions, then the
buyers, orders, requests for quotation and board posts come, then the
trace chains, two years of market prices (with the currency rates) and
the Kunming importer's cross-border shipments.
"""
import argparse
import json
import logging
import sys

from . import crossborder, marketplace, platform, prices, trace, vendors
from .tryton import run_in_transaction


def load(vendor_list=vendors.VENDORS, small=False):
    """Create the demo data in the current transaction and return the demo
    log-ins as (role, login, password, note) tuples"""
    company = platform.create_platform()
    operator, (decider, second) = platform.create_users(company)
    by_vendor = vendors.apply(vendor_list, operator, decider)
    trading = vendors.having(vendor_list, by_vendor, 'approved', 'suspended')
    listings, products = marketplace.create_listings(trading, decider)
    vendors.decide(vendor_list, by_vendor, second)
    logins = platform.logins()
    logins += vendors.manager_logins(vendor_list, by_vendor)
    logins += marketplace.load_buyers(
        trading, operator, listings, products, small=small)
    if not small:
        logins += trace.logins(trace.load(trading))
    prices.load()
    if not small:
        logins += crossborder.load(trading, decider, listings, products)
    return logins


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('database')
    parser.add_argument(
        '-c', '--config', dest='config_files', nargs='+', default=[])
    parser.add_argument(
        '--small', action='store_true',
        help="only the vendors the browser test needs")
    options = parser.parse_args(argv)

    from trytond import config
    if options.config_files:
        config.update_etc(options.config_files)
    from trytond.pool import Pool

    Pool(options.database).init()
    # No SMTP server here: the validation e-mails of the demo buyers (who
    # are validated by their token) cannot be sent
    logging.getLogger('trytond.sendmail').setLevel(logging.CRITICAL)
    logins = run_in_transaction(options.database, load,
        vendors.SMALL_VENDORS if options.small else vendors.VENDORS,
        small=options.small)
    json.dump(logins, sys.stdout, ensure_ascii=False)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
