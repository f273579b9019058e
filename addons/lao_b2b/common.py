"""Small helpers shared by the marketplace's workflows."""
from contextlib import contextmanager

from trytond.model import Index
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction


def state_button(states, icon):
    "The definition of a button shown only in states"
    if isinstance(states, str):
        invisible = Eval('state') != states
    else:
        invisible = ~Eval('state').in_(list(states))
    return {
        'invisible': invisible,
        'icon': icon,
        'depends': ['state'],
        }


def xml_id(module, fs_id):
    """The id of the record of XML id module.fs_id, or None while the
    module that loads it is being installed (for the default values)"""
    ModelData = Pool().get('ir.model.data')
    try:
        return ModelData.get_id(module, fs_id)
    except KeyError:
        return None


@contextmanager
def as_vendor_system(company):
    """Act as the platform's system user in the vendor's company: the buyer
    or operator placing an order is not a user of the vendors' companies"""
    transaction = Transaction()
    with transaction.set_user(0), transaction.set_context(
            company=company.id, companies=[company.id],
            _check_access=False):
        yield


def keep_company_context(cls):
    """Give the company-dependent fields of cls, which has an owning
    company, that company as context (as Tryton's own company models do):
    a PYSON of the context would be empty on the server, where field
    contexts are evaluated on the record.  The company is a dependency of
    the field, so that it is read with it (else the server evaluates the
    context without it, on the default -1)"""
    from trytond.modules.company.model import CompanyMultiValueMixin
    pool = Pool()
    for field in cls._fields.values():
        if field._type in {'many2one', 'one2many'}:
            target = field.model_name
        elif field._type == 'many2many' and field.target:
            target = getattr(
                pool.get(field.relation_name), field.target).model_name
        else:
            continue
        if (issubclass(pool.get(target), CompanyMultiValueMixin)
                and 'company' not in field.context):
            field.context['company'] = Eval('company', -1)
            field.depends = field.depends | {'company'}


class VendorOwnedMixin:
    """An official model that vendor companies own through the company
    field of its extension (a record without company is shared): indexed
    by company, its company-dependent fields read in that company, the
    user's company by default"""
    __slots__ = ()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.company, Index.Range())))

    @classmethod
    def __post_setup__(cls):
        super().__post_setup__()
        keep_company_context(cls)

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')
