"""Provisioning approved vendors against creating bare companies.

In one fresh database (SQLite under var/bench by default, PostgreSQL when
TRYTOND_DATABASE__URI says so), times:

- vendors: N vendor applications with their documents created by the
  platform operator, submitted, their documents checked and the
  applications approved by a government reviewer, which provisions each
  vendor's company (party, warehouse, chart of accounts, fiscal year and
  periods, sequences) and its manager user;
- bare companies: N parties with a company each, through the ORM;

and prints both times and their ratio.  Each step is one transaction, as
one request of a user approving a batch would be.

    python -m bench provisioning [--count N]
"""
import argparse
import os
import time

from scripts.database import ROOT, create_database
from scripts.demo.platform import ADMIN_PASSWORD
from scripts.demo.vendors import Vendor

DATABASE = os.environ.get('BENCH_DATABASE', 'bench_provisioning')
VENDOR_TYPES = ['cooperative', 'company', 'individual', 'farmer_group']


def vendors(count):
    "count distinct vendors across the provinces, every type"
    from trytond.modules.lao_b2b.country import LAO_SUBDIVISIONS
    provinces = [f'LA-{code}' for code in sorted(LAO_SUBDIVISIONS)]
    return [Vendor(
            name=f"Bench Vendor {i:04d}", name_lao=f"ຜູ້ຂາຍ {i:04d}",
            vendor_type=VENDOR_TYPES[i % len(VENDOR_TYPES)],
            province=provinces[i % len(provinces)],
            district=f"District {i % 7}", village=f"Ban {i}",
            phone=f"+856 20 {i:08d}", email=f'vendor{i:04d}@bench.example',
            registration_number=f"BENCH-{i:06d}",
            commodities="Coffee, rice, cassava",
            licence_required=bool(i % 2), state='approved')
        for i in range(count)]


def configure():
    """The environment of this process and of trytond-admin: SQLite under
    var/bench unless TRYTOND_DATABASE__URI says otherwise"""
    os.environ.setdefault('TRYTOND_DATABASE__URI', 'sqlite://')
    if os.environ['TRYTOND_DATABASE__URI'].startswith('sqlite'):
        os.environ.setdefault(
            'TRYTOND_DATABASE__PATH', os.path.join(ROOT, 'var', 'bench'))
        os.makedirs(os.environ['TRYTOND_DATABASE__PATH'], exist_ok=True)
    return os.environ['TRYTOND_DATABASE__URI'].split(':', 1)[0]


def timed(label, func, *args):
    from scripts.demo.tryton import run_in_transaction
    started = time.perf_counter()
    result = run_in_transaction(DATABASE, func, *args)
    duration = time.perf_counter() - started
    print(f"  {label:<44} {duration:8.2f} s", flush=True)
    return result, duration


def setup():
    "The platform, its operator and reviewers, as in the demo"
    from trytond.pool import Pool
    from scripts.demo.platform import create_platform, create_users
    User = Pool().get('res.user')
    platform = create_platform()
    operator, reviewers = create_users(platform)
    return operator.id, reviewers[0].id, User.search([], count=True)


def provision_vendors(vendor_list, operator_id, reviewer_id):
    from trytond.pool import Pool
    from scripts.demo.vendors import (
        approve, check_documents, create_applications, submit)
    User = Pool().get('res.user')
    operator, reviewer = User(operator_id), User(reviewer_id)
    steps = {}
    started = time.perf_counter()
    applications = create_applications(vendor_list, operator)
    steps['create applications and documents'] = time.perf_counter()
    submit(applications, operator)
    steps['submit'] = time.perf_counter()
    check_documents(applications, reviewer)
    steps['check documents'] = time.perf_counter()
    approve(applications, reviewer)
    steps['approve (provisioning)'] = time.perf_counter()
    durations, previous = {}, started
    for step, at in steps.items():
        durations[step] = at - previous
        previous = at
    return [a.id for a in applications], durations


def bare_companies(count):
    from trytond.pool import Pool
    pool = Pool()
    Party = pool.get('party.party')
    Company = pool.get('company.company')
    Currency = pool.get('currency.currency')
    lak, = Currency.search([('code', '=', 'LAK')])
    parties = Party.create([
            {'name': f"Bare Company {i:04d}"} for i in range(count)])
    return Company.create([{
                'party': p.id, 'currency': lak.id,
                'timezone': 'Asia/Vientiane'} for p in parties])


def check(application_ids, count):
    "Every application is approved with its own company and manager"
    from trytond.pool import Pool
    Application = Pool().get('lao.vendor.application')
    applications = Application.browse(application_ids)
    assert len(applications) == count
    assert all(a.state == 'approved' for a in applications)
    assert len({a.company for a in applications}) == count
    assert all(a.manager for a in applications)


def run(argv=None):
    parser = argparse.ArgumentParser(prog='python -m bench provisioning')
    parser.add_argument('--count', type=int, default=100)
    options = parser.parse_args(argv)
    count = options.count

    backend = configure()
    print(f"database {DATABASE} on {backend}, {count} vendors", flush=True)
    started = time.perf_counter()
    create_database(DATABASE, ADMIN_PASSWORD, languages=[])
    print(f"  {'activate the modules (trytond-admin)':<44} "
        f"{time.perf_counter() - started:8.2f} s", flush=True)

    from trytond.pool import Pool
    Pool(DATABASE).init()
    (operator_id, reviewer_id, _), _ = timed(
        "platform company, operator, reviewers", setup)
    (application_ids, steps), vendors_time = timed(
        f"{count} vendors: apply, submit, check, approve",
        provision_vendors, vendors(count), operator_id, reviewer_id)
    for step, duration in steps.items():
        print(f"    {step:<42} {duration:8.2f} s")
    _, bare_time = timed(f"{count} bare companies (party + company)",
        bare_companies, count)
    timed("check the provisioned vendors", check, application_ids, count)

    print(f"  provisioning per vendor {vendors_time / count * 1000:10.1f} ms")
    print(f"  bare company            {bare_time / count * 1000:10.1f} ms")
    print(f"  ratio vendor / bare     {vendors_time / bare_time:10.1f} x",
        flush=True)
    return vendors_time, bare_time
