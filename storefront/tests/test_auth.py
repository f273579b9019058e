"""Sign-up, e-mail validation, log-in, log-out and password reset."""
import re

from .conftest import (
    PASSWORD, csrf_token, log_in, make_web_user, unique_email)


def _link(message, path):
    body = message.get_body().get_content() if message.is_multipart() else (
        message.get_content())
    match = re.search(r'http://[^\s"<]*' + re.escape(path) + r'\?[^\s"<]+',
        body)
    assert match, body
    return match.group(0).replace('&amp;', '&').split('127.0.0.1:5000', 1)[1]


def _count_users(tryton, email):
    return tryton.run(lambda pool: pool.get('web.user').search_count(
            [('email', '=', email)]))


def test_signup_validate_login_logout(client, tryton, outbox):
    email = unique_email()
    token = csrf_token(client, '/account/signup')
    response = client.post('/account/signup', data={
            'csrf_token': token, 'email': email.upper(),
            'password': PASSWORD, 'confirm': PASSWORD})
    assert response.status_code == 200
    assert b'Check your e-mail' in response.data
    assert _count_users(tryton, email) == 1
    message, = outbox
    assert message['To'] == email

    # Not validated yet: no log-in
    token = csrf_token(client, '/account/login')
    response = client.post('/account/login', data={
            'csrf_token': token, 'email': email, 'password': PASSWORD})
    assert response.status_code == 400
    assert b'validate your address' in response.data

    response = client.get(_link(message, '/account/validate'))
    assert response.status_code == 302
    assert response.headers['Location'] == '/account/login'
    assert tryton.run(lambda pool: pool.get('web.user').search(
            [('email', '=', email)])[0].email_valid)

    log_in(client, email)
    response = client.get('/account/profile')
    assert response.status_code == 200
    assert email.encode() in response.data

    token = csrf_token(client, '/account/profile')
    response = client.post('/account/logout', data={'csrf_token': token})
    assert response.status_code == 302
    response = client.get('/account/profile')
    assert response.status_code == 302
    assert response.headers['Location'].startswith('/account/login')


def test_logout_removes_tryton_session(client, tryton, buyer):
    _, user_id = buyer

    def sessions(pool):
        return pool.get('web.user.session').search_count(
            [('user', '=', user_id)])
    assert tryton.run(sessions) == 1
    token = csrf_token(client, '/')
    client.post('/account/logout', data={'csrf_token': token})
    assert tryton.run(sessions) == 0


def test_logout_without_csrf(client, tryton, buyer):
    response = client.post('/account/logout')
    assert response.status_code == 400
    assert client.get('/account/profile').status_code == 200


def test_signup_validation_link_reused(client, tryton, outbox):
    email = unique_email()
    token = csrf_token(client, '/account/signup')
    client.post('/account/signup', data={
            'csrf_token': token, 'email': email,
            'password': PASSWORD, 'confirm': PASSWORD})
    link = _link(outbox[0], '/account/validate')
    assert client.get(link).status_code == 302
    assert client.get(link).status_code == 404
    assert client.get('/account/validate').status_code == 404
    assert client.get('/account/validate?token=nope').status_code == 404


def test_signup_bad_input(client, tryton, outbox):
    email = unique_email()
    cases = [
        {'email': email, 'password': PASSWORD},  # no confirmation
        {'email': 'not-an-email', 'password': PASSWORD, 'confirm': PASSWORD},
        {'email': email, 'password': PASSWORD, 'confirm': PASSWORD + 'x'},
        {'email': email, 'password': 'short', 'confirm': 'short'},
        {'password': PASSWORD, 'confirm': PASSWORD},
        ]
    for data in cases:
        data['csrf_token'] = csrf_token(client, '/account/signup')
        response = client.post('/account/signup', data=data)
        assert response.status_code == 400, data
        assert b'class="error"' in response.data
    assert _count_users(tryton, email) == 0
    assert not outbox


def test_signup_short_password_message(client):
    token = csrf_token(client, '/account/signup')
    response = client.post('/account/signup', data={
            'csrf_token': token, 'email': unique_email(),
            'password': 'short', 'confirm': 'short'})
    assert b'at least 8 characters' in response.data


def test_signup_without_csrf(client, tryton, outbox):
    email = unique_email()
    response = client.post('/account/signup', data={
            'email': email, 'password': PASSWORD, 'confirm': PASSWORD})
    assert response.status_code == 400
    assert _count_users(tryton, email) == 0
    assert not outbox


def _sign_up_page(client, email):
    "The answer to a sign-up of email, with the address masked"
    token = csrf_token(client, '/account/signup')
    response = client.post('/account/signup', data={
            'csrf_token': token, 'email': email,
            'password': PASSWORD, 'confirm': PASSWORD})
    page = re.sub(rb'<input[^>]*name="csrf_token"[^>]*>', b'', response.data)
    return response.status_code, page.replace(email.encode(), b'@')


def test_signup_existing_email(client, tryton, outbox):
    """A sign-up of a known address answers as for an unknown one, creates
    nothing and e-mails the owner a link to choose a new password"""
    email, _ = make_web_user(tryton)
    known = _sign_up_page(client, email)
    assert _count_users(tryton, email) == 1
    assert len(outbox) == 1 and outbox[0]['To'] == email
    new_password = _link(outbox[0], '/account/reset/confirm')
    outbox.clear()
    unknown = _sign_up_page(client, unique_email())
    assert known == unknown
    assert known[0] == 200 and b'Check your e-mail' in known[1]
    assert client.get(new_password).status_code == 200


def test_signup_existing_unvalidated_email(client, tryton, outbox):
    "The owner of a known address not yet validated gets the link again"
    email, _ = make_web_user(tryton, validated=False)
    status, page = _sign_up_page(client, email)
    assert status == 200 and b'Check your e-mail' in page
    assert _count_users(tryton, email) == 1
    assert len(outbox) == 1 and outbox[0]['To'] == email
    assert client.get(
        _link(outbox[0], '/account/validate')).status_code == 302


def test_login_wrong_password(client, tryton):
    email, _ = make_web_user(tryton)
    token = csrf_token(client, '/account/login')
    response = client.post('/account/login', data={
            'csrf_token': token, 'email': email, 'password': 'wrong'})
    assert response.status_code == 400
    assert b'Wrong e-mail or password' in response.data
    assert client.get('/account/profile').status_code == 302


def test_login_unknown_and_missing(client):
    token = csrf_token(client, '/account/login')
    response = client.post('/account/login', data={
            'csrf_token': token, 'email': unique_email(),
            'password': 'whatever'})
    assert response.status_code == 400
    response = client.post('/account/login', data={'csrf_token': token})
    assert response.status_code == 400


def test_login_next_stays_on_site(client, tryton):
    email, _ = make_web_user(tryton)
    token = csrf_token(client, '/account/login')
    response = client.post('/account/login?next=https://evil.example/',
        data={'csrf_token': token, 'email': email, 'password': PASSWORD})
    assert response.headers['Location'] == '/'
    client.post('/account/logout', data={'csrf_token': token})
    token = csrf_token(client, '/account/login')
    response = client.post('/account/login?next=/vendor/',
        data={'csrf_token': token, 'email': email, 'password': PASSWORD})
    assert response.headers['Location'] == '/vendor/'


def test_login_tryton_brute_force_limit(client, tryton):
    email, _ = make_web_user(tryton)
    token = csrf_token(client, '/account/login')
    statuses = []
    for _ in range(8):
        response = client.post('/account/login', data={
                'csrf_token': token, 'email': email, 'password': 'wrong'})
        statuses.append(response.status_code)
    assert statuses[0] == 400
    assert statuses[-1] == 429
    # Even the right password is refused while the account is locked
    response = client.post('/account/login', data={
            'csrf_token': token, 'email': email, 'password': PASSWORD})
    assert response.status_code == 429


def test_rate_limit_on_login(app, client):
    app.config['AUTH_RATE_LIMIT'] = '3 per minute'
    token = csrf_token(client, '/account/login')
    statuses = [client.post('/account/login', data={
                'csrf_token': token, 'email': unique_email(),
                'password': 'x'}).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]
    response = client.post('/account/login', data={'csrf_token': token},
        headers={'Accept-Language': 'lo'})
    assert response.status_code == 429
    assert b'<html lang="lo">' in response.data


def test_rate_limit_on_signup_and_reset(app, client):
    app.config['AUTH_RATE_LIMIT'] = '2 per minute'
    for url in ['/account/signup', '/account/reset']:
        token = csrf_token(client, url)
        statuses = [client.post(url, data={'csrf_token': token}).status_code
            for _ in range(3)]
        assert statuses == [400, 400, 429], url
    # Pages stay readable
    assert client.get('/account/signup').status_code == 200


def test_password_reset(client, tryton, outbox):
    email, _ = make_web_user(tryton)
    token = csrf_token(client, '/account/reset')
    response = client.post('/account/reset', data={
            'csrf_token': token, 'email': email})
    assert response.status_code == 200
    message, = outbox
    link = _link(message, '/account/reset/confirm')

    new_password = 'a new long password'
    token = csrf_token(client, link)
    response = client.post(link, data={
            'csrf_token': token, 'password': new_password,
            'confirm': new_password + 'typo'})
    assert response.status_code == 400
    response = client.post(link, data={
            'csrf_token': token, 'password': 'short', 'confirm': 'short'})
    assert response.status_code == 400
    assert b'at least 8 characters' in response.data
    response = client.post(link, data={
            'csrf_token': token, 'password': new_password,
            'confirm': new_password})
    assert response.status_code == 302
    log_in(client, email, new_password)

    # The link is used up
    client.post('/account/logout', data={'csrf_token': token})
    token = csrf_token(client, link)
    response = client.post(link, data={
            'csrf_token': token, 'password': 'yet another password',
            'confirm': 'yet another password'})
    assert response.status_code == 400
    assert b'not valid' in response.data


def test_password_reset_unknown_email_says_the_same(client, outbox):
    token = csrf_token(client, '/account/reset')
    response = client.post('/account/reset', data={
            'csrf_token': token, 'email': unique_email()})
    assert response.status_code == 200
    assert b'If an account' in response.data
    assert not outbox


def test_password_reset_wrong_token(client, tryton):
    email, _ = make_web_user(tryton)
    url = f'/account/reset/confirm?email={email}&token=forged'
    token = csrf_token(client, url)
    response = client.post(url, data={
            'csrf_token': token, 'password': 'a new long password',
            'confirm': 'a new long password'})
    assert response.status_code == 400
    log_in(client, email)


def test_login_in_language_of_buyer(client, tryton):
    "A buyer whose party speaks Chinese gets the web shop in Chinese"
    email, user_id = make_web_user(tryton)

    def speak_chinese(pool):
        Party = pool.get('party.party')
        Lang = pool.get('ir.lang')
        WebUser = pool.get('web.user')
        chinese, = Lang.search([('code', '=', 'zh_CN')])
        party = Party(name="Kunming Importer", lang=chinese)
        party.save()
        WebUser.write([WebUser(user_id)], {'party': party.id})
    tryton.run(speak_chinese)
    client.post('/language', data={
            'csrf_token': csrf_token(client, '/'), 'language': 'lo'})

    log_in(client, email)
    assert b'<html lang="zh-CN">' in client.get('/').data
