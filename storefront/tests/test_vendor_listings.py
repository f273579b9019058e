"""The approved vendor's portal: listings created, changed, photographed,
submitted and archived on the web through the model's own workflow, the
open requests for quotation and the incoming orders."""
import io
import re
from decimal import Decimal

import pytest
from trytond.modules.lao_b2b.tests.files import (
    jpeg, pdf, png, png_declaring)

from .conftest import Tryton, csrf_token, log_in, make_web_user

# Real files: uploads are decoded before they are accepted (a PNG is
# stored re-encoded, which gives the same bytes for one Pillow wrote)
PNG = png()
JPEG = jpeg()
PDF = pdf()


def _approved_vendor(tryton, name, registration_number):
    """A web user whose vendor application is approved: (e-mail, web user
    id, company id)"""
    email, user_id = make_web_user(tryton)

    def approve(pool):
        from trytond.modules.lao_b2b.tests import (
            lao_province)
        from trytond.transaction import Transaction
        Application = pool.get('lao.vendor.application')
        Document = pool.get('lao.vendor.application.document')
        WebUser = pool.get('web.user')
        application, = Application.create([{
                    'name': name,
                    'vendor_type': 'cooperative',
                    'province': lao_province('CH').id,
                    'district': "Paksong",
                    'phone': "+856 20 5555 0000",
                    'email': f'{registration_number.lower()}@example.la',
                    'registration_number': registration_number,
                    'commodities': "Coffee",
                    'web_user': WebUser(user_id).id,
                    'documents': [('create', [{
                                    'kind': 'registration_certificate',
                                    'data': PDF,
                                    }, {
                                    'kind': 'payment_service_certificate',
                                    'data': PDF,
                                    }])],
                    }])
        with Transaction().set_user(0):
            Application.submit([application])
        Document.mark_checked(application.documents)
        Application.approve([application])
        return application.company.id
    return email, user_id, tryton.run(approve, user=1)


@pytest.fixture(scope='module')
def vendors(database):
    "Two approved vendors of two web users"
    tryton = Tryton(database)
    return {
        'coffee': _approved_vendor(
            tryton, "Web Coffee Cooperative", 'WEB-COFFEE-1'),
        'rice': _approved_vendor(tryton, "Web Rice Group", 'WEB-RICE-1'),
        }


@pytest.fixture
def vendor(client, vendors):
    "The coffee vendor, logged in: (web user id, company id)"
    email, user_id, company_id = vendors['coffee']
    log_in(client, email)
    return user_id, company_id


def _ids(tryton):
    def ids(pool):
        ModelData = pool.get('ir.model.data')
        Subdivision = pool.get('country.subdivision')
        return {
            'category': ModelData.get_id(
                'lao_b2b', 'category_coffee_arabica_green'),
            'kg': ModelData.get_id('product', 'uom_kilogram'),
            'province': Subdivision.search([('code', '=', 'LA-CH')])[0].id,
            }
    return tryton.run(ids)


def _form(tryton, **values):
    ids = _ids(tryton)
    data = {
        'title': "Washed arabica from the web",
        'description': "Green beans, screen 16+, washed.",
        'translations-lo-title': "ກາເຟອາຣາບິກາ",
        'translations-zh_CN-title': "老挝阿拉比卡咖啡生豆",
        'translations-zh_CN-description': "水洗阿拉比卡生豆。",
        'product': '',
        'category': str(ids['category']),
        'grade': "G1",
        'origin_province': str(ids['province']),
        'origin_district': "Paksong",
        'harvest_season': "2025/26",
        'unit': str(ids['kg']),
        'minimum_quantity': '100',
        'quantity_multiple': '50',
        'availability': 'declared',
        'declared_quantity': '3000',
        'lead_time_days': '7',
        'tiers-0-quantity': '0',
        'tiers-0-unit_price': '45000',
        'tiers-1-quantity': '1000',
        'tiers-1-unit_price': '41000',
        'certifications-0-kind': 'geographical_indication',
        'certifications-0-name': "Bolaven Plateau Coffee",
        'certifications-0-number': "GI-LA-0001",
        }
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def _listings(tryton, company_id):
    def read(pool):
        Listing = pool.get('lao.listing')
        return [(l.id, l.state, l.title) for l in Listing.search(
                [('company', '=', company_id)], order=[('id', 'ASC')])]
    return tryton.run(read)


def _create(client, tryton, company_id, **values):
    data = _form(tryton, company=str(company_id), **values)
    data['csrf_token'] = csrf_token(client, '/vendor/listings/new')
    return client.post('/vendor/listings/new', data=data)


def _listing_id(response):
    match = re.fullmatch(r'/vendor/listings/(\d+)', response.headers[
            'Location'])
    assert match, response.headers['Location']
    return int(match.group(1))


def _post(client, url, data=None, **kwargs):
    data = dict(data or {})
    data.setdefault('csrf_token', csrf_token(client, '/vendor/listings'))
    return client.post(url, data=data, **kwargs)


def _photo(client, listing_id, content, filename='photo.png'):
    return _post(client, f'/vendor/listings/{listing_id}/photo',
        {'file': (io.BytesIO(content), filename)},
        content_type='multipart/form-data')


def test_create_photo_submit_publish(client, tryton, vendor):
    "The whole life of a listing made on the web, decided by a reviewer"
    user_id, company_id = vendor
    page = client.get('/vendor/listings/new')
    assert page.status_code == 200
    assert b'A new product named after the title' in page.data
    # the optional province and certification: empty choices, not None
    assert b'>None</option>' not in page.data

    response = _create(client, tryton, company_id)
    assert response.status_code == 302, response.data
    listing_id = _listing_id(response)
    page = client.get(f'/vendor/listings/{listing_id}')
    assert page.status_code == 200
    # The pre-checks of the model are listed before submission
    assert b'Before you submit' in page.data
    assert b'photo' in page.data

    # Submitting without a photo is refused by the model's pre-checks
    response = _post(client, f'/vendor/listings/{listing_id}/submit')
    assert response.status_code == 400
    assert b'cannot be submitted' in response.data

    response = _photo(client, listing_id, PNG)
    assert response.status_code == 302
    page = client.get(f'/vendor/listings/{listing_id}')
    # The page shows the photo's sizes; the image as stored stays the
    # vendor's to see
    card = re.search(
        rb'"(/vendor/listings/\d+/photo/(\d+)/card/[^"]+\.webp)"', page.data)
    photo_id = int(card.group(2))
    response = client.get(card.group(1).decode())
    assert response.status_code == 200
    assert response.headers['Content-Type'] == 'image/webp'
    response = client.get(f'/vendor/listings/{listing_id}/photo/{photo_id}')
    assert response.status_code == 200
    assert response.data == PNG
    assert response.headers['Content-Type'] == 'image/png'

    response = _post(client, f'/vendor/listings/{listing_id}/submit')
    assert response.status_code == 302

    def check(pool):
        from trytond.transaction import Transaction
        Listing = pool.get('lao.listing')
        Application = pool.get('lao.vendor.application')
        listing = Listing(listing_id)
        application, = Application.search([('company', '=', company_id)])
        product = listing.product
        with Transaction().set_context(language='zh_CN'):
            chinese = Listing(listing_id).title
        with Transaction().set_context(language='lo'):
            lao = Listing(listing_id).title
        with Transaction().set_context(company=company_id):
            revenue = product.account_revenue_used
        return {
            'state': listing.state,
            'submitted_by': listing.submitted_by.id,
            'manager': application.manager.id,
            'tiers': [(t.quantity, t.unit_price)
                for t in listing.sorted_tiers],
            'certifications': [(c.kind, c.number)
                for c in listing.certifications],
            'product': (product.name, product.default_uom.id,
                product.type, product.salable,
                [c.id for c in product.categories]),
            'revenue_company': revenue.company.id,
            'lead_days': listing.lead_time.days,
            'titles': (lao, chinese),
            }
    ids = _ids(tryton)
    result = tryton.run(check)
    assert result['state'] == 'submitted'
    # The vendor's manager submitted it: the log names who did what
    assert result['submitted_by'] == result['manager']
    assert result['tiers'] == [
        (0, Decimal('45000')), (1000, Decimal('41000'))]
    assert result['certifications'] == [
        ('geographical_indication', 'GI-LA-0001')]
    assert result['product'] == ("Washed arabica from the web", ids['kg'],
        'goods', True, [ids['category']])
    assert result['revenue_company'] == company_id
    assert result['lead_days'] == 7
    assert result['titles'] == ("ກາເຟອາຣາບິກາ", "老挝阿拉比卡咖啡生豆")

    # Under review: neither editable nor archivable
    response = client.get(f'/vendor/listings/{listing_id}/edit')
    assert response.status_code == 302
    response = _post(client, f'/vendor/listings/{listing_id}/edit',
        _form(tryton))
    assert response.status_code == 302
    response = _post(client, f'/vendor/listings/{listing_id}/archive')
    assert response.status_code == 400
    assert b'cannot be archived' in response.data

    def publish(pool):
        Listing = pool.get('lao.listing')
        Listing.publish([Listing(listing_id)])
    tryton.run(publish, user=1)
    response = client.get('/catalogue?q=arabica+from+the+web',
        headers={'Accept-Language': 'zh-CN'})
    assert f'/listing/{listing_id}"'.encode() in response.data
    assert "老挝阿拉比卡咖啡生豆".encode() in response.data


def _published(client, tryton, company_id):
    "A listing created on the web, published by a reviewer"
    response = _create(client, tryton, company_id)
    listing_id = _listing_id(response)
    assert _photo(client, listing_id, JPEG, 'beans.jpg').status_code == 302
    assert _post(client, f'/vendor/listings/{listing_id}/submit'
        ).status_code == 302

    def publish(pool):
        Listing = pool.get('lao.listing')
        Listing.publish([Listing(listing_id)])
    tryton.run(publish, user=1)
    return listing_id


def test_edit_published_makes_revision(client, tryton, vendor):
    user_id, company_id = vendor
    listing_id = _published(client, tryton, company_id)
    page = client.get(f'/vendor/listings/{listing_id}/edit')
    assert page.status_code == 200
    assert b'45000' in page.data and b'GI-LA-0001' in page.data

    # Free fields change at once on the published listing
    response = _post(client, f'/vendor/listings/{listing_id}/edit',
        _form(tryton, title="Washed arabica, new crop",
            declared_quantity='2500'))
    assert response.status_code == 302
    assert _listing_id(response) == listing_id

    # A new price makes a revision; the published terms stay
    response = _post(client, f'/vendor/listings/{listing_id}/edit',
        _form(tryton, title="Washed arabica, new crop",
            declared_quantity='2500', **{'tiers-0-unit_price': '47000'}))
    assert response.status_code == 302
    revision_id = _listing_id(response)
    assert revision_id != listing_id

    def read(pool):
        Listing = pool.get('lao.listing')
        listing, revision = Listing(listing_id), Listing(revision_id)
        return (listing.state, listing.title, listing.declared_quantity,
            listing.tier_price(100), revision.state,
            revision.revision_of.id, revision.tier_price(100))
    assert tryton.run(read) == ('published', "Washed arabica, new crop",
        2500, Decimal('45000'), 'draft', listing_id, Decimal('47000'))
    page = client.get(f'/vendor/listings/{listing_id}')
    assert f'/vendor/listings/{revision_id}"'.encode() in page.data

    # A second revision while one is under way is refused, nothing written
    response = _post(client, f'/vendor/listings/{listing_id}/edit',
        _form(tryton, **{'tiers-0-unit_price': '48000'}))
    assert response.status_code == 400
    assert b'already has a revision under way' in response.data
    assert tryton.run(read)[3] == Decimal('45000')

    # The revision is submitted and published: the new price is live
    assert _post(client, f'/vendor/listings/{revision_id}/submit'
        ).status_code == 302

    def publish(pool):
        Listing = pool.get('lao.listing')
        Listing.publish([Listing(revision_id)])
    tryton.run(publish, user=1)
    assert tryton.run(read)[3] == Decimal('47000')
    # A merged revision is no longer the vendor's to see
    assert client.get(f'/vendor/listings/{revision_id}').status_code == 404


def test_rejected_listing_corrected_and_resubmitted(client, tryton, vendor):
    "A rejected listing is corrected as it is and submitted again"
    user_id, company_id = vendor
    response = _create(client, tryton, company_id)
    listing_id = _listing_id(response)
    _photo(client, listing_id, PNG)
    _post(client, f'/vendor/listings/{listing_id}/submit')

    def reject(pool):
        Listing = pool.get('lao.listing')
        Listing.reject([Listing(listing_id)], "The grade is G2, not G1.")
    tryton.run(reject, user=1)
    page = client.get(f'/vendor/listings/{listing_id}')
    assert b'The grade is G2, not G1.' in page.data
    response = _post(client, f'/vendor/listings/{listing_id}/edit',
        _form(tryton, grade="G2", minimum_quantity='1,000',
            declared_quantity='3,000', **{'tiers-1-quantity': '1,000'}))
    assert response.status_code == 302

    def read(pool):
        listing = pool.get('lao.listing')(listing_id)
        return (listing.state, listing.grade, listing.minimum_quantity,
            [t.quantity for t in listing.sorted_tiers])
    assert tryton.run(read) == ('rejected', "G2", 1000, [0, 1000])
    page = client.get(f'/vendor/listings/{listing_id}')
    assert f'/vendor/listings/{listing_id}/submit'.encode() in page.data
    assert _post(client, f'/vendor/listings/{listing_id}/submit'
        ).status_code == 302

    def decisions(pool):
        listing = pool.get('lao.listing')(listing_id)
        return listing.state, [(d.from_state, d.to_state, d.reason)
            for d in reversed(listing.decisions)]
    assert tryton.run(decisions) == ('submitted', [
            ('draft', 'submitted', None),
            ('submitted', 'rejected', "The grade is G2, not G1."),
            ('rejected', 'submitted', None)])


def test_archive(client, tryton, vendor):
    user_id, company_id = vendor
    listing_id = _listing_id(_create(client, tryton, company_id))
    response = _post(client, f'/vendor/listings/{listing_id}/archive')
    assert response.status_code == 302
    assert (listing_id, 'archived', "Washed arabica from the web") in (
        _listings(tryton, company_id))
    page = client.get(f'/vendor/listings/{listing_id}')
    assert b'Archived' in page.data
    # Archived: no photo, no change
    response = _photo(client, listing_id, PNG)
    assert response.status_code == 400
    assert client.get(f'/vendor/listings/{listing_id}/edit'
        ).status_code == 302


def test_relist_existing_product(client, tryton, vendor):
    "The product of an archived listing can be listed again"
    user_id, company_id = vendor
    listing_id = _listing_id(_create(client, tryton, company_id,
            title="Robusta to relist"))
    product_id = tryton.run(lambda pool: pool.get('lao.listing')(
            listing_id).product.id)
    page = client.get('/vendor/listings/new')
    assert f'value="{product_id}"'.encode() not in page.data
    _post(client, f'/vendor/listings/{listing_id}/archive')
    page = client.get('/vendor/listings/new')
    assert f'value="{product_id}"'.encode() in page.data
    response = _create(client, tryton, company_id, product=str(product_id),
        title="Robusta again")
    assert response.status_code == 302
    new_id = _listing_id(response)
    assert tryton.run(lambda pool: pool.get('lao.listing')(
            new_id).product.id) == product_id


@pytest.mark.parametrize('values,message', [
        ({'title': ''}, b'This field is required.'),
        ({'category': 'coffee'}, b'Invalid Choice: could not coerce.'),
        ({'category': '999999'}, b'Not a valid choice'),
        ({'unit': '999999'}, b'Not a valid choice'),
        ({'minimum_quantity': 'lots'}, b'is not a number'),
        ({'minimum_quantity': '-5'}, b'Enter a number of 0 or more.'),
        ({'minimum_quantity': None}, b'This field is required.'),
        ({'availability': 'magic'}, b'Not a valid choice'),
        ({'lead_time_days': '1000'}, b'from 0 to 365'),
        ({'lead_time_days': 'soon'}, b'Not a valid integer value.'),
        ({'tiers-1-unit_price': ''}, b'Give both the quantity and the price'),
        ({'certifications-0-name': ''}, b'Give both the kind and the name'),
        ({'certifications-0-kind': 'bribe'}, b'Not a valid choice'),
        ({'certifications-0-valid_to': 'tomorrow'},
            b'Not a valid date value.'),
        ({'product': '999999'}, b'Not a valid choice'),
        ({'minimum_quantity': '0'}, b'Minimum'),
        ])
def test_create_bad_input(client, tryton, vendor, values, message):
    user_id, company_id = vendor
    before = _listings(tryton, company_id)
    response = _create(client, tryton, company_id, **values)
    assert response.status_code == 400
    assert message in response.data
    assert b'class="error"' in response.data
    assert _listings(tryton, company_id) == before


def test_create_without_csrf(client, tryton, vendor):
    user_id, company_id = vendor
    before = _listings(tryton, company_id)
    response = client.post('/vendor/listings/new',
        data=_form(tryton, company=str(company_id)))
    assert response.status_code == 400
    assert _listings(tryton, company_id) == before


def test_create_for_another_company(client, tryton, vendor, vendors):
    user_id, company_id = vendor
    other = vendors['rice'][2]
    before = _listings(tryton, other)
    response = _create(client, tryton, other)
    assert response.status_code in {400, 404}
    assert _listings(tryton, other) == before


def test_edit_bad_input_writes_nothing(client, tryton, vendor):
    user_id, company_id = vendor
    listing_id = _listing_id(_create(client, tryton, company_id))
    before = _listings(tryton, company_id)
    response = _post(client, f'/vendor/listings/{listing_id}/edit',
        _form(tryton, title="Changed", minimum_quantity='x'))
    assert response.status_code == 400
    # The model refuses a minimum of zero: nothing is written either
    response = _post(client, f'/vendor/listings/{listing_id}/edit',
        _form(tryton, title="Changed", minimum_quantity='0'))
    assert response.status_code == 400
    assert _listings(tryton, company_id) == before
    response = client.post(f'/vendor/listings/{listing_id}/edit',
        data=_form(tryton, title="Changed"))
    assert response.status_code == 400
    assert _listings(tryton, company_id) == before


@pytest.mark.parametrize('content,filename,message', [
        (PDF, 'photo.pdf', b'Only JPEG and PNG images'),
        (b'<svg onload=alert(1)>', 'photo.png', b'Only JPEG and PNG images'),
        (b'GIF89a' + b'\0' * 20, 'photo.gif', b'Only JPEG and PNG images'),
        (b'', 'empty.png', b'class="error"'),
        (PNG + b'\0' * (5 * 1024 * 1024), 'big.png', b'at most 5 MB'),
        (b'\x89PNG\r\n\x1a\n' + b'\0' * 64, 'fake.png',
            b'Only JPEG and PNG images'),
        (png_declaring(60000, 60000), 'huge.png', b'too many pixels'),
        ])
def test_photo_refused(client, tryton, vendor, content, filename, message):
    user_id, company_id = vendor
    listing_id = _listing_id(_create(client, tryton, company_id))
    response = _photo(client, listing_id, content, filename)
    assert response.status_code == 400
    assert message in response.data
    assert tryton.run(lambda pool: len(pool.get('lao.listing')(
                listing_id).photos)) == 0


def test_photo_without_file_or_csrf(client, tryton, vendor):
    user_id, company_id = vendor
    listing_id = _listing_id(_create(client, tryton, company_id))
    response = _post(client, f'/vendor/listings/{listing_id}/photo')
    assert response.status_code == 400
    response = client.post(f'/vendor/listings/{listing_id}/photo',
        data={'file': (io.BytesIO(PNG), 'a.png')},
        content_type='multipart/form-data')
    assert response.status_code == 400
    assert tryton.run(lambda pool: len(pool.get('lao.listing')(
                listing_id).photos)) == 0


def test_remove_photo(client, tryton, vendor):
    user_id, company_id = vendor
    listing_id = _listing_id(_create(client, tryton, company_id))
    _photo(client, listing_id, PNG)
    photo_id, = tryton.run(lambda pool: [p.id for p in pool.get(
                'lao.listing')(listing_id).photos])
    url = f'/vendor/listings/{listing_id}/photo/{photo_id}/remove'
    assert client.post(url).status_code == 400
    assert _post(client, url).status_code == 302
    assert client.get(f'/vendor/listings/{listing_id}/photo/{photo_id}'
        ).status_code == 404


@pytest.mark.parametrize('action', ['submit', 'archive'])
def test_actions_without_csrf(client, tryton, vendor, action):
    user_id, company_id = vendor
    listing_id = _listing_id(_create(client, tryton, company_id))
    _photo(client, listing_id, PNG)
    response = client.post(f'/vendor/listings/{listing_id}/{action}')
    assert response.status_code == 400
    assert tryton.run(lambda pool: pool.get('lao.listing')(
            listing_id).state) == 'draft'


def test_someone_elses_listing(client, tryton, vendor, vendors, app):
    "Every address of another vendor's listing answers 404, writes nothing"
    user_id, company_id = vendor
    listing_id = _listing_id(_create(client, tryton, company_id))
    _photo(client, listing_id, PNG)
    photo_id, = tryton.run(lambda pool: [p.id for p in pool.get(
                'lao.listing')(listing_id).photos])
    before = _listings(tryton, company_id)

    for email in [vendors['rice'][0], make_web_user(tryton)[0]]:
        other = app.test_client()
        log_in(other, email)
        base = f'/vendor/listings/{listing_id}'
        for url in [base, base + '/edit', f'{base}/photo/{photo_id}']:
            assert other.get(url).status_code == 404, url
        token = csrf_token(other, '/vendor/')
        for url, data in [
                (base + '/edit', _form(tryton)),
                (base + '/submit', {}),
                (base + '/archive', {}),
                (f'{base}/photo/{photo_id}/remove', {}),
                ]:
            response = other.post(url, data={**data, 'csrf_token': token})
            assert response.status_code == 404, url
        response = other.post(base + '/photo', data={
                'csrf_token': token, 'file': (io.BytesIO(PNG), 'a.png')},
            content_type='multipart/form-data')
        assert response.status_code == 404
    assert _listings(tryton, company_id) == before
    assert tryton.run(lambda pool: len(pool.get('lao.listing')(
                listing_id).photos)) == 1
    assert client.get('/vendor/listings/999999').status_code == 404
    assert client.get('/vendor/listings/abc').status_code == 404


def test_not_a_vendor(client, tryton, buyer):
    "A web user without an approved application lists nothing"
    page = client.get('/vendor/listings')
    assert page.status_code == 200
    assert b'once your vendor application is approved' in page.data
    for url in ['/vendor/listings/new', '/vendor/orders', '/vendor/requests']:
        assert client.get(url).status_code == 403, url


def test_needs_login(client):
    for url in ['/vendor/listings', '/vendor/listings/new',
            '/vendor/listings/1', '/vendor/orders', '/vendor/requests']:
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers['Location'].startswith('/account/login')


def test_orders_and_requests(client, tryton, vendor, vendors, app):
    """The vendor sees the orders of its listings and the open requests,
    linked to the back office"""
    user_id, company_id = vendor
    listing_id = _published(client, tryton, company_id)
    buyer_email, buyer_id = make_web_user(tryton)

    def order_and_request(pool):
        import datetime as dt
        from trytond.modules.lao_b2b.tests import (
            create_buyer, create_request)
        WebUser = pool.get('web.user')
        buyer = create_buyer("Luang Prabang Roasters")
        WebUser.write([WebUser(buyer_id)], {'party': buyer.id})
        order = pool.get('lao.marketplace.order').web_place(
            WebUser(buyer_id), [(listing_id, 150)],
            payment_method='cash_on_delivery')
        request = create_request(buyer, title="Arabica for our roastery",
            expiry_date=dt.date.today() + dt.timedelta(days=10))
        pool.get('lao.rfq').publish([request])
        return order.sales[0].id, order.sales[0].number, request.id
    sale_id, number, request_id = tryton.run(order_and_request, user=1)

    page = client.get('/vendor/orders')
    assert page.status_code == 200
    assert number.encode() in page.data
    assert (f'http://127.0.0.1:8000/#{app.config["TRYTON_DATABASE"]}'
        f'/model/sale.sale/{sale_id}').encode() in page.data
    page = client.get('/vendor/requests')
    assert page.status_code == 200
    assert b'Arabica for our roastery' in page.data
    assert f'/model/lao.rfq/{request_id}'.encode() in page.data

    # Another vendor does not see this vendor's orders
    other = app.test_client()
    log_in(other, vendors['rice'][0])
    assert number.encode() not in other.get('/vendor/orders').data


@pytest.mark.parametrize('language', ['lo', 'zh_CN'])
def test_pages_translated(client, tryton, vendor, language):
    user_id, company_id = vendor
    listing_id = _listing_id(_create(client, tryton, company_id))
    headers = {'Accept-Language': language.replace('_', '-')}
    for url in ['/vendor/listings', '/vendor/listings/new',
            f'/vendor/listings/{listing_id}',
            f'/vendor/listings/{listing_id}/edit',
            '/vendor/orders', '/vendor/requests']:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        assert b'My listings' not in response.data, url
