"""The test run shared by pytest-xdist workers (make test, TEST_WORKERS).

Each worker has its own database: SQLite's is in memory already, a
PostgreSQL one is named after the worker.  Each activation starts from a
new database, restored from the cache that the workers share, one building
each cached database while the others wait for it (tests/cache_lock.py).
A worker runs a test class, or a test file of functions, from start to end
(make test distributes them with --dist loadgroup), each scenario on its
own.  The web shop's tests share one database for the session: each worker
that runs some of their files makes its own, and runs only web-shop files
until none is left (StorefrontScheduling), so that no other group replaces
that database in between."""
import collections
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


# The scenario doctests of every module (tests/test_modules.py)
SCENARIO = 'tests/test_modules.py::test_scenario['
# The web shop's tests: a group per file, on a database each worker makes
# for them once (storefront/tests/conftest.py), which no other group may
# replace while a worker has some of them to run (StorefrontScheduling)
STOREFRONT = 'storefront/'
# The longest groups, started first so that none is left for the end: the
# journeys (their worker builds the demo database of the browser tests)
# while the others start on the web shop's.  make test keeps this order
# (--no-loadscope-reorder: xdist would otherwise hand out the groups with
# the most tests first, and the browser tests, which have few, last).
FIRST = [
    'tests/test_journeys.py', STOREFRONT, 'tests/test_browser_sao.py',
    'tests/test_isolation.py', 'tests/test_translations.py', SCENARIO]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # tryfirst: before xdist's own hook reads the groups
    groups = {}
    for item in items:
        if item.nodeid.startswith(SCENARIO):
            # Each scenario starts from its own new database (tools'
            # activate_modules) and shares nothing with the others
            group = item.nodeid
        elif item.nodeid.startswith(STOREFRONT):
            group = item.nodeid.split('::', 1)[0]
        else:
            group = item.nodeid.rsplit('::', 1)[0]
        item.add_marker(pytest.mark.xdist_group(group))
        groups[item.nodeid] = group

    if 'postgresql' in os.environ.get('TRYTOND_DATABASE__URI', ''):
        skip = pytest.mark.skip(reason="on the demo database, SQLite "
            "whatever the backend: the SQLite run runs it")
        for item in items:
            if item.get_closest_marker('demo_database'):
                item.add_marker(skip)

    sizes = collections.Counter(groups.values())

    def rank(item):
        """FIRST in its order (the web shop's files in theirs), then the
        groups of the most tests first"""
        for index, prefix in enumerate(FIRST):
            if item.nodeid.startswith(prefix):
                return index, 0
        return len(FIRST), -sizes[groups[item.nodeid]]
    # A stable sort: the tests of a group keep their order
    items.sort(key=rank)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue('dist') == 'loadgroup':
        return _storefront_scheduling(config, log)


def _storefront_scheduling(config, log):
    """--dist loadgroup, but a worker that was given web-shop groups is given
    only web-shop groups while there are some left: the others would
    replace the database of the web shop's tests with theirs"""
    from xdist.scheduler import LoadGroupScheduling

    class StorefrontScheduling(LoadGroupScheduling):

        def __init__(self, config, log=None):
            super().__init__(config, log)
            self.storefront_nodes = set()

        def _assign_work_unit(self, node):
            scope = next(iter(self.workqueue))
            if node in self.storefront_nodes:
                scope = next((s for s in self.workqueue
                        if s.startswith(STOREFRONT)), scope)
            if scope.startswith(STOREFRONT):
                self.storefront_nodes.add(node)
            work_unit = self.workqueue.pop(scope)
            self.assigned_work.setdefault(node, {})[scope] = work_unit
            collection = self.registered_collections[node]
            node.send_runtest_some([collection.index(nodeid)
                    for nodeid, completed in work_unit.items()
                    if not completed])
    return StorefrontScheduling(config, log)
