"""The web shop never answers 5xx: every rule of the URL map with odd path
arguments, and random form fields and query strings with and without a
valid CSRF token, as an anonymous visitor, a buyer and a vendor; and
forms that pass (a request for quotation, a board post, the buyer profile,
the cart, a vendor's listing and application) with fields changed.

The walk is bounded and deterministic (hypothesis with derandomize and a
few examples); REQUESTS counts what was sent, shown with `pytest -s`."""
import io
import re
from collections import Counter
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import (
    Tryton, csrf_token, fill_buyer_profile, log_in, make_web_user)
from .test_vendor_listings import _approved_vendor, _create, _listing_id

MAX_ID = 2 ** 63 - 1
ARGUMENT = re.compile(r'<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>')
# Numbers as a form or a path may carry them, beyond what parses cleanly
ODD_NUMBERS = [
    '0', '-1', '1', str(MAX_ID), str(MAX_ID + 1), str(-MAX_ID - 2),
    '9' * 40, '1e400', 'NaN', 'sNaN', 'Infinity', '-Infinity', '1_000',
    '0x10', '+1', ' 1 ', '١٢', '1.5', '-0', '0.' + '0' * 30 + '1',
    ]
# Path arguments of the walk of every rule
WALK_VALUES = ['0', '-1', str(MAX_ID + 1), '9' * 40, '١', 'é ü/..', '%00']
# Names posted or queried besides the fields of the forms
OTHER_NAMES = [
    'listing', 'quantity', 'remove', 'quantity-1', 'next', 'language',
    'token', 'email', 'page', 'q']
SETTINGS = settings(
    max_examples=60, derandomize=True, database=None, deadline=None,
    suppress_health_check=list(HealthCheck))
REQUESTS = Counter()
STATUSES = Counter()


def _rules(app):
    return sorted((r for r in app.url_map.iter_rules()
            if r.endpoint != 'static'), key=lambda r: r.rule)


def _methods(rule):
    return sorted(rule.methods & {'GET', 'POST'})


def _url(rule, values):
    "The path of rule with values (by argument name), each URL-quoted"
    return ARGUMENT.sub(
        lambda m: quote(str(values[m.group(2)]), safe=''), rule.rule)


def _field_names(app):
    "The names of the fields of every form of the storefront"
    from storefront import forms
    names = set(OTHER_NAMES)
    classes = [forms.Form]
    with app.test_request_context():
        while classes:
            cls = classes.pop()
            classes.extend(cls.__subclasses__())
            if cls is forms.Form:
                continue
            form = cls(meta={'csrf': False})
            fields = list(form)
            while fields:
                field = fields.pop()
                if field.type in {'FieldList', 'FormField'}:
                    fields.extend(field)
                else:
                    names.add(field.name)
    return sorted(names - {'csrf_token'})


def _check(response, method, url):
    REQUESTS[method] += 1
    STATUSES[response.status_code] += 1
    assert response.status_code < 500, (method, url, response.status_code)
    return response


class Visitor:
    "A test client of one role, with its CSRF token and the ids it owns"

    def __init__(self, client, ids=()):
        self.client = client
        self.token = csrf_token(client, '/account/reset')
        self.ids = list(ids)


@pytest.fixture(scope='module')
def visitors(app, database, vendors_for_fuzz):
    tryton = Tryton(database)
    anonymous = Visitor(app.test_client())
    buyer_client = app.test_client()
    log_in(buyer_client, make_web_user(tryton)[0])
    fill_buyer_profile(buyer_client, tryton, name="Fuzz Buyer")
    buyer = Visitor(buyer_client)
    email, user_id, company_id = vendors_for_fuzz
    vendor_client = app.test_client()
    log_in(vendor_client, email)
    response = _create(vendor_client, tryton, company_id)
    vendor = Visitor(vendor_client, [company_id, _listing_id(response)])
    return {'anonymous': anonymous, 'buyer': buyer, 'vendor': vendor}


@pytest.fixture(scope='module')
def vendors_for_fuzz(database):
    return _approved_vendor(
        Tryton(database), "Fuzz Coffee Group", 'FUZZ-COFFEE-1')


@pytest.fixture(scope='module', autouse=True)
def report():
    yield
    print(f"\nfuzz: {sum(REQUESTS.values())} requests ({dict(REQUESTS)}), "
        f"statuses {dict(sorted(STATUSES.items()))}")


def test_walk_every_rule(app, visitors, outbox):
    """Every rule, every method, with odd path arguments: no 5xx, and an id
    out of 1..2^63-1 in a path is 404"""
    rules = _rules(app)
    for name in ['anonymous', 'vendor']:
        client = visitors[name].client
        for rule in rules:
            if rule.endpoint == 'auth.logout' and name != 'anonymous':
                continue
            for value in WALK_VALUES:
                url = _url(rule, {a: value for a in rule.arguments})
                for method in _methods(rule):
                    response = _check(client.open(url, method=method,
                            data={'csrf_token': visitors[name].token}),
                        method, url)
                    converters = {c for c, _ in
                        ARGUMENT.findall(rule.rule)}
                    if 'id' in converters and value in {
                            '0', '-1', str(MAX_ID + 1), '9' * 40}:
                        assert response.status_code == 404, url
    print(f"\nfuzz: {len(rules)} rules walked")


def _requests(app, field_names):
    "A strategy of (rule, method, path values, form data, with CSRF token)"
    rules = _rules(app)
    number = st.one_of(
        st.sampled_from(ODD_NUMBERS),
        st.integers(min_value=-2 ** 70, max_value=2 ** 70).map(str))
    value = st.one_of(
        number, st.text(max_size=40), st.dates().map(str), st.just(''))

    @st.composite
    def request(draw, owned):
        rule = draw(st.sampled_from(rules))
        method = draw(st.sampled_from(_methods(rule)))
        path_value = st.one_of(number, st.text(min_size=1, max_size=20))
        if owned:
            path_value = st.one_of(st.sampled_from(owned), path_value)
        path = {a: draw(path_value) for a in rule.arguments}
        data = draw(st.dictionaries(
                st.sampled_from(field_names), value, max_size=8))
        if method == 'POST' and draw(st.booleans()):
            data['file'] = (io.BytesIO(draw(st.binary(max_size=64))),
                draw(st.text(max_size=20)) or 'x.png')
        return rule, method, path, data, draw(st.booleans())
    return request


@pytest.mark.parametrize('role', ['anonymous', 'buyer', 'vendor'])
def test_random_requests(app, visitors, outbox, role):
    "Random query strings and forms on random rules: no 5xx"
    visitor = visitors[role]
    request = _requests(app, _field_names(app))

    @SETTINGS
    @given(request(visitor.ids))
    def send(example):
        rule, method, path, data, with_token = example
        if rule.endpoint == 'auth.logout' and role != 'anonymous':
            return
        url = _url(rule, path)
        if method == 'GET':
            # The form fields go to the query string (a file cannot)
            data.pop('file', None)
            response = visitor.client.get(url, query_string=data)
        else:
            if with_token:
                data['csrf_token'] = visitor.token
            response = visitor.client.post(url, data=data,
                content_type='multipart/form-data')
        _check(response, method, url)
    send()


def _refs(tryton):
    "The ids a valid form of a request or a profile needs"
    def ids(pool):
        ModelData = pool.get('ir.model.data')
        Subdivision = pool.get('country.subdivision')
        Country = pool.get('country.country')
        return {
            'category': ModelData.get_id(
                'lao_b2b', 'category_coffee_arabica_green'),
            'province': Subdivision.search([('code', '=', 'LA-CH')])[0].id,
            'unit': ModelData.get_id('product', 'uom_kilogram'),
            'country': Country.search([('code', '=', 'LA')])[0].id,
            }
    return tryton.run(ids)


def _valid_forms(tryton, visitors):
    """[(role, url, data)]: forms that pass as they are, for their fields to
    be changed one to three at a time"""
    from .test_vendor_listings import _form
    refs = _refs(tryton)
    company_id, listing_id = visitors['vendor'].ids
    expiry = '2099-12-31'
    return [
        ('buyer', '/rfq/new', {
                'title': "Fuzz: chips", 'category': refs['category'],
                'quantity': '20', 'unit': refs['unit'],
                'wanted_date': expiry, 'delivery_province': '',
                'border_point': 'Boten', 'target_price': '2500',
                'expiry_date': expiry, 'description': "Dry."}),
        ('buyer', '/board/post', {
                'title': "Fuzz: roots", 'category': refs['category'],
                'province': refs['province'], 'quantity': '50',
                'unit': refs['unit'], 'price': '1000',
                'expiry_date': expiry, 'contact': '+856 20 7777 0000',
                'description': "Any."}),
        ('buyer', '/account/profile', {
                'business_name': "Fuzz Buyer", 'buyer_type': 'domestic',
                'registration_number': 'FZ-1', 'city': 'Vientiane',
                'country': refs['country'], 'subdivision': '',
                'phone': '', 'street': ''}),
        ('buyer', '/cart/add', {'listing': listing_id, 'quantity': '1'}),
        ('vendor', f'/vendor/listings/{listing_id}/edit',
            _form(tryton, company=str(company_id))),
        ('vendor', '/vendor/apply', {
                'name': "Fuzz Rice", 'vendor_type': 'cooperative',
                'registration_number': 'FUZZ-RICE-1',
                'province': refs['province'], 'district': 'Paksong',
                'phone': '+856 20 5555 0001', 'email': 'fuzz@example.la',
                'commodities': 'Rice'}),
        ]


def test_valid_forms_changed(app, database, visitors, outbox):
    "Forms that pass, with one to three fields changed at random: no 5xx"
    tryton = Tryton(database)
    forms = _valid_forms(tryton, visitors)
    number = st.one_of(
        st.sampled_from(ODD_NUMBERS),
        st.integers(min_value=-2 ** 70, max_value=2 ** 70).map(str))
    value = st.one_of(number, st.text(max_size=300), st.just(''))

    @st.composite
    def changed(draw):
        role, url, data = draw(st.sampled_from(forms))
        names = sorted(data)
        changes = draw(st.dictionaries(
                st.sampled_from(names), value, min_size=1, max_size=3))
        return role, url, {**data, **changes}

    @SETTINGS
    @given(changed())
    def send(example):
        role, url, data = example
        visitor = visitors[role]
        response = visitor.client.post(
            url, data={**data, 'csrf_token': visitor.token})
        _check(response, 'POST', url)
    send()
