"""Catalogue, listing and vendor pages, cart, checkout and orders, on
listings published through the real vetting of lao_b2b."""
import re
from decimal import Decimal

import pytest

from .conftest import (
    app_settings, csrf_token, fill_buyer_profile, log_in, make_web_user)

PNG = b'\x89PNG\r\n\x1a\n' + b'\0' * 32


@pytest.fixture(scope='session')
def market(database):
    """Two approved vendors with published listings, a draft listing and a
    suspended vendor's listing"""
    from trytond.modules.lao_b2b.tests import (
        create_listing, create_vendor, lao_province, publish)
    from trytond.transaction import Transaction

    from .conftest import Tryton

    def build(pool):
        Listing = pool.get('lao.listing')
        Application = pool.get('lao.vendor.application')
        coffee = create_vendor("Paksong Coffee Cooperative", 'SF-001')
        rice = create_vendor("Savan Rice Group", 'SF-002', province='SV')
        gone = create_vendor("Suspended Traders", 'SF-003')
        arabica = create_listing(coffee, photos=[('create', [
                        {'image': PNG, 'caption': "Green beans"}])])
        robusta = create_listing(coffee, cat='coffee_robusta_green',
            title="Robusta green beans", description="Natural robusta.",
            certifications=[], declared_quantity=800,
            minimum_quantity=200, quantity_multiple=None,
            price_tiers=[('create', [
                        {'quantity': 0, 'unit_price': Decimal('28000')}])],
            photos=[('create', [{'image': PNG}])])
        rice_listing = create_listing(rice, cat='rice',
            title="Sticky rice", description="Khao niao from Savannakhet.",
            origin_province=lao_province('SV').id, certifications=[],
            minimum_quantity=500, quantity_multiple=None,
            price_tiers=[('create', [
                        {'quantity': 0, 'unit_price': Decimal('9000')}])],
            photos=[('create', [{'image': PNG}])])
        draft = create_listing(coffee, cat='coffee_arabica_cherry',
            title="Draft cherries")
        hidden = create_listing(gone, title="Hidden coffee")
        publish([arabica, robusta, rice_listing, hidden])
        with Transaction().set_context(language='lo'):
            Listing.write([robusta], {'title': "ກາເຟໂຣບັສຕາ"})
        application, = Application.search([('company', '=', gone.id)])
        Application.suspend([application], "Unpaid fees")
        return {
            'arabica': arabica.id, 'robusta': robusta.id,
            'rice': rice_listing.id, 'draft': draft.id, 'hidden': hidden.id,
            'coffee': coffee.id, 'rice_vendor': rice.id, 'gone': gone.id,
            'arabica_photo': arabica.photos[0].id,
            'robusta_photo': robusta.photos[0].id,
            }
    return Tryton(database).run(build, user=1)


def _ids(html):
    return {int(i) for i in re.findall(rb'href="/listing/(\d+)"', html)}


def test_catalogue_shows_published_of_approved_vendors(client, market):
    response = client.get('/catalogue')
    assert response.status_code == 200
    ids = _ids(response.data)
    assert {market['arabica'], market['robusta'], market['rice']} <= ids
    assert market['draft'] not in ids
    assert market['hidden'] not in ids
    assert b'loading="lazy"' in response.data


def test_catalogue_page_weight(client, market, app):
    "A page of PAGE_SIZE cards with its CSS stays under 60 KB"
    response = client.get('/catalogue')
    css = client.get('/static/style.css').data
    cards = re.findall(rb'<li class="card">.*?</li>', response.data, re.S)
    assert cards
    card = max(len(c) for c in cards)
    other = len(response.data) - sum(len(c) for c in cards)
    weight = other + card * app.config['PAGE_SIZE'] + len(css)
    assert weight <= 60 * 1024, weight


@pytest.mark.parametrize('query,expected', [
        ('q=arabica', {'arabica'}),
        ('q=ARABICA', {'arabica'}),
        ('q=khao+niao', {'rice'}),
        ('q=ໂຣບັສຕາ', {'robusta'}),
        # The commodity's name: no title says coffee
        ('q=coffee', {'arabica', 'robusta'}),
        ('q=no+such+thing', set()),
        ('q=100%25', set()),
        ])
def test_catalogue_search_all_languages(client, market, query, expected):
    response = client.get('/catalogue?' + query)
    assert response.status_code == 200
    found = _ids(response.data) & {
        market[k] for k in ['arabica', 'robusta', 'rice']}
    assert found == {market[k] for k in expected}


def test_catalogue_filters(client, market, tryton):
    def ids(pool):
        ModelData = pool.get('ir.model.data')
        Subdivision = pool.get('country.subdivision')
        sv, = Subdivision.search([('code', '=', 'LA-SV')])
        return (ModelData.get_id('lao_b2b', 'category_coffee'), sv.id)
    coffee, sv = tryton.run(ids)
    ours = {market[k] for k in ['arabica', 'robusta', 'rice']}

    def found(query):
        response = client.get('/catalogue?' + query)
        assert response.status_code == 200, response.data
        return {k for k in ['arabica', 'robusta', 'rice']
            if market[k] in _ids(response.data) & ours}
    assert found(f'category={coffee}') == {'arabica', 'robusta'}
    assert found(f'province={sv}') == {'rice'}
    assert found('certification=geographical_indication') == {'arabica'}
    assert found('price_min=20000&price_max=30000') == {'robusta'}
    assert found('price_max=10000') == {'rice'}
    assert found('quantity=150') == {'arabica'}
    assert found('quantity=300') == {'arabica', 'robusta'}


def test_catalogue_sort(client, market):
    response = client.get('/catalogue?sort=price')
    ids = [int(i) for i in re.findall(
            rb'href="/listing/(\d+)"', response.data)]
    ours = [i for i in ids if i in {market['rice'], market['robusta']}]
    assert ours == [market['rice'], market['robusta']]


def test_catalogue_pages(client, market, one_per_page):
    first = client.get('/catalogue?sort=title&page=1')
    second = client.get('/catalogue?sort=title&page=2')
    assert len(_ids(first.data)) == 1
    assert _ids(first.data) != _ids(second.data)
    assert b'rel="next"' in first.data
    assert b'rel="prev"' in second.data


@pytest.fixture
def bound_of_one(app):
    "Counts bounded at one result, to see more than the bound"
    with app_settings(app, COUNT_BOUND=1):
        yield


@pytest.mark.parametrize('language, found, page, exact', [
        ('en', "Listings found: more than 1", "Page 1 of 2 or more",
            "Listings found: 1<"),
        ('lo', "ພົບຫຼາຍກວ່າ 1 ລາຍການ", "ໜ້າ 1 ຈາກ 2 ໜ້າ ຫຼື ຫຼາຍກວ່າ",
            "ພົບ 1 ລາຍການ"),
        ('zh_CN', "找到超过 1 个商品", "第 1 页，共 2 页或更多", "找到 1 个商品"),
        ])
def test_catalogue_count_bounded(client, market, one_per_page, bound_of_one,
        language, found, page, exact):
    "Past the bound a search says more than it and counts no further"
    response = client.get('/catalogue?q=coffee',
        headers={'Accept-Language': language})
    text = response.data.decode()
    assert found in text
    assert page in text
    assert len(_ids(response.data)) == 1
    assert 'rel="next"' in text
    # Within the bound, the count is exact
    response = client.get('/catalogue?q=khao+niao',
        headers={'Accept-Language': language})
    text = response.data.decode()
    assert exact in text
    assert found not in text


@pytest.mark.parametrize('language', ['en', 'lo'])
def test_catalogue_cards_match_records(tryton, market, language):
    "The cards, read set-based, show what the listings' records say"
    keys = ['arabica', 'robusta', 'rice', 'arabica']

    def cards_and_records(pool):
        from trytond.transaction import Transaction
        Listing = pool.get('lao.listing')
        with Transaction().set_context(language=language):
            listings = Listing.browse([market[k] for k in keys])
            cards = [(c.id, c.title, c.commodity, c.province, c.price,
                    c.currency.id, c.unit, c.minimum_quantity, c.photo,
                    c.vendor, c.vendor_name, c.recognition, c.lead_time)
                for c in Listing.catalogue_cards(listings)]
            records = [(l.id, l.title, l.category.rec_name,
                    l.origin_province.name, l.price, l.currency.id,
                    l.unit.symbol, l.minimum_quantity, l.photos[0].id,
                    l.company.id, l.company.party.name,
                    l.company.vendor_application.recognition_number,
                    l.lead_time)
                for l in listings]
            languages = [c.title_language
                for c in Listing.catalogue_cards(listings)]
        return cards, records, languages
    cards, records, languages = tryton.run(cards_and_records)
    assert cards == records
    assert all(c[11] for c in cards)
    # Only the robusta's title is translated into Lao
    assert languages == (
        ['en', None, 'en', 'en'] if language == 'lo' else [None] * 4)
    robusta = cards[keys.index('robusta')]
    if language == 'lo':
        assert robusta[1] == "ກາເຟໂຣບັສຕາ"
    else:
        assert robusta[1:3] == ("Robusta green beans",
            "Coffee / Robusta Coffee / Robusta Coffee Green Bean")


@pytest.mark.parametrize('query', [
        'price_min=abc', 'page=0', 'page=x', 'category=999999',
        'province=abc', 'certification=fake', 'sort=evil', 'quantity=-5',
        'q=' + 'x' * 101,
        ])
def test_catalogue_bad_input(client, market, query):
    response = client.get('/catalogue?' + query)
    assert response.status_code == 400
    assert b'class="error"' in response.data


def test_listing_page(client, market):
    response = client.get(f"/listing/{market['arabica']}")
    assert response.status_code == 200
    page = response.data.decode()
    assert 'Bolaven green arabica' in page
    assert 'Paksong' in page and 'Champasak' in page
    assert '2025/26' in page
    assert 'Bolaven Plateau Coffee' in page and 'GI-LA-0001' in page
    assert re.search(r'Verified\s+LA-EC-CH-', page)
    assert '42,000' in page and '39,000' in page
    assert f"/seller/{market['coffee']}" in page


@pytest.mark.parametrize('key', ['draft', 'hidden'])
def test_listing_not_shown(client, market, key):
    assert client.get(f'/listing/{market[key]}').status_code == 404


def test_listing_unknown(client, market):
    assert client.get('/listing/999999').status_code == 404


def test_listing_in_lao(client, market):
    response = client.get(f"/listing/{market['robusta']}",
        headers={'Accept-Language': 'lo'})
    assert 'ກາເຟໂຣບັສຕາ'.encode() in response.data
    page = response.data.decode()
    # The title is translated, the description is the vendor's English
    assert '<h1>ກາເຟໂຣບັສຕາ</h1>' in page
    assert ('<p class="description" lang="en">Natural robusta.</p> '
        '<small class="lang-mark"') in page
    assert 'ພາສາອັງກິດ</small>' in page


def test_language_marks(client, market):
    "Titles shown in another language than the reader's say which"
    def card(page, key):
        start = page.find(f'/listing/{market[key]}"')
        return page[start:page.find('</li>', start)]
    lao = client.get('/catalogue', headers={'Accept-Language': 'lo'}
        ).data.decode()
    assert '<b lang="en">Sticky rice</b>' in card(lao, 'rice')
    assert 'class="lang-mark"' in card(lao, 'rice')
    assert '<b>ກາເຟໂຣບັສຕາ</b>' in card(lao, 'robusta')
    assert 'class="lang-mark"' not in card(lao, 'robusta')
    chinese = client.get('/catalogue', headers={'Accept-Language': 'zh-CN'}
        ).data.decode()
    assert '英文</small>' in card(chinese, 'robusta')
    english = client.get('/catalogue').data.decode()
    assert 'class="lang-mark"' not in english
    assert 'lang="en"' not in english.split('<main>', 1)[1]


def test_card_and_listing_page(client, market):
    """Cards name the vendor with its badge of approval, the province and
    the lead time; the listing page has its breadcrumbs and lead time,
    every page the footer"""
    page = client.get('/catalogue').data.decode()
    start = page.find(f"/listing/{market['rice']}\"")
    rice = page[start:page.find('</li>', start)]
    assert f"/seller/{market['rice_vendor']}" in rice
    assert 'Savan Rice Group' in rice and '✔ Verified' in rice
    assert 'Savannakhet' in rice and 'Ships within 3 days' in rice
    assert '/ kg' in rice
    page = client.get(f"/listing/{market['rice']}").data.decode()
    crumbs = page[page.find('class="crumbs"'):page.find('</nav>',
            page.find('class="crumbs"'))]
    assert re.findall(r'href="([^"]+)"', crumbs) == [
        '/', '/catalogue', re.findall(r'/catalogue\?category=\d+', crumbs)[0]]
    assert 'aria-current="page">Sticky rice</li>' in crumbs
    assert '<dt>Lead time</dt><dd>Ships within 3 days</dd>' in page
    assert 'Ministry of Industry and Commerce' in page
    assert 'mailto:' in page
    lao = client.get(f"/listing/{market['rice']}",
        headers={'Accept-Language': 'lo'}).data.decode()
    assert 'Ships within' not in lao and 'Lead time' not in lao


def test_filters_folded(client, market):
    """The filters are folded behind one control (style.css shows them on
    wide screens), unfolded when one is set"""
    page = client.get('/catalogue').data.decode()
    assert '<details class="filters">' in page
    assert page.index('id="q"') < page.index('<details')
    page = client.get('/catalogue?sort=newest').data.decode()
    assert '<details class="filters">' in page
    page = client.get('/catalogue?sort=price').data.decode()
    assert '<details class="filters" open>' in page
    css = client.get('/static/style.css').data.decode()
    assert '::details-content' in css


def test_photo(client, market):
    response = client.get(
        f"/listing/{market['arabica']}/photo/{market['arabica_photo']}")
    assert response.status_code == 200
    assert response.data == PNG
    assert response.headers['Content-Type'] == 'image/png'
    # The photo of another listing through this listing's address
    response = client.get(
        f"/listing/{market['arabica']}/photo/{market['robusta_photo']}")
    assert response.status_code == 404


def test_seller_page(client, market):
    response = client.get(f"/seller/{market['coffee']}")
    assert response.status_code == 200
    ids = _ids(response.data)
    assert {market['arabica'], market['robusta']} <= ids
    assert market['rice'] not in ids
    assert client.get(f"/seller/{market['gone']}").status_code == 404
    assert client.get('/seller/999999').status_code == 404


def _add(client, listing_id, quantity, token=None):
    token = token or csrf_token(client, f'/listing/{listing_id}')
    return client.post('/cart/add', data={
            'csrf_token': token, 'listing': listing_id,
            'quantity': quantity})


def test_cart_checks_terms(client, market):
    assert _add(client, market['arabica'], '120').status_code == 302
    page = client.get('/cart').data.decode()
    assert 'is not a multiple' in page or 'multiple' in page
    # No way on to the checkout while a line is refused
    assert 'href="/checkout"' not in page
    token = csrf_token(client, '/cart')
    response = client.post('/cart/update', data={
            'csrf_token': token, f"quantity-{market['arabica']}": '50'})
    assert response.status_code == 302
    page = client.get('/cart').data.decode()
    assert 'minimum' in page.lower()
    client.post('/cart/update', data={
            'csrf_token': token, f"quantity-{market['arabica']}": '1000'})
    page = client.get('/cart').data.decode()
    assert '39,000' in page
    assert 'href="/checkout">Proceed to checkout</a>' in page
    client.post('/cart/update', data={
            'csrf_token': token, 'remove': str(market['arabica'])})
    assert 'Your cart is empty' in client.get('/cart').data.decode()


@pytest.mark.parametrize('listing,quantity,status', [
        ('arabica', 'abc', 400),
        ('arabica', '-1', 400),
        ('arabica', 'nan', 400),
        ('arabica', '', 400),
        ('draft', '100', 404),
        ('hidden', '100', 404),
        ])
def test_cart_add_bad_input(client, market, listing, quantity, status):
    token = csrf_token(client, f"/listing/{market['arabica']}")
    response = _add(client, market[listing], quantity, token)
    assert response.status_code == status
    assert 'Your cart is empty' in client.get('/cart').data.decode()


def test_cart_add_without_csrf(client, market):
    response = client.post('/cart/add', data={
            'listing': market['arabica'], 'quantity': '100'})
    assert response.status_code == 400
    assert 'Your cart is empty' in client.get('/cart').data.decode()


def _orders(tryton, user_id):
    def orders(pool):
        user = pool.get('web.user')(user_id)
        Order = pool.get('lao.marketplace.order')
        return [(o.id, o.state, len(o.sales)) for o in Order.search(
                [('buyer', '=', user.party.id if user.party else -1)])]
    return tryton.run(orders)


def _checkout(client, **fields):
    """Place the cart delivered and paid on delivery (as a buyer new to the
    platform pays above its credit limit) unless fields say"""
    data = {
        'csrf_token': csrf_token(client, '/cart'),
        'delivery_method': 'delivery',
        'payment_method': 'cash_on_delivery',
        }
    data.update(fields)
    return client.post('/checkout', data=data)


def test_checkout_needs_login(client, market):
    _add(client, market['rice'], '500')
    token = csrf_token(client, '/cart')
    response = client.post('/checkout', data={'csrf_token': token})
    assert response.status_code == 302
    assert response.headers['Location'].startswith('/account/login')


def test_checkout_needs_buyer_profile(client, market, buyer, tryton):
    _add(client, market['rice'], '500')
    token = csrf_token(client, '/cart')
    response = _checkout(client, csrf_token=token)
    assert response.status_code == 400
    assert b'business profile' in response.data
    assert _orders(tryton, buyer[1]) == []


def test_checkout_places_one_sale_per_vendor(client, market, buyer, tryton,
        app):
    fill_buyer_profile(client, tryton)
    _add(client, market['arabica'], '1000')
    _add(client, market['rice'], '500')
    page = client.get('/checkout').data.decode()
    assert 'Cash on Delivery' in page
    address = page[page.find('name="shipment_address"'):]
    assert 'vientiane' in address[:address.find('</select>')].lower()
    response = _checkout(client, reference='PO-77')
    assert response.status_code == 302, response.data
    (order_id, state, sales), = _orders(tryton, buyer[1])
    assert (state, sales) == ('placed', 2)

    def terms(pool):
        order = pool.get('lao.marketplace.order')(order_id)
        return (order.delivery_method, order.payment_method,
            order.shipment_address.city,
            {(s.marketplace_delivery_method, s.marketplace_payment_method)
                for s in order.sales})
    assert tryton.run(terms) == ('delivery', 'cash_on_delivery', 'Vientiane',
        {('delivery', 'cash_on_delivery')})
    assert response.headers['Location'] == f'/orders/{order_id}'
    assert 'Your cart is empty' in client.get('/cart').data.decode()

    page = client.get(f'/orders/{order_id}').data.decode()
    assert 'PO-77' in page
    assert 'Paksong Coffee Cooperative' in page
    assert 'Savan Rice Group' in page
    assert f'/orders/{order_id}' in client.get('/orders').data.decode()

    # Nobody else sees it
    other = app.test_client()
    email, _ = make_web_user(tryton)
    log_in(other, email)
    assert other.get(f'/orders/{order_id}').status_code == 404
    assert f'/orders/{order_id}' not in other.get('/orders').data.decode()
    assert other.get('/orders/999999').status_code == 404


@pytest.fixture(scope='module')
def vat_listing(database):
    "A published listing of a vendor registered for VAT"
    from trytond.modules.lao_b2b.tests import (
        create_listing, create_vendor, publish)

    from .conftest import Tryton

    def build(pool):
        vendor = create_vendor(
            "Bolaven VAT Cooperative", 'SF-VAT-1', vat_number='112233445')
        listing = create_listing(vendor, photos=[('create', [
                        {'image': PNG}])])
        publish([listing])
        return listing.id
    return Tryton(database).run(build, user=1)


@pytest.mark.parametrize('filename', ['发票-INV20261.pdf', 'ໃບແຈ້ງໜີ້-INV20261.pdf'])
def test_invoice_file_name_translated(client, buyer, monkeypatch, filename):
    """The invoice's file, named in the buyer's language, is sent with a
    header a WSGI server sends (latin-1: gunicorn refused the Chinese name
    with a 500), the translated name in filename* (RFC 6266)"""
    from storefront import orders
    monkeypatch.setattr(orders, 'not_found_on',
        lambda *args: ('pdf', b'%PDF-1.7', filename))
    response = client.get('/orders/invoice/1.pdf')
    assert response.status_code == 200
    assert response.data == b'%PDF-1.7'
    disposition = response.headers['Content-Disposition']
    assert re.fullmatch(r'[ \t\x21-\x7e]*', disposition), disposition
    assert disposition.startswith('attachment; ')
    assert "filename*=UTF-8''%" in disposition
    assert response.headers['Cache-Control'] == 'private, no-store'


def test_order_taxes_shipments_and_invoice(client, market, vat_listing,
        buyer, tryton, app):
    """The cart, the checkout and the order show each vendor's untaxed
    amount, VAT by rate and total (none from a vendor not registered); the
    order shows its shipment and the posted invoice, whose PDF only its
    buyer downloads"""
    fill_buyer_profile(client, tryton)
    _add(client, vat_listing, '1000')
    _add(client, market['rice'], '500')
    for url in ['/cart', '/checkout']:
        page = client.get(url).data.decode()
        vat = page[page.find('Bolaven VAT Cooperative</h2>'):]
        vat = vat[:vat.find('</table>')]
        # 1,000 kg at 39,000 LAK, 10% VAT; no decimals for kip
        assert re.search(r'Untaxed amount</th><td>[^<]*39,000,000', vat)
        assert re.search(r'VAT 10%</th><td>[^<]*3,900,000<', vat)
        assert re.search(r'Total</th><td><b>[^<]*42,900,000<', vat)
        rice = page[page.find('Savan Rice Group</h2>'):]
        rice = rice[:rice.find('</table>')]
        assert '4,500,000' in rice and 'VAT' not in rice
        assert '47,400,000' in page
    page = client.get('/cart', headers={'Accept-Language': 'lo'}).data
    assert 'ມູນຄ່າກ່ອນອາກອນ' in page.decode()

    response = _checkout(client)
    assert response.status_code == 302, response.data
    (order_id, state, sales), = _orders(tryton, buyer[1])
    page = client.get(f'/orders/{order_id}').data.decode()
    assert re.search(r'VAT 10%</th><td>[^<]*3,900,000<', page)

    def ship_and_invoice(pool):
        from trytond.modules.lao_b2b.common import as_vendor_system
        Order = pool.get('lao.marketplace.order')
        Sale = pool.get('sale.sale')
        Invoice = pool.get('account.invoice')
        Shipment = pool.get('stock.shipment.out')
        sale, = [s for s in Order(order_id).sales
            if s.company.rec_name == "Bolaven VAT Cooperative"]
        with as_vendor_system(sale.company):
            Sale.process([sale])
            # paid on delivery: invoiced when the goods are shipped
            shipment, = Sale(sale.id).shipments
            Shipment.assign_force([shipment])
            Shipment.pick([shipment])
            Shipment.pack([shipment])
            Shipment.ship([shipment])
            Shipment.do([shipment])
            Sale.process([sale])
            invoice, = Sale(sale.id).invoices
            Invoice.post([invoice])
            return invoice.id, invoice.number, shipment.number
    invoice_id, number, shipment = tryton.run(ship_and_invoice)
    page = client.get(f'/orders/{order_id}').data.decode()
    assert shipment in page and number in page
    assert f'/orders/invoice/{invoice_id}.pdf' in page
    listed = client.get('/orders').data.decode()
    assert f'/orders/invoice/{invoice_id}.pdf' in listed
    response = client.get(f'/orders/invoice/{invoice_id}.pdf')
    assert response.status_code == 200
    assert response.headers['Content-Type'] == 'application/pdf'
    assert response.data.startswith(b'%PDF')

    other = app.test_client()
    email, _ = make_web_user(tryton)
    log_in(other, email)
    assert other.get(f'/orders/invoice/{invoice_id}.pdf').status_code == 404
    assert client.get('/orders/invoice/999999.pdf').status_code == 404


def test_checkout_refused_writes_nothing(client, market, buyer, tryton):
    fill_buyer_profile(client, tryton)

    def declared(pool):
        return pool.get('lao.listing')(market['robusta']).declared_quantity
    before = tryton.run(declared)
    _add(client, market['robusta'], str(int(before) + 200))
    response = _checkout(client)
    assert response.status_code == 400
    assert b'only' in response.data
    assert _orders(tryton, buyer[1]) == []
    assert tryton.run(declared) == before


@pytest.mark.parametrize('fields', [
        {'payment_method': 'credit'},
        {'delivery_method': ''},
        {'shipment_address': 'abc'},
        ])
def test_checkout_bad_choices_write_nothing(client, market, buyer, tryton,
        fields):
    fill_buyer_profile(client, tryton)
    _add(client, market['rice'], '500')
    response = _checkout(client, **fields)
    assert response.status_code == 400
    assert b'class="error"' in response.data
    assert _orders(tryton, buyer[1]) == []


def test_checkout_to_another_buyers_address(client, market, buyer, tryton):
    "The address of someone else is refused by the model, nothing written"
    fill_buyer_profile(client, tryton)
    _add(client, market['rice'], '500')

    def other_address(pool):
        Party = pool.get('party.party')
        party, = Party.create([{'name': "Someone Else",
                    'addresses': [('create', [{'city': "Pakse"}])]}])
        return party.addresses[0].id
    address = tryton.run(other_address)

    def place(pool):
        Order = pool.get('lao.marketplace.order')
        WebUser = pool.get('web.user')
        try:
            Order.web_place(WebUser(buyer[1]),
                [(market['rice'], 500)], shipment_address=address)
        except Exception as error:
            return str(error)
    assert 'addresses' in tryton.run(place)
    assert _orders(tryton, buyer[1]) == []


def test_checkout_collection(client, market, buyer, tryton):
    "A buyer may collect the goods from the vendor"
    fill_buyer_profile(client, tryton)
    _add(client, market['rice'], '500')
    response = _checkout(client, delivery_method='pickup')
    assert response.status_code == 302, response.data
    (order_id, state, sales), = _orders(tryton, buyer[1])
    assert (state, sales) == ('placed', 1)
    assert tryton.run(lambda pool: pool.get('lao.marketplace.order')(
            order_id).delivery_method) == 'pickup'


def test_checkout_without_csrf(client, market, buyer, tryton):
    fill_buyer_profile(client, tryton)
    _add(client, market['rice'], '500')
    response = client.post('/checkout')
    assert response.status_code == 400
    assert _orders(tryton, buyer[1]) == []


def test_orders_need_login(client):
    for url in ['/orders', '/orders/1']:
        response = client.get(url)
        assert response.status_code == 302


def test_vendor_listings(client, market, buyer, tryton):
    _, user_id = buyer
    assert b'No listing yet' in client.get('/vendor/listings').data

    def link(pool):
        Application = pool.get('lao.vendor.application')
        application, = Application.search(
            [('company', '=', market['rice_vendor'])])
        Application.write([application], {'web_user': user_id})
    tryton.run(link)
    page = client.get('/vendor/listings').data.decode()
    assert 'Sticky rice' in page and 'Published' in page
    assert 'Draft cherries' not in page
    assert '/vendor/listings' in client.get('/vendor/').data.decode()


def test_home_shows_latest_listings(client, market):
    response = client.get('/')
    assert response.status_code == 200
    assert market['arabica'] in _ids(response.data)
    assert b'name="q"' in response.data


def test_catalogue_form_as_sent(client, market):
    "The filters left on All, as the browser sends the form, are no filter"
    response = client.get('/catalogue?q=arabica&category=None'
        '&province=None&certification=&price_min=&price_max=&quantity='
        '&sort=newest')
    assert response.status_code == 200
    assert f"/listing/{market['arabica']}\"".encode() in response.data
