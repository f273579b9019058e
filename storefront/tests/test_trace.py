"""The GS1 Digital Link resolver: the page a QR code on a bag opens."""
import html
import json
import os
import re

import jsonschema
import pytest

from storefront.trace import JSON_LD

from .conftest import FARMER, GROWER, PROCESSOR, Tryton, trace_path


def test_trace_page_english(client, chains):
    response = client.get(trace_path(*chains['coffee']),
        headers={'Accept-Language': 'en'})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Roasted coffee, Bolaven arabica" in page
    assert "Paksong" in page and "Champasak" in page
    assert "Processing" in page and "Quality" in page and "Journey" in page
    assert "Recalled" not in page
    # Privacy: no farmer's name, no GPS point, no buyer
    assert FARMER not in page
    assert "15.1817" not in page and "106.2253" not in page
    assert "Cafe Sinouk" not in page


@pytest.mark.parametrize('language, words', [
        ('lo', ["ແຫຼ່ງກຳເນີດ", "ຈຳປາສັກ"]),
        ('zh-CN', ["产地", "占巴塞省"]),
        ])
def test_trace_page_translated(client, chains, language, words):
    response = client.get(trace_path(*chains['coffee']),
        headers={'Accept-Language': language})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for word in words:
        assert word in page


def test_trace_page_recall_notice(client, chains):
    response = client.get(trace_path(*chains['banana']))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page and "Recalled" in page


def _facts(page):
    "The facts of the lot page: {term: definition}"
    return dict(re.findall(r'<dt>(.*?)</dt><dd>(.*?)</dd>', page))


def test_trace_page_producer(client, chains):
    """Each lot names the company that made it: the processor roasted the
    coffee, the grower cut the bananas"""
    for chain, producer in [('coffee', PROCESSOR), ('banana', GROWER)]:
        page = client.get(trace_path(*chains[chain]),
            headers={'Accept-Language': 'en'}).get_data(as_text=True)
        assert _facts(page)['Producer'] == producer


def _journey(page):
    "The lines of the journey of the lot page, as text"
    block = page.split('<ol class="list journey">', 1)[1].split('</ol>')[0]
    return [html.unescape(re.sub(r'<[^>]+>', '', line)).replace(
            '\xa0', ' ').strip()
        for line in re.findall(r'<li>(.*?)</li>', block, re.S)]


def test_trace_page_journey(client, chains):
    """Journey lines go from whom to whom: the farms by their village, the
    companies by name, the buyers by their city, never a warehouse"""
    page = client.get(trace_path(*chains['coffee']),
        headers={'Accept-Language': 'en'}).get_data(as_text=True)
    lines = _journey(page)
    assert len(lines) == 5, lines
    assert lines[0].endswith(
        f"farm in Ban Nong Mek, Laongam → {PROCESSOR}, "
        "1,100 kg of Arabica cherry")
    assert lines[-2].endswith(f"{PROCESSOR} → buyer in Vientiane, 120 kg")
    assert lines[-1].endswith(f"{PROCESSOR} → buyer in Luang Prabang, 60 kg")
    assert "Warehouse" not in page
    banana = client.get(trace_path(*chains['banana']),
        headers={'Accept-Language': 'en'}).get_data(as_text=True)
    assert _journey(banana)[-1].endswith(
        f"{GROWER} → buyer in Kunming, 2,600 kg")
    assert "Kunming Fruit Import" not in banana


@pytest.mark.parametrize('language, buyer, product', [
        ('lo', "ຜູ້ຊື້ຢູ່ Vientiane", "ກາເຟຄົ່ວ ອາຣາບິກາ ພູພຽງບໍລະເວນ"),
        ('zh-CN', "Vientiane的买家", "波罗芬高原阿拉比卡烘焙咖啡豆"),
        ])
def test_trace_page_journey_translated(client, chains, language, buyer,
        product):
    "The journey and the product's name read in the reader's language"
    page = client.get(trace_path(*chains['coffee']),
        headers={'Accept-Language': language}).get_data(as_text=True)
    assert f'<h1>{product}</h1>' in page
    assert any(buyer in line for line in _journey(page))


@pytest.mark.parametrize('accept, json_ld', [
        (None, False),
        ('*/*', False),
        ('text/html', False),
        ('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
            False),
        ('application/ld+json', True),
        ('application/json', True),
        ('application/json;q=0.9, text/html;q=0.8', True),
        ('text/html;q=0.9, application/ld+json;q=0.8', False),
        ('image/png', False),
        ])
def test_trace_content_negotiation(client, chains, accept, json_ld):
    """People get the page, also with */* (QR scanner apps, curl); the
    EPCIS document goes to a client that prefers JSON-LD or JSON"""
    headers = {'Accept-Language': 'en'}
    if accept:
        headers['Accept'] = accept
    response = client.get(trace_path(*chains['coffee']), headers=headers)
    assert response.status_code == 200
    assert 'Accept' in response.headers['Vary']
    if json_ld:
        assert response.mimetype in {
            'application/ld+json', 'application/json'}
        assert json.loads(response.get_data())['type'] == 'EPCISDocument'
    else:
        assert response.mimetype == 'text/html'
        assert '<h1>' in response.get_data(as_text=True)


def test_trace_page_cached(client, chains, tryton):
    """The trace page and the EPCIS document come from the shared cache,
    each under its own key, and a change of what they show leaves the cache
    at the commit of the change"""
    path = trace_path(*chains['coffee'])
    page_headers = {'Accept-Language': 'en'}
    json_headers = {**page_headers, 'Accept': 'application/ld+json'}
    for headers, mimetype in [
            (page_headers, 'text/html'), (json_headers, JSON_LD)]:
        client.get(path, headers=headers)
        response = client.get(path, headers=headers)
        assert response.headers['X-Page-Cache'] == 'hit'
        assert response.mimetype == mimetype
        assert 'Accept' in response.headers['Vary']

    def rename(name):
        def write(pool):
            Lot = pool.get('stock.lot')
            lot, = Lot.search([('number', '=', chains['coffee'][1])])
            lot.product.template.name = name
            lot.product.template.save()
        return write
    tryton.run(rename("Roasted coffee, Bolaven peaberry"), user=1)
    try:
        page = client.get(path, headers=page_headers)
        assert page.headers['X-Page-Cache'] == 'miss'
        assert "Bolaven peaberry" in page.get_data(as_text=True)
    finally:
        tryton.run(rename("Roasted coffee, Bolaven arabica"), user=1)
    assert "Bolaven arabica" in client.get(
        path, headers=page_headers).get_data(as_text=True)


@pytest.fixture(scope='session')
def traced_listing(database):
    """A published listing whose product has seven harvested lots and one
    that never moved, and a listing of the same vendor without lots:
    {'listing', 'plain', 'lots': [(GTIN, number)] newest first}"""
    from trytond.modules.company.tests import set_company
    from trytond.modules.lao_b2b.tests import (
        create_listing, create_vendor, publish)
    from trytond.modules.lao_trace.tests import ChainBuilder

    def build(pool):
        Listing = pool.get('lao.listing')
        Product = pool.get('product.product')
        company = create_vendor("Thateng Coffee Growers", 'TR-001')
        company.gs1_company_prefix = '8850125'
        company.save()
        listing = create_listing(company, title="Thateng green arabica")
        plain = create_listing(
            company, cat='coffee_robusta_green', title="Plain robusta")
        publish([listing, plain])
        with set_company(company):
            Product.assign_gtins([listing.product], company)
            chain = ChainBuilder(
                company, warehouse=Listing.company_warehouse(company))
            _, plot = chain.farm(code='TTG-100')
            lots = [chain.harvest(plot, listing.product, 50)
                for _ in range(7)]
            chain.lot(listing.product, 'NEVER-MOVED')
        return {
            'listing': listing.id, 'plain': plain.id,
            'lots': [(l.gtin, l.number) for l in reversed(lots)],
            }
    return Tryton(database).run(build, user=1)


def test_listing_links_to_its_lots(client, traced_listing):
    "A listing's page links to the trace pages of its newest lots"
    page = client.get(f"/listing/{traced_listing['listing']}",
        headers={'Accept-Language': 'en'}).get_data(as_text=True)
    assert "Where this comes from" in page
    links = re.findall(r'href="(/01/\d+/10/[^"]+)"', page)
    assert links == [trace_path(*l) for l in traced_listing['lots'][:5]]
    assert 'NEVER-MOVED' not in page
    response = client.get(links[0], headers={'Accept-Language': 'en'})
    assert response.status_code == 200
    assert "Thateng Coffee Growers" in response.get_data(as_text=True)


@pytest.mark.parametrize('language, heading', [
        ('lo', "ມາຈາກໃສ"), ('zh-CN', "产品来源")])
def test_listing_lots_translated(client, traced_listing, language, heading):
    page = client.get(f"/listing/{traced_listing['listing']}",
        headers={'Accept-Language': language}).get_data(as_text=True)
    assert heading in page


def test_listing_without_lots(client, traced_listing):
    page = client.get(f"/listing/{traced_listing['plain']}",
        headers={'Accept-Language': 'en'}).get_data(as_text=True)
    assert "Where this comes from" not in page
    assert 'href="/01/' not in page


def test_trace_epcis_json_ld(client, chains):
    "The same URL gives the lot's EPCIS document to a JSON-LD client"
    from trytond.modules import lao_trace
    response = client.get(trace_path(*chains['coffee']),
        headers={'Accept': 'application/ld+json'})
    assert response.status_code == 200
    assert response.content_type == 'application/ld+json'
    document = json.loads(response.get_data())
    schema_path = os.path.join(
        os.path.dirname(lao_trace.__file__), 'tests',
        'EPCIS-JSON-Schema.json')
    with open(schema_path) as fp:
        schema = json.load(fp)
    jsonschema.validate(document, schema)
    events = document['epcisBody']['eventList']
    assert {e['type'] for e in events} >= {
        'ObjectEvent', 'TransformationEvent'}
    assert FARMER not in response.get_data(as_text=True)


@pytest.mark.parametrize('path', [
        '/01/08850123000017/10/NO-SUCH-LOT',
        '/01/not-a-gtin/10/RST-01',
        '/01/088501230000170000/10/RST-01',
        ])
def test_trace_unknown_lot(client, chains, path):
    response = client.get(path, headers={'Accept-Language': 'en'})
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(as_text=True)
