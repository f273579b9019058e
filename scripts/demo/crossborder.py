"""Cross-border demo data (lao_crossborder): the Kunming importer's coffee
and banana shipments on the China–Laos Railway.

Run by load.py after the buyers, through the model methods as the users
would run them: the products get their HS codes; the Paksong coffee company
records its China Customs (CIFER) registration; the reviewer approves the
Bokeo banana grower, whose manager lists Cavendish bananas and records the
registered plantation and packhouse; the Kunming importer (who uses the web
shop in Chinese) orders green arabica under CPT Kunming South and bananas
under FCA Na Teuy on the storefront; the vendors receive the goods in lots
with GTINs, ship them, generate the customs declarations and take their
steps (the coffee inspected at Mohan, the bananas lodged for export), and
record the railway bookings and their station events.  Phonhong's cassava
flour stays not export-ready for China (no CIFER registration): its
listing names what it lacks and a cross-border order of it is refused.
"""
import datetime as dt
from decimal import Decimal

from . import marketplace, vendors
from .trace import logins as trace_logins
from .tryton import acting_as

BANANA_VENDOR = "BK-ID-1985-0711"
# GS1's example prefix is the coffee company's (trace.py); this one is as
# made up, for the banana grower's GTINs
BANANA_GS1_PREFIX = '0614142'

BANANA_OFFER = marketplace.Offer(BANANA_VENDOR,
    "Cavendish bananas, 13 kg cartons",
    "Bokeo Cavendish bananas for export",
    "Cavendish bananas from a GACC-registered plantation in Ton Pheung, "
    "harvested green at 75% maturity, washed, dehanded and packed in 13 kg "
    "cartons at the registered packhouse; collected at the orchard for the "
    "railway at Na Teuy.",
    'banana', "Class I", "Ton Pheung", "2026",
    [(0, 4200), (13000, 3900)], 1300, 13, 40000, 4,
    title_lao="ກ້ວຍຫອມ ບໍ່ແກ້ວ ສົ່ງອອກ")

# (vendor, product name, HS code of China's tariff)
HS_CODES = [
    (vendors.COFFEE, "Green arabica, washed, screen 16+", '09011100'),
    (vendors.CASSAVA, "Cassava flour", '11062000'),
    (BANANA_VENDOR, BANANA_OFFER.product, '08039000'),
    ]

# (vendor, kind, number, issuer)
REGISTRATIONS = [
    (vendors.COFFEE, 'cifer_registration', "CLAO22010100458",
        "General Administration of Customs of China (CIFER)"),
    (BANANA_VENDOR, 'orchard_registration', "LA-BAN-BK-0031",
        "Department of Agriculture, MAF, listed by GACC"),
    (BANANA_VENDOR, 'packhouse_registration', "LA-BANPH-BK-0007",
        "Department of Agriculture, MAF, listed by GACC"),
    ]

IMPORTER = marketplace.BUYERS[1]

# The day's currency rates against prices.py's base
RATES = [('LAK', Decimal(1000000)), ('CNY', Decimal('337.96'))]

# (vendor, listing title, quantity, incoterm, place, reference, lot number),
# paid on delivery as marketplace.ORDERS are
ORDERS = [
    # 600 kg (₭27,720,000 with VAT): within the ₭30,000,000 that the
    # platform guarantees for the coffee vendor's grade (lao_credit)
    (vendors.COFFEE, "Bolaven Plateau washed arabica, green beans", 600,
        'CPT', "Kunming South", "KYN-PO-2026-118", 'GRN-KMG-01'),
    (BANANA_VENDOR, BANANA_OFFER.title, 2600, 'FCA', "Na Teuy",
        "KYN-PO-2026-121", 'BAN-KMG-01'),
    ]

# The steps each declaration has taken, and the references they need
STEPS = {
    vendors.COFFEE: [
        ('documents_complete', {'freight': Decimal(3200000)}),
        ('export_lodged', {'export_reference': "NSW-EX-2611-004518"}),
        ('export_released', {}),
        ('border_crossed', {}),
        ('import_lodged', {'import_reference': "860120261100045821"}),
        ('inspected', {}),
        ],
    BANANA_VENDOR: [
        ('documents_complete', {}),
        ('export_lodged', {'export_reference': "NSW-EX-2612-000931"}),
        ],
    }

H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)


def _journeys(now):
    """The railway bookings: (vendor, kind, number, seals, [(station code,
    planned arrival, planned departure)], [(stop index, event, time)]).
    The coffee left Vientiane South two days ago and waits at Mohan; the
    bananas leave Na Teuy tomorrow."""
    day = dt.datetime.combine(now.date(), dt.time(4)) - 2 * 24 * H
    tomorrow = dt.datetime.combine(now.date(), dt.time(6)) + 24 * H
    return [
        (vendors.COFFEE, 'container', 'CLRU1234567', "LA-000123, LA-000124", [
                ('VTS', None, day),
                ('BTN', day + 6 * H + 50 * M,
                    day + 11 * H),
                ('MHN', day + 40 * H, day + 64 * H),
                ('KMS', day + 74 * H, None),
                ], [
                (0, 'departure', day + 20 * M),
                (1, 'arrival', day + 7 * H + 30 * M),
                (1, 'departure', day + 12 * H),
                (2, 'arrival', day + 41 * H + 10 * M),
                ]),
        (BANANA_VENDOR, 'wagon', 'LVCU3001178', "LA-000571", [
                ('NTY', None, tomorrow),
                ('BTN', tomorrow + H, tomorrow + 6 * H),
                ('MHN', tomorrow + 7 * H, tomorrow + 30 * H),
                ('KMS', tomorrow + 40 * H, None),
                ], []),
        ]


def load(applications, reviewer, listings, products):
    """The cross-border shipments when lao_crossborder is activated; return
    the trace pages of their lots as log-ins"""
    from trytond.pool import Pool
    pool = Pool()
    Module = pool.get('ir.module')
    Application = pool.get('lao.vendor.application')
    if not Module.search([
                ('name', '=', 'lao_crossborder'),
                ('state', '=', 'activated')]):
        return []
    by_number = {a.registration_number: a for a in applications}
    banana, = Application.search(
        [('registration_number', '=', BANANA_VENDOR)])
    if vendors.COFFEE not in by_number or banana.state != 'submitted':
        return []
    # The reviewer approves the grower, who lists its bananas
    vendors.approve([banana], reviewer)
    banana = Application(banana.id)
    by_number[BANANA_VENDOR] = banana
    banana_listings, banana_products = marketplace.create_listings(
        [banana], reviewer, [BANANA_OFFER])
    listings = {**listings, **banana_listings}
    products = {**products, **banana_products}

    record_rates()
    add_hs_codes(by_number, products)
    register(by_number)
    orders = place_orders(listings)
    lots = receive_in_lots(by_number, products)
    marketplace.fulfil_orders(
        orders, [a.id for a in by_number.values()], lots=lots)
    declare(by_number, orders)
    return trace_logins(list(lots.values()))


def record_rates():
    """The day's rates of the kip and the yuan (prices.py's base: 1,000,000
    for the kip, about 2,960 kip a yuan)"""
    from trytond.pool import Pool
    pool = Pool()
    Currency = pool.get('currency.currency')
    Rate = pool.get('currency.currency.rate')
    today = pool.get('ir.date').today()
    for code, rate in RATES:
        currency, = Currency.search([('code', '=', code)])
        if not Rate.search([
                    ('currency', '=', currency.id), ('date', '=', today)]):
            Rate.create([{
                        'currency': currency.id, 'date': today,
                        'rate': rate}])


def add_hs_codes(by_number, products):
    "China's HS code on each exported product (the customs tariff codes)"
    from trytond.modules.lao_crossborder.tests.tools import add_tariff_code
    for vendor, name, code in HS_CODES:
        add_tariff_code(products[by_number[vendor].company.id, name], code)


def register(by_number):
    "The vendors' managers record their registrations with China Customs"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Registration = pool.get('lao.export.registration')
    Country = pool.get('country.country')
    china, = Country.search([('code', '=', 'CN')])
    today = dt.date.today()
    for vendor, kind, number, issuer in REGISTRATIONS:
        application = by_number[vendor]
        with acting_as(application.manager), Transaction().set_context(
                company=application.company.id):
            Registration.create([{
                        'company': application.company.id,
                        'destination': china.id,
                        'kind': kind,
                        'number': number,
                        'issuer': issuer,
                        'valid_from': today - dt.timedelta(days=400),
                        'valid_to': today + dt.timedelta(days=3 * 365),
                        }])


def place_orders(listings):
    "The Kunming importer checks its carts out on the storefront"
    from trytond.pool import Pool
    pool = Pool()
    Order = pool.get('lao.marketplace.order')
    WebUser = pool.get('web.user')
    user, = WebUser.search([('email', '=', IMPORTER.email)])
    orders = []
    with acting_as(marketplace.storefront_user()):
        incoterms = {i.code: i.id for i in Order.web_incoterms()}
        for _, title, quantity, incoterm, place, reference, _ in ORDERS:
            orders.append(Order.web_place(WebUser(user.id),
                    [(listings[title].id, quantity)], reference,
                    payment_method='cash_on_delivery',
                    incoterm=incoterms[incoterm], incoterm_location=place))
    return orders


def receive_in_lots(by_number, products):
    """The lots in which the vendors receive the ordered goods, the products
    given GTINs so that the lots' QR codes resolve: {product id: lot}"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Lot = pool.get('stock.lot')
    Product = pool.get('product.product')
    banana = by_number[BANANA_VENDOR].company
    banana.gs1_company_prefix = BANANA_GS1_PREFIX
    banana.save()
    lots = {}
    titles = {o.title: o.product for o in marketplace.OFFERS + [BANANA_OFFER]}
    for vendor, title, _, _, _, _, number in ORDERS:
        company = by_number[vendor].company
        product = products[company.id, titles[title]]
        with Transaction().set_context(company=company.id):
            Product.assign_gtins([product], company)
            lot, = Lot.create([{'number': number, 'product': product.id}])
        lots[product.id] = lot
    return lots


def declare(by_number, orders):
    """Each vendor's manager generates the customs declaration of its
    shipment, checks its documents off and takes its steps; the railway
    bookings record their station events"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Declaration = pool.get('lao.customs.declaration')
    Document = pool.get('lao.customs.declaration.document')
    Booking = pool.get('lao.rail.booking')
    Station = pool.get('lao.rail.station')
    Order = pool.get('lao.marketplace.order')
    stations = {s.code: s for s in Station.search([])}
    today = dt.date.today()
    declarations = {}
    for (vendor, *_), order in zip(ORDERS, orders):
        application = by_number[vendor]
        order = Order(order.id)
        sale, = order.sales
        with acting_as(application.manager), Transaction().set_context(
                company=application.company.id):
            declaration, = Declaration.from_shipments(
                list(sale.shipments), order.destination, order.incoterm,
                order.incoterm_location)
            Document.write(list(declaration.documents), {
                    'received': True, 'issued_on': today})
            for document in declaration.documents:
                Document.write([document], {
                        'number': f'{document.kind[:3].upper()}-'
                        f'{declaration.id:04d}-{today:%y%m}'})
            for step, values in STEPS[vendor]:
                if values:
                    Declaration.write([declaration], values)
                getattr(Declaration, step)([Declaration(declaration.id)])
        declarations[vendor] = declaration
    for vendor, kind, number, seals, stops, events in _journeys(
            dt.datetime.now()):
        application = by_number[vendor]
        with acting_as(application.manager), Transaction().set_context(
                company=application.company.id):
            booking, = Booking.create([{
                        'company': application.company.id,
                        'declaration': declarations[vendor].id,
                        'kind': kind, 'number': number, 'seals': seals,
                        'stops': [('create', [{
                                        'station': stations[code].id,
                                        'planned_arrival': arrival,
                                        'planned_departure': departure,
                                        } for code, arrival, departure
                                    in stops])],
                        }])
            Booking.recompute([booking])
            if events:
                booking_stops = Booking(booking.id).stops
                Booking.record_events([(booking_stops[i], event, time)
                        for i, event, time in events])
