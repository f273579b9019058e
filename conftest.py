"""The test run shared by pytest-xdist workers (make test, TEST_WORKERS).

Each worker has its own database: SQLite's is in memory already, a
PostgreSQL one is named after the worker.  Each activation starts from a
new database, restored from the cache that the workers share, one building
each cached database while the others wait for it (tests/cache_lock.py),
on lao_b2b's cached one when it can: only its own modules are activated.
A worker runs a test class, or a test file of functions, from start to end;
the web shop's tests, which share one database for the session, all run on
the same worker (make test distributes them with --dist loadgroup)."""
import functools
import os

import pytest

WORKER = os.environ.get('PYTEST_XDIST_WORKER')
if WORKER and 'postgresql' in os.environ.get('TRYTOND_DATABASE__URI', ''):
    os.environ['DB_NAME'] = f"{os.environ.get('DB_NAME') or 'test'}_{WORKER}"


def _cache_name(modules, *setup, **options):
    "What tells a cached database from another: modules, setup, language"
    if isinstance(modules, str):
        modules = [modules]
    return ' '.join([*sorted(modules),
            *(getattr(f, '__qualname__', repr(f)) for f in setup),
            *(f'{k}={v}' for k, v in sorted(options.items()))])


# Every module of ours depends on it: the other databases are built on its
# cached one, adding only their own modules, not each from an empty database
BASE = 'lao_b2b'


def _cached(name):
    "Whether DB_CACHE holds the database of the activation name"
    from sql import Literal, Table
    from trytond.tests.test_tryton import DB_CACHE, _db_cache_file
    from trytond.transaction import Transaction
    cache = _db_cache_file(DB_CACHE, name)
    if not cache.startswith('postgresql://'):
        return os.path.exists(cache)
    # Not db_exist: it connects to each database, and a template database
    # another worker is copying must have no connection
    with Transaction().start(
            None, 0, close=True, autocommit=True) as transaction:
        cursor = transaction.connection.cursor()
        database = Table('pg_database')
        cursor.execute(*database.select(Literal(1),
                where=database.datname == cache.rsplit('/', 1)[1]))
        return cursor.fetchone() is not None


def _on_base(modules):
    "Whether BASE is one of modules or of the modules they depend on"
    from trytond.modules import get_module_info
    seen, todo = set(), list(modules)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(get_module_info(name).get('depends', []))
    return BASE in seen


def _build_on_base(modules, activate_module):
    """Cache the database of modules built on BASE's, unless it is cached:
    Tryton's activate_module, on an existing database, activates only what
    it lacks"""
    from trytond.tests.test_tryton import drop_db

    from tests.cache_lock import cache_lock
    if (modules == [BASE] or not _on_base(modules)
            or _cached('-'.join(modules))):
        return
    with cache_lock(_cache_name(BASE)):
        drop_db()
        activate_module(BASE)
    activate_module(modules)
    drop_db()


def _fresh_and_locked(activate, activate_module, name_order=list):
    """activate on a new database (a test class would otherwise get the
    modules of the previous one's database, a superset maybe), built on
    BASE's when not cached; name_order orders the modules as activate names
    its cached database"""
    from trytond.tests.test_tryton import DB_CACHE, drop_db

    from tests.cache_lock import cache_lock

    @functools.wraps(activate)
    def wrapper(modules, *setup, **options):
        if isinstance(modules, str):
            modules = [modules]
        if options.get('lang') == 'en':  # the default: the same database
            del options['lang']
        with cache_lock(_cache_name(modules, *setup, **options)):
            drop_db()
            if DB_CACHE and not setup and not options:
                _build_on_base(name_order(modules), activate_module)
            return activate(modules, *setup, **options)
    return wrapper


def pytest_configure(config):
    from trytond.tests import test_tryton, tools

    from tests.cache_lock import drop_stale_templates
    if not hasattr(config, 'workerinput'):
        drop_stale_templates()
    # Before the test modules import them
    activate_module = test_tryton.activate_module
    test_tryton.activate_module = _fresh_and_locked(
        activate_module, activate_module)
    tools.activate_modules = _fresh_and_locked(
        tools.activate_modules, activate_module, name_order=sorted)


# The longest groups, started first so that none is left for the end
FIRST = [
    'tests/test_journeys.py', 'tests/test_browser_sao.py',
    'tests/test_isolation.py', 'storefront/', 'tests/test_translations.py']


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # tryfirst: before xdist's own hook reads the groups
    for item in items:
        if item.nodeid.startswith('storefront/'):
            group = 'storefront'
        else:
            group = item.nodeid.rsplit('::', 1)[0]
        item.add_marker(pytest.mark.xdist_group(group))

    if 'postgresql' in os.environ.get('TRYTOND_DATABASE__URI', ''):
        skip = pytest.mark.skip(reason="on the demo database, SQLite "
            "whatever the backend: the SQLite run runs it")
        for item in items:
            if item.get_closest_marker('demo_database'):
                item.add_marker(skip)

    def rank(item):
        for index, prefix in enumerate(FIRST):
            if item.nodeid.startswith(prefix):
                return index
        return len(FIRST)
    items.sort(key=rank)
