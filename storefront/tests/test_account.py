"""The buyer's business profile."""
import pytest

from .conftest import csrf_token, fill_buyer_profile


def _ids(tryton):
    def ids(pool):
        Country = pool.get('country.country')
        Subdivision = pool.get('country.subdivision')
        la, = Country.search([('code', '=', 'LA')])
        cn, = Country.search([('code', '=', 'CN')])
        vt, = Subdivision.search([('code', '=', 'LA-VT')])
        return la.id, cn.id, vt.id
    return tryton.run(ids)


def _party(tryton, user_id):
    def party(pool):
        user = pool.get('web.user')(user_id)
        if not user.party:
            return None
        p = user.party
        a = p.addresses[0]
        return (p.name, p.buyer_registration_number, p.buyer_type, p.phone,
            p.email, a.street, a.city, a.country.code,
            a.subdivision.code if a.subdivision else None,
            p.lang.code if p.lang else None)
    return tryton.run(party)


def test_profile_needs_login(client):
    response = client.get('/account/profile')
    assert response.status_code == 302
    assert response.headers['Location'] == (
        '/account/login?next=/account/profile?')


def test_optional_province_blank(client, tryton, buyer):
    "An optional province offers an empty choice, not the word None"
    fill_buyer_profile(client, tryton)
    for path in ['/account/profile', '/rfq/new']:
        page = client.get(path, headers={'Accept-Language': 'zh-CN'})
        assert page.status_code == 200
        assert b'>None</option>' not in page.data, path
        assert b'value="None"' not in page.data, path


def test_profile_create_and_update(client, tryton, buyer):
    email, user_id = buyer
    la, cn, vt = _ids(tryton)
    token = csrf_token(client, '/account/profile')
    response = client.post('/account/profile', data={
            'csrf_token': token, 'business_name': 'Vientiane Foods',
            'registration_number': '0123456789', 'buyer_type': 'domestic',
            'phone': '+856 21 555 000', 'street': 'Ban Sisangvone',
            'city': 'Saysettha', 'country': la, 'subdivision': vt},
        headers={'Accept-Language': 'lo'})
    assert response.status_code == 302
    assert _party(tryton, user_id) == (
        'Vientiane Foods', '0123456789', 'domestic', '+856 21 555 000',
        email, 'Ban Sisangvone', 'Saysettha', 'LA', 'LA-VT', 'lo')
    page = client.get('/account/profile')
    assert b'Vientiane Foods' in page.data

    response = client.post('/account/profile', data={
            'csrf_token': token, 'business_name': 'Kunming Imports',
            'registration_number': '91530100MA6K', 'buyer_type': 'cross_border',
            'city': 'Kunming', 'country': cn, 'subdivision': ''})
    assert response.status_code == 302
    name, number, scope, _, _, _, city, country, subdivision, _ = _party(
        tryton, user_id)
    assert (name, number, scope, city, country, subdivision) == (
        'Kunming Imports', '91530100MA6K', 'cross_border', 'Kunming', 'CN',
        None)

    def count_parties(pool):
        return pool.get('party.party').search_count(
            [('name', 'in', ['Vientiane Foods', 'Kunming Imports'])])
    assert tryton.run(count_parties) == 1


@pytest.mark.parametrize('field,value', [
        ('business_name', ''),
        ('registration_number', ''),
        ('buyer_type', 'everywhere'),
        ('country', 'abc'),
        ('country', '999999'),
        ('city', ''),
        ('subdivision', '999999'),
        ])
def test_profile_bad_input(client, tryton, buyer, field, value):
    la, _, vt = _ids(tryton)
    data = {
        'csrf_token': csrf_token(client, '/account/profile'),
        'business_name': 'Name', 'registration_number': 'R-1',
        'buyer_type': 'domestic',
        'city': 'City', 'country': la, 'subdivision': vt}
    data[field] = value
    response = client.post('/account/profile', data=data)
    assert response.status_code == 400
    assert b'class="error"' in response.data
    assert _party(tryton, buyer[1]) is None


def test_profile_subdivision_of_other_country(client, tryton, buyer):
    _, cn, vt = _ids(tryton)
    response = client.post('/account/profile', data={
            'csrf_token': csrf_token(client, '/account/profile'),
            'business_name': 'Name', 'registration_number': 'R-1',
            'buyer_type': 'cross_border',
            'city': 'City', 'country': cn, 'subdivision': vt})
    assert response.status_code == 400
    assert _party(tryton, buyer[1]) is None


def test_profile_without_csrf(client, tryton, buyer):
    la, _, _ = _ids(tryton)
    response = client.post('/account/profile', data={
            'business_name': 'Name', 'buyer_type': 'domestic',
            'city': 'City', 'country': la})
    assert response.status_code == 400
    assert _party(tryton, buyer[1]) is None
