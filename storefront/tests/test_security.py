"""Security of every response and request of the web shop: headers,
cookies, ids bounded to 1..2^63-1 (404 in a path, 400 in a form), no NUL."""
import os
import re

import pytest

from storefront import create_app

from .conftest import csrf_token, log_in, make_web_user
from .test_vendor_listings import _approved_vendor, _create, _form, _listing_id

MAX_ID = 2 ** 63 - 1
TEMPLATES = os.path.join(
    os.path.dirname(os.path.dirname(__file__)), 'templates')


@pytest.mark.parametrize('path', [
        '/', '/catalogue', '/account/login', '/listing/1', '/healthz',
        '/static/style.css', '/01/123/10/x', '/nowhere'])
def test_security_headers(client, path):
    response = client.get(path)
    csp = response.headers['Content-Security-Policy']
    directives = dict(
        d.strip().split(' ', 1) for d in csp.split(';') if d.strip())
    assert directives['script-src'] == "'self'"
    assert directives['frame-ancestors'] == "'none'"
    assert 'unsafe-inline' not in csp and 'unsafe-eval' not in csp
    assert response.headers['X-Frame-Options'] == 'DENY'
    assert response.headers['X-Content-Type-Options'] == 'nosniff'
    assert response.headers['Referrer-Policy'] in {
        'strict-origin-when-cross-origin', 'same-origin', 'no-referrer'}


def test_no_inline_script_in_templates():
    "What the CSP refuses: inline scripts, handlers and javascript: links"
    for folder, _, files in os.walk(TEMPLATES):
        for name in files:
            with open(os.path.join(folder, name)) as file:
                text = file.read()
            assert not re.search(r'<script(?![^>]*\bsrc=)', text), name
            assert not re.search(r'\son[a-z]+\s*=', text, re.I), name
            assert 'javascript:' not in text.lower(), name


def _session_cookie(client, path='/account/login'):
    response = client.get(path)
    cookies = [c for c in response.headers.getlist('Set-Cookie')
        if c.startswith('session=')]
    assert cookies, response.headers
    return cookies[0].lower()


def test_session_cookie_httponly_lax(client):
    cookie = _session_cookie(client)
    assert '; httponly' in cookie
    assert '; samesite=lax' in cookie
    assert '; secure' not in cookie


@pytest.mark.parametrize('config', [
        {'STOREFRONT_URL': 'https://shop.example'},
        {'PREFERRED_URL_SCHEME': 'https'},
        {'SESSION_COOKIE_SECURE': True},
        ])
def test_session_cookie_secure_over_https(database, config):
    app = create_app({
            'TESTING': True, 'TRYTON_DATABASE': database,
            'SECRET_KEY': 'x', **config})
    cookie = _session_cookie(app.test_client())
    assert '; secure' in cookie and '; httponly' in cookie


def test_session_cookie_secure_off_by_setting(database):
    app = create_app({
            'TESTING': True, 'TRYTON_DATABASE': database, 'SECRET_KEY': 'x',
            'STOREFRONT_URL': 'https://shop.example',
            'SESSION_COOKIE_SECURE': False})
    assert '; secure' not in _session_cookie(app.test_client())


@pytest.mark.parametrize('path', [
        f'/listing/{MAX_ID + 1}', '/listing/0', '/listing/-1',
        '/listing/' + '9' * 40, '/listing/١', f'/listing/1/photo/{MAX_ID + 1}',
        f'/seller/{MAX_ID + 1}', f'/orders/{MAX_ID + 1}',
        f'/rfq/{MAX_ID + 1}', f'/vendor/listings/{MAX_ID + 1}',
        f'/vendor/application/{MAX_ID + 1}',
        ])
def test_path_id_out_of_range_404(client, path):
    assert client.get(path).status_code == 404


def test_path_id_in_range_404(client):
    "The largest id is parsed, and names no record"
    assert client.get(f'/listing/{MAX_ID}').status_code == 404
    assert client.get(f'/seller/{MAX_ID}').status_code == 404


@pytest.mark.parametrize('listing', [
        str(-MAX_ID - 2), str(MAX_ID + 1), '0', '١', '1_0', ' '])
def test_form_id_out_of_range_400(client, listing):
    token = csrf_token(client, '/account/login')
    response = client.post('/cart/add', data={
            'csrf_token': token, 'listing': listing, 'quantity': '1'})
    assert response.status_code == 400


@pytest.mark.parametrize('query', [
        f'category={MAX_ID + 1}', 'province=-1', 'price_min=NaN',
        'price_max=Infinity', 'quantity=1e400', 'page=' + '9' * 5000,
        'q=%00', 'sort=%00'])
def test_catalogue_odd_query_400(client, query):
    assert client.get('/catalogue?' + query).status_code == 400


def test_nul_refused(client):
    token = csrf_token(client, '/account/login')
    response = client.post('/account/login', data={
            'csrf_token': token, 'email': 'a\x00@example.com',
            'password': 'x'})
    assert response.status_code == 400
    assert client.get('/01/123/10/a%00b').status_code in {400, 404}


@pytest.fixture(scope='module')
def fuzz_vendor(database):
    from .conftest import Tryton
    return _approved_vendor(
        Tryton(database), "Bounded Ids Coffee", 'BOUNDED-IDS-1')


@pytest.mark.parametrize('field,value', [
        ('lead_time_days', '9' * 30),
        ('lead_time_days', str(MAX_ID + 1)),
        ('category', str(MAX_ID + 1)),
        ('unit', '-1'),
        ('origin_province', '9' * 30),
        ('minimum_quantity', 'NaN'),
        ('minimum_quantity', '1e400'),
        ('tiers-0-unit_price', 'Infinity'),
        ('declared_quantity', '-Infinity'),
        ])
def test_listing_form_odd_values_400(client, tryton, fuzz_vendor, field,
        value):
    email, user_id, company_id = fuzz_vendor
    log_in(client, email)
    listing_id = _listing_id(_create(client, tryton, company_id))
    data = _form(tryton, company=str(company_id), **{field: value})
    data['csrf_token'] = csrf_token(client, '/vendor/listings/new')
    response = client.post(
        f'/vendor/listings/{listing_id}/edit', data=data)
    assert response.status_code == 400, response.data[:300]


def test_signup_same_answer_known_or_not(client, tryton, outbox):
    "See test_auth.test_signup_existing_email: the status does not differ"
    email, _ = make_web_user(tryton)
    token = csrf_token(client, '/account/signup')
    statuses = {client.post('/account/signup', data={
                'csrf_token': token, 'email': e, 'password': 'x' * 12,
                'confirm': 'x' * 12}).status_code
        for e in [email, 'unknown-' + email]}
    assert statuses == {200}
