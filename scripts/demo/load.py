"""Load the demo data into a database whose modules are activated.

    python -m scripts.demo.load NAME [-c CONFIG ...] [--small]

runs the areas in order in one transaction and prints the demo log-ins as
JSON.  The approved vendors list their goods (the suspended one too, before
its suspension), a revision of terms is rejected, then the reviewers take
their other decisions, the vendors get their web-shop accounts, then the
buyers, orders, requests for quotation and board posts come, then the
coffee trace chain, the training courses with their certificates, two
years of market prices (with the currency rates), the Kunming importer's
cross-border shipments, the banana trace chain of the grower approved for
them and, last, the credit profiles (ratings, an appeal, a warning, a
buyer blocked by its credit limit), which count all of the above.
"""
import argparse
import json
import logging
import sys

from . import (
    credit, crossborder, marketplace, platform, prices, trace, training,
    vendors)
from .tryton import run_in_transaction


def load(vendor_list=vendors.VENDORS, small=False):
    """Create the demo data in the current transaction and return the demo
    log-ins as (role, login, password, note) tuples"""
    company = platform.create_platform()
    operator, (decider, second) = platform.create_users(company)
    by_vendor = vendors.apply(vendor_list, operator, decider)
    trading = vendors.having(vendor_list, by_vendor, 'approved', 'suspended')
    listings, products = marketplace.create_listings(trading, decider)
    marketplace.reject_revision(listings, second)
    vendors.decide(vendor_list, by_vendor, second)
    logins = platform.logins()
    logins += vendors.manager_logins(vendor_list, by_vendor)
    logins += vendors.web_accounts(vendor_list, by_vendor, operator)
    logins += marketplace.load_buyers(
        trading, operator, listings, products, small=small)
    if not small:
        logins += trace.logins(trace.load(trading))
    logins += training.logins(training.load(trading, operator))
    prices.load()
    if not small:
        logins += crossborder.load(trading, decider, listings, products)
        # the Bokeo grower's banana chain, now that it is approved
        logins += trace.logins(trace.load_bananas())
        # Last, as the nightly recompute would: the profiles count every
        # order, course and shipment above
        logins += credit.load(trading, operator, (decider, second))
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
