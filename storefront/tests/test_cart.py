"""The cart keeps its word: it reads back every number it shows, in every
language, and says what it refuses; it says what a line holds, with its
unit; a guest's cart lasts through log-in and checkout."""
import html
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from babel.numbers import get_decimal_symbol, get_group_symbol

from storefront.i18n import (
    LANGUAGES, NUMBER_LOCALES, NumberError, parse_number)

from .conftest import (
    PASSWORD, csrf_token, fill_buyer_profile, log_in, make_web_user)

PNG = b'\x89PNG\r\n\x1a\n' + b'\0' * 32
TITLE = "Dried cassava chips"
ORDERED = "Cassava chips for Kunming"


@pytest.fixture(scope='module')
def listings(database):
    """Two published listings sold from 1,000 kg, 77,000 kg available, with
    price tiers from 0 kg and from 1,000 kg: the one the tests order
    ('ordered') and the one whose availability stays ('bulk')"""
    from trytond.modules.lao_b2b.tests import (
        create_listing, create_vendor, publish)

    from .conftest import Tryton

    def build(pool):
        vendor = create_vendor("Vang Vieng Cassava Group", 'CT-001')
        listings = {}
        for key, title in [('bulk', TITLE), ('ordered', ORDERED)]:
            listings[key] = create_listing(vendor, cat='cassava_chips',
                title=title, description="Sun-dried chips, 13% moisture.",
                certifications=[], declared_quantity=77000,
                minimum_quantity=1000, quantity_multiple=None,
                price_tiers=[('create', [
                            {'quantity': 0, 'unit_price': Decimal('2600')},
                            {'quantity': 1000,
                                'unit_price': Decimal('2500')},
                            ])],
                photos=[('create', [{'image': PNG}])])
        publish(list(listings.values()))
        return {k: l.id for k, l in listings.items()}
    return Tryton(database).run(build, user=1)


@pytest.fixture
def bulk(listings):
    "The listing that no test orders: 77,000 kg available"
    return listings['bulk']


@pytest.fixture
def ordered(listings):
    "The listing that tests order from"
    return listings['ordered']


def _text(response):
    "The page as its reader reads it: entities and no-break spaces undone"
    return html.unescape(response.data.decode()).replace('\xa0', ' ')


def _speak(client, language):
    client.environ_base['HTTP_ACCEPT_LANGUAGE'] = language


def _add(client, listing_id, quantity):
    token = csrf_token(client, f'/listing/{listing_id}')
    return client.post('/cart/add', data={
            'csrf_token': token, 'listing': listing_id,
            'quantity': quantity})


def _update(client, listing_id, quantity):
    token = csrf_token(client, '/cart')
    return client.post('/cart/update', data={
            'csrf_token': token, f'quantity-{listing_id}': quantity})


def _listing_value(client, listing_id):
    "The quantity the listing page's cart form is filled with"
    page = client.get(f'/listing/{listing_id}').data.decode()
    value, = re.findall(r'name="quantity"[^>]*value="([^"]*)"', page)
    return value


def _cart_values(client):
    "{listing id: the quantity its cart line's input is filled with}"
    page = client.get('/cart').data.decode()
    return {int(i): v for i, v in re.findall(
            r'name="quantity-(\d+)" value="([^"]*)"', page)}


# Numbers as the readers of each language write them

@pytest.mark.parametrize('locales,text,number', [
        (['en'], '1,000', 1000),
        (['en'], '1,000.0', 1000),
        (['en'], '12,345,678.5', Decimal('12345678.5')),
        (['en'], '1000', 1000),
        (['en'], ' 0.25 ', Decimal('0.25')),
        (['zh_Hans_CN'], '1,000.5', Decimal('1000.5')),
        # Lao as the site writes it (the prices too), and as CLDR does
        (NUMBER_LOCALES['lo'], '1,000', 1000),
        (NUMBER_LOCALES['lo'], '1,000.5', Decimal('1000.5')),
        (NUMBER_LOCALES['lo'], '1.000,5', Decimal('1000.5')),
        (NUMBER_LOCALES['lo'], '1,5', Decimal('1.5')),
        (NUMBER_LOCALES['lo'], '1.5', Decimal('1.5')),
        # Lao digits
        (NUMBER_LOCALES['lo'], '໑,໐໐໐', 1000),
        # A locale that groups with spaces, typed as any space
        (['fr'], '1 000,5', Decimal('1000.5')),
        (['fr'], '1\u202f000,5', Decimal('1000.5')),
        (['fr'], '1\u00a0000,5', Decimal('1000.5')),
        (['de'], '1.000,5', Decimal('1000.5')),
        ])
def test_parse_number(locales, text, number):
    assert parse_number(text, locales) == number


@pytest.mark.parametrize('locales,text,readings', [
        (['en'], '1,00', []),
        (['en'], '1,0000', []),
        (['en'], '1 000', []),
        (['en'], 'abc', []),
        (['en'], '', []),
        (['en'], 'nan', []),
        (['en'], 'Infinity', []),
        (['en'], '1' * 41, []),
        (['de'], '1,000.5', []),
        # A Lao reader may mean one or a thousand
        (NUMBER_LOCALES['lo'], '1.000', [1, 1000]),
        (NUMBER_LOCALES['lo'], '2.500', [Decimal('2.5'), 2500]),
        ])
def test_parse_number_refused(locales, text, readings):
    with pytest.raises(NumberError) as info:
        parse_number(text, locales)
    assert info.value.readings == readings


def test_number_locales_agree_with_tryton(tryton):
    """The quantities (Babel) are written as the prices and the models'
    messages (Tryton's ir.lang) in every language of the site"""
    def symbols(pool):
        Lang = pool.get('ir.lang')
        return {l.code: (l.decimal_point, l.thousands_sep)
            for l in Lang.search([('code', 'in', list(LANGUAGES))])}
    tryton_symbols = tryton.run(symbols)
    assert set(tryton_symbols) == set(LANGUAGES)
    for code, locales in NUMBER_LOCALES.items():
        assert tryton_symbols[code] == (
            get_decimal_symbol(locales[0]), get_group_symbol(locales[0]))


# Quantities shown with their unit and without zero decimals

@pytest.mark.parametrize('language', list(LANGUAGES))
def test_listing_page_quantities(client, bulk, language):
    _speak(client, language)
    page = _text(client.get(f'/listing/{bulk}'))
    assert '1,000 kg' in page
    assert '77,000 kg' in page
    assert '>0 kg<' in page
    assert not re.search(r'\d\.0\b', page), re.findall(r'\S*\d\.0\b', page)
    assert _listing_value(client, bulk) == '1000'


def test_cart_line_quantity_and_unit(client, bulk):
    assert _add(client, bulk, '1500').status_code == 302
    page = _text(client.get('/cart'))
    assert "1,500 kg × ₭2,500 / kg = " in page
    assert _cart_values(client) == {bulk: '1500'}


# Every number shown is read back, a grouped number typed too

@pytest.mark.parametrize('language', list(LANGUAGES))
def test_cart_reads_what_it_shows(client, bulk, language):
    _speak(client, language)
    response = _add(client, bulk, _listing_value(client, bulk))
    assert response.status_code == 302, _text(response)
    assert _cart_values(client) == {bulk: '1000'}
    # Update the cart with what it shows
    response = _update(client, bulk, _cart_values(client)[bulk])
    assert response.status_code == 302, _text(response)
    assert _cart_values(client) == {bulk: '1000'}
    # Grouped, as the pages write 1,000 kg and more
    for typed, shown in [('1,200', '1200'), ('12,000.5', '12000.5')]:
        response = _update(client, bulk, typed)
        assert response.status_code == 302, _text(response)
        assert _cart_values(client) == {bulk: shown}
    response = _add(client, bulk, '1,000')
    assert response.status_code == 302, _text(response)
    assert _cart_values(client) == {bulk: '13000.5'}


def test_cart_update_zero_or_empty_removes(client, bulk):
    _add(client, bulk, '1000')
    assert _update(client, bulk, '0.0').status_code == 302
    assert _cart_values(client) == {}
    _add(client, bulk, '1000')
    assert _update(client, bulk, ' ').status_code == 302
    assert _cart_values(client) == {}


@pytest.mark.parametrize('quantity,message', [
        ('1,00', '"1,00" is not a quantity: write a number such as 1,500.5.'),
        ('abc', '"abc" is not a quantity'),
        ('nan', '"nan" is not a quantity'),
        ('', 'This field is required.'),
        ('0', 'Enter a quantity above zero and at most 1,000,000,000.'),
        ('-5', 'Enter a quantity above zero and at most 1,000,000,000.'),
        ('1,000,000,001', 'at most 1,000,000,000.'),
        ('1e10', 'at most 1,000,000,000.'),
        ])
def test_cart_add_refused_says_why(client, bulk, quantity, message):
    response = _add(client, bulk, quantity)
    assert response.status_code == 400
    page = _text(response)
    assert message in page
    # On the listing's page, with what was typed, to correct it
    assert TITLE in page
    assert re.search(r'name="quantity"[^>]*value="%s"' % re.escape(
            html.escape(quantity)), response.data.decode())
    assert _cart_values(client) == {}


def test_cart_add_long_text_not_echoed_whole(client, bulk):
    response = _add(client, bulk, '9' * 5000)
    assert response.status_code == 400
    assert '"' + '9' * 40 + '…" is not a quantity' in _text(response)


def test_cart_add_ambiguous_in_lao(client, bulk):
    _speak(client, 'lo')
    response = _add(client, bulk, '1.000')
    assert response.status_code == 400
    page = _text(response)
    assert '"1.000" ອາດໝາຍເຖິງ 1 ຫຼື 1000' in page
    assert _cart_values(client) == {}
    # The way the site writes it is unambiguous
    assert _add(client, bulk, '1000').status_code == 302
    assert _cart_values(client) == {bulk: '1000'}


def test_cart_quantity_bounded_in_total(client, bulk):
    assert _add(client, bulk, '1,000,000,000').status_code == 302
    response = _add(client, bulk, '1')
    assert response.status_code == 400
    assert 'at most 1,000,000,000' in _text(response)
    assert _cart_values(client) == {bulk: '1000000000'}


@pytest.mark.parametrize('language,message', [
        ('en', '"12kg" is not a quantity: write a number such as 1,500.5.'),
        ('lo', '"12kg" ບໍ່ແມ່ນຈຳນວນ: ກະລຸນາຂຽນເປັນຕົວເລກ ເຊັ່ນ 1,500.5.'),
        ('zh_CN', '“12kg”不是数量：请填写数字，例如 1,500.5。'),
        ])
def test_cart_update_refused_says_why(client, bulk, language, message):
    _speak(client, language)
    _add(client, bulk, '1000')
    response = _update(client, bulk, '12kg')
    assert response.status_code == 400
    assert message in _text(response)
    assert _cart_values(client) == {bulk: '1000'}


# What the cart says of a line

def test_cart_add_says_what_is_added(client, bulk):
    response = _add(client, bulk, '1,000')
    page = _text(client.get(response.headers['Location']))
    assert f'Added 1,000 kg of {TITLE} to your cart.' in page
    assert 'class="flash error"' not in page
    response = _add(client, bulk, '500')
    page = _text(client.get(response.headers['Location']))
    assert (f'You added 500 kg: the quantity of {TITLE} in your cart is '
        'now 1,500 kg.') in page
    assert 'Added' not in page
    assert _cart_values(client) == {bulk: '1500'}


def test_cart_add_refused_line_not_said_added(client, bulk):
    response = _add(client, bulk, '100,000')
    assert response.status_code == 302
    page = _text(client.get(response.headers['Location']))
    assert 'Added' not in page
    assert 'class="flash error"' in page
    assert (f'{TITLE} is in your cart with 100,000 kg, but cannot be '
        'ordered like this') in page
    assert f'Only 77,000 kg are available of "{TITLE} (' in page
    assert 'href="/checkout"' not in page
    # Below the minimum
    _update(client, bulk, '0')
    response = _add(client, bulk, '500')
    page = _text(client.get(response.headers['Location']))
    assert 'Added' not in page
    assert 'is below the minimum order quantity of 1,000 kg' in page
    assert '500 kg is below' in page


@pytest.mark.parametrize('language,added', [
        ('lo', f'ເພີ່ມ {TITLE} 1,000 kg ໃສ່ກະຕ່າແລ້ວ.'),
        ('zh_CN', f'已将 1,000 kg {TITLE} 加入购物车。'),
        ])
def test_cart_messages_translated(client, bulk, language, added):
    """The cart's messages in the reader's language, its numbers too (the
    test database has no translations of the models' messages)"""
    _speak(client, language)
    response = _add(client, bulk, '1,000')
    assert added in _text(client.get(response.headers['Location']))
    response = _add(client, bulk, '99,000')
    page = _text(client.get(response.headers['Location']))
    assert 'Added' not in page
    assert '77,000 kg' in page


def _orders(tryton, user_id):
    def orders(pool):
        user = pool.get('web.user')(user_id)
        Order = pool.get('lao.marketplace.order')
        return [[(l.listing.id, l.quantity) for l in o.lines]
            for o in Order.search(
                [('buyer', '=', user.party.id if user.party else -1)])]
    return tryton.run(orders)


def _place_order(client):
    """Press Place the order on the checkout page (as a guest, with the
    token of the cart page: the checkout page sends a guest to log in)"""
    return client.post('/checkout', data={
            'csrf_token': csrf_token(client, '/cart'),
            'delivery_method': 'delivery',
            'payment_method': 'bank_transfer'})


def test_checkout_refusal_with_units(client, bulk, buyer, tryton):
    "The model's refusal names the quantities with their unit"
    fill_buyer_profile(client, tryton)
    _add(client, bulk, '80,000')
    response = _place_order(client)
    assert response.status_code == 400
    page = _text(response)
    assert '80,000 kg ordered but only 77,000 kg available' in page
    assert _orders(tryton, buyer[1]) == []


# A guest's cart through log-in and checkout

def _next(location):
    "Where the log-in page at location leads back"
    url = urlsplit(location)
    assert url.path == '/account/login'
    next_, = parse_qs(url.query)['next']
    return next_


def test_guest_cart_kept_at_login(client, bulk, tryton):
    _add(client, bulk, '1,500')
    email, _ = make_web_user(tryton)
    log_in(client, email)
    assert _cart_values(client) == {bulk: '1500'}
    # Logging out empties it, for the next one on this computer
    token = csrf_token(client, '/cart')
    client.post('/account/logout', data={'csrf_token': token})
    assert _cart_values(client) == {}


def test_guest_placing_order_logs_in_and_comes_back(client, ordered, tryton):
    _add(client, ordered, '2,000')
    # The cart leads to the checkout page, which asks a guest to log in
    assert 'href="/checkout"' in _text(client.get('/cart'))
    response = client.get('/checkout')
    assert response.status_code == 302
    assert _next(response.headers['Location']) == '/checkout?'
    # As does placing the order
    response = _place_order(client)
    assert response.status_code == 302
    login = response.headers['Location']
    assert _next(login) == '/checkout?'
    email, user_id = make_web_user(tryton)
    response = client.post(login, data={
            'csrf_token': csrf_token(client, login),
            'email': email, 'password': PASSWORD})
    assert response.status_code == 302
    back = response.headers['Location']
    assert back.startswith('/checkout')
    response = client.get(back)
    assert response.status_code == 200
    page = _text(response)
    # The checkout page: the summary of the vendor's part and the button
    assert '<h1>Checkout</h1>' in page
    summary = page[page.find('class="vendor-part"'):]
    summary = summary[:summary.find('</section>')]
    assert ORDERED in summary and '2,000 kg' in summary
    assert 'Total</th>' in summary
    assert 'Place the order' in page
    assert _cart_values(client) == {ordered: '2000'}

    fill_buyer_profile(client, tryton)
    # A buyer not scored yet has little credit, and is told so; it pays
    # this order on delivery
    page = _text(client.get('/checkout'))
    assert 'on credit: up to ₭1,000,000 owed to each vendor' in page
    assert 'not been scored yet. Above it, pay on delivery.' in page
    # the vendor's part is above it: paying on delivery comes first
    assert re.search(r'<option selected value="cash_on_delivery">', page)
    response = client.post('/checkout', data={
            'csrf_token': csrf_token(client, '/checkout'),
            'delivery_method': 'delivery',
            'payment_method': 'cash_on_delivery'})
    assert response.status_code == 302, _text(response)
    assert response.headers['Location'].startswith('/orders/')
    assert _orders(tryton, user_id) == [[(ordered, 2000)]]


def test_checkout_page_refused_cart(client, bulk, buyer, tryton):
    """The checkout page of a cart with a refused line names the refusal
    and offers no order"""
    fill_buyer_profile(client, tryton)
    _add(client, bulk, '100,000')
    page = _text(client.get('/checkout'))
    assert 'Only 77,000 kg are available' in page
    assert 'Place the order' not in page
    assert 'href="/cart"' in page


def test_checkout_page_needs_login(client, bulk):
    response = client.get('/checkout')
    assert response.status_code == 302
    assert _next(response.headers['Location']) == '/checkout?'


@pytest.mark.parametrize('target', [
        '//evil.example/checkout', '/\\evil.example'])
def test_login_next_only_local(client, bulk, tryton, target):
    email, _ = make_web_user(tryton)
    url = '/account/login?next=' + target
    response = client.post(url, data={
            'csrf_token': csrf_token(client, url),
            'email': email, 'password': PASSWORD})
    assert response.status_code == 302
    assert response.headers['Location'] == '/'
