"""Small helpers shared by the marketplace's workflows."""
from contextlib import contextmanager

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
