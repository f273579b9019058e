"""The vendor portal: application, documents, submission, decisions."""
import io
import itertools

import pytest
from trytond.modules.lao_b2b.tests.files import pdf, png

from .conftest import csrf_token, log_in, make_web_user

# Real files: uploads are decoded before they are accepted (a PNG is
# stored re-encoded, which gives the same bytes for one Pillow wrote)
PDF = pdf()
PNG = png()
# Registration numbers are unique across the session's database
REGISTRATION_NUMBERS = (f'REG-{n:05d}' for n in itertools.count(1))


def _province(tryton, code='LA-CH'):
    return tryton.run(lambda pool: pool.get('country.subdivision').search(
            [('code', '=', code)])[0].id)


def _application_data(tryton, **values):
    data = {
        'name': 'Paksong Coffee Cooperative',
        'name_lao': 'ສະຫະກອນກາເຟປາກຊ່ອງ',
        'vendor_type': 'cooperative',
        'registration_number': next(REGISTRATION_NUMBERS),
        'province': str(_province(tryton)),
        'district': 'Paksong',
        'village': 'Ban Lak 35',
        'phone': '+856 20 5555 1234',
        'email': 'coop@example.com',
        'commodities': 'Arabica green beans',
        }
    data.update(values)
    return data


def _applications(tryton, user_id):
    return tryton.run(lambda pool: [
            (a.id, a.state) for a in pool.get(
                'lao.vendor.application').search(
                [('web_user', '=', user_id)])])


def _apply(client, tryton, **values):
    data = _application_data(tryton, **values)
    data['csrf_token'] = csrf_token(client, '/vendor/apply')
    return client.post('/vendor/apply', data=data)


def _upload(client, application_id, kind, content, filename='doc.pdf',
        token=None):
    url = f'/vendor/application/{application_id}'
    token = token or csrf_token(client, url)
    return client.post(url + '/document', data={
            'csrf_token': token, 'kind': kind,
            'file': (io.BytesIO(content), filename),
            }, content_type='multipart/form-data')


@pytest.fixture
def application(client, tryton, buyer):
    "A draft application of the logged-in user: (id, web user id)"
    response = _apply(client, tryton)
    assert response.status_code == 302, response.data
    (application_id, state), = _applications(tryton, buyer[1])
    assert state == 'draft'
    return application_id, buyer[1]


def test_portal_needs_login(client):
    for url in ['/vendor/', '/vendor/apply', '/vendor/application/1']:
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers['Location'].startswith('/account/login')


def test_apply_upload_submit_and_decisions(client, tryton, application):
    application_id, _ = application
    page = client.get('/vendor/')
    assert b'Paksong Coffee Cooperative' in page.data
    page = client.get(f'/vendor/application/{application_id}')
    assert b'Still to upload' in page.data
    assert b'Enterprise Registration Certificate' in page.data

    response = _upload(client, application_id, 'registration_certificate',
        PDF, 'certificate.pdf')
    assert response.status_code == 302
    response = _upload(client, application_id, 'payment_service_certificate',
        PNG, '../../etc/payment.png')
    assert response.status_code == 302

    def documents(pool):
        Application = pool.get('lao.vendor.application')
        return sorted((d.kind, d.filename, bytes(d.data))
            for d in Application(application_id).documents)
    assert tryton.run(documents) == [
        ('payment_service_certificate', 'etcpayment.png', PNG),
        ('registration_certificate', 'certificate.pdf', PDF),
        ]

    url = f'/vendor/application/{application_id}'
    assert b'Still to upload' not in client.get(url).data
    token = csrf_token(client, url)
    response = client.post(url + '/submit', data={'csrf_token': token})
    assert response.status_code == 302
    assert _applications(tryton, application[1]) == [
        (application_id, 'submitted')]

    def reject(pool):
        Application = pool.get('lao.vendor.application')
        Application.reject([Application(application_id)],
            "The registration certificate is not readable.")
    tryton.run(reject)
    page = client.get(url)
    assert page.status_code == 200
    assert b'Rejected' in page.data
    assert b'The registration certificate is not readable.' in page.data
    # A rejected application can be corrected and submitted again
    data = _application_data(tryton, district='Paksong District')
    data['csrf_token'] = csrf_token(client, url + '/edit')
    response = client.post(url + '/edit', data=data)
    assert response.status_code == 302
    response = client.post(url + '/submit', data={'csrf_token': token})
    assert response.status_code == 302
    assert _applications(tryton, application[1]) == [
        (application_id, 'submitted')]
    # A submitted application cannot be edited
    data['csrf_token'] = token
    data['district'] = 'Elsewhere'
    response = client.post(url + '/edit', data=data)
    assert response.status_code == 400
    assert b'can no longer be changed' in response.data


def test_submit_without_documents(client, tryton, application):
    application_id, user_id = application
    url = f'/vendor/application/{application_id}'
    token = csrf_token(client, url)
    response = client.post(url + '/submit', data={'csrf_token': token})
    assert response.status_code == 400
    assert b'cannot be submitted without these documents' in response.data
    assert _applications(tryton, user_id) == [(application_id, 'draft')]


def test_submit_without_csrf(client, tryton, application):
    application_id, user_id = application
    response = client.post(f'/vendor/application/{application_id}/submit')
    assert response.status_code == 400
    assert _applications(tryton, user_id) == [(application_id, 'draft')]


def _document_count(tryton, application_id):
    return tryton.run(lambda pool: len(pool.get(
                'lao.vendor.application')(application_id).documents))


@pytest.mark.parametrize('content,filename,message', [
        (b'MZ\x90\x00 not a pdf', 'virus.pdf', b'Only PDF, JPEG and PNG'),
        (b'<html><script>', 'page.png', b'Only PDF, JPEG and PNG'),
        (b'\x89PNG\r\n\x1a\n<html><script>', 'page.png',
            b'Only PDF, JPEG and PNG'),
        (b'%PDF-1.4\n%%EOF\n', 'hollow.pdf', b'cannot be read'),
        (b'', 'empty.pdf', b'class="error"'),
        (PDF[:5] + b'\0' * (5 * 1024 * 1024), 'big.pdf', b'at most 5 MB'),
        ])
def test_upload_refused(client, tryton, application, content, filename,
        message):
    application_id, _ = application
    response = _upload(client, application_id, 'registration_certificate',
        content, filename)
    assert response.status_code == 400
    assert message in response.data
    assert _document_count(tryton, application_id) == 0


def test_upload_over_request_limit(client, tryton, application):
    application_id, _ = application
    response = _upload(client, application_id, 'registration_certificate',
        PDF + b'\0' * (6 * 1024 * 1024))
    assert response.status_code == 413
    assert b'too large' in response.data
    assert _document_count(tryton, application_id) == 0


def test_upload_bad_kind_and_missing_file(client, tryton, application):
    application_id, _ = application
    response = _upload(client, application_id, 'passport', PDF)
    assert response.status_code == 400
    url = f'/vendor/application/{application_id}'
    response = client.post(url + '/document', data={
            'csrf_token': csrf_token(client, url),
            'kind': 'registration_certificate'})
    assert response.status_code == 400
    assert _document_count(tryton, application_id) == 0


def test_upload_without_csrf(client, tryton, application):
    application_id, _ = application
    response = client.post(
        f'/vendor/application/{application_id}/document', data={
            'kind': 'registration_certificate',
            'file': (io.BytesIO(PDF), 'a.pdf')},
        content_type='multipart/form-data')
    assert response.status_code == 400
    assert _document_count(tryton, application_id) == 0


def test_someone_elses_application(client, tryton, application, app):
    application_id, _ = application
    other = app.test_client()
    email, _ = make_web_user(tryton)
    log_in(other, email)
    url = f'/vendor/application/{application_id}'
    assert other.get(url).status_code == 404
    assert other.get(url + '/edit').status_code == 404
    token = csrf_token(other, '/vendor/')
    response = other.post(url + '/submit', data={'csrf_token': token})
    assert response.status_code == 404
    response = _upload(other, application_id, 'registration_certificate',
        PDF, token=token)
    assert response.status_code == 404
    assert _document_count(tryton, application_id) == 0
    assert other.get('/vendor/application/999999').status_code == 404
    assert other.get('/vendor/application/abc').status_code == 404


@pytest.mark.parametrize('field,value', [
        ('name', ''),
        ('province', 'not-a-number'),
        ('province', '999999'),
        ('vendor_type', 'bank'),
        ('email', 'not-an-email'),
        ('phone', ''),
        ('commodities', ''),
        ])
def test_apply_bad_input(client, tryton, buyer, field, value):
    response = _apply(client, tryton, **{field: value})
    assert response.status_code == 400
    assert b'class="error"' in response.data
    assert _applications(tryton, buyer[1]) == []


def test_apply_duplicate_registration_number(client, tryton, buyer):
    assert _apply(client, tryton, registration_number='DUP 1').status_code \
        == 302
    response = _apply(client, tryton, registration_number='dup1')
    assert response.status_code == 400
    assert b'already exists' in response.data
    assert len(_applications(tryton, buyer[1])) == 1


def test_apply_without_csrf(client, tryton, buyer):
    data = _application_data(tryton)
    response = client.post('/vendor/apply', data=data)
    assert response.status_code == 400
    assert _applications(tryton, buyer[1]) == []


@pytest.mark.parametrize('language', ['zh_CN', 'lo', 'en'])
def test_application_in_applicant_language(client, tryton, buyer, language):
    "The application keeps the language of the web shop the applicant uses"
    client.post('/language', data={
            'csrf_token': csrf_token(client, '/'), 'language': language})
    response = _apply(client, tryton)
    assert response.status_code == 302, response.data
    (application_id, _), = _applications(tryton, buyer[1])
    assert tryton.run(lambda pool: pool.get('lao.vendor.application')(
            application_id).language.code) == language
