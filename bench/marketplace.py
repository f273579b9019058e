"""Marketplace orders against plain Tryton sales with the same lines.

In one fresh database (SQLite under var/bench by default, PostgreSQL when
TRYTOND_DATABASE__URI says so), three vendors are approved and each lists
two products.  Then it times:

- marketplace: N orders of one buyer, each buying the six listings (three
  vendors by two lines); each order is created and placed in its own
  transaction, as one checkout request is: the listings are locked, every
  line checked against its listing's terms, and three sales are created,
  quoted and confirmed;
- plain sales: N times the same three sales with the same lines and unit
  prices, created, quoted and confirmed through the ORM in one transaction
  each;

and prints both times and their ratio.  The two are interleaved, one
checkout of each in turn (in alternating order), so that both meet the same
amount of data and the same load of the machine; on SQLite the CPU time of
the process is printed too, as it does not count other processes' work.

    python -m bench marketplace [--count N]
"""
import argparse
import sys
import time
from decimal import Decimal

from bench.provisioning import configure, vendors
from scripts.database import create_database
from scripts.demo.platform import ADMIN_PASSWORD
from scripts.demo.tryton import run_in_transaction

DATABASE = 'bench_marketplace'
QUANTITY = 100
# Paid on delivery: the bench's buyer, not scored, would owe each vendor
# far above the credit limit of lao_credit's policy on bank transfer
PAYMENT_METHOD = 'cash_on_delivery'
PRICES = [(0, Decimal(42000)), (1000, Decimal(39000))]


def setup():
    """The platform, three approved vendors with two published listings
    each, and a buyer"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    from scripts.demo.platform import create_platform, create_users
    from scripts.demo.vendors import (
        approve, check_documents, create_applications, submit)
    pool = Pool()
    Account = pool.get('account.account')
    Category = pool.get('product.category')
    Template = pool.get('product.template')
    Listing = pool.get('lao.listing')
    Party = pool.get('party.party')
    ModelData = pool.get('ir.model.data')
    platform = create_platform()
    operator, reviewers = create_users(platform)
    applications = create_applications(
        vendors(3), operator)
    submit(applications, operator)
    check_documents(applications, reviewers[0])
    approve(applications, reviewers[0])
    kilogram = ModelData.get_id('product', 'uom_kilogram')
    commodity = ModelData.get_id('lao_b2b', 'category_coffee_arabica_green')
    province = applications[0].province
    listings = []
    for application in applications:
        company = application.company
        with Transaction().set_context(company=company.id):
            revenue, = Account.search([
                    ('company', '=', company.id),
                    ('type.revenue', '=', True),
                    ('closed', '!=', True),
                    ], limit=1)
            accounting, = Category.create([{
                        'name': f"Sales of {company.rec_name}",
                        'accounting': True,
                        'account_revenue': revenue.id,
                        }])
            templates = Template.create([{
                        'name': f"{company.rec_name} coffee {i}",
                        'type': 'goods', 'salable': True,
                        'default_uom': kilogram, 'sale_uom': kilogram,
                        'list_price': Decimal(45000),
                        'account_category': accounting.id,
                        'products': [('create', [{}])],
                        } for i in range(2)])
            listings += Listing.create([{
                        'company': company.id,
                        'product': t.products[0].id,
                        'title': t.name,
                        'description': "Washed arabica",
                        'category': commodity,
                        'origin_province': province.id,
                        'origin_district': "Paksong",
                        'unit': kilogram,
                        'declared_quantity': 10 ** 9,
                        'minimum_quantity': 50,
                        'quantity_multiple': 50,
                        'price_tiers': [('create', [
                                    {'quantity': q, 'unit_price': p}
                                    for q, p in PRICES])],
                        'photos': [('create', [{'image': b'\x89PNG'}])],
                        } for t in templates])
    Listing.submit(listings)
    with Transaction().set_user(reviewers[0].id):
        Listing.publish(listings)
    buyer, = Party.create([{
                'name': "Bench Buyer", 'buyer_type': 'domestic',
                'buyer_business_name': "Bench Buyer Co., Ltd",
                'buyer_registration_number': "VT-BENCH",
                'addresses': [('create', [{'city': "Vientiane"}])],
                }])
    return buyer.id, [l.id for l in listings]


def place_order(buyer_id, listing_ids):
    "One checkout: create the order of the six listings and place it"
    from trytond.pool import Pool
    Order = Pool().get('lao.marketplace.order')
    order, = Order.create([{
                'buyer': buyer_id,
                'payment_method': PAYMENT_METHOD,
                'lines': [('create', [
                            {'listing': l, 'quantity': QUANTITY}
                            for l in listing_ids])],
                }])
    Order.place([order])
    return [s.id for s in order.sales]


def plain_checkout(buyer_id, listing_ids):
    "The same three sales, made through the ORM alone"
    from trytond.pool import Pool
    from trytond.modules.lao_b2b.common import as_vendor_system
    from trytond.modules.lao_b2b.marketplace import (
        new_sale_line, new_vendor_sale)
    pool = Pool()
    Sale = pool.get('sale.sale')
    Listing = pool.get('lao.listing')
    Party = pool.get('party.party')
    buyer = Party(buyer_id)
    by_company = {}
    for listing in Listing.browse(listing_ids):
        by_company.setdefault(listing.company, []).append(listing)
    sales = []
    for company, listings in by_company.items():
        with as_vendor_system(company):
            sale = new_vendor_sale(
                company, buyer, payment_method=PAYMENT_METHOD)
            sale.lines = [new_sale_line(
                    sale, l.product, l.unit, QUANTITY, PRICES[0][1])
                for l in listings]
            sale.save()
            Sale.quote([sale])
            Sale.confirm([sale])
        sales.append(sale.id)
    return sales


def check(count):
    "Every checkout made three confirmed sales of two lines"
    from trytond.pool import Pool
    Sale = Pool().get('sale.sale')
    sales = Sale.search([('state', '=', 'confirmed')])
    assert len(sales) == 2 * 3 * count, len(sales)
    assert all(len(s.lines) == 2 for s in sales)
    marketplace = [s for s in sales if s.marketplace_order]
    assert len(marketplace) == 3 * count


def interleave(count, workloads):
    """Run each workload count times in its own transaction, in turn and in
    alternating order; return the wall-clock and CPU seconds of each"""
    wall = [0.] * len(workloads)
    cpu = [0.] * len(workloads)
    for i in range(count):
        order = range(len(workloads))
        for w in (order if i % 2 == 0 else reversed(order)):
            func, args = workloads[w]
            started, started_cpu = time.perf_counter(), time.process_time()
            run_in_transaction(DATABASE, func, *args)
            wall[w] += time.perf_counter() - started
            cpu[w] += time.process_time() - started_cpu
    return wall, cpu


def run(argv=None):
    parser = argparse.ArgumentParser(prog='python -m bench marketplace')
    parser.add_argument('--count', type=int, default=1000)
    options = parser.parse_args(argv)
    count = options.count

    backend = configure()
    print(f"database {DATABASE} on {backend}, {count} checkouts of "
        "3 vendors x 2 lines", flush=True)
    create_database(DATABASE, ADMIN_PASSWORD, languages=[])
    from trytond.pool import Pool
    Pool(DATABASE).init()
    buyer_id, listing_ids = run_in_transaction(DATABASE, setup)
    (marketplace_time, plain_time), (marketplace_cpu, plain_cpu) = (
        interleave(count, [
                (place_order, (buyer_id, listing_ids)),
                (plain_checkout, (buyer_id, listing_ids)),
                ]))
    run_in_transaction(DATABASE, check, count)

    def per_checkout(seconds):
        return f"{seconds / count * 1000:10.1f} ms"
    print(f"  marketplace order       {per_checkout(marketplace_time)}")
    print(f"  plain sales             {per_checkout(plain_time)}")
    print(f"  ratio marketplace/plain {marketplace_time / plain_time:10.2f} x")
    if backend == 'sqlite':
        print(f"  CPU marketplace order   {per_checkout(marketplace_cpu)}")
        print(f"  CPU plain sales         {per_checkout(plain_cpu)}")
        print(f"  CPU ratio               "
            f"{marketplace_cpu / plain_cpu:10.2f} x")
    sys.stdout.flush()
    return marketplace_time, plain_time
