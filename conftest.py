"""The test run shared by pytest-xdist workers (make test, TEST_WORKERS).

Each worker has its own database: SQLite's is in memory already, a
PostgreSQL one is named after the worker.  Each activation starts from a
new database, restored from the cache that the workers share, one building
each cached database while the others wait for it (tests/cache_lock.py).
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


def _fresh_and_locked(activate):
    """activate on a new database: a test class would otherwise get the
    modules of the previous one's database, a superset maybe"""
    from trytond.tests.test_tryton import drop_db

    from tests.cache_lock import cache_lock

    @functools.wraps(activate)
    def wrapper(modules, *setup, **options):
        with cache_lock(_cache_name(modules, *setup, **options)):
            drop_db()
            return activate(modules, *setup, **options)
    return wrapper


def pytest_configure(config):
    from trytond.tests import test_tryton, tools

    from tests.cache_lock import drop_stale_templates
    if not hasattr(config, 'workerinput'):
        drop_stale_templates()
    # Before the test modules import them
    test_tryton.activate_module = _fresh_and_locked(
        test_tryton.activate_module)
    tools.activate_modules = _fresh_and_locked(tools.activate_modules)


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
