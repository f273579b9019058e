"""The shared cache of the anonymous pages: served from the cache, never
older than the data (a suspended vendor, a new price), never across
visitors (log-in, languages, CSRF tokens), with conditional GET."""
import re
from contextlib import contextmanager
from decimal import Decimal

import pytest
from flask import template_rendered

from .conftest import csrf_token, log_in, make_web_user

PNG = b'\x89PNG\r\n\x1a\n' + b'\x00' * 16


@pytest.fixture(scope='module')
def shop(database):
    "A vendor of its own with a published listing, and a listing on stock"
    from trytond.modules.lao_b2b.tests import (
        create_listing, create_vendor, publish)

    from .conftest import Tryton

    def build(pool):
        vendor = create_vendor("Cached Coffee Cooperative", 'SF-CACHE-1')
        listing = create_listing(vendor, title="Cached peaberry",
            photos=[('create', [{'image': PNG}])])
        publish([listing])
        return {'listing': listing.id, 'vendor': vendor.id}
    return Tryton(database).run(build, user=1)


@contextmanager
def renders(app):
    "The names of the templates rendered in the block"
    names = []

    def record(sender, template, context, **extra):
        names.append(template.name)
    template_rendered.connect(record, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(record, app)


def _application(pool, vendor):
    Application = pool.get('lao.vendor.application')
    application, = Application.search([('company', '=', vendor)])
    return application


def test_served_from_cache(app, client, shop):
    "The second visit of a page renders nothing: it comes from the cache"
    url = f"/listing/{shop['listing']}"
    first = client.get(url)
    assert first.status_code == 200
    with renders(app) as names:
        second = app.test_client().get(url)
    assert second.status_code == 200
    assert second.headers['X-Page-Cache'] == 'hit'
    assert names == []
    assert b'Cached peaberry' in second.data


def test_suspended_vendor_never_served(app, client, shop, tryton):
    """Suspended by a reviewer in trytond, the vendor's listing leaves the
    cached catalogue, listing and seller pages at once; reinstated, it is
    back"""
    listing, vendor = shop['listing'], shop['vendor']
    urls = ['/', '/catalogue', '/catalogue?q=peaberry',
        f'/listing/{listing}', f'/seller/{vendor}']
    for url in urls:
        client.get(url)
        response = client.get(url)
        assert response.headers['X-Page-Cache'] == 'hit', url
        assert b'Cached peaberry' in response.data, url

    def suspend(pool):
        Application = pool.get('lao.vendor.application')
        Application.suspend([_application(pool, vendor)], "Unpaid fees")
    tryton.run(suspend, user=1)
    try:
        for url in urls:
            response = client.get(url)
            assert b'Cached peaberry' not in response.data, url
        assert client.get(f'/listing/{listing}').status_code == 404
        assert client.get(f'/seller/{vendor}').status_code == 404
    finally:
        def reinstate(pool):
            Application = pool.get('lao.vendor.application')
            Application.reinstate([_application(pool, vendor)])
        tryton.run(reinstate, user=1)
    assert b'Cached peaberry' in client.get(f'/listing/{listing}').data


def test_sanction_suspends_through_cache(app, client, shop, tryton):
    "A suspension sanction approved in lao_credit empties the cached page"
    from trytond.modules.lao_b2b.tests import (
        create_listing, create_vendor, publish)

    def build(pool):
        vendor = create_vendor("Sanctioned Tea Group", 'SF-CACHE-2')
        listing = create_listing(vendor, title="Sanctioned oolong")
        publish([listing])
        return vendor.id
    vendor = tryton.run(build, user=1)
    client.get('/catalogue?q=oolong')
    assert b'Sanctioned oolong' in client.get('/catalogue?q=oolong').data

    def sanction(pool):
        from trytond.transaction import Transaction
        Company = pool.get('company.company')
        Sanction = pool.get('lao.credit.sanction')
        sanction, = Sanction.create([{
                    'party': Company(vendor).party.id,
                    'kind': 'suspension',
                    'reason': "Repeated late shipments",
                    }])
        with Transaction().set_user(0):
            Sanction.submit([sanction])
        Sanction.approve([sanction])
    tryton.run(sanction, user=1)
    assert b'Sanctioned oolong' not in client.get('/catalogue?q=oolong').data


def test_price_change_shows_at_once(app, client, shop, tryton):
    "A new price published through a reviewed revision replaces the cached"
    url = f"/listing/{shop['listing']}"
    client.get(url)
    assert b'42,000' in client.get(url).data
    client.get('/catalogue?q=peaberry')

    def revise(pool, price):
        from trytond.modules.lao_b2b.tests import publish
        Listing = pool.get('lao.listing')
        Tier = pool.get('lao.listing.price_tier')
        revision, = Listing.create_revisions([Listing(shop['listing'])])
        Tier.write([t for t in revision.price_tiers if t.quantity == 0],
            {'unit_price': price})
        publish([revision])
    tryton.run(lambda pool: revise(pool, Decimal('44500')), user=1)
    try:
        assert b'44,500' in client.get(url).data
        assert b'42,000' not in client.get(url).data
        assert b'44,500' in client.get('/catalogue?q=peaberry').data
    finally:
        tryton.run(lambda pool: revise(pool, Decimal('42000')), user=1)


def test_stock_change_shows_at_once(app, client, shop, tryton):
    "What a listing offers changes on its page as soon as it changes"
    url = f"/listing/{shop['listing']}"
    client.get(url)
    assert b'5,000' in client.get(url).data

    def declare(quantity):
        def write(pool):
            Listing = pool.get('lao.listing')
            Listing.write([Listing(shop['listing'])],
                {'declared_quantity': quantity})
        tryton.run(write, user=1)
    declare(4321)
    try:
        assert b'4,321' in client.get(url).data
    finally:
        declare(5000)


def test_logged_in_never_shares(app, client, shop, tryton):
    """A logged-in buyer never gets the anonymous page from the cache, nor
    an anonymous visitor the buyer's page"""
    anonymous = app.test_client()
    anonymous.get('/catalogue')
    assert anonymous.get('/catalogue').headers['X-Page-Cache'] == 'hit'
    email, _ = make_web_user(tryton)
    log_in(client, email)
    with renders(app) as names:
        response = client.get('/catalogue')
    assert 'catalog/catalogue.html' in names
    assert 'X-Page-Cache' not in response.headers
    assert b'Log out' in response.data
    assert response.headers['Cache-Control'] == 'private, no-store'
    response = anonymous.get('/catalogue')
    assert response.headers['X-Page-Cache'] == 'hit'
    assert b'Log out' not in response.data
    assert 'Cookie' in response.headers['Vary']


def test_cart_and_flash_not_shared(app, client, shop):
    "A visitor with a cart sees its own count, never a cached page"
    url = f"/listing/{shop['listing']}"
    app.test_client().get(url)
    client.post('/cart/add', data={
            'csrf_token': csrf_token(client, url),
            'listing': shop['listing'], 'quantity': '100'})
    response = client.get(url)
    assert 'X-Page-Cache' not in response.headers
    assert b'Cart (1)' in response.data
    assert response.headers['Cache-Control'] == 'private, no-store'


def test_csrf_token_per_visitor(app, shop):
    """Each visitor of a cached page gets its own CSRF token, which its
    form accepts"""
    url = f"/listing/{shop['listing']}"
    one, two = app.test_client(), app.test_client()
    tokens = []
    for visitor in [one, two]:
        response = visitor.get(url)
        token, = set(re.findall(
                rb'name="csrf_token" value="([^"]+)"', response.data))
        tokens.append(token.decode())
    assert tokens[0] != tokens[1]
    response = two.post('/cart/add', data={
            'csrf_token': tokens[0], 'listing': shop['listing'],
            'quantity': '100'})
    assert response.status_code == 400
    response = two.post('/cart/add', data={
            'csrf_token': tokens[1], 'listing': shop['listing'],
            'quantity': '100'})
    assert response.status_code == 302


def test_conditional_get(app, client, shop, tryton):
    "An unchanged page is answered 304; a changed one in full"
    url = f"/seller/{shop['vendor']}"
    response = client.get(url)
    etag = response.headers['ETag']
    assert response.headers['Cache-Control'] == 'private, no-cache'
    response = client.get(url, headers={'If-None-Match': etag})
    assert response.status_code == 304
    assert response.data == b''
    assert response.headers['ETag'] == etag
    # Another visitor's copy holds another token
    other = app.test_client()
    other.get(url)
    assert other.get(url, headers={
            'If-None-Match': etag}).status_code == 200

    def rename(name):
        def write(pool):
            Company = pool.get('company.company')
            party = Company(shop['vendor']).party
            party.name = name
            party.save()
        tryton.run(write, user=1)
    rename("Cached Coffee Cooperative of Paksong")
    try:
        response = client.get(url, headers={'If-None-Match': etag})
        assert response.status_code == 200
        assert b'Cached Coffee Cooperative of Paksong' in response.data
    finally:
        rename("Cached Coffee Cooperative")


def test_languages_are_entries(app, shop):
    "Each language has its own entry, by the switch or the browser's choice"
    client = app.test_client()
    pages = {}
    for language in ['lo', 'zh-CN', 'en']:
        headers = {'Accept-Language': language}
        client.get('/catalogue', headers=headers)
        response = client.get('/catalogue', headers=headers)
        assert response.headers['X-Page-Cache'] == 'hit'
        pages[language] = response.data
    assert b'<html lang="lo">' in pages['lo']
    assert b'<html lang="zh-CN">' in pages['zh-CN']
    assert b'<html lang="en">' in pages['en']
    client.post('/language', data={
            'csrf_token': csrf_token(client, '/'), 'language': 'zh_CN'})
    response = client.get('/catalogue', headers={'Accept-Language': 'lo'})
    assert b'<html lang="zh-CN">' in response.data


def test_query_normalised(app, shop):
    "The same filters in another order are the same entry"
    client = app.test_client()
    client.get('/catalogue?q=peaberry&sort=price')
    response = client.get('/catalogue?sort=price&q=peaberry')
    assert response.headers['X-Page-Cache'] == 'hit'


def test_errors_not_kept(app, client, shop):
    "A refused filter or a missing page is never kept"
    for url in ['/catalogue?price_min=-5', '/listing/999999999']:
        client.get(url)
        response = client.get(url)
        assert response.status_code in {400, 404}
        assert response.headers.get('X-Page-Cache') != 'hit'


def test_versions_bumped(tryton, shop):
    """A published listing bumps the catalogue and what is available (and
    the trace pages, as its terms are written onto its product, which they
    show), its declared quantity only what is available; a vendor's draft
    bumps nothing the catalogue shows"""
    from trytond.modules.lao_b2b.tests import create_listing

    def versions(pool):
        return pool.get('lao.catalogue.version').versions()

    def write(values):
        def write(pool):
            Listing = pool.get('lao.listing')
            Listing.write([Listing(shop['listing'])], values)
        before = tryton.run(versions)
        tryton.run(write, user=1)
        after = tryton.run(versions)
        return {a for a in after if after[a] != before[a]}
    assert write({'description': "Peaberry, hand sorted."}) == {
        'catalogue', 'stock', 'trace'}
    assert write({'declared_quantity': 4999}) == {'stock'}
    write({'declared_quantity': 5000})

    def draft(pool):
        Company = pool.get('company.company')
        return create_listing(Company(shop['vendor']), title="A draft").id
    draft = tryton.run(draft, user=1)

    def edit(pool):
        Listing = pool.get('lao.listing')
        Listing.write([Listing(draft)], {
                'grade': "G2", 'title': "A draft of peaberry"})
    before = tryton.run(versions)
    tryton.run(edit, user=1)
    after = tryton.run(versions)
    # but the trace pages, which show the names of products, whatever their
    # listings' states
    assert {a for a in after if after[a] != before[a]} == {'trace'}


def test_versions_compacted(tryton):
    """A transaction bumps an area once; folding the bumps into the first
    row of each area (the cron task) leaves every version as it was, then
    bumps count on from it"""
    def versions(pool):
        return pool.get('lao.catalogue.version').versions()

    def bump(pool):
        Version = pool.get('lao.catalogue.version')
        Version.bump(['catalogue', 'stock'])
        Version.bump(['stock'])

    def count(versions, area):
        return int(versions[area].rsplit('/', 1)[1])
    start = tryton.run(versions)
    for _ in range(3):
        tryton.run(bump)
    before = tryton.run(versions)
    # once per transaction, however many changes it made
    for area in ['catalogue', 'stock']:
        assert count(before, area) == count(start, area) + 3

    def compact(pool):
        Version = pool.get('lao.catalogue.version')
        Version.compact()
        return Version.search_count([])
    rows = tryton.run(compact)
    assert tryton.run(versions) == before
    assert rows == len(before)
    tryton.run(bump)
    after = tryton.run(versions)
    assert after['board'] == before['board']
    for area in ['catalogue', 'stock']:
        assert after[area] != before[area]


def test_concurrent_bumps_commit(database):
    """Two transactions that bump the same areas both commit, the second
    before the first, without waiting on each other: a checkout's bumps
    never make another checkout fail (PostgreSQL's repeatable read; SQLite
    has one writer at a time)"""
    from trytond import backend
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    if backend.name != 'postgresql':
        pytest.skip("SQLite has one writer at a time")

    def total():
        with Transaction().start(database, 0, readonly=True):
            return Pool().get('lao.catalogue.version').versions()
    before = total()
    with Transaction().start(database, 0) as first:
        Version = Pool().get('lao.catalogue.version')
        Version.bump(['catalogue', 'stock'])
        with Transaction().new_transaction() as second:
            # with a lock timeout, waiting on the first fails at once
            second.connection.cursor().execute(
                "SET LOCAL lock_timeout = '1s'")
            Version.bump(['stock', 'catalogue'])
            second.commit()
        first.commit()
    after = total()
    for area in ['catalogue', 'stock']:
        count = int(after[area].rsplit('/', 1)[1])
        assert count == int(before[area].rsplit('/', 1)[1]) + 2


def test_backend_failure_renders(app, shop, monkeypatch):
    "A cache backend that fails (Redis away) leaves the pages rendered"
    from storefront.cache import cache

    def fail(*args, **kwargs):
        raise ConnectionError("no Redis")
    monkeypatch.setattr(cache, 'get', fail)
    monkeypatch.setattr(cache, 'set', fail)
    client = app.test_client()
    for _ in range(2):
        response = client.get('/catalogue?q=peaberry')
        assert response.status_code == 200
        assert response.headers['X-Page-Cache'] == 'miss'
        assert b'Cached peaberry' in response.data
