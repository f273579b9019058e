"""Credit on the storefront: grade badges and their factors on vendor and
listing pages, the catalogue filtered by the vendor's grade, the score over
time, the vendor's protected amount and the checkout's refusal above it,
and the buyer's own profile with its limit and exposure."""
import html
import re

import pytest

from .conftest import csrf_token, fill_buyer_profile, log_in, make_web_user

PNG = b'\x89PNG\r\n\x1a\n' + b'\0' * 32


@pytest.fixture(scope='module')
def vendors(database):
    """A verified coffee cooperative (BB, too little history, protected up
    to 50,000,000 kip) and one with two warnings in force (B), each with a
    published listing; only their profiles are computed, so the other
    tests' buyers keep no credit limit"""
    from trytond.modules.lao_b2b.tests import (
        create_listing, create_vendor, publish)
    from trytond.transaction import Transaction

    from .conftest import Tryton

    def build(pool):
        Profile = pool.get('lao.credit.profile')
        Sanction = pool.get('lao.credit.sanction')
        good = create_vendor("Bolaven Credit Coffee", 'CR-001')
        warned = create_vendor("Thateng Warned Coffee", 'CR-002')
        listings = {}
        for key, company in [('good', good), ('warned', warned)]:
            listings[key] = create_listing(company,
                title=f"Credit story arabica {key}",
                declared_quantity=5000, minimum_quantity=100,
                quantity_multiple=None, photos=[('create', [{'image': PNG}])])
        publish(list(listings.values()))
        Profile.recompute([good.party.id, warned.party.id])
        sanctions = Sanction.create([{
                    'party': warned.party.id, 'kind': 'warning',
                    'reason': "Sold wet beans as dry"} for _ in range(2)])
        with Transaction().set_user(0):
            Sanction.submit(sanctions)
        Sanction.approve(sanctions)
        Profile.recompute([warned.party.id])
        return {
            'good': (good.id, listings['good'].id),
            'warned': (warned.id, listings['warned'].id),
            }
    return Tryton(database).run(build, user=1)


def _text(response):
    return html.unescape(response.data.decode()).replace('\xa0', ' ')


def _checkout(client, payment_method):
    return client.post('/checkout', data={
            'csrf_token': csrf_token(client, '/cart'),
            'delivery_method': 'delivery',
            'payment_method': payment_method})


def test_credit_story(client, tryton, vendors):
    "What buyers see of the vendors' credit, and of their own"
    good_company, good_listing = vendors['good']
    warned_company, warned_listing = vendors['warned']

    # The seller page: badge, the points of each factor, the protected
    # amount and why; the warned vendor's score over time as inline SVG
    page = _text(client.get(f'/seller/{good_company}'))
    assert 'Credit BB' in page
    assert re.search(r'Government Verification</span> <b class="plus">\+80',
        page)
    assert 'Orders protected up to ₭50,000,000' in page
    assert 'too little history' in page
    assert '<svg' not in page  # one snapshot: no line to draw yet
    page = _text(client.get(f'/seller/{warned_company}'))
    assert 'Credit B' in page and 'Warnings' in page and '-100' in page
    assert re.search(r'<svg[^>]*role="img"', page)
    assert page.count('<circle') == 2
    # the evidence is the party's own, not public
    assert 'Sold wet beans' not in page

    # The listing page and the catalogue's cards have the badge
    page = _text(client.get(f'/listing/{good_listing}'))
    assert 'Credit BB' in page and 'Why this credit grade' in page
    assert 'Too little history: 0 events' not in page
    page = _text(client.get('/catalogue?q=Credit+story'))
    assert 'Credit BB' in page and 'Credit B<' in page.replace(' · new', '')
    assert 'Credit story arabica good' in page
    assert 'Credit story arabica warned' in page

    # Filtered by the vendor's grade: BB or better keeps the good one only
    page = _text(client.get('/catalogue?q=Credit+story&min_grade=BB'))
    assert 'Credit story arabica good' in page
    assert 'Credit story arabica warned' not in page
    assert 'Listings found: 1' in page
    page = _text(client.get('/catalogue?q=Credit+story&min_grade=B'))
    assert 'Listings found: 2' in page
    assert client.get('/catalogue?min_grade=ZZZ').status_code == 400

    # A buyer: its own profile in its account, once computed
    email, user_id = make_web_user(tryton)
    log_in(client, email)
    fill_buyer_profile(client, tryton, name="Credit Story Roasters")
    page = _text(client.get('/account/credit'))
    assert 'not computed yet' in page

    def compute(pool):
        party = pool.get('web.user')(user_id).party
        pool.get('lao.credit.profile').recompute([party.id])
    tryton.run(compute)
    page = _text(client.get('/account/credit'))
    assert 'Score 500 of 1000' in page
    assert 'Too little history: 0 events of the 5 needed' in page
    assert 'up to ₭1,000,000 on deferred payment' in page
    assert 'You owe no vendor anything.' in page

    # Above the vendor's protected amount, checkout refuses and says why
    client.post('/cart/add', data={
            'csrf_token': csrf_token(client, f'/listing/{good_listing}'),
            'listing': good_listing, 'quantity': '1,500'})
    # The checkout says how much it may owe by bank transfer, and why
    page = _text(client.get('/checkout'))
    assert ('By bank transfer you pay later, on credit: up to ₭1,000,000 '
        'owed to each vendor. The amount is the one of parties with too '
        'little history yet') in page
    response = _checkout(client, 'cash_on_delivery')
    assert response.status_code == 400
    page = _text(response)
    assert 'is above the ₭50,000,000 that the platform guarantees' in page
    assert 'too little history' in page

    # On 14 days' credit, 500 kg is above the buyer's limit: refused with
    # the limit, the exposure and why
    client.post('/cart/update', data={
            'csrf_token': csrf_token(client, '/cart'),
            f'quantity-{good_listing}': '500'})
    response = _checkout(client, 'bank_transfer')
    assert response.status_code == 400, _text(response)
    page = _text(response)
    assert 'Credit limit of "Credit Story Roasters" reached: ₭1,000,000' in page
    assert 'would be ₭21,000,000' in page

    # Paid on delivery it is no credit: the order is placed, and the
    # buyer's exposure to the vendor shows in its profile
    response = _checkout(client, 'cash_on_delivery')
    assert response.status_code == 302, _text(response)
    page = _text(client.get('/account/credit'))
    assert 'Bolaven Credit Coffee' in page and '₭21,000,000' in page
