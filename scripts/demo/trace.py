"""Traceability demo data: the coffee and banana chains of lao_trace's
builders, in the coffee vendor's company, and the trace pages they open."""
from .vendors import COFFEE

TRACE_ROLE = 'trace page'


def load(applications):
    "The coffee vendor's trace chains (lao_trace), when it is activated"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Module = pool.get('ir.module')
    if not Module.search([
                ('name', '=', 'lao_trace'), ('state', '=', 'activated')]):
        return None
    coffee = [a for a in applications
        if a.registration_number == COFFEE and a.company]
    if not coffee:
        return None
    from trytond.modules.lao_trace.tests import load_chains
    Listing = pool.get('lao.listing')
    company = coffee[0].company
    # GS1's own example company prefix: the demo's GTINs are not real ones
    company.gs1_company_prefix = '0614141'
    company.save()
    with Transaction().set_context(company=company.id):
        return load_chains(company, Listing.company_warehouse(company))


def logins(lots):
    "The trace pages of the chains' last lots"
    return [(TRACE_ROLE, f'01/{lot.gtin}/10/{lot.number}', '',
            lot.product.name) for lot in lots or []]
