"""Traceability demo data: the coffee and banana chains of lao_trace's
builders, each in its vendor's company, and the trace pages they open.

The coffee chain runs in the Paksong coffee company, its green beans the
listed "Green arabica" (so that the listing links to their lot), before
the cross-border demo; the banana chain runs in the Bokeo grower's company
once the cross-border demo has approved it, its bananas the listed ones.
The chains' dates follow the seasons back from the demo's day (lao_trace's
tests/chains.py).  The listed products get their names in Lao and Chinese,
which the trace pages show."""
from .vendors import COFFEE

TRACE_ROLE = 'trace page'
# GS1's own example company prefix: the demo's GTINs are not real ones
COFFEE_GS1_PREFIX = '0614141'

# The listed products that the chains trace (marketplace.py and
# crossborder.py list them), and their names in Lao and Chinese
GREEN = "Green arabica, washed, screen 16+"
BANANAS = "Cavendish bananas, 13 kg cartons"
NAMES = {
    GREEN: {
        'lo': "ກາເຟດິບ ອາຣາບິກາ ລ້າງ, ເມັດ 16+",
        'zh_CN': "阿拉比卡生咖啡豆（水洗，16目以上）"},
    BANANAS: {
        'lo': "ກ້ວຍຫອມ ຄາເວນດິຊ, ແກັດ 13 kg",
        'zh_CN': "卡文迪什香蕉（13公斤装）"},
    }


def _active():
    from trytond.pool import Pool
    Module = Pool().get('ir.module')
    return bool(Module.search([
                ('name', '=', 'lao_trace'), ('state', '=', 'activated')]))


def _listed_product(company, name):
    """The product called name of a listing of company, given its names of
    NAMES; None if company lists no such product"""
    from trytond.modules.lao_trace.tests import ChainBuilder
    from trytond.pool import Pool
    Listing = Pool().get('lao.listing')
    listings = Listing.search([
            ('company', '=', company.id),
            ('product.template.name', '=', name),
            ], limit=1)
    if listings:
        product = listings[0].product
        ChainBuilder.translate(product, NAMES[name])
        return product


def load(applications):
    """The coffee chain (lao_trace), when it is activated, in the coffee
    vendor's company; return its last lot in a list"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    if not _active():
        return []
    coffee = [a for a in applications
        if a.registration_number == COFFEE and a.company]
    if not coffee:
        return []
    from trytond.modules.lao_trace.tests.chains import (
        ChainBuilder, load_coffee_chain)
    pool = Pool()
    Listing = pool.get('lao.listing')
    Product = pool.get('product.product')
    company = coffee[0].company
    company.gs1_company_prefix = COFFEE_GS1_PREFIX
    company.save()
    with Transaction().set_context(company=company.id):
        chain = ChainBuilder(company, Listing.company_warehouse(company))
        lot = load_coffee_chain(chain, _listed_product(company, GREEN))
        # so that the QR codes of the lots resolve
        Product.assign_gtins(list(chain._products.values()), company)
    return [lot]


def load_bananas():
    """The banana chain in the Bokeo grower's company, once the
    cross-border demo has approved it and given it a GS1 prefix; return its
    lot in a list"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from .crossborder import BANANA_VENDOR
    if not _active():
        return []
    pool = Pool()
    Application = pool.get('lao.vendor.application')
    Listing = pool.get('lao.listing')
    Product = pool.get('product.product')
    growers = Application.search([
            ('registration_number', '=', BANANA_VENDOR),
            ('state', '=', 'approved'),
            ('company', '!=', None),
            ], limit=1)
    if not growers or not growers[0].company.gs1_company_prefix:
        return []
    from trytond.modules.lao_trace.tests.chains import (
        ChainBuilder, load_banana_chain)
    company = growers[0].company
    with Transaction().set_context(company=company.id):
        chain = ChainBuilder(company, Listing.company_warehouse(company))
        lot = load_banana_chain(chain, _listed_product(company, BANANAS))
        Product.assign_gtins(list(chain._products.values()), company)
    return [lot]


def logins(lots):
    "The trace pages of the chains' last lots"
    return [(TRACE_ROLE, f'01/{lot.gtin}/10/{lot.number}', '',
            lot.product.name) for lot in lots or []]
