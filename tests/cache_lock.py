"""The test cache shared by the pytest-xdist workers of a run.

TEST_CACHE is the folder of this state of the code (make test names it
after the code's hash): the demo database of the browser tests, the locks
and, on SQLite, Tryton's DB_CACHE.  On PostgreSQL, DB_CACHE is
postgresql://: Tryton keeps its cached databases as template databases,
restored in a fraction of a second, whose names tell only their modules;
the ones an earlier state of the code left are dropped first."""
import contextlib
import fcntl
import hashlib
import os
import re

TEMPLATE = re.compile(r'^test-[0-9a-f]{40}$')


def cache_folder():
    "The folder of the test cache, or None"
    folder = os.environ.get('TEST_CACHE') or os.environ.get('DB_CACHE', '')
    if not folder or '://' in folder:
        return None
    os.makedirs(folder, exist_ok=True)
    return folder


@contextlib.contextmanager
def cache_lock(name):
    "Hold the lock of the cached database name, across the workers"
    folder = cache_folder()
    if not folder:
        yield
        return
    digest = hashlib.sha1(name.encode()).hexdigest()[:16]
    with open(os.path.join(folder, f'{digest}.lock'), 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def drop_stale_templates():
    """Drop the template databases of DB_CACHE=postgresql:// unless they are
    of the code of TEST_CACHE"""
    folder = cache_folder()
    if (not folder
            or not os.environ.get('DB_CACHE', '').startswith('postgresql://')):
        return
    marker = os.path.join(folder, 'postgresql-templates')
    with cache_lock('postgresql-templates'):
        if os.path.exists(marker):
            return
        from trytond.transaction import Transaction
        with Transaction().start(
                None, 0, close=True, autocommit=True) as transaction:
            database, connection = transaction.database, transaction.connection
            cursor = connection.cursor()
            cursor.execute('SELECT datname FROM pg_database')
            for name, in cursor.fetchall():
                if TEMPLATE.match(name):
                    database.drop(connection, name)
        open(marker, 'w').close()
