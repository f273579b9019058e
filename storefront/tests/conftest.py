"""A database with our modules (Tryton's test machinery and its cache) and
the Flask test client of the storefront running on it."""
import contextlib
import os
import re
import types
import uuid

import pytest

os.environ.setdefault('DB_NAME', ':memory:')
os.environ.setdefault('TRYTOND_DATABASE__URI', 'sqlite://')
os.environ.setdefault('TEST_NETWORK', '0')

MODULES = [
    'lao_b2b', 'lao_trace', 'lao_prices', 'lao_credit', 'lao_crossborder']
PASSWORD = 'correct horse battery'
FARMER = "Khamla Vongsa"  # a coffee farmer of the demo chains: never public
# The companies of the demo chains: the coffee processor, the banana grower
PROCESSOR = "Bolaven Coffee Processing"
GROWER = "Bokeo Banana Grower"


@pytest.fixture(scope='session')
def database():
    from trytond.tests.test_tryton import DB_NAME, activate_module
    activate_module(MODULES)
    return DB_NAME


@pytest.fixture(scope='session')
def app(database):
    from storefront import create_app
    return create_app({
            'TESTING': True,
            'TRYTON_DATABASE': database,
            'SECRET_KEY': 'test-secret',
            'AUTH_RATE_LIMIT': '1000 per minute',
            'SECRET_KEY_FILE': '/nonexistent',
            'CACHE_TYPE': 'SimpleCache',
            })


@pytest.fixture(autouse=True)
def _fresh(app, monkeypatch):
    "No rate-limit state between tests, no real brute-force delay"
    from trytond.modules.web_user import user as web_user_module

    from storefront.extensions import limiter
    limiter.reset()
    monkeypatch.setattr(web_user_module, 'time', types.SimpleNamespace(
            sleep=lambda seconds: None))
    app.config['AUTH_RATE_LIMIT'] = '1000 per minute'


@contextlib.contextmanager
def app_settings(app, **settings):
    """The app with settings for a test: the pages in the page cache were
    rendered with others, so they are dropped before and after"""
    from storefront.cache import cache

    def clear():
        # In the app's own context: out of one, Flask-Caching clears the
        # cache of the last app it was initialised with (test_app.py
        # makes several)
        with app.app_context():
            cache.clear()
    saved = {name: app.config[name] for name in settings}
    app.config.update(settings)
    clear()
    try:
        yield
    finally:
        app.config.update(saved)
        clear()


@pytest.fixture
def one_per_page(app):
    "Pages of one record, to see the page links"
    with app_settings(app, PAGE_SIZE=1):
        yield


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def outbox(monkeypatch):
    """The e-mails of web users that the queued tasks deliver, which
    flask-tryton runs after the request's commit (lao_b2b.mail)"""
    from trytond.modules.lao_b2b import mail
    messages = []
    monkeypatch.setattr(
        mail, 'send_message',
        lambda msg, *args, **kwargs: messages.append(msg))
    return messages


class Tryton:
    "Run code in the test database as the administrator, to set up or check"

    def __init__(self, database):
        self.database = database

    def run(self, func, user=0):
        "Run func(pool) in a committed transaction, as with_transaction"
        from trytond.pool import Pool
        from trytond.transaction import Transaction, TransactionError
        extras = {}
        while True:
            with Transaction().start(
                    self.database, user, **extras) as transaction:
                try:
                    result = func(Pool())
                except TransactionError as error:
                    transaction.rollback()
                    error.fix(extras)
                    continue
                transaction.commit()
                # Queued jobs (e-mails of the invitations) are not run here
                transaction.tasks.clear()
            return result


@pytest.fixture
def tryton(database):
    return Tryton(database)


@pytest.fixture(scope='session')
def chains(database):
    """The coffee and banana chains of lao_trace's demo, their products with
    GTINs, the bananas in their grower's company and recalled: {name:
    (GTIN, lot number)}"""
    from trytond.modules.company.tests import create_company, set_company
    from trytond.modules.lao_trace.tests import load_chains

    def build(pool):
        Recall = pool.get('lao.trace.recall')
        company = create_company(name=PROCESSOR)
        company.gs1_company_prefix = '8850123'
        company.save()
        grower = create_company(name=GROWER)
        grower.gs1_company_prefix = '8850124'
        grower.save()
        with set_company(company):
            coffee, banana = load_chains(company, banana_company=grower)
        with set_company(grower):
            recall = Recall(
                company=grower, lot=banana, reason="Residue above limit")
            recall.save()
            Recall.open([recall])
        return {
            'coffee': (coffee.gtin, coffee.number),
            'banana': (banana.gtin, banana.number),
            }
    return Tryton(database).run(build)


def trace_path(gtin, number):
    "The path of the GS1 Digital Link of a lot on the storefront"
    return f'/01/{gtin}/10/{number}'


def csrf_token(client, url):
    "The CSRF token of the form on the page at url"
    response = client.get(url)
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', response.data)
    assert match, response.data[:500]
    return match.group(1).decode()


def unique_email(prefix='buyer'):
    return f'{prefix}-{uuid.uuid4().hex[:10]}@example.com'


def make_web_user(tryton, email=None, validated=True):
    email = email or unique_email()

    def create(pool):
        WebUser = pool.get('web.user')
        user = WebUser(email=email, email_valid=validated)
        user.save()
        WebUser.write([user], {'password': PASSWORD})
        return user.id
    return email, tryton.run(create)


def log_in(client, email, password=PASSWORD):
    token = csrf_token(client, '/account/login')
    response = client.post('/account/login', data={
            'csrf_token': token, 'email': email, 'password': password})
    assert response.status_code == 302, response.data
    return response


@pytest.fixture
def buyer(tryton, client):
    "A logged-in buyer with a validated address: (email, web user id)"
    email, user_id = make_web_user(tryton)
    log_in(client, email)
    return email, user_id


def fill_buyer_profile(client, tryton, name='Vientiane Roasters'):
    "Give the logged-in web user of client a domestic buyer profile"
    def la(pool):
        return pool.get('country.country').search([('code', '=', 'LA')])[0].id
    response = client.post('/account/profile', data={
            'csrf_token': csrf_token(client, '/account/profile'),
            'business_name': name, 'buyer_type': 'domestic',
            'registration_number': 'VT-0001', 'city': 'Vientiane',
            'country': tryton.run(la)})
    assert response.status_code == 302
