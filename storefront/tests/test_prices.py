"""The price board, the price API with its OpenAPI description, the wall
screen and its JSON endpoints."""
import datetime as dt
import re

import pytest


@pytest.fixture(scope='session')
def prices(database):
    "A year of monthly rice and cassava prices in two provinces"
    from trytond.modules.lao_prices.tests import PriceBuilder
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from .conftest import Tryton

    def build(pool):
        Observation = pool.get('lao.price.observation')
        Aggregate = pool.get('lao.price.aggregate')
        builder = PriceBuilder()
        today = pool.get('ir.date').today()
        vlist = []
        for months in range(14):
            day = today - dt.timedelta(days=30 * months)
            for province, level in [('LA-VT', 1.0), ('LA-LP', 1.1)]:
                vlist.append(builder.values(
                        'RICE-GLU', province, day, round(12000 * level)
                        - 50 * months))
                vlist.append(builder.values(
                        'CASS', province, day, 1500 + 10 * months))
        Observation.create(vlist)
        Aggregate.rebuild()
    Tryton(database).run(build)


def test_prices_api(client, prices):
    "Monthly prices of a commodity in a province and nationally"
    response = client.get(
        '/api/v1/prices?commodity=RICE-GLU&province=LA-VT,national'
        '&period=month')
    assert response.status_code == 200
    data = response.get_json()
    assert data['currency'] == 'LAK'
    rows = data['prices']
    assert rows and {r['commodity'] for r in rows} == {'RICE-GLU'}
    assert {r['province'] for r in rows} == {'LA-VT', 'national'}
    assert all(r['minimum'] <= r['median'] <= r['maximum'] for r in rows)
    latest = max(rows, key=lambda r: (r['province'] == 'LA-VT', r['date']))
    assert latest['median'] == 12000


@pytest.mark.parametrize('query', [
        'period=year',
        'from=2026-13-01',
        'from=yesterday',
        'commodity=CAVIAR',
        'province=LA-XX',
        'price_type=black_market',
        'from=2026-02-01&to=2026-01-01',
        ])
def test_prices_api_bad_parameters(client, prices, query):
    "A bad parameter answers 400 with a JSON message"
    response = client.get('/api/v1/prices?' + query)
    assert response.status_code == 400
    data = response.get_json()
    assert data['status'] == 'error' and data['message']


def test_price_index_api(client, prices):
    "The national index over its basket, month by month"
    response = client.get('/api/v1/price-index')
    assert response.status_code == 200
    data = response.get_json()
    assert data['index'] == 'LAO-FPI'
    assert {b['commodity'] for b in data['basket']} >= {'RICE-GLU', 'CASS'}
    bad = client.get('/api/v1/price-index?index=NOPE')
    assert bad.status_code == 400 and bad.get_json()['message']
    assert client.get('/api/v1/price-index?to=never').status_code == 400


def test_openapi(client):
    "The OpenAPI description names both endpoints and their parameters"
    data = client.get('/api/v1/openapi.json').get_json()
    assert data['openapi'].startswith('3.')
    assert {'/prices', '/price-index'} <= set(data['paths'])
    names = {p['name'] for p in data['paths']['/prices']['get']['parameters']}
    assert names == {
        'commodity', 'province', 'from', 'to', 'period', 'price_type'}
    missing = client.get('/api/v1/nothing')
    assert missing.status_code == 404 and missing.get_json()['message']


@pytest.mark.parametrize('language, title', [
        ('en', 'Market prices'),
        ('lo', 'ລາຄາຕະຫຼາດ'),
        ('zh_CN', '市场价格'),
        ])
def test_price_board_languages(client, prices, language, title):
    "The board in the three languages, with its rows and trend lines"
    response = client.get('/prices/', headers={'Accept-Language': language})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert title in html
    assert '<polyline' in html
    assert '12,000' in html


def test_price_board_filters(client, prices):
    "Filtering by province keeps that province's rows"
    page = client.get('/prices/').get_data(as_text=True)
    province = re.search(
        r'<option value="(\d+)">Luang Prabang</option>', page).group(1)
    filtered = client.get('/prices/?period=month&province=' + province)
    html = filtered.get_data(as_text=True)
    assert 'Luang Prabang' in html and 'Vientiane Capital</td>' not in html
    assert client.get('/prices/?period=decade').status_code == 200


def test_wall_screen(client, prices):
    "The wall screen: no inline script, ECharts served locally, JSON panels"
    response = client.get('/ops/')
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    scripts = re.findall(r'<script([^>]*)>(.*?)</script>', html, re.S)
    assert scripts and all('src=' in a and not body.strip()
        for a, body in scripts)
    assert 'cdn' not in html.lower()
    assert client.get('/ops/echarts.min.js').status_code == 200
    for name in ['map', 'trends', 'feed', 'orders', 'warnings']:
        data = client.get('/ops/data/' + name)
        assert data.status_code == 200, name
        assert data.is_json
    trends = client.get('/ops/data/trends').get_json()
    assert {s['commodity'] for s in trends['series']} >= {'RICE-GLU', 'CASS'}
    geo = client.get('/static/geo/laos-provinces.geojson')
    assert geo.status_code == 200
    assert client.get('/ops/data/map?commodity=NOPE').status_code == 400


def test_fair_price_range(client, prices, tryton):
    "The market range of a category in a province, else in the country"
    def categories(pool):
        Commodity = pool.get('lao.price.commodity')
        Subdivision = pool.get('country.subdivision')
        rice, = Commodity.search([('code', '=', 'RICE-GLU')])
        tea, = Commodity.search([('code', '=', 'TEA')])
        vt, = Subdivision.search([('code', '=', 'LA-VT')])
        ch, = Subdivision.search([('code', '=', 'LA-CH')])
        return rice.category.id, tea.category.id, vt.id, ch.id
    rice, tea, vientiane, champasak = tryton.run(categories)
    hint = client.get('/api/v1/price-range?category=%s&province=%s' % (
            rice, vientiane)).get_json()['range']
    assert hint['minimum'] <= hint['median'] <= hint['maximum']
    assert not hint['national']
    national = client.get('/api/v1/price-range?category=%s&province=%s' % (
            rice, champasak)).get_json()['range']
    assert national['national']
    assert client.get('/api/v1/price-range?category=%s' % tea).get_json() == {
        'range': None}
    assert client.get('/api/v1/price-range?category=rice').status_code == 400
