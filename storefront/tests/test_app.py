"""The application shell: configuration, health check, languages, errors."""
import os
import re

from storefront import create_app

from .conftest import csrf_token


def test_runs_as_storefront_user_not_root(app, tryton):
    def storefront_user(pool):
        ModelData = pool.get('ir.model.data')
        return ModelData.get_id('lao_b2b', 'user_storefront')
    assert app.config['TRYTON_USER'] == tryton.run(storefront_user)
    assert app.config['TRYTON_USER'] != 0


def test_storefront_user_groups(tryton):
    def groups(pool):
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        user = User(ModelData.get_id('lao_b2b', 'user_storefront'))
        return {g.id for g in user.groups}, ModelData.get_id(
            'lao_b2b', 'group_storefront'), ModelData.get_id(
            'res', 'group_admin')
    user_groups, storefront, admin = tryton.run(groups)
    assert user_groups == {storefront}
    assert admin not in user_groups


def test_secret_key_file_created_private(database, tmp_path):
    path = tmp_path / 'var' / 'secret_key'
    app = create_app({
            'TESTING': True, 'TRYTON_DATABASE': database,
            'SECRET_KEY_FILE': str(path)})
    assert path.exists()
    assert oct(os.stat(path).st_mode & 0o777) == '0o600'
    assert app.config['SECRET_KEY'] == path.read_text().strip()
    assert len(app.config['SECRET_KEY']) == 64


def test_session_cookie_flags(app):
    assert app.config['SESSION_COOKIE_HTTPONLY'] is True
    assert app.config['SESSION_COOKIE_SAMESITE'] == 'Lax'


def test_https_url_makes_cookie_secure(database, tmp_path):
    app = create_app({
            'TESTING': True, 'TRYTON_DATABASE': database,
            'SECRET_KEY': 'x', 'STOREFRONT_URL': 'https://shop.example'})
    assert app.config['SESSION_COOKIE_SECURE'] is True


def test_urls_from_environment(database, monkeypatch):
    "STOREFRONT_URL is read under its own name, like STOREFRONT_<KEY>"
    monkeypatch.setenv('STOREFRONT_URL', 'https://shop.example')
    monkeypatch.setenv('STOREFRONT_BACK_OFFICE_URL', 'https://office.example/')
    app = create_app({
            'TESTING': True, 'TRYTON_DATABASE': database, 'SECRET_KEY': 'x'})
    assert app.config['STOREFRONT_URL'] == 'https://shop.example'
    assert app.config['BACK_OFFICE_URL'] == 'https://office.example/'
    assert app.config['SESSION_COOKIE_SECURE'] is True


def test_healthz(client):
    response = client.get('/healthz')
    assert response.status_code == 200
    assert response.get_json() == {'status': 'ok'}


def test_healthz_database_down(client, monkeypatch):
    from storefront import main

    def broken():
        raise RuntimeError("database down")
    monkeypatch.setattr(main, '_database_answers', broken)
    response = client.get('/healthz')
    assert response.status_code == 503
    assert response.get_json() == {'status': 'error'}


def test_home(client):
    response = client.get('/')
    assert response.status_code == 200
    assert b'Lao Rural Market' in response.data
    # The stylesheet is served by the shop, under its fingerprinted name
    assert re.search(rb'/static/style\.[0-9a-f]{12}\.css', response.data)
    assert b'http://' not in response.data.replace(
        b'http://localhost', b'')  # no CDN


def test_language_from_browser(client):
    response = client.get('/', headers={'Accept-Language': 'zh-CN,zh;q=0.9'})
    assert b'<html lang="zh-CN">' in response.data
    response = client.get('/', headers={'Accept-Language': 'lo'})
    assert b'<html lang="lo">' in response.data
    response = client.get('/', headers={'Accept-Language': 'fr'})
    assert b'<html lang="en">' in response.data


def test_language_switch_remembered(client):
    token = csrf_token(client, '/')
    response = client.post('/language', data={
            'csrf_token': token, 'language': 'lo', 'next': '/account/login'})
    assert response.status_code == 302
    assert response.headers['Location'] == '/account/login'
    response = client.get('/', headers={'Accept-Language': 'en'})
    assert b'<html lang="lo">' in response.data


def test_language_switch_translates(client):
    token = csrf_token(client, '/')
    client.post('/language', data={'csrf_token': token, 'language': 'zh_CN'})
    response = client.get('/account/login')
    assert '登录'.encode() in response.data


def test_language_switch_refuses_other_site(client):
    token = csrf_token(client, '/')
    response = client.post('/language', data={
            'csrf_token': token, 'language': 'en',
            'next': 'https://evil.example/'})
    assert response.headers['Location'] == '/'
    response = client.post('/language', data={
            'csrf_token': token, 'language': 'en', 'next': '//evil.example'})
    assert response.headers['Location'] == '/'


def test_language_switch_unknown_language_ignored(client):
    token = csrf_token(client, '/')
    client.post('/language', data={'csrf_token': token, 'language': 'xx'})
    response = client.get('/', headers={'Accept-Language': 'en'})
    assert b'<html lang="en">' in response.data


def test_csrf_missing(client):
    response = client.post('/language', data={'language': 'lo'})
    assert response.status_code == 400
    assert b'form has expired' in response.data


def test_404_in_user_language(client):
    response = client.get('/nowhere', headers={'Accept-Language': 'zh-CN'})
    assert response.status_code == 404
    assert b'<html lang="zh-CN">' in response.data
    assert 'Error 404'.encode() not in response.data


def test_405(client):
    response = client.get('/language')
    assert response.status_code == 405


def test_500_shows_no_trace(app, database):
    app = create_app({
            'TESTING': False, 'TRYTON_DATABASE': database,
            'SECRET_KEY': 'x', 'PROPAGATE_EXCEPTIONS': False})

    @app.route('/boom')
    def boom():
        raise ValueError("secret internals")
    response = app.test_client().get('/boom')
    assert response.status_code == 500
    assert b'secret internals' not in response.data
    assert b'Traceback' not in response.data
    assert b'Something went wrong' in response.data


def test_database_busy_is_503(app, database):
    "Rows still locked after flask-tryton's retries: try again, not a 500"
    from trytond import backend
    app = create_app({
            'TESTING': False, 'TRYTON_DATABASE': database,
            'SECRET_KEY': 'x', 'PROPAGATE_EXCEPTIONS': False})

    @app.route('/busy')
    def busy():
        raise backend.DatabaseOperationalError("could not obtain lock")
    response = app.test_client().get('/busy', headers={'Accept-Language': 'lo'})
    assert response.status_code == 503
    assert response.headers['Retry-After'] == '2'
    assert b'could not obtain lock' not in response.data
    assert b'Many people are ordering' not in response.data
    response = app.test_client().get(
        '/busy', headers={'Accept': 'application/json'})
    assert response.status_code == 503
    assert response.json['message'].startswith('Many people are ordering')


def test_templates_autoescape(app):
    with app.test_request_context('/'):
        from flask import render_template_string
        assert render_template_string(
            '{{ value }}', value='<script>') == '&lt;script&gt;'


def test_form_errors_in_lao(client):
    token = csrf_token(client, '/account/signup')
    response = client.post('/account/signup', data={'csrf_token': token},
        headers={'Accept-Language': 'lo'})
    assert response.status_code == 400
    assert 'ຕ້ອງຕື່ມຂໍ້ມູນນີ້'.encode() in response.data
    assert b'This field is required' not in response.data


def test_record_content_in_user_language(client, buyer):
    "Tryton records are read in the language of the visitor"
    page = client.get('/vendor/apply', headers={'Accept-Language': 'lo'})
    assert 'ຈຳປາສັກ'.encode() in page.data
    page = client.get('/vendor/apply', headers={'Accept-Language': 'zh-CN'})
    assert '占巴塞省'.encode() in page.data
    page = client.get('/vendor/apply', headers={'Accept-Language': 'en'})
    assert b'Champasak' in page.data


def test_several_tryton_config_files(database, tmp_path):
    from trytond import config
    first = tmp_path / 'a.conf'
    first.write_text('[lao_b2b]\ndocument_max_size = 9\n')
    second = tmp_path / 'b.conf'
    second.write_text('[lao_b2b]\ndocument_max_size = 12\n')
    try:
        app = create_app({
                'TESTING': True, 'TRYTON_DATABASE': database,
                'SECRET_KEY': 'x',
                'TRYTON_CONFIG': f'{first}{os.pathsep}{second}'})
        assert app.config['TRYTON_CONFIG'] == [str(first), str(second)]
        assert config.getint('lao_b2b', 'document_max_size') == 12
    finally:
        config.remove_section('lao_b2b')
        config.update_etc([])  # clears the cache of the values read
