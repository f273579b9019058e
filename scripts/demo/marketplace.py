"""Marketplace demo data: listings, buyers, orders, RFQs and board posts.

Run by load.py inside its transaction, through model methods as the users
would run them: the platform's accountant (admin) sets up each vendor's
products with their accounting category, the vendor's manager fills and
submits the listing, a government reviewer publishes it; buyers sign up on
the storefront (as its Tryton user), validate their e-mail with the link's
token, fill their buyer profile and place their orders through the real
`place` method, and the cooperatives receive the goods, ship the orders and
post the invoices; the operator records requests for quotation and board
posts, vendor managers quote.
"""
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from .illustrations import photo
from .tryton import acting_as, category, uom
from .vendors import CASSAVA, COFFEE, RICE, RUBBER


@dataclass
class Offer:
    "A listing of a vendor (key: the vendor's registration number)"
    vendor: str
    product: str
    title: str
    description: str
    category: str
    grade: str
    district: str
    harvest: str
    tiers: list
    minimum: float
    multiple: float
    declared: float
    lead_days: int
    certifications: list = field(default_factory=list)
    title_lao: str = None


GI_BOLAVEN = {
    'kind': 'geographical_indication',
    'name': "Bolaven Plateau Coffee",
    'issuer': "Department of Intellectual Property, MoST",
    'number': "GI-LA-0001",
    }


OFFERS = [
    Offer(COFFEE, "Green arabica, washed, screen 16+",
        "Bolaven Plateau washed arabica, green beans",
        "Washed arabica from smallholders around Paksong at 1,200 m, "
        "sun-dried on raised beds, hulled and graded at our Pakse mill. "
        "Screen 16+, moisture below 12%. Packed in 60 kg jute bags with "
        "GrainPro liners.",
        'coffee_arabica_green', "Grade 1", "Paksong", "2025/26",
        [(0, 42000), (1000, 39000)], 100, 50, 12000, 14,
        [GI_BOLAVEN], "ກາເຟອາຣາບິກາ ເມັດດິບ ທີ່ລາບສູງບໍລະເວນ"),
    Offer(COFFEE, "Green robusta, natural",
        "Robusta green beans, natural process",
        "Robusta from the lower slopes of the Bolaven Plateau, natural "
        "(dry) process, machine-sorted. Suited to espresso blends and "
        "instant coffee. 60 kg bags.",
        'coffee_robusta_green', "Grade 2", "Paksong", "2025/26",
        [(0, 28000), (2000, 26500)], 300, 60, 20000, 10,
        [GI_BOLAVEN]),
    Offer(RICE, "Organic glutinous rice (khao niao)",
        "Organic sticky rice from Luang Prabang",
        "Khao niao grown without chemicals on the terraces of Xiang Ngeun "
        "and Nan districts, milled by the cooperative. Long white grains, "
        "25 kg woven bags.",
        'rice_glutinous', "Premium, 5% broken", "Luang Prabang", "2025",
        [(0, 14000), (5000, 12500)], 500, 25, 30000, 7,
        [{'kind': 'organic', 'name': "Lao Organic Standard",
                'issuer': "Department of Agriculture, MAF",
                'number': "LAO-ORG-LP-0456"}],
        "ເຂົ້າໜຽວອິນຊີ ຫຼວງພະບາງ"),
    Offer(RICE, "Jasmine rice",
        "Jasmine rice (khao hom mali), new crop",
        "Fragrant long-grain rice of the 2025 wet season, double-polished "
        "and colour-sorted. 25 kg or 50 kg bags.",
        'rice_jasmine', "Grade A, 5% broken", "Xiang Ngeun", "2025",
        [(0, 16500), (5000, 15000)], 500, 25, 25000, 7,
        [{'kind': 'gap', 'name': "Lao GAP",
                'issuer': "Department of Agriculture, MAF",
                'number': "LAO-GAP-LP-2291"}]),
    Offer(CASSAVA, "Cassava flour",
        "Cassava flour, food grade",
        "Fine cassava flour milled from fresh roots of Vientiane province, "
        "gluten free, moisture below 13%. 25 kg paper bags or 1 t bulk "
        "bags.",
        'cassava_flour', "Food grade", "Phonhong", "2025/26",
        [(0, 6500), (10000, 5900)], 1000, 25, 80000, 5),
    Offer(CASSAVA, "Native cassava starch",
        "Native cassava (tapioca) starch",
        "Native starch for food and paper industries, whiteness above 92%, "
        "pH 5-7. 50 kg bags or 850 kg jumbo bags.",
        'cassava_starch', "Industrial grade", "Phonhong", "2025/26",
        [(0, 5200), (20000, 4800)], 2000, 50, 150000, 5),
    Offer(RUBBER, "Natural rubber cup lumps",
        "Natural rubber cup lumps, Luang Namtha",
        "Cup lumps collected weekly from the group's smallholdings around "
        "Sing; dry rubber content about 55%.",
        'natural_rubber', "DRC 55%", "Sing", "2025",
        [(0, 9800), (10000, 9300)], 1000, 500, 40000, 10),
    ]


# A revision of published terms that a reviewer rejected: (title of the
# listing, the revised terms, the reviewer's reason).  The vendor reads the
# reason on the vendor portal and in the back office, corrects the revision
# and submits it again; the published terms stay on sale meanwhile.
REJECTED_REVISION = (
    "Jasmine rice (khao hom mali), new crop",
    {'harvest_season': "2026", 'minimum_quantity': 1000},
    "The 2026 wet-season crop is not harvested yet: list it once it is "
    "milled, or keep the harvest season 2025 for the rice in store.")


@dataclass
class Buyer:
    email: str
    password: str
    business_name: str
    registration_number: str
    buyer_type: str
    phone: str
    street: str
    city: str
    country: str
    subdivision: str = None
    # The language the buyer uses on the web shop
    language: str = 'lo'


BUYERS = [
    Buyer('buyer@vientiane-processor.example', 'demo-buyer-vte-2026',
        "Vientiane Food Processing Co., Ltd.", "VT-ERC-01234/2020",
        'domestic', "+856 21 415 600", "Thanon Dongpalane, Ban Phonsinuan",
        "Vientiane", 'LA', 'LA-VT'),
    Buyer('import@kunming-yunnong.example', 'demo-buyer-kmg-2026',
        "Kunming Yunnong Import & Export Co., Ltd.", "91530100MA6K0001XY",
        'cross_border', "+86 871 6531 2000", "Dianchi Road 1288, Xishan",
        "Kunming", 'CN', language='zh_CN'),
    ]


# Past orders: buyer e-mail, [(listing title, quantity)], reference
# The Kunming importer's come with its vendors' export registrations
# (crossborder.py): lao_crossborder refuses a cross-border order for a
# listing that is not export-ready.  They are paid on delivery: a buyer new
# to the platform has lao_credit's credit limit of parties with too little
# history, below these orders, and 1,000 kg of coffee (₭42,900,000 with
# VAT) is within the order amount the platform guarantees for a new vendor
ORDERS = [
    (BUYERS[0].email, [
            ("Bolaven Plateau washed arabica, green beans", 1000),
            ("Cassava flour, food grade", 2000)], "PO-VFP-2026-014"),
    (BUYERS[0].email, [
            ("Organic sticky rice from Luang Prabang", 1000)],
        "PO-VFP-2026-021"),
    ]


def create_product(company, name, commodity, accounting, list_price):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Template = Pool().get('product.template')
    kg = uom('product', 'uom_kilogram')
    with Transaction().set_context(company=company.id):
        template, = Template.create([{
                    'name': name,
                    'type': 'goods',
                    'salable': True,
                    'default_uom': kg.id,
                    'sale_uom': kg.id,
                    'list_price': Decimal(list_price),
                    'account_category': accounting.id,
                    'categories': [('add', [commodity.id])],
                    'products': [('create', [{}])],
                    }])
    return template.products[0]


def create_listings(applications, reviewer, offers=OFFERS):
    """Each vendor's manager lists its goods (offers) and submits them; the
    reviewer publishes them.  Return the listings by title and the products
    by (company id, product name)."""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Listing = pool.get('lao.listing')
    Lang = pool.get('ir.lang')
    by_number = {a.registration_number: a for a in applications
        if a.company and a.manager}
    accounting = {}
    products = {}
    listings = []
    today = dt.date.today()
    for offer in offers:
        application = by_number.get(offer.vendor)
        if not application:
            continue
        company = application.company
        if company.id not in accounting:
            accounting[company.id] = company.sales_account_category()
        commodity = category(offer.category)
        product = create_product(company, offer.product, commodity,
            accounting[company.id], offer.tiers[0][1])
        products[company.id, offer.product] = product
        with acting_as(application.manager):
            listing = Listing(
                company=company,
                product=product,
                title=offer.title,
                description=offer.description,
                category=commodity,
                grade=offer.grade,
                origin_province=application.province,
                origin_district=offer.district,
                harvest_season=offer.harvest,
                unit=uom('product', 'uom_kilogram'),
                availability='declared',
                declared_quantity=offer.declared,
                minimum_quantity=offer.minimum,
                quantity_multiple=offer.multiple,
                lead_time=dt.timedelta(days=offer.lead_days),
                price_tiers=[{
                        'quantity': q, 'unit_price': Decimal(p)}
                    for q, p in offer.tiers],
                certifications=[dict(c,
                        valid_from=today - dt.timedelta(days=200),
                        valid_to=today + dt.timedelta(days=530))
                    for c in offer.certifications],
                photos=[{
                        'image': photo(offer.category),
                        'caption': offer.title,
                        }])
            listing.save()
            if offer.title_lao and Lang.search([('code', '=', 'lo')]):
                with Transaction().set_context(language='lo'):
                    Listing.write([Listing(listing.id)], {
                            'title': offer.title_lao})
            Listing.submit([Listing(listing.id)])
        listings.append(listing.id)
    with acting_as(reviewer):
        Listing.publish(Listing.browse(listings))
    return {l.title: l for l in Listing.browse(listings)}, products


def reject_revision(listings, reviewer, revision=REJECTED_REVISION):
    """The vendor's manager revises the terms of a published listing and
    submits them; the reviewer rejects the revision with a reason"""
    from trytond.pool import Pool
    pool = Pool()
    Listing = pool.get('lao.listing')
    Application = pool.get('lao.vendor.application')
    title, values, reason = revision
    if title not in listings:
        return None
    listing = listings[title]
    application, = Application.search([
            ('company', '=', listing.company.id),
            ('state', '=', 'approved'),
            ])
    with acting_as(application.manager):
        revision, = Listing.create_revisions([Listing(listing.id)])
        Listing.write([revision], values)
        Listing.submit([revision])
    with acting_as(reviewer):
        Listing.reject([Listing(revision.id)], reason)
    return revision


def storefront_user():
    from trytond.pool import Pool
    pool = Pool()
    return pool.get('res.user')(
        pool.get('ir.model.data').get_id('lao_b2b', 'user_storefront'))


def create_buyers(buyers=BUYERS):
    """The buyers sign up on the storefront in their language, follow the
    validation link and fill their buyer profile; return their web users by
    e-mail"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    WebUser = pool.get('web.user')
    Country = pool.get('country.country')
    Subdivision = pool.get('country.subdivision')
    web_users = {}
    with acting_as(storefront_user()):
        for buyer in buyers:
            with Transaction().set_context(language=buyer.language):
                user = WebUser.sign_up(buyer.email, buyer.password)
                # The link of the validation e-mail
                WebUser.validate_email_token([WebUser(user.id).email_token])
                user = WebUser(user.id)
                country, = Country.search([('code', '=', buyer.country)])
                subdivision = None
                if buyer.subdivision:
                    subdivision, = Subdivision.search(
                        [('code', '=', buyer.subdivision)])
                user.set_buyer_profile({
                        'business_name': buyer.business_name,
                        'registration_number': buyer.registration_number,
                        'buyer_type': buyer.buyer_type,
                        'phone': buyer.phone,
                        'street': buyer.street,
                        'city': buyer.city,
                        'country': country.id,
                        'subdivision': subdivision.id if subdivision else None,
                        })
            web_users[buyer.email] = WebUser(user.id)
    return web_users


def place_orders(web_users, listings):
    "The buyers check their carts out on the storefront"
    from trytond.pool import Pool
    pool = Pool()
    Order = pool.get('lao.marketplace.order')
    WebUser = pool.get('web.user')
    orders = []
    with acting_as(storefront_user()):
        for email, items, reference in ORDERS:
            if not all(t in listings for t, _ in items):
                continue
            user = WebUser(web_users[email].id)
            orders.append(Order.web_place(user,
                    [(listings[t].id, q) for t, q in items], reference,
                    payment_method='cash_on_delivery'))
    return orders


def fulfil_orders(orders, applications, lots=None):
    """The cooperatives receive the goods of their past orders from their
    members, ship them and post the invoices, as their managers do it in the
    back office (supplier shipment Receive and Done, customer shipment
    Assign, Pick, Pack, Ship and Done, invoice Post); the goods of a
    product of lots ({product id: stock.lot}) are received in that lot,
    which the shipment then carries"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Application = pool.get('lao.vendor.application')
    Party = pool.get('party.party')
    Sale = pool.get('sale.sale')
    ShipmentIn = pool.get('stock.shipment.in')
    ShipmentOut = pool.get('stock.shipment.out')
    Move = pool.get('stock.move')
    Invoice = pool.get('account.invoice')
    managers = {a.company.id: a.manager
        for a in Application.browse(applications) if a.company}
    members = {}
    for order in orders:
        for sale in order.sales:
            with acting_as(managers[sale.company.id]):
                sale = Sale(sale.id)
                company = sale.company
                if company.id not in members:
                    name = f"{company.rec_name} members"
                    member = Party.search([('name', '=', name)], limit=1)
                    if not member:
                        member = Party.create([{'name': name}])
                    members[company.id], = member
                shipment = ShipmentIn(
                    company=company, supplier=members[company.id],
                    warehouse=sale.warehouse)
                shipment.on_change_warehouse()
                shipment.incoming_moves = [Move(
                        product=line.product, unit=line.unit,
                        quantity=line.quantity, company=company,
                        lot=(lots or {}).get(line.product.id),
                        from_location=members[company.id].supplier_location,
                        to_location=shipment.warehouse_input,
                        unit_price=line.unit_price, currency=sale.currency)
                    for line in sale.lines if line.type == 'line']
                shipment.save()
                ShipmentIn.receive([shipment])
                ShipmentIn.do([shipment])
                # what the queue worker does after a confirmation, done now
                # so that the goods can be shipped
                with Transaction().set_user(0):
                    Sale.process([sale])
                shipments = list(Sale(sale.id).shipments)
                if lots:
                    # the goods are picked from their lot
                    moves = [m for s in shipments for m in s.inventory_moves
                        if m.product.id in lots]
                    for move in moves:
                        move.lot = lots[move.product.id]
                    Move.save(moves)
                ShipmentOut.assign_try(shipments)
                ShipmentOut.pick(shipments)
                ShipmentOut.pack(shipments)
                ShipmentOut.ship(shipments)
                ShipmentOut.do(shipments)
                with Transaction().set_user(0):
                    Sale.process([sale])
                Invoice.post([i for i in Sale(sale.id).invoices
                        if i.state == 'draft'])


def create_rfqs(operator, applications, products, buyers):
    """The operator records the buyers' requests for quotation; the
    vendors' managers quote; the operator accepts one quote"""
    from trytond.pool import Pool
    pool = Pool()
    Request = pool.get('lao.rfq')
    Quote = pool.get('lao.rfq.quote')
    Subdivision = pool.get('country.subdivision')
    by_number = {a.registration_number: a for a in applications
        if a.company and a.manager and a.state == 'approved'}
    if not {COFFEE, RICE, CASSAVA} <= set(by_number):
        return []
    today = dt.date.today()
    tonne = uom('lao_b2b', 'uom_tonne')
    vte, kmg = buyers
    vientiane, = Subdivision.search([('code', '=', 'LA-VT')])
    with acting_as(operator):
        requests = Request.create([{
                    'buyer': vte.id,
                    # 1 t: within the order amount the platform
                    # guarantees for a vendor new to it (lao_credit)
                    'title': "Green arabica for roasting, 1 t",
                    'category': category('coffee_arabica_green').id,
                    'description': "Washed arabica, screen 15+, for our "
                    "roasting line; delivered to our Vientiane plant.",
                    'quantity': 1, 'unit': tonne.id,
                    'delivery_province': vientiane.id,
                    'target_price': Decimal(39500000),
                    # on delivery, as its orders (ORDERS)
                    'payment_method': 'cash_on_delivery',
                    'wanted_date': today + dt.timedelta(days=30),
                    'expiry_date': today + dt.timedelta(days=14),
                    }, {
                    'buyer': kmg.id,
                    'title': "Dried cassava chips for Kunming, 20 t",
                    'category': category('cassava_chips').id,
                    'description': "Starch content above 65%, moisture "
                    "below 14%; delivered to the Boten border gate.",
                    'quantity': 20, 'unit': tonne.id,
                    'border_point': "Boten",
                    'target_price': Decimal(2500000),
                    'wanted_date': today + dt.timedelta(days=45),
                    'expiry_date': today + dt.timedelta(days=21),
                    }, {
                    'buyer': kmg.id,
                    'title': "Jasmine rice for Yunnan, 10 t",
                    'category': category('rice_jasmine').id,
                    'description': "New crop, 5% broken, 25 kg bags; "
                    "GACC-registered mill; to the Boten border gate.",
                    'quantity': 10, 'unit': tonne.id,
                    'border_point': "Boten",
                    'target_price': Decimal(14800000),
                    'wanted_date': today + dt.timedelta(days=40),
                    'expiry_date': today + dt.timedelta(days=20),
                    }])
        Request.publish(requests)
    coffee, cassava, rice = (
        by_number[n] for n in [COFFEE, CASSAVA, RICE])
    chips = create_product(cassava.company, "Dried cassava chips",
        category('cassava_chips'), cassava.company.sales_account_category(),
        2600)
    # A vendor quotes its own products: the mill lists its chips (a draft
    # it has not submitted yet)
    with acting_as(cassava.manager):
        pool.get('lao.listing').create([{
                    'company': cassava.company.id,
                    'product': chips.id,
                    'title': "Dried cassava chips",
                    'category': category('cassava_chips').id,
                    'unit': uom('product', 'uom_kilogram').id,
                    'availability': 'declared',
                    'declared_quantity': 60000,
                    'minimum_quantity': 1000,
                    'quantity_multiple': 500,
                    }])
    quotes = []
    for application, request, product, price, comment in [
            (coffee, requests[0],
                products[coffee.company.id,
                    "Green arabica, washed, screen 16+"],
                39800000, "Screen 16+, from our 2025/26 Paksong lots."),
            (cassava, requests[1], chips, 2450000,
                "Sun-dried chips, 65-68% starch, loaded on your trucks at "
                "Boten."),
            (rice, requests[2],
                products[rice.company.id, "Jasmine rice"],
                15200000, "Double-polished, colour-sorted, 25 kg bags."),
            ]:
        with acting_as(application.manager):
            quote, = Quote.create([{
                        'request': request.id,
                        'company': application.company.id,
                        'product': product.id,
                        'quantity': request.quantity,
                        'unit_price': Decimal(price),
                        'valid_until': today + dt.timedelta(days=10),
                        'comment': comment,
                        }])
            Quote.submit([quote])
        quotes.append(quote)
    # The Vientiane processor took Paksong's offer
    with acting_as(operator):
        Quote.accept([Quote(quotes[0].id)])
    return requests


def create_board_posts(operator, applications, buyers):
    "Sell offers and buy requests on the supply and demand board"
    from trytond.pool import Pool
    pool = Pool()
    Post = pool.get('lao.board.post')
    Subdivision = pool.get('country.subdivision')
    by_number = {a.registration_number: a for a in applications
        if a.company and a.state == 'approved'}
    provinces = {s.code: s for s in Subdivision.search([
                ('code', 'in', ['LA-CH', 'LA-VI', 'LA-BK', 'LA-LP'])])}
    today = dt.date.today()
    kg = uom('product', 'uom_kilogram')
    tonne = uom('lao_b2b', 'uom_tonne')
    values = []
    if COFFEE in by_number:
        values.append({
                'kind': 'sell', 'party': by_number[COFFEE].company.party.id,
                'title': "Fresh arabica cherry, 5 t a week until January",
                'category': category('coffee_arabica_cherry').id,
                'province': provinces['LA-CH'].id,
                'quantity': 5, 'unit': tonne.id, 'price': Decimal(9000000),
                'description': "Ripe cherry picked daily around Paksong; "
                "pick-up at our Ban Lak 35 collection point.",
                'contact': "+856 31 212 345",
                'expiry_date': today + dt.timedelta(days=45)})
    if CASSAVA in by_number:
        values.append({
                'kind': 'buy', 'party': by_number[CASSAVA].company.party.id,
                'title': "Buying fresh cassava roots, 30% starch or more",
                'category': category('cassava_roots').id,
                'province': provinces['LA-VI'].id,
                'quantity': 300, 'unit': tonne.id, 'price': Decimal(1100000),
                'description': "Delivered to the Phonhong mill; paid on the "
                "weighbridge ticket within 3 days.",
                'contact': "+856 23 431 077",
                'expiry_date': today + dt.timedelta(days=30)})
    values.append({
            'kind': 'buy', 'party': buyers[1].id,
            'title': "Wanted: Cavendish bananas, 40 t a month",
            'category': category('banana').id,
            'province': provinces['LA-BK'].id,
            'quantity': 40, 'unit': tonne.id,
            'description': "GACC-registered orchards only; 13 kg cartons, "
            "collected at the orchard for Boten.",
            'contact': "import@kunming-yunnong.example",
            'expiry_date': today + dt.timedelta(days=60)})
    values.append({
            'kind': 'buy', 'party': buyers[0].id,
            'title': "Wanted: organic purple rice, 2 t",
            'category': category('rice').id,
            'province': provinces['LA-LP'].id,
            'quantity': 2000, 'unit': kg.id, 'price': Decimal(18000),
            'description': "For our rice cracker line; organic "
            "certificate needed, 25 kg bags delivered to Vientiane.",
            'contact': "+856 21 415 600",
            'expiry_date': today + dt.timedelta(days=20)})
    with acting_as(operator):
        posts = Post.create(values)
        Post.publish(posts)
    return posts


def load_buyers(applications, operator, listings, products, small=False):
    """Create the buyers and, unless small, their orders, the requests for
    quotation and the board posts; return the buyers' log-ins"""
    from trytond.pool import Pool
    Application = Pool().get('lao.vendor.application')
    current = Application.browse(applications)
    buyers = BUYERS[:1] if small else BUYERS
    web_users = create_buyers(buyers)
    logins = [(f"storefront buyer ({b.buyer_type.replace('_', '-')})",
            b.email, b.password, b.business_name) for b in buyers]
    if small:
        return logins
    fulfil_orders(place_orders(web_users, listings), current)
    parties = [web_users[b.email].party for b in BUYERS]
    create_rfqs(operator, current, products, parties)
    create_board_posts(operator, current, parties)
    return logins
