"""The cross-border face of the web shop (lao_crossborder): a Kunming
importer browses in Chinese with prices in CNY beside LAK and each
listing's export readiness, picks an incoterm and sees the landed cost,
orders, and follows the customs steps and the railway on its order page; a
listing that is not export-ready is refused naming what it lacks."""
import datetime as dt
import html
import re
from decimal import Decimal

import pytest

from .conftest import csrf_token, log_in, make_web_user

COFFEE = "Paksong green arabica for Kunming"
BANANA = "Bokeo Cavendish bananas"
ZH = {'Accept-Language': 'zh-CN,zh;q=0.9'}


@pytest.fixture(scope='module')
def export_listings(database):
    """A coffee listing export-ready for China (HS code, CIFER registration)
    and a banana listing that lacks its orchard and packhouse registrations;
    LAK and CNY rates of yesterday (1 CNY = 3,000 LAK)"""
    from trytond.modules.lao_b2b.tests import (
        category, create_listing, create_product, create_vendor, publish)
    from trytond.modules.lao_crossborder.tests.tools import (
        add_tariff_code, create_registration)

    from .conftest import Tryton

    def build(pool):
        Currency = pool.get('currency.currency')
        Rate = pool.get('currency.currency.rate')
        vendor = create_vendor("Paksong Export Cooperative", 'XB-001')
        yesterday = dt.date.today() - dt.timedelta(days=1)
        for code, rate in [('LAK', Decimal('21300')), ('CNY', Decimal('7.1'))]:
            currency, = Currency.search([('code', '=', code)])
            Rate.create([{
                        'currency': currency.id, 'date': yesterday,
                        'rate': rate}])
        coffee = create_product(
            "Green arabica", vendor, category('coffee_arabica_green'))
        add_tariff_code(coffee, '09011100')
        banana = create_product("Cavendish banana", vendor, category('banana'))
        add_tariff_code(banana, '08039000')
        create_registration(vendor, 'cifer_registration')
        listings = {
            'coffee': create_listing(vendor, product=coffee, title=COFFEE),
            'banana': create_listing(vendor, product=banana, cat='banana',
                title=BANANA, certifications=[]),
            }
        publish(list(listings.values()))
        return {k: l.id for k, l in listings.items()}
    return Tryton(database).run(build, user=1)


def _text(response):
    return html.unescape(response.data.decode()).replace('\xa0', ' ')


def _importer(client, tryton):
    "Log in a new web user with a cross-border buyer profile in China"
    email, user_id = make_web_user(tryton)
    log_in(client, email)

    def cn(pool):
        return pool.get('country.country').search([('code', '=', 'CN')])[0].id
    response = client.post('/account/profile', data={
            'csrf_token': csrf_token(client, '/account/profile'),
            'business_name': "Kunming Yunnong Import", 'buyer_type': 'cross_border',
            'registration_number': '91530100MA6K0001XY', 'city': 'Kunming',
            'country': tryton.run(cn)})
    assert response.status_code == 302
    return user_id


def _add(client, listing_id, quantity):
    response = client.post('/cart/add', data={
            'csrf_token': csrf_token(client, f'/listing/{listing_id}'),
            'listing': listing_id, 'quantity': quantity})
    assert response.status_code == 302, response.data


def _checkout(client, incoterm, location, headers=None):
    page = client.get('/checkout', headers=headers)
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page.data)
    return client.post('/checkout', headers=headers, data={
            'csrf_token': token.group(1).decode(),
            'delivery_method': 'delivery',
            'payment_method': 'cash_on_delivery',
            'incoterm': incoterm, 'incoterm_location': location})


def _incoterm(tryton, code):
    def search(pool):
        Order = pool.get('lao.marketplace.order')
        return next(i.id for i in Order.web_incoterms() if i.code == code)
    return tryton.run(search)


def test_importer_orders_in_chinese(client, tryton, export_listings):
    "CNY beside LAK and readiness, the landed cost, the order, its journey"
    _importer(client, tryton)
    coffee, banana = export_listings['coffee'], export_listings['banana']

    # 42,000 LAK/kg = 42,000 x 7.1 / 21,300 = 14.00 CNY/kg
    page = _text(client.get('/catalogue', headers=ZH))
    assert '14.00' in page and '42,000' in page
    assert "✔ 可出口至" in page
    assert "✗ 暂不可出口至" in page
    page = _text(client.get(f'/listing/{banana}', headers=ZH))
    assert "✗ 暂不可出口至" in page
    assert "Registered banana plantation" in page or "香蕉" in page

    # 200 kg: goods 8,400,000 LAK = 2,800.00 CNY; green coffee with the
    # Form E that China asks: ACFTA 0% duty, VAT 9% = 252.00; 3,052.00
    _add(client, coffee, '200')
    cpt = _incoterm(tryton, 'CPT')
    page = _text(client.get(f'/cart?incoterm={cpt}', headers=ZH))
    assert "到岸成本" in page
    for amount in ['2,800.00', '252.00', '3,052.00']:
        assert amount in page, amount
    assert "9%，税率自" in page
    assert "0%（ACFTA），税率自2024-01-01起" in page
    assert "Under CPT the vendor contracts the main carriage" in page

    response = _checkout(client, cpt, '', headers=ZH)
    assert response.status_code == 400
    assert "CPT" in _text(response)
    response = _checkout(client, cpt, "Kunming South", headers=ZH)
    assert response.status_code == 302, _text(response)
    order_id = int(response.headers['Location'].rsplit('/', 1)[1])

    def ship(pool):
        "The vendor ships; its customs declaration and railway booking"
        Order = pool.get('lao.marketplace.order')
        Sale = pool.get('sale.sale')
        Declaration = pool.get('lao.customs.declaration')
        Booking = pool.get('lao.rail.booking')
        Station = pool.get('lao.rail.station')
        order = Order(order_id)
        assert (order.incoterm.code, order.incoterm_location,
            order.destination.code) == ('CPT', "Kunming South", 'CN')
        sale, = order.sales
        Sale.process([sale])
        declaration, = Declaration.from_shipments(
            Sale(sale.id).shipments, order.destination, order.incoterm)
        for document in declaration.documents:
            document.received, document.number = True, 'DOC-1'
            document.save()
        Declaration.documents_complete([declaration])
        stations = {s.code: s for s in Station.search([])}
        day = dt.datetime.combine(dt.date.today(), dt.time(8))
        booking, = Booking.create([{
                    'company': declaration.company.id,
                    'declaration': declaration.id, 'number': 'CLRU7654321',
                    'stops': [('create', [
                                {'station': stations['VTS'].id,
                                    'planned_departure': day},
                                {'station': stations['BTN'].id,
                                    'planned_arrival': day
                                    + dt.timedelta(hours=6)},
                                ])],
                    }])
        Booking.record_events(
            [(booking.stops[0], 'departure', day + dt.timedelta(hours=1))])
    tryton.run(ship)

    page = _text(client.get(f'/orders/{order_id}', headers=ZH))
    assert "海关与铁路" in page
    assert "CLRU7654321" in page
    assert "(预计)" in page
    assert (day_text := dt.date.today().isoformat()) in page, day_text


def test_not_ready_listing_refused(client, tryton, export_listings):
    "A cross-border order of a listing not export-ready names its lacks"
    _importer(client, tryton)
    banana = export_listings['banana']
    page = _text(client.get(f'/listing/{banana}'))
    assert "Not export-ready for China" in page
    assert "Registered banana plantation: no valid registration" in page

    _add(client, banana, '200')
    response = _checkout(client, _incoterm(tryton, 'FCA'), "Vientiane South")
    assert response.status_code == 400
    page = _text(response)
    assert "The cross-border order cannot be placed" in page
    assert BANANA in page
    assert "Registered banana plantation" in page
    assert "Registered banana packhouse" in page
