"""Catalogue search over 50,000 listings of 1,000 vendors against bare SQL.

In one fresh database (SQLite under var/bench by default, PostgreSQL when
TRYTOND_DATABASE__URI says so), one vendor is approved (provisioned) and
publishes one listing through the ORM, as in the demo; its rows are then
copied, set-based with multi-row inserts, into N vendors (party, company,
approved application) and M published listings of the seeded commodity
tree with their products, price lists, price tiers, certifications, photo
and Lao and Chinese translations.  It then times what the catalogue page
does for searches with three filters (commodity with its subcategories,
province, price range), sorted, as the storefront's user:

- the module: `lao.listing` count_catalogue, search_catalogue of the first
  page and the values its cards show (title, commodity, province, price,
  currency, unit, minimum, photo), each run in its own read-only
  transaction as a request is;
- bare SQL: hand-written queries that yield the same count and the same
  rows;

then the text search alone (TEXT_SEARCHES: a commodity in three languages,
a district) against the bare query of the same rows served by the same
indexes (on PostgreSQL the pg_trgm GIN indexes that lao_b2b creates:
lao.listing text_indexes);

checks both give the same rows, and prints the medians of the warm runs
and their ratio.

    python -m bench catalogue [--vendors 1000] [--listings 50000] [--reuse]
"""
import argparse
import datetime as dt
import os
import random
import statistics
import time
from decimal import Decimal

from bench.provisioning import configure, vendors as bench_vendors
from scripts.database import create_database
from scripts.demo.platform import ADMIN_PASSWORD
from scripts.demo.tryton import run_in_transaction
from storefront.config import DEFAULTS as STOREFRONT_DEFAULTS

DATABASE = os.environ.get('BENCH_DATABASE', 'bench_catalogue')
PAGE_SIZE = 24
CHUNK = 500
# The words of the generated titles and descriptions; the Lao and Chinese
# names of the commodities at the root of the seeded tree
GRADES = ["Grade 1", "Grade 2", "Premium", "Export grade", "Standard",
    "Food grade", "Organic", "Select"]
DISTRICTS = ["Paksong", "Thateng", "Xiang Ngeun", "Phonhong", "Sing",
    "Nambak", "Khamkeut", "Outhoumphone", "Lamam", "Pakxe", "Sanakham",
    "Met", "Houay Xay", "Muang Xay", "Kham", "Xepon"]
ROOT_NAMES = {
    'coffee': ("ກາເຟ", "咖啡"),
    'rice': ("ເຂົ້າ", "大米"),
    'cassava': ("ມັນຕົ້ນ", "木薯"),
    'coix_seed': ("ເດືອຍ", "薏米"),
    'fruit': ("ໝາກໄມ້", "水果"),
    'natural_rubber': ("ຢາງພາລາ", "天然橡胶"),
    'tea': ("ຊາ", "茶叶"),
    'vegetables': ("ຜັກ", "蔬菜"),
    }
# Typical prices per kilogram in kip of the root commodities
ROOT_PRICES = {
    'coffee': 40000, 'rice': 13000, 'cassava': 5000, 'coix_seed': 12000,
    'fruit': 9000, 'natural_rubber': 9500, 'tea': 60000, 'vegetables': 7000,
    }
CERTIFICATIONS = [
    ('organic', "Lao Organic Standard", "Department of Agriculture, MAF"),
    ('gap', "Lao GAP", "Department of Agriculture, MAF"),
    ('geographical_indication', "Bolaven Plateau Coffee",
        "Department of Intellectual Property, MoST"),
    ('fair_trade', "Fairtrade", "Fairtrade International"),
    ]

# The searches timed: three filters each (commodity with the categories
# under it, province, price range), and the order of the page
SEARCHES = [
    ('coffee', 'LA-CH', (30000, 45000), 'price'),
    ('rice', 'LA-SV', (10000, 14000), 'newest'),
    ]
SORTS = {
    'newest': [('published_at', 'DESC'), ('id', 'DESC')],
    'price': [('price', 'ASC'), ('id', 'ASC')],
    }

# The bare SQL of the same searches; {param} is the placeholder of the
# backend.  The tree of the commodity, the approved vendors, the price
# range on any tier, then the displayed price (the tier at the minimum
# quantity) and the card's columns.
# The published listings of approved vendors, in both bare queries
BARE_PUBLISHED = '''{select}
FROM lao_listing AS l
WHERE l.state = 'published'
    AND l.company IN (
        SELECT a.company FROM lao_vendor_application AS a
        WHERE a.state = 'approved')
'''
BARE_WHERE = '''
WITH RECURSIVE commodity(id) AS (
    SELECT CAST({param} AS INTEGER)
    UNION
    SELECT c.id FROM product_category AS c
    JOIN commodity ON c.parent = commodity.id)
{published}    AND l.category IN (SELECT id FROM commodity)
    AND l.origin_province = {param}
    AND EXISTS (
        SELECT 1 FROM lao_listing_price_tier AS t
        WHERE t.listing = l.id
            AND CAST(t.unit_price AS NUMERIC) >= CAST({param} AS NUMERIC)
            AND CAST(t.unit_price AS NUMERIC) <= CAST({param} AS NUMERIC))
{order}
'''.replace('{published}', BARE_PUBLISHED)
BARE_PRICE = '''(
    SELECT CAST(t.unit_price AS NUMERIC) FROM lao_listing_price_tier AS t
    WHERE t.listing = l.id AND t.quantity <= l.minimum_quantity
    ORDER BY t.quantity DESC LIMIT 1)'''
BARE_ORDER = {
    'newest': 'ORDER BY l.published_at DESC, l.id DESC',
    'price': f'ORDER BY {BARE_PRICE} ASC, l.id ASC',
    }
# The card's values of the page's listings; the names of the commodities
# are the path of the tree (product.category's rec_name)
BARE_CARDS = '''
WITH RECURSIVE path(id, name) AS (
    SELECT c.id, c.name FROM product_category AS c WHERE c.parent IS NULL
    UNION ALL
    SELECT c.id, path.name || ' / ' || c.name FROM product_category AS c
    JOIN path ON c.parent = path.id)
SELECT l.id, l.title, path.name, s.name, {price}, cur.code, u.symbol,
    l.minimum_quantity, (
        SELECT p.id FROM lao_listing_photo AS p WHERE p.listing = l.id
        ORDER BY p.sequence ASC, p.id ASC LIMIT 1)
FROM lao_listing AS l
JOIN path ON path.id = l.category
LEFT JOIN country_subdivision AS s ON s.id = l.origin_province
JOIN company_company AS co ON co.id = l.company
JOIN currency_currency AS cur ON cur.id = co.currency
JOIN product_uom AS u ON u.id = l.unit
WHERE l.id IN ({ids})
'''.replace('{price}', BARE_PRICE)


# The text searches timed (the catalogue's search box alone), newest
# first: a commodity's name in English, Lao and Chinese (its listings and
# those of the commodities under it; "咖啡" has two characters, no
# trigram), a district in the descriptions (the rarest: one in 16) and a
# certification's word
TEXT_SEARCHES = ['coffee', 'ກາເຟ', '咖啡', 'Paksong', 'organic']
TEXT_GOAL_RATIO = 2
TEXT_GOAL_MS = 30
# The storefront's count of a search stops one past it (COUNT_BOUND)
COUNT_BOUND = STOREFRONT_DEFAULTS['COUNT_BOUND']
# The bare SQL of a text search: the commodities named so in any
# language and those under them, looked up first; then the published
# listings of approved vendors whose title or description matches, as
# written or translated, or whose commodity is one of them; each condition
# served by an index (the trigram indexes of lao_b2b on PostgreSQL).  A
# text shorter than a trigram is not looked up in the descriptions.
BARE_COMMODITIES = '''
WITH RECURSIVE commodity(id) AS (
    SELECT c.id FROM product_category AS c
    WHERE c.name {like} {param} ESCAPE '\\'
    UNION
    SELECT t.res_id FROM ir_translation AS t
    WHERE t.name = 'product.category,name' AND t.type = 'model'
        AND t.value {like} {param} ESCAPE '\\'
    UNION
    SELECT c.id FROM product_category AS c
    JOIN commodity ON c.parent = commodity.id)
SELECT id FROM commodity
'''
BARE_TEXT = '''{published}    AND (l.title {like} {param} ESCAPE '\\'
        {description}{commodity}
        OR l.id IN (
            SELECT t.res_id FROM ir_translation AS t
            WHERE t.name IN ({names}) AND t.type = 'model'
                AND t.value {like} {param} ESCAPE '\\'))
{order}
'''.replace('{published}', BARE_PUBLISHED)


def model_id(module, fs_id):
    from trytond.pool import Pool
    return Pool().get('ir.model.data').get_id(module, fs_id)


def small_photo():
    "The bytes of a small PNG photo of one colour"
    import io

    from PIL import Image
    data = io.BytesIO()
    Image.new('RGB', (96, 64), (120, 150, 80)).save(data, 'PNG')
    return data.getvalue()


def seed():
    """One vendor approved as in the demo and one listing of its published
    through the ORM, with a tier, a certification, a photo and Lao and
    Chinese titles; return the listing's id"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    from scripts.demo.marketplace import create_product
    from scripts.demo.platform import create_platform, create_users
    from scripts.demo.tryton import acting_as, category, uom
    from scripts.demo.vendors import (
        approve, check_documents, create_applications, submit)
    Listing = Pool().get('lao.listing')
    platform = create_platform()
    operator, reviewers = create_users(platform)
    application, = create_applications(bench_vendors(1), operator)
    submit([application], operator)
    check_documents([application], reviewers[0])
    approve([application], reviewers[0])
    company = application.company
    commodity = category('coffee_arabica_green')
    product = create_product(company, "Seed arabica", commodity,
        company.sales_account_category(), 42000)
    today = dt.date.today()
    with acting_as(application.manager):
        listing = Listing(
            company=company, product=product,
            title="Seed arabica", description="Washed arabica, Paksong.",
            category=commodity, grade="Grade 1",
            origin_province=application.province,
            origin_district="Paksong", harvest_season="2025/26",
            unit=uom('product', 'uom_kilogram'), availability='declared',
            declared_quantity=10000, minimum_quantity=100,
            quantity_multiple=50, lead_time=dt.timedelta(days=7),
            price_tiers=[{'quantity': 0, 'unit_price': Decimal(42000)}],
            certifications=[{
                    'kind': 'geographical_indication',
                    'name': "Bolaven Plateau Coffee",
                    'issuer': "Department of Intellectual Property, MoST",
                    'number': "GI-LA-0001",
                    'valid_from': today - dt.timedelta(days=200),
                    'valid_to': today + dt.timedelta(days=530)}],
            photos=[{'image': small_photo(), 'caption': "Seed"}])
        listing.save()
        for language, (title, description) in {
                'lo': ("ກາເຟອາຣາບິກາ", "ກາເຟອາຣາບິກາ ປາກຊ່ອງ"),
                'zh_CN': ("阿拉比卡咖啡", "巴松阿拉比卡咖啡"),
                }.items():
            with Transaction().set_context(language=language):
                Listing.write([Listing(listing.id)], {
                        'title': title, 'description': description})
        Listing.submit([Listing(listing.id)])
    with acting_as(reviewers[0]):
        Listing.publish([Listing(listing.id)])
    return listing.id


class RowCopier:
    """Copies of a seed row of a table with some columns changed, inserted
    by multi-row INSERTs with ids following the table's last one"""

    def __init__(self, cursor, database, connection):
        self.cursor = cursor
        self.database = database
        self.connection = connection

    def row(self, table, id_):
        self.cursor.execute(*table.select(where=table.id == id_))
        names = [d[0] for d in self.cursor.description]
        return dict(zip(names, self.cursor.fetchone()))

    def rows(self, table, where):
        self.cursor.execute(*table.select(where=where))
        names = [d[0] for d in self.cursor.description]
        return [dict(zip(names, r)) for r in self.cursor]

    def next_id(self, table):
        from sql.aggregate import Max
        self.cursor.execute(*table.select(Max(table.id)))
        return (self.cursor.fetchone()[0] or 0) + 1

    def insert(self, table, template, changes):
        """Insert a copy of the template row per dict of changes and
        return their ids"""
        first = self.next_id(table)
        columns = [c for c in template if c != 'id']
        ids = list(range(first, first + len(changes)))
        for start in range(0, len(changes), CHUNK):
            values = [
                [id_] + [change.get(c, template[c]) for c in columns]
                for id_, change in zip(
                    ids[start:start + CHUNK], changes[start:start + CHUNK])]
            self.cursor.execute(*table.insert(
                    [table.id] + [getattr(table, c) for c in columns],
                    values))
        if ids:
            # PostgreSQL's sequence of ids (nothing to do on SQLite)
            self.database.setnextid(self.connection, table._name, ids[-1])
        return ids


def commodities():
    """The listable categories of the seeded tree as (id, name, root code)"""
    from trytond.pool import Pool
    pool = Pool()
    Category = pool.get('product.category')
    ModelData = pool.get('ir.model.data')
    data = ModelData.search([
            ('module', '=', 'lao_b2b'), ('model', '=', 'product.category')])
    by_id = {d.db_id: d.fs_id[len('category_'):] for d in data}
    result = []
    # Not the accounting categories (commissions) nor the prohibited ones
    for category in Category.search([
                ('id', 'in', list(by_id)), Category.commodity_domain()]):
        root = category
        while root.parent:
            root = root.parent
        result.append((category.id, category.name, by_id[root.id]))
    return sorted(result)


def generate(seed_id, vendor_count, listing_count, random_seed=2026):
    """Copy the seed vendor into vendor_count approved vendors and the
    seed listing into listing_count published listings spread over them;
    return the number of rows inserted per table"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    transaction = Transaction()
    copier = RowCopier(transaction.connection.cursor(), transaction.database,
        transaction.connection)
    Listing = pool.get('lao.listing')
    Subdivision = pool.get('country.subdivision')
    listing_t = Listing.__table__()
    application_t = pool.get('lao.vendor.application').__table__()
    company_t = pool.get('company.company').__table__()
    party_t = pool.get('party.party').__table__()
    template_t = pool.get('product.template').__table__()
    product_t = pool.get('product.product').__table__()
    template_category_t = pool.get(
        'product.template-product.category').__table__()
    price_list_t = pool.get('product.price_list').__table__()
    price_line_t = pool.get('product.price_list.line').__table__()
    tier_t = pool.get('lao.listing.price_tier').__table__()
    certification_t = pool.get('lao.listing.certification').__table__()
    photo_t = pool.get('lao.listing.photo').__table__()
    translation_t = pool.get('ir.translation').__table__()
    rng = random.Random(random_seed)
    counts = {}

    seed = Listing(seed_id)
    listing_row = copier.row(listing_t, seed.id)
    application_row, = copier.rows(application_t,
        (application_t.company == seed.company.id)
        & (application_t.state == 'approved'))
    company_row = copier.row(company_t, seed.company.id)
    party_row = copier.row(party_t, seed.company.party.id)
    template_row = copier.row(template_t, seed.product.template.id)
    product_row = copier.row(product_t, seed.product.id)
    template_category_row, = copier.rows(template_category_t,
        template_category_t.template == seed.product.template.id)
    price_list_row = copier.row(price_list_t, seed.price_list.id)
    price_line_row = copier.row(price_line_t, seed.price_list.lines[0].id)
    tier_row = copier.row(tier_t, seed.price_tiers[0].id)
    certification_row = copier.row(
        certification_t, seed.certifications[0].id)
    photo_row = copier.row(photo_t, seed.photos[0].id)
    translation_row, = copier.rows(translation_t,
        (translation_t.name == 'lao.listing,title')
        & (translation_t.res_id == seed.id)
        & (translation_t.lang == 'lo'))

    # The vendors: party, company and approved application
    provinces = Subdivision.search(Subdivision.lao_provinces(),
        order=[('code', 'ASC')])
    vendors = bench_vendors(vendor_count)
    party_ids = copier.insert(party_t, party_row, [
            {'name': v.name, 'code': f'CATBENCH-{i:05d}',
                'code_alnum': f'CATBENCH{i:05d}', 'code_digit': i}
            for i, v in enumerate(vendors)])
    company_ids = copier.insert(company_t, company_row, [
            {'party': p} for p in party_ids])
    province_of = {}
    application_changes = []
    for i, (vendor, company) in enumerate(zip(vendors, company_ids)):
        province = provinces[i % len(provinces)]
        province_of[company] = province.id
        application_changes.append({
                'name': vendor.name, 'name_lao': vendor.name_lao,
                'vendor_type': vendor.vendor_type, 'province': province.id,
                'district': vendor.district, 'village': vendor.village,
                'phone': vendor.phone, 'email': vendor.email,
                'registration_number': vendor.registration_number,
                'registration_key': vendor.registration_number,
                'recognition_number': f'LA-CATBENCH-{i:05d}',
                'company': company, 'warehouse': None, 'manager': None,
                'web_user': None,
                })
    copier.insert(application_t, application_row, application_changes)
    counts['vendors (party, company, application)'] = vendor_count

    # The listings and their products
    categories = commodities()
    now = dt.datetime.now()
    listings, templates = [], []
    for n in range(listing_count):
        company = company_ids[n % vendor_count]
        category_id, category_name, root = rng.choice(categories)
        # Most vendors sell the goods of their own province
        province = (province_of[company] if rng.random() < 0.8
            else rng.choice(provinces).id)
        grade, district = rng.choice(GRADES), rng.choice(DISTRICTS)
        base = ROOT_PRICES[root] * rng.uniform(0.6, 1.5)
        minimum = rng.choice([10, 25, 50, 100, 200, 500, 1000])
        tiers = [(0, base)] + [
            (minimum * k, base * (1 - 0.04 * k))
            for k in range(1, rng.randint(1, 3))]
        title = f"{category_name}, {grade.lower()}, {district} #{n}"
        listings.append({
                'company': company, 'category': category_id,
                'origin_province': province, 'origin_district': district,
                'grade': grade, 'title': title,
                'description': (f"{category_name} from {district}, "
                    f"{grade.lower()}, packed to order. Lot {n}."),
                'minimum_quantity': float(minimum),
                'quantity_multiple': (
                    float(minimum) if rng.random() < 0.5 else None),
                'declared_quantity': float(minimum * rng.randint(10, 500)),
                'published_at': now - dt.timedelta(
                    minutes=rng.randint(0, 365 * 24 * 60)),
                'tiers': [(float(q), Decimal(round(p, -1)))
                    for q, p in tiers],
                'root': root,
                })
        templates.append({
                'name': title, 'sale_quantity_minimal': float(minimum)})
    template_ids = copier.insert(template_t, template_row, templates)
    product_ids = copier.insert(product_t, product_row, [
            {'template': t} for t in template_ids])
    copier.insert(template_category_t, template_category_row, [
            {'template': t, 'category': l['category']}
            for t, l in zip(template_ids, listings)])
    price_list_ids = copier.insert(price_list_t, price_list_row, [
            {'company': l['company'], 'name': l['title']}
            for l in listings])
    copier.insert(price_line_t, price_line_row, [
            {'price_list': price_list, 'product': product,
                'quantity': quantity, 'formula': repr(price)}
            for price_list, product, listing in zip(
                price_list_ids, product_ids, listings)
            for quantity, price in reversed(listing['tiers'])])
    listing_ids = copier.insert(listing_t, listing_row, [
            {'company': l['company'], 'product': product,
                'price_list': price_list, 'title': l['title'],
                'description': l['description'], 'category': l['category'],
                'grade': l['grade'], 'origin_province': l['origin_province'],
                'origin_district': l['origin_district'],
                'minimum_quantity': l['minimum_quantity'],
                'quantity_multiple': l['quantity_multiple'],
                'declared_quantity': l['declared_quantity'],
                'published_at': l['published_at'],
                'submitted_at': l['published_at'],
                }
            for l, product, price_list in zip(
                listings, product_ids, price_list_ids)])
    counts['listings (and products, price lists)'] = len(listing_ids)
    counts['price tiers'] = len(copier.insert(tier_t, tier_row, [
                {'listing': listing_id, 'quantity': q, 'unit_price': p}
                for listing_id, l in zip(listing_ids, listings)
                for q, p in l['tiers']]))
    certified = [i for i in listing_ids if rng.random() < 0.3]
    counts['certifications'] = len(copier.insert(
            certification_t, certification_row, [
                dict(zip(['kind', 'name', 'issuer'],
                        rng.choice(CERTIFICATIONS)),
                    listing=i, number=f'CERT-{i}')
                for i in certified]))
    counts['photos'] = len(copier.insert(photo_t, photo_row, [
                {'listing': i} for i in listing_ids]))
    translations = []
    for listing_id, listing in zip(listing_ids, listings):
        lao, chinese = ROOT_NAMES[listing['root']]
        for language, word, share in [
                ('lo', lao, 0.2), ('zh_CN', chinese, 0.1)]:
            if rng.random() < share:
                for field, source, value in [
                        ('title', listing['title'],
                            f"{word} {listing['origin_district']} "
                            f"#{listing_id}"),
                        ('description', listing['description'],
                            f"{word} {listing['origin_district']}"),
                        ]:
                    translations.append({
                            'name': f'lao.listing,{field}',
                            'res_id': listing_id, 'lang': language,
                            'src': source, 'value': value})
    counts['translations (lo, zh_CN)'] = len(copier.insert(
            translation_t, translation_row, translations))
    return counts


def analyze():
    "Refresh the planner's statistics, as autovacuum or a DBA would"
    from trytond.transaction import Transaction
    Transaction().connection.cursor().execute('ANALYZE')


def search_filters(commodity, province_code, price_range):
    from trytond.pool import Pool
    Subdivision = Pool().get('country.subdivision')
    province, = Subdivision.search([('code', '=', province_code)])
    low, high = price_range
    return {
        'category': model_id('lao_b2b', f'category_{commodity}'),
        'province': province.id,
        'price_min': Decimal(low),
        'price_max': Decimal(high),
        }


def card_values(card):
    "The values of a card, to compare with those of the bare SQL"
    return (card.id, card.title, card.commodity, card.province, card.price,
        card.currency.code, card.unit, card.minimum_quantity, card.photo)


def price(value):
    "A price as a Decimal whatever the backend returned"
    return Decimal(str(value)) if value is not None else None


def module_page(filters, sort, cards=True):
    """What the catalogue page asks of the module: the count, the page of
    listings and, with cards, the values their cards show"""
    from trytond.pool import Pool
    Listing = Pool().get('lao.listing')
    count = Listing.count_catalogue(**filters)
    listings = Listing.search_catalogue(
        offset=0, limit=PAGE_SIZE, order=SORTS[sort], **filters)
    if not cards:
        return count, [l.id for l in listings]
    return count, [
        card_values(c) for c in Listing.catalogue_cards(listings)]


def bare_page(filters, sort, cards=True):
    "The same count and page (and cards) with hand-written SQL"
    from sql import Flavor
    from trytond.transaction import Transaction
    cursor = Transaction().connection.cursor()
    param = Flavor.get().param
    params = [filters['category'], filters['province'],
        filters['price_min'], filters['price_max']]
    cursor.execute(BARE_WHERE.format(
            param=param, select='SELECT COUNT(*)', order=''), params)
    count, = cursor.fetchone()
    cursor.execute(BARE_WHERE.format(
            param=param, select='SELECT l.id, l.*',
            order=f'{BARE_ORDER[sort]} LIMIT {PAGE_SIZE}'), params)
    ids = [r[0] for r in cursor]
    if not cards:
        return count, ids
    by_id = {}
    if ids:
        cursor.execute(
            BARE_CARDS.format(ids=', '.join([param] * len(ids))), ids)
        by_id = {r[0]: r[:4] + (price(r[4]),) + r[5:] for r in cursor}
    return count, [by_id[i] for i in ids]


def text_pattern(text):
    from trytond.tools import escape_wildcard
    return '%' + escape_wildcard(text) + '%'


def module_text(text, sort):
    "The count and first page of ids of the catalogue's text search"
    from trytond.pool import Pool
    Listing = Pool().get('lao.listing')
    count = Listing.count_catalogue(limit=COUNT_BOUND + 1, text=text)
    listings = Listing.search_catalogue(
        offset=0, limit=PAGE_SIZE, order=SORTS[sort], text=text)
    return count, [l.id for l in listings]


def bare_text(text, sort):
    """The same bounded count and page with the hand-written indexed SQL:
    the commodities, then the listings"""
    from sql import Flavor
    from trytond import backend
    from trytond.modules.lao_b2b.catalogue import TEXT_SHORT
    from trytond.transaction import Transaction
    cursor = Transaction().connection.cursor()
    param = Flavor.get().param
    pattern = text_pattern(text)
    # SQLite's LIKE ignores the case of ASCII letters (as Tryton's ILike)
    like = 'ILIKE' if backend.name == 'postgresql' else 'LIKE'
    cursor.execute(BARE_COMMODITIES.format(param=param, like=like),
        [pattern] * 2)
    commodities = [r[0] for r in cursor]
    short = len(text) < TEXT_SHORT
    names = ["'lao.listing,title'"] + (
        [] if short else ["'lao.listing,description'"])

    def query(select, order):
        return BARE_TEXT.format(param=param, like=like, select=select,
            order=order, names=', '.join(names),
            description='' if short else (
                f"OR l.description {like} {param} ESCAPE '\\' "),
            commodity=(f"OR l.category IN ({', '.join(map(str, commodities))})"
                if commodities else ''))
    params = [pattern] * (2 if short else 3)
    cursor.execute(
        f"SELECT COUNT(*) FROM ({query('SELECT 1', f'LIMIT {COUNT_BOUND + 1}')}"
        ") AS c", params)
    count, = cursor.fetchone()
    cursor.execute(query('SELECT l.id',
            f'{BARE_ORDER[sort]} LIMIT {PAGE_SIZE}'), params)
    return count, [r[0] for r in cursor]


def text_indexes():
    "The trigram indexes of the text search in the database"
    from trytond import backend
    from trytond.transaction import Transaction
    if backend.name != 'postgresql':
        return []
    cursor = Transaction().connection.cursor()
    cursor.execute("SELECT indexname FROM pg_indexes "
        "WHERE indexname LIKE '%%_trgm' ORDER BY indexname")
    return [r[0] for r in cursor]


def as_storefront(function, *args):
    """Run function in its own read-only transaction as the storefront's
    user with the context of a request; return its result and the time it
    took inside the transaction"""
    from trytond.transaction import Transaction
    with Transaction().start(DATABASE, 0, readonly=True):
        user = model_id('lao_b2b', 'user_storefront')
    with Transaction().start(DATABASE, user, readonly=True, context={
                'language': 'en', '_check_access': True}):
        started = time.perf_counter()
        result = function(*args)
        return result, time.perf_counter() - started


def compare(cases, repeat):
    """The result of each case (module, bare SQL, arguments), checked
    equal, and the median time of each side over repeat warm runs; every
    function runs in turn so that the load of the machine weighs on each
    alike"""
    results = []
    for module, bare, args in cases:
        result = as_storefront(module, *args)[0]
        assert as_storefront(bare, *args)[0] == result, result
        results.append(result)
    times = {(i, side): [] for i in range(len(cases)) for side in range(2)}
    for _ in range(repeat):
        for i, (module, bare, args) in enumerate(cases):
            for side, function in enumerate([module, bare]):
                result, duration = as_storefront(function, *args)
                assert result == results[i]
                times[i, side].append(duration)
    return [(result, statistics.median(times[i, 0]),
            statistics.median(times[i, 1]))
        for i, result in enumerate(results)]


def listing_count():
    "The number of published listings, None without the database"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    try:
        Pool(DATABASE).init()
        with Transaction().start(DATABASE, 0, readonly=True):
            return Pool().get('lao.listing').search(
                [('state', '=', 'published')], count=True)
    except Exception:
        return None


def build(vendor_count, count, activate=True):
    """Create the database (unless not activate: it has the modules but no
    listing yet) and fill it"""
    from trytond.pool import Pool
    started = time.perf_counter()
    if activate:
        create_database(DATABASE, ADMIN_PASSWORD)
        print(f"  {'activate the modules (trytond-admin)':<44} "
            f"{time.perf_counter() - started:8.2f} s", flush=True)
    Pool(DATABASE).init()
    started = time.perf_counter()
    seed_id = run_in_transaction(DATABASE, seed)
    print(f"  {'seed vendor and listing (ORM)':<44} "
        f"{time.perf_counter() - started:8.2f} s", flush=True)
    started = time.perf_counter()
    counts = run_in_transaction(
        DATABASE, generate, seed_id, vendor_count, count)
    run_in_transaction(DATABASE, analyze)
    print(f"  {'generate (multi-row inserts)':<44} "
        f"{time.perf_counter() - started:8.2f} s", flush=True)
    for table, rows in counts.items():
        print(f"    {table:<42} {rows:8d}")


def prepare(vendor_count, count, reuse=False):
    """Configure the backend and make the database of vendor_count vendors
    and count listings, or keep the existing one with reuse; return the
    name of the backend"""
    backend = configure()
    print(f"database {DATABASE} on {backend}, {vendor_count} vendors, "
        f"{count} listings", flush=True)
    existing = listing_count() if reuse else None
    if existing is not None and existing > count:
        print(f"  reusing {existing} published listings", flush=True)
    else:
        # A database activated by an earlier run that stopped before its
        # listings is filled without activating the modules again
        build(vendor_count, count, activate=existing != 0)
    return backend


def add_data_options(parser):
    "The options of the data set, shared with the load bench"
    parser.add_argument('--vendors', type=int, default=1000)
    parser.add_argument('--listings', type=int, default=50000)


def run(argv=None):
    parser = argparse.ArgumentParser(prog='python -m bench catalogue')
    add_data_options(parser)
    parser.add_argument('--reuse', action='store_true',
        help="keep the database of an earlier run if it has the listings")
    parser.add_argument('--repeat', type=int, default=21)
    options = parser.parse_args(argv)
    backend = prepare(options.vendors, options.listings, options.reuse)

    ratios = []
    for commodity, province, price_range, sort in SEARCHES:
        filters = run_in_transaction(
            DATABASE, search_filters, commodity, province, price_range)
        print(f"  {commodity} + {province} + price {price_range[0]}-"
            f"{price_range[1]}, by {sort}:", flush=True)
        labels = ["count and page of ids", "count, page and its cards"]
        for label, ((count, page), module_time, bare_time) in zip(labels,
                compare([(module_page, bare_page, (filters, sort, cards))
                        for cards in [False, True]], options.repeat)):
            ratio = module_time / bare_time
            ratios.append(ratio)
            print(f"    {label:<26} {count:5d} found, {len(page):2d} shown | "
                f"module {module_time * 1000:6.1f} ms | "
                f"bare SQL {bare_time * 1000:6.1f} ms | "
                f"ratio {ratio:4.2f} x", flush=True)

    indexes = run_in_transaction(DATABASE, text_indexes)
    print(f"  text search alone, newest first (trigram indexes: "
        f"{', '.join(indexes) or 'none'}):", flush=True)
    for text, ((count, page), module_time, bare_time) in zip(TEXT_SEARCHES,
            compare([(module_text, bare_text, (text, 'newest'))
                    for text in TEXT_SEARCHES], options.repeat)):
        ratio = module_time / bare_time
        ratios.append(ratio)
        met = (ratio <= TEXT_GOAL_RATIO and (
                backend != 'postgresql'
                or module_time * 1000 <= TEXT_GOAL_MS))
        print(f"    {text!r:<26} {count:5d} found, {len(page):2d} shown | "
            f"module {module_time * 1000:6.1f} ms | "
            f"bare SQL {bare_time * 1000:6.1f} ms | "
            f"ratio {ratio:4.2f} x (goal <= {TEXT_GOAL_RATIO} x"
            + (f", <= {TEXT_GOAL_MS} ms" if backend == 'postgresql' else '')
            + f": {'met' if met else 'MISSED'})", flush=True)
    return ratios
