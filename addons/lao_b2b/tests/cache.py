"""What a page of the web shop reads, to check that its cached copy follows
every change of it (storefront/cache.py)."""
import re
from contextlib import contextmanager

from trytond.model import ModelSQL
from trytond.pool import Pool
from trytond.transaction import Transaction

# What the pages read without it changing what they show: the access
# rules of fields (the public pages read without access checks)
UNVERSIONED = {'ir.model.field.access'}
# The tables a statement of python-sql reads: "FROM" or "JOIN" then the
# quoted name
TABLE = re.compile(r'(?:FROM|JOIN) "([a-z0-9_]+)"')


@contextmanager
def tables_read():
    """The names of the tables that the statements of the block read, on
    the transaction's connection (its cursors record what they execute).
    The records that the transaction keeps are dropped first, so that the
    block reads everything from the tables, as a request's transaction
    does."""
    transaction = Transaction()
    for records in transaction.cache.values():
        records.clear()
    transaction.counter += 1
    connection = transaction.connection
    tables = set()
    make_cursor = connection.cursor

    def cursor(*args, **kwargs):
        cursor = make_cursor(*args, **kwargs)
        execute = cursor.execute

        def recording(query, *params):
            tables.update(TABLE.findall(str(query)))
            return execute(query, *params)
        cursor.execute = recording
        return cursor
    connection.cursor = cursor
    try:
        yield tables
    finally:
        del connection.cursor


def models_of(tables):
    "The names of the models of the pool stored in tables"
    pool = Pool()
    return {name for name, Model in pool.iterobject()
        if issubclass(Model, ModelSQL) and Model._table in tables}
