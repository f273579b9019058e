"""The back office in a real browser: a government reviewer approves a vendor
in sao, and the log-in endpoint answers over plain HTTP.

The fixture builds a small SQLite database with all our modules activated
and the demo data of two vendors (scripts/demo_data.py --small), then serves
it with trytond on a free loopback port, the database preloaded.  Chromium
is Debian's (/usr/bin/chromium), driven by Playwright; screenshots go to
test-artifacts/.
"""
import contextlib
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from scripts.database import (
    ROOT, create_database, our_modules, path_overlay, tryton_command)
from scripts.demo import stop_children, wait_ready
from scripts.demo_data import ADMIN_PASSWORD, REVIEWERS

CHROMIUM = '/usr/bin/chromium'
CHROMIUM_FLAGS = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
    ]
ARTIFACTS = os.path.join(ROOT, 'test-artifacts')
DATABASE = 'browser'
SUBMITTED_VENDOR = "Bokeo Banana Grower (Mr. Chanthavong)"
# The browser waits this long for the server on a loaded 2-core machine
UI_TIMEOUT = 90_000


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _source_key():
    "What the prepared database depends on: the modules and the loaders"
    digest = hashlib.sha1()
    paths = [os.path.join(ROOT, 'scripts', n)
        for n in ['database.py', 'demo_data.py']]
    for module in our_modules():
        folder = os.path.join(ROOT, 'addons', module)
        for directory, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d not in {'tests', '__pycache__'})
            paths.extend(os.path.join(directory, f) for f in sorted(files)
                if f.endswith(('.py', '.xml', '.cfg', '.po')))
    for path in paths:
        with open(path, 'rb') as file:
            digest.update(file.read())
    return digest.hexdigest()[:12]


def _prepare_database(db_path, config_files, logins_file):
    """Build the database, or copy it from the test cache (DB_CACHE, a
    folder) when the modules and loaders have not changed since"""
    cache = os.environ.get('DB_CACHE', '')
    cached = None
    if cache and '://' not in cache:
        cached = os.path.join(cache, f'browser-{_source_key()}')
    if cached and os.path.exists(os.path.join(cached, 'logins.json')):
        shutil.copytree(cached, db_path, dirs_exist_ok=True)
        shutil.copy(os.path.join(cached, 'logins.json'), logins_file)
        return
    create_database(DATABASE, ADMIN_PASSWORD, config_files=config_files)
    loaded = subprocess.run(
        [sys.executable, '-m', 'scripts.demo_data', DATABASE, '--small',
            '-c', *config_files],
        check=True, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    with open(logins_file, 'w') as file:
        file.write(loaded.stdout.strip().splitlines()[-1])
    if cached:
        shutil.copytree(db_path, cached + '.tmp', dirs_exist_ok=True)
        shutil.copy(logins_file, os.path.join(cached + '.tmp', 'logins.json'))
        shutil.rmtree(cached, ignore_errors=True)
        os.replace(cached + '.tmp', cached)


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    "trytond serving sao and the small demo database on a free port"
    base = tmp_path_factory.mktemp('browser')
    db_path = base / 'db'
    db_path.mkdir()
    port = free_port()
    # The committed SQLite configuration, with this test's paths and port.
    # A configuration file wins over TRYTOND_* variables, so the
    # PostgreSQL run of the suite does not leak into this server.
    overlay = path_overlay(
        str(base / 'overlay.conf'), str(db_path),
        os.path.join(ROOT, 'var', 'sao', 'package'),
        listen=f'127.0.0.1:{port}')
    config_files = [os.path.join(ROOT, 'config', 'trytond.conf'), overlay]
    logins_file = base / 'logins.json'
    _prepare_database(str(db_path), config_files, str(logins_file))
    with open(logins_file) as file:
        logins = {login: password for _, login, password, _ in json.load(file)}

    with serving(base, config_files, port, preload=True) as url:
        yield {
            'url': url, 'database': DATABASE, 'logins': logins,
            'base': base, 'db_path': str(db_path),
            }


@contextlib.contextmanager
def serving(base, config_files, port, preload):
    "trytond on port, with the database preloaded (-d) or not"
    name = 'trytond' + ('' if preload else '-bare')
    with open(base / f'{name}.log', 'w') as log:
        process = subprocess.Popen(
            tryton_command('trytond', '-c', *config_files,
                *(['-d', DATABASE] if preload else [])),
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        url = f'http://127.0.0.1:{port}/'
        try:
            wait_ready(url, process)
            yield url
        finally:
            stop_children([process])


def rpc(url, payload, cookie=None):
    "POST a JSON-RPC payload and return (status, response body, headers)"
    headers = {'Content-Type': 'application/json'}
    if cookie:
        headers['Cookie'] = cookie
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers=headers,
        method='POST')
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.load(response), response.headers
    except urllib.error.HTTPError as error:
        return error.code, None, error.headers


def login(server, user, password):
    "Log in over POST /<db>/session/login as sao does"
    return rpc(f"{server['url']}{server['database']}/session/login", {
            'id': 1, 'method': 'common.db.login',
            'params': [user, {'password': password}, 'en'],
            })


def call(server, user, password, method, *params):
    "Call a model method over JSON-RPC in a session of user, as sao does"
    status, _, headers = login(server, user, password)
    assert status == 200, status
    cookie = headers['Set-Cookie'].split(';', 1)[0]
    status, body, _ = rpc(f"{server['url']}{server['database']}/rpc/", {
            'id': 2, 'method': method, 'params': [*params, {}],
            }, cookie=cookie)
    assert status == 200, status
    assert not body.get('error'), body
    return body['result']


def test_http_login(server):
    "A reviewer logs in over JSON-RPC; a wrong password is refused"
    reviewer = REVIEWERS[0]
    status, body, headers = login(server, reviewer.login, reviewer.password)
    assert status == 200
    assert 'error' not in body, body
    user_id, _bus_url = body['result']
    assert isinstance(user_id, int) and user_id > 0
    assert 'tryton_session' in headers['Set-Cookie']

    status, body, headers = login(server, reviewer.login, 'not-the-password')
    assert status == 401, (status, body)
    assert 'tryton_session' not in (headers.get('Set-Cookie') or '')


def test_http_login_without_preloaded_database(server):
    """The same log-in on a server started without -d: trytond 8.0.12
    answered it with an error, as its pool was never initialised"""
    port = free_port()
    overlay = path_overlay(
        str(server['base'] / 'bare.conf'), server['db_path'],
        listen=f'127.0.0.1:{port}')
    config_files = [os.path.join(ROOT, 'config', 'trytond.conf'), overlay]
    with serving(server['base'], config_files, port, preload=False) as url:
        reviewer = REVIEWERS[1]
        status, body, _ = login(
            {'url': url, 'database': server['database']},
            reviewer.login, reviewer.password)
    assert status == 200, status
    assert 'error' not in body, body
    assert body['result'][0] > 0


def _screenshot(page, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, f'sao-{name}.png'))


@pytest.mark.skipif(
    not os.path.exists(CHROMIUM),
    reason=f"{CHROMIUM} is absent (apt-get install chromium)")
def test_reviewer_approves_in_sao(server):
    from playwright.sync_api import expect, sync_playwright

    reviewer = REVIEWERS[0]
    read = ['name', 'state', 'company', 'recognition_number']
    # The vendor that the demo data left submitted, its documents checked
    application, = call(
        server, 'admin', server['logins']['admin'],
        'model.lao.vendor.application.search_read',
        [('name', '=', SUBMITTED_VENDOR)], 0, None, None, read)
    assert application['state'] == 'submitted'
    assert application['company'] is None

    # Approving provisions a whole company: give it the time a loaded
    # machine needs, in the assertions too (their default is 5 s)
    expect.set_options(timeout=UI_TIMEOUT)
    errors = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = None
        try:
            page = browser.new_page(viewport={'width': 1280, 'height': 900})
            page.set_default_timeout(UI_TIMEOUT)
            page.on('pageerror', lambda error: errors.append(str(error)))
            page.goto(server['url'])

            # Log-in: database, user name, then the password modal.
            # sao shows the database field once it has the list: a
            # choice, or the only database served, read-only
            database = page.locator(
                'select#database:visible, input#database:visible')
            database.wait_for()
            if database.evaluate('e => e.tagName') == 'SELECT':
                database.select_option(server['database'])
            elif database.is_editable():
                database.fill(server['database'])
            expect(database).to_have_value(server['database'])
            page.fill('input#login', reviewer.login)
            _screenshot(page, '1-login')
            page.click('.login-dialog button[type=submit]')
            password = page.locator('.modal input[type=password]')
            password.fill(reviewer.password)
            password.press('Enter')

            # The first log-in of a database may open the module
            # configuration wizard (admin only): cancel it
            tabs = page.locator('#tabcontent')
            menu = page.locator('#menu')
            marketplace = menu.locator('tr', has_text="Lao Marketplace")
            marketplace.wait_for()
            wizard_cancel = tabs.get_by_role('button', name='Cancel')
            if wizard_cancel.count():
                wizard_cancel.first.click()
            _screenshot(page, '2-menu')

            marketplace.locator('.expander').first.click()
            menu.get_by_text("Vendor Applications", exact=True).click()
            row = tabs.locator('tr', has_text=SUBMITTED_VENDOR)
            row.wait_for()
            _screenshot(page, '3-applications')

            # Open the application in its form and approve it
            row.get_by_text(SUBMITTED_VENDOR).dblclick()
            form = tabs.locator('.form').first
            form.wait_for()
            approve = form.get_by_role('button', name='Approve')
            expect(approve).to_be_visible()
            _screenshot(page, '4-application')
            approve.click()
            confirm = page.locator('.modal:visible', has_text=(
                    "Approve this vendor and create its company?"))
            confirm.get_by_role('button', name='OK').click()
            # Approved: the button is gone from the form
            expect(approve).to_be_hidden()
            form.get_by_role('tab', name='Recognition').click()
            _screenshot(page, '5-approved')
        except Exception:
            if page is not None:
                _screenshot(page, 'failure')
            raise
        finally:
            browser.close()
    assert not errors, errors

    application, = call(
        server, 'admin', server['logins']['admin'],
        'model.lao.vendor.application.read', [application['id']], read)
    assert application['state'] == 'approved'
    assert application['company'], application
    assert application['recognition_number'].startswith('LA-EC-BK-')
    company, = call(
        server, 'admin', server['logins']['admin'],
        'model.company.company.read', [application['company']],
        ['rec_name'])
    assert company['rec_name'] == SUBMITTED_VENDOR
    # The decision is logged as the reviewer's
    decisions = call(
        server, 'admin', server['logins']['admin'],
        'model.lao.decision.search_read',
        [('resource', '=', f"lao.vendor.application,{application['id']}"),
            ('to_state', '=', 'approved')],
        0, None, None, ['user.login'])
    assert [d['user.']['login'] for d in decisions] == [reviewer.login]
