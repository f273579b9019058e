"""Tenant isolation, walked over every model of the pool.

Two vendors, A and B, are provisioned the platform's way (application,
vetting, approval) and given the records a business makes: products and
listings, a marketplace order split between them with its sales, shipments,
moves and invoices, lots, employees, customers, web users, invitations,
requests for quotation and quotes.  Then, as A's vendor manager with access
checks on (what JSON-RPC does), every model of the pool that the back office
can reach is walked: A must read none of B's company-owned records (any
model with a company field, or reaching one through its access parent or
its required links) and none of the parties A has no business with, and
every write, create and delete of B's records is refused.  A suspended
vendor keeps reading its own records but changes none of its frozen
documents; a reviewer reads no vendor's stock or accounting.

A model added by a later module is walked the day it is registered: nothing
here lists the models to check, only those shared on purpose.

A last test logs in over JSON-RPC on a started trytond, as sao does, and
tries the account takeover of issue 9.
"""
import datetime as dt
import json
import os
from collections import Counter
from contextlib import contextmanager
from decimal import Decimal

import pytest

from trytond.exceptions import UserError
from trytond.model import ModelStorage, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    TestCase, activate_module, with_transaction)
from trytond.transaction import Transaction, inactive_records

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULES = sorted(
    name for name in os.listdir(os.path.join(ROOT, 'addons'))
    if os.path.exists(os.path.join(ROOT, 'addons', name, 'tryton.cfg')))

# Models that reach a company but are shared on purpose, with the reason
SHARED = {
    'company.company': "every company's name is public: the catalogue "
    "shows the sellers",
    'product.category': "the commodity tree is public; the accounts of a "
    "vendor's accounting category are product.category.account records, "
    "under the company rule",
    }
# Records of another company that every vendor reads on purpose, by model:
# the companies' own parties (the catalogue names the sellers) with their
# addresses and contact mechanisms
# the open requests for quotation (every vendor may quote them) and the
# published posts of the board
PUBLIC_RECORDS = {
    'party.party': lambda parties: [('id', 'in', parties)],
    'party.address': lambda parties: [('party', 'in', parties)],
    'party.contact_mechanism': lambda parties: [('party', 'in', parties)],
    'party.identifier': lambda parties: [('party', 'in', parties)],
    'lao.rfq': lambda parties: [('state', '=', 'open')],
    'lao.board.post': lambda parties: [('state', '=', 'published')],
    }
# The documents a suspended or blacklisted vendor may read but not change
FROZEN = [
    'sale.sale', 'sale.line', 'lao.listing', 'lao.rfq.quote', 'stock.move',
    'stock.shipment.out', 'stock.shipment.in', 'stock.shipment.out.return',
    'stock.shipment.in.return', 'stock.shipment.internal',
    ]
# The modules whose models a government reviewer may not read
REVIEWER_DENIED = ('stock', 'account')
# Fields that are not a record's data
META = {'id', 'create_uid', 'create_date', 'write_uid', 'write_date',
    'rec_name', '_timestamp'}


def reachable(Model):
    "Whether the back office can call the model's read over JSON-RPC"
    return (issubclass(Model, ModelStorage) and issubclass(Model, ModelView)
        and 'read' in Model.__rpc__)


def company_paths(Model, depth=2, seen=None):
    """The paths from Model to the company that owns its records: its own
    company fields, else those of its access parents, else those of its
    required links"""
    seen = (seen or set()) | {Model.__name__}
    Company = Pool().get('company.company')

    def stored_many2one(field):
        return (field._type == 'many2one'
            and not isinstance(field, fields.Function))

    own = [name for name, field in Model._fields.items()
        if stored_many2one(field) and issubclass(field.get_target(), Company)
        and name not in {'create_uid', 'write_uid'}]
    if own or not depth:
        return own
    parents = set(Model.__access__) | {
        name for name, field in Model._fields.items()
        if stored_many2one(field) and field.required and name not in META}
    paths = []
    for name in sorted(parents):
        Target = Model._fields[name].get_target()
        if Target.__name__ in seen or issubclass(Target, Company):
            continue
        paths.extend(f'{name}.{p}'
            for p in company_paths(Target, depth - 1, seen))
    if not paths:
        # A document made of the companies' documents (a marketplace
        # order of the vendors' sales) belongs to each of them
        for name, field in sorted(Model._fields.items()):
            if (field._type == 'one2many'
                    and not isinstance(field, fields.Function)):
                Target = field.get_target()
                paths.extend(f'{name}.{p}' for p in company_paths(Target, 0))
    return paths


@contextmanager
def as_user(user, company):
    "Act as user in company with access checks on, as over JSON-RPC"
    transaction = Transaction()
    with transaction.set_user(user.id), transaction.set_context(
            company=company.id, companies=[company.id], _check_access=True):
        yield


class Figures:
    "Counts of the attempts per role and operation"

    def __init__(self):
        self.tried = Counter()
        self.refused = Counter()
        self.models = Counter()
        self.holes = []
        self.unowned = set()

    def attempt(self, role, operation, model, func, expect_refusal=True):
        """Call func, which must be refused by an access check (or, with
        expect_refusal False, must not be)"""
        self.tried[role, operation] += 1
        try:
            func()
        except AccessError as exception:
            if expect_refusal:
                self.refused[role, operation] += 1
            else:
                self.holes.append((role, operation, model, exception.message))
        else:
            if expect_refusal:
                self.holes.append((role, operation, model, "allowed"))

    def checked(self, role, operation, model, refusal):
        """Count an attempt decided by the access checks alone: refusal
        says what refused it, or None when it would be allowed"""
        self.tried[role, operation] += 1
        if refusal:
            self.refused[role, operation] += 1
        else:
            self.holes.append((role, operation, model, "allowed"))

    def lines(self):
        for (role, operation), tried in sorted(self.tried.items()):
            yield (f'{role:10} {operation:7} tried {tried:5} '
                f'refused {self.refused[role, operation]:5}')


def refusal(Model, mode, ids):
    """What of Tryton's checks refuses mode on the records ids for the
    current user: 'access' (the model access), 'rule' (a record outside the
    rule's domain) or None.  For create, ids are records with the values
    of the would-be new one: Tryton checks the create rule on the created
    record, after its insert, so it is asked here instead of inserting."""
    pool = Pool()
    ModelAccess = pool.get('ir.model.access')
    Rule = pool.get('ir.rule')
    if not ModelAccess.check(Model.__name__, mode, raise_exception=False):
        return 'access'
    domain = Rule.domain_get(Model.__name__, mode=mode)
    if not domain:
        return None
    with Transaction().set_user(0), inactive_records(), \
            Transaction().set_context(_check_access=False):
        allowed = Model.search([('id', 'in', ids), domain], order=[])
    return 'rule' if len(allowed) < len(set(ids)) else None


def build_tenants():
    """Two approved vendors and a buyer, with the documents of a business,
    made by the platform's own builders"""
    from trytond.modules.lao_b2b.tests import (
        create_buyer, create_listing, create_order, create_quote,
        create_request, create_user, create_vendor, place, publish)
    from trytond.modules.company.tests import create_company
    pool = Pool()
    Sale = pool.get('sale.sale')
    Party = pool.get('party.party')
    WebUser = pool.get('web.user')
    Application = pool.get('lao.vendor.application')
    Employee = pool.get('company.employee')
    try:
        Lot = pool.get('stock.lot')
    except KeyError:
        Lot = None

    vendor_a = create_vendor("Paksong Coffee Cooperative", 'ISO-A-001')
    vendor_b = create_vendor("Bolaven Tea Producers", 'ISO-B-001', 'XS')
    buyer_a = create_buyer("Vientiane Roasters")
    buyer_b = create_buyer("Kunming Tea House")
    listing_a = create_listing(vendor_a)
    listing_b = create_listing(vendor_b)
    publish([listing_a, listing_b])
    try:
        ScoringModel = pool.get('lao.credit.scoring_model')
    except KeyError:
        ScoringModel = None
    if ScoringModel:
        # The platform's credit policy lets a buyer not scored yet owe
        # these orders on deferred payment, whose sales are invoiced at once
        model, = ScoringModel.copy([ScoringModel.get_active()], default={
                'new_party_credit_limit': Decimal(100_000_000),
                })
        ScoringModel.activate([model])
    # An order shared by both vendors, and one of B's own buyer
    shared = create_order(buyer_a, [(listing_a, 200), (listing_b, 300)])
    own_b = create_order(buyer_b, [(listing_b, 150)])
    place([shared, own_b])
    # The queue is not run in tests: process the confirmed sales here, to
    # get their shipments, moves and invoices
    for sale in Sale.search([('state', '=', 'confirmed')]):
        with Transaction().set_context(company=sale.company.id):
            Sale.process([sale])
    # The buyer of an open request is public to vendors: not B's buyer
    request = create_request(create_buyer("Boten Cassava Importer"))
    pool.get('lao.rfq').publish([request])
    create_quote(request, vendor_b, Decimal('2400000'))
    for company, buyer in [(vendor_a, buyer_a), (vendor_b, buyer_b)]:
        with Transaction().set_context(company=company.id):
            supplier, = Party.create([{
                        'name': f"Supplier of {company.rec_name}",
                        'contact_mechanisms': [('create', [
                                    {'type': 'phone', 'value': '+856 20 1'}])],
                        }])
            employee_party, = Party.create([{'name': "Storekeeper"}])
            Employee.create([{'party': employee_party.id,
                        'company': company.id}])
        if Lot:
            product = Pool().get('lao.listing')(
                listing_a.id if company == vendor_a else listing_b.id).product
            with Transaction().set_context(company=company.id):
                Lot.create([{'number': f'LOT-{company.id}',
                            'product': product.id}])
    # B's traceability: a farm, a plot, a harvest and its lot
    try:
        from trytond.modules.lao_trace.tests import ChainBuilder
    except ImportError:
        ChainBuilder = None
    if ChainBuilder:
        application_b, = Application.search([('company', '=', vendor_b.id)])
        with Transaction().set_context(company=vendor_b.id):
            builder = ChainBuilder(vendor_b, application_b.warehouse)
            _, plot = builder.farm(farmer="Noy Phommachanh")
            builder.harvest(plot, builder.product("Tea leaves"), 800)
    # B's post on the board, in the name of its own party
    Post = pool.get('lao.board.post')
    with Transaction().set_context(company=vendor_b.id):
        Post.create([{'kind': 'sell', 'party': vendor_b.party.id,
                    'title': "Green tea, 2 t", 'category': listing_b.category.id,
                    'province': listing_b.origin_province.id,
                    'expiry_date': (Pool().get('ir.date').today()
                        + dt.timedelta(days=10))}])
    # Posted invoices, for the accounting moves
    Invoice = pool.get('account.invoice')
    for invoice in Invoice.search([('state', '=', 'draft')]):
        with Transaction().set_context(company=invoice.company.id):
            Invoice.post([invoice])
    web_b, = WebUser.create([{'email': 'b-owner@example.la',
                'party': buyer_b.id}])
    application_b, = Application.search([('company', '=', vendor_b.id)])
    Application.write([application_b], {'web_user': web_b.id})
    WebUser.write([web_b], {'password': 'B-owner-secret-2026'})
    WebUser.reset_password([web_b])

    Currency = pool.get('currency.currency')
    lak, = Currency.search([('code', '=', 'LAK')])
    platform = create_company("Lao Rural E-Commerce Platform", lak)
    reviewer = create_user(
        'iso-reviewer', 'lao_b2b.group_government_reviewer', platform)
    application_a, = Application.search([('company', '=', vendor_a.id)])
    return {
        'a': vendor_a, 'b': vendor_b, 'manager_a': application_a.manager,
        'application_a': application_a, 'reviewer': reviewer,
        'platform': platform,
        'buyer_a': buyer_a, 'buyer_b': buyer_b,
        }


class IsolationTestCase(TestCase):
    "Tenant isolation over every model of the pool"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module(MODULES)

    def owned(self, Model, paths, company, public=True):
        """The ids of Model's records that company owns, read as root,
        less those every vendor reads on purpose unless public"""
        pool = Pool()
        Company = pool.get('company.company')
        # In the company's context: reports (stock.reporting.*) are of the
        # company of the context
        with Transaction().set_user(0), inactive_records(), \
                Transaction().set_context(
                    _check_access=False, company=company.id):
            domain = ['OR'] + [(p, '=', company.id) for p in paths]
            ids = [r.id for r in Model.search(domain, order=[('id', 'ASC')])]
            if not public and Model.__name__ in PUBLIC_RECORDS:
                company_parties = [c.party.id for c in Company.search([])]
                shared = {r.id for r in Model.search(
                            PUBLIC_RECORDS[Model.__name__](company_parties))}
                ids = [i for i in ids if i not in shared]
            return ids

    def walk(self, figures, role, user, company, other):
        """As user of company, try to read, write, create and delete the
        records of other on every reachable model"""
        pool = Pool()
        for name, Model in sorted(pool.iterobject()):
            if not reachable(Model) or name in SHARED:
                continue
            paths = company_paths(Model)
            if not paths:
                continue
            figures.models[role, 'walked'] += 1
            # Records shared by both (an order split between them) are not
            # the other's alone
            ids = sorted(set(self.owned(Model, paths, other, public=False))
                - set(self.owned(Model, paths, company)))
            if not ids:
                figures.unowned.add(name)
                continue
            figures.models[role, 'with records'] += 1
            ids = ids[:5]
            table_query = callable(getattr(Model, 'table_query', None))
            with as_user(user, company):
                def read():
                    seen = Model.search([('id', 'in', ids)])
                    if seen:
                        # Found by search: allowed, whatever read says
                        return
                    Model.read(ids, ['id'])
                figures.attempt(role, 'read', name, read)
                if table_query:
                    continue
                self.try_changes(figures, role, Model, ids)

    def try_changes(self, figures, role, Model, ids):
        """Write, delete and create the records ids, as the current user:
        each must be refused.  Writes are tried for real (Tryton refuses
        them before any SQL, unless a check of the model refuses them
        first: then the access checks are asked); deletes and creates are
        decided by the access checks, as Tryton runs them (a model's own
        checks come first on delete, and the create rule holds after the
        insert, on the created record: B's own record is asked instead),
        since an insert or delete that fails in the database would abort
        the whole test transaction on SQLite."""
        name = Model.__name__
        try:
            figures.attempt(role, 'write', name,
                lambda: Model.write(Model.browse(ids), {}))
        except UserError:
            # A check of the model came before the access rule
            figures.checked(role, 'write', name,
                refusal(Model, 'write', ids))
            figures.tried[role, 'write'] -= 1
        figures.checked(role, 'delete', name, refusal(Model, 'delete', ids))
        figures.checked(role, 'create', name,
            refusal(Model, 'create', ids[:1]))

    @with_transaction()
    def test_isolation(self):
        "A vendor, a suspended vendor and a reviewer across the pool"
        pool = Pool()
        Application = pool.get('lao.vendor.application')
        tenants = build_tenants()
        a, b = tenants['a'], tenants['b']
        manager_a, reviewer = tenants['manager_a'], tenants['reviewer']
        platform = tenants['platform']
        figures = Figures()

        self.walk(figures, 'vendor', manager_a, a, b)
        self.check_parties(figures, manager_a, a, tenants)
        self.check_secrets(figures, manager_a, a)

        Application.suspend(
            [tenants['application_a']], "Isolation test suspension")
        self.check_suspended(figures, manager_a, a)

        self.check_reviewer(figures, reviewer, platform, a, b)

        report = '\n'.join([
                f'models walked: {figures.models["vendor", "walked"]}, '
                f'with records of the other vendor: '
                f'{figures.models["vendor", "with records"]}',
                *figures.lines(),
                'walked without records of the other vendor: '
                + ', '.join(sorted(figures.unowned))])
        print('\n' + report)
        self.assertEqual(figures.holes, [], report)

    def check_parties(self, figures, user, company, tenants):
        """The parties A has no business with (B's buyer, B's suppliers and
        employees) stay unread, their addresses and contact mechanisms too"""
        pool = Pool()
        Party = pool.get('party.party')
        with Transaction().set_user(0), \
                Transaction().set_context(_check_access=False):
            theirs = {p.id for p in Party.search([
                        ('trading_companies', 'in', [tenants['b'].id])])}
            ours = {p.id for p in Party.search([
                        ('trading_companies', 'in', [company.id])])}
        private = sorted(theirs - ours)
        self.assertIn(tenants['buyer_b'].id, private)
        for model in ['party.party', 'party.address',
                'party.contact_mechanism', 'party.identifier']:
            Model = pool.get(model)
            field = 'id' if model == 'party.party' else 'party'
            with Transaction().set_user(0), \
                    Transaction().set_context(_check_access=False):
                ids = [r.id for r in Model.search(
                        [(field, 'in', private)])]
            if not ids:
                continue
            with as_user(user, company):
                def read():
                    if Model.search([('id', 'in', ids)]):
                        return
                    Model.read(ids, ['id'])
                figures.attempt('vendor', 'private', model, read)
                figures.attempt('vendor', 'write', model,
                    lambda: Model.write(Model.browse(ids), {}))

    def check_secrets(self, figures, user, company):
        "No password hash, reset token or session key is readable"
        pool = Pool()
        for model, names in [
                ('web.user', ['password_hash', 'reset_password_token']),
                ('res.user', ['password_reset']),
                ('res.user.invitation', ['token_hash']),
                ]:
            Model = pool.get(model)
            with Transaction().set_user(0), \
                    Transaction().set_context(_check_access=False):
                ids = [r.id for r in Model.search([])]
            for name in names:
                with as_user(user, company):
                    figures.attempt('vendor', 'secret', f'{model}.{name}',
                        lambda: Model.read(ids, [name]))
                    figures.attempt('vendor', 'secret', f'{model}.{name}',
                        lambda: Model.search([(name, '!=', None)]))

    def check_suspended(self, figures, user, company):
        "Own records stay readable; frozen documents refuse every change"
        pool = Pool()
        for name, Model in sorted(pool.iterobject()):
            if not reachable(Model) or name in SHARED:
                continue
            paths = company_paths(Model)
            if not paths:
                continue
            ids = self.owned(Model, paths, company)
            if not ids:
                continue
            ids = ids[:5]
            with as_user(user, company):
                ModelAccess = pool.get('ir.model.access')
                if not ModelAccess.check(name, 'read', raise_exception=False):
                    # Not the vendor's to read even when active
                    continue
                def read():
                    if set(ids) - {r.id for r in Model.search(
                                [('id', 'in', ids)])}:
                        raise AccessError("own records not found")
                    Model.read(ids, ['id'])
                figures.attempt('suspended', 'read', name, read,
                    expect_refusal=False)
                if name in FROZEN:
                    self.try_changes(figures, 'suspended', Model, ids)

    def check_reviewer(self, figures, user, company, *vendors):
        "A reviewer reads nothing of the vendors' stock and accounting"
        pool = Pool()
        for name, Model in sorted(pool.iterobject()):
            if (not reachable(Model)
                    or not name.startswith(REVIEWER_DENIED)):
                continue
            paths = company_paths(Model)
            ids = []
            for vendor in vendors:
                ids += self.owned(Model, paths, vendor)[:5] if paths else []
            if not ids:
                continue
            with as_user(user, company):
                def read():
                    if Model.search([('id', 'in', ids)]):
                        return
                    Model.read(ids, ['id'])
                figures.attempt('reviewer', 'read', name, read)


@pytest.mark.demo_database
def test_account_takeover_over_json_rpc(tmp_path_factory):
    """Over JSON-RPC on a started trytond, a vendor manager of the demo
    reads no web-shop account's password hash or reset token, and no
    back-office user's reset password"""
    from .browser import demo_platform, rpc, serving
    base = tmp_path_factory.mktemp('isolation')
    config_files, port, _ = demo_platform(base)
    with open(base / 'logins.json') as file:
        logins = json.load(file)
    managers = [(login, password) for role, login, password, _ in logins
        if role.startswith('vendor manager (approved')]
    assert managers
    login, password = managers[0]
    with serving(base, config_files, port, preload=True) as url:
        database = 'browser'
        status, body, headers = rpc(f'{url}{database}/session/login', {
                'id': 1, 'method': 'common.db.login',
                'params': [login, {'password': password}, 'en'],
                })
        assert status == 200 and 'error' not in body, body
        cookie = headers['Set-Cookie'].split(';', 1)[0]

        def call(method, *params):
            status, body, _ = rpc(f'{url}{database}/rpc/', {
                    'id': 2, 'method': method, 'params': [*params, {}],
                    }, cookie=cookie)
            assert status == 200, status
            return body

        for model, names in [
                ('web.user', ['email', 'password_hash',
                        'reset_password_token']),
                ('web.user', ['password_hash']),
                ('res.user', ['login', 'password_reset']),
                ]:
            body = call(f'model.{model}.search_read', [], 0, None, None,
                names)
            assert body.get('error'), (model, names, body)
        # Its own company's users stay readable, without their secrets
        body = call('model.res.user.search_read', [], 0, None, None,
            ['login'])
        assert 'error' not in body, body
        assert any(u['login'] == login for u in body['result'])
