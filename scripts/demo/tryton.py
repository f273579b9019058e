"""Transaction helpers of the demo: run as a user the way the web client
does, run a function in a committed transaction, and find records by their
XML ids.  Everything here is imported inside functions: the demo's data
modules load before the pool does."""
import contextlib


@contextlib.contextmanager
def acting_as(user):
    """Run as user with the user's own context and access checks on, as a
    request of the web client does"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    User = Pool().get('res.user')
    transaction = Transaction()
    with transaction.set_user(user.id):
        context = User.get_preferences(context_only=True)
    with transaction.reset_context(), \
            transaction.set_user(user.id), \
            transaction.set_context(context, _check_access=True):
        yield


def run_in_transaction(database, func, *args, **kwargs):
    """Run func in a committed transaction on database as root

    Like the RPC dispatcher, start again with the tables locked up front
    when func asks for a lock (a singleton's first creation does).  The
    queued tasks (invitation e-mails) stay in the queue for a worker."""
    from trytond.transaction import Transaction, TransactionError
    extras = {}
    for _ in range(20):
        with Transaction().start(database, 0, **extras) as transaction:
            try:
                result = func(*args, **kwargs)
            except TransactionError as error:
                transaction.rollback()
                error.fix(extras)
                continue
            transaction.tasks.clear()
            transaction.commit()
            return result
    raise RuntimeError(f"{func.__name__} could not lock what it needs")


def group_ids(groups):
    from trytond.pool import Pool
    ModelData = Pool().get('ir.model.data')
    return [ModelData.get_id(module, fs_id) for module, fs_id in groups]


def category(code):
    from trytond.pool import Pool
    pool = Pool()
    return pool.get('product.category')(
        pool.get('ir.model.data').get_id('lao_b2b', f'category_{code}'))


def uom(module, fs_id):
    from trytond.pool import Pool
    pool = Pool()
    return pool.get('product.uom')(pool.get('ir.model.data').get_id(
            module, fs_id))
