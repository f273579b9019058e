"""What the browser tests share: the demo database prepared once per state
of the code (kept in TEST_CACHE), trytond serving it with sao on a free
loopback port, the web shop served beside it, MailDev catching the e-mails
they send as in make demo, JSON-RPC calls as sao makes them, and a log-in to
sao in Chromium (Debian's /usr/bin/chromium driven by Playwright).
Screenshots go to test-artifacts/."""
import contextlib
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from scripts.database import (
    ROOT, create_database, our_modules, path_overlay, tryton_command)
from scripts.demo.__main__ import (
    maildev_command, stop_children, storefront_command, wait_healthy,
    wait_maildev, wait_ready)
from scripts.demo.platform import ADMIN_PASSWORD

from .cache_lock import cache_folder, cache_lock
from .test_translations import english_words

CHROMIUM = '/usr/bin/chromium'
CHROMIUM_FLAGS = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
    ]
ARTIFACTS = os.path.join(ROOT, 'test-artifacts')
DATABASE = 'browser'
# The browser waits this long for the server on a loaded 2-core machine
UI_TIMEOUT = 90_000


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _source_key():
    "What the prepared database depends on: the modules and the loaders"
    digest = hashlib.sha1()
    demo = os.path.join(ROOT, 'scripts', 'demo')
    paths = [os.path.join(ROOT, 'scripts', 'database.py')] + [
        os.path.join(demo, n) for n in sorted(os.listdir(demo))
        if n.endswith('.py')]
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


def prepare_database(db_path, config_files, logins_file):
    """Build the demo database, or copy it from the test cache (TEST_CACHE,
    tests/cache_lock.py) when the modules and loaders have not changed
    since"""
    cache = cache_folder()
    cached = cache and os.path.join(cache, f'browser-{_source_key()}')
    with cache_lock(f'browser {cached}'):
        _prepare_database(db_path, config_files, logins_file, cached)


def _prepare_database(db_path, config_files, logins_file, cached):
    if cached and os.path.exists(os.path.join(cached, 'logins.json')):
        shutil.copytree(cached, db_path, dirs_exist_ok=True)
        shutil.copy(os.path.join(cached, 'logins.json'), logins_file)
        return
    create_database(DATABASE, ADMIN_PASSWORD, config_files=config_files)
    loaded = subprocess.run(
        [sys.executable, '-m', 'scripts.demo.load', DATABASE,
            '-c', *config_files],
        check=True, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    with open(logins_file, 'w') as file:
        file.write(loaded.stdout.strip().splitlines()[-1])
    if cached:
        shutil.copytree(db_path, cached + '.tmp', dirs_exist_ok=True)
        shutil.copy(logins_file, os.path.join(cached + '.tmp', 'logins.json'))
        shutil.rmtree(cached, ignore_errors=True)
        os.replace(cached + '.tmp', cached)


def demo_platform(base, smtp_port=None):
    """Prepare the demo database under base and write its configuration:
    the committed SQLite one with this test's paths, port and SMTP server.
    A configuration file wins over TRYTOND_* variables, so the PostgreSQL
    run of the suite does not leak into these servers.

    Return (config files, trytond port, demo log-ins by login)."""
    db_path = base / 'db'
    db_path.mkdir()
    port = free_port()
    overlay = path_overlay(
        str(base / 'overlay.conf'), str(db_path),
        os.path.join(ROOT, 'var', 'sao', 'package'),
        listen=f'127.0.0.1:{port}',
        email_uri=smtp_port and f'smtp://127.0.0.1:{smtp_port}')
    config_files = [os.path.join(ROOT, 'config', 'trytond.conf'), overlay]
    logins_file = base / 'logins.json'
    prepare_database(str(db_path), config_files, str(logins_file))
    with open(logins_file) as file:
        logins = {login: password for _, login, password, _ in json.load(file)}
    return config_files, port, logins


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


@contextlib.contextmanager
def serving_shop(base, config_files, back_office_url):
    """The web shop on a free port, as its own Tryton user, beside trytond,
    served as make demo serves it (gunicorn); yield its address"""
    port = free_port()
    url = f'http://127.0.0.1:{port}/'
    env, command = storefront_command(
        DATABASE, config_files, '127.0.0.1', port)
    env.update({
            'STOREFRONT_BACK_OFFICE_URL': back_office_url,
            'STOREFRONT_SECRET_KEY': os.urandom(16).hex(),
            'STOREFRONT_AUTH_RATE_LIMIT': '1000 per minute',
            })
    with open(base / 'storefront.log', 'w') as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        try:
            wait_healthy(url, process)
            yield url
        finally:
            stop_children([process])


class MailCatcher:
    """MailDev as make demo runs it, on free loopback ports: the SMTP server
    that keeps the platform's e-mails, and their web inbox (url) with its
    REST API"""

    def __init__(self, base):
        self.base = base
        self.smtp_port = free_port()
        self.web_port = free_port()
        self.url = f'http://127.0.0.1:{self.web_port}/'
        self.seen = set()

    def __enter__(self):
        directory = self.base / 'mail'
        directory.mkdir()
        self.log = open(self.base / 'maildev.log', 'w')
        self.process = subprocess.Popen(
            maildev_command(str(directory), self.smtp_port, self.web_port),
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        try:
            wait_maildev(self.url, self.process)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        stop_children([self.process])
        self.log.close()

    def emails(self):
        "The e-mails in the inbox, as MailDev's REST API gives them"
        with urllib.request.urlopen(
                self.url + 'api/email', timeout=30) as answer:
            return json.load(answer)

    def wait_for(self, recipient, timeout=UI_TIMEOUT / 1000):
        """The next e-mail to recipient not returned before, waiting for it
        to arrive (the queue sends it after the commit of the request)"""
        deadline = time.monotonic() + timeout
        while True:
            for message in self.emails():
                if (message['id'] not in self.seen and any(
                            t['address'] == recipient for t in message['to'])):
                    self.seen.add(message['id'])
                    return message
            if time.monotonic() > deadline:
                raise AssertionError(f"no e-mail to {recipient} in MailDev")
            time.sleep(0.5)


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


def call(server, user, password, method, *params, context=None):
    """Call a model method over JSON-RPC in a session of user, as sao does
    (in the context given: sao sends the user's language in it)"""
    status, _, headers = login(server, user, password)
    assert status == 200, status
    cookie = headers['Set-Cookie'].split(';', 1)[0]
    status, body, _ = rpc(f"{server['url']}{server['database']}/rpc/", {
            'id': 2, 'method': method, 'params': [*params, context or {}],
            }, cookie=cookie)
    assert status == 200, status
    assert not body.get('error'), body
    return body['result']


def screenshot(page, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, f'{name}.png'))


# The name of the platform's menu as sao shows it in each language
MARKETPLACE_MENU = {
    'en': "Lao Marketplace", 'lo': "ຕະຫຼາດລາວ", 'zh_CN': "老挝市场"}


def sao_log_in(page, server, user, password, shot=None, language='en'):
    """Log in to sao at server as user, working in language (set in the
    user's preferences first), and wait for the menu; the first log-in of a
    database may open the module configuration wizard (admin only): cancel
    it"""
    from playwright.sync_api import expect
    call(server, user, password, 'model.res.user.set_preferences',
        {'language': language})
    page.goto(server['url'])
    # sao shows the database field once it has the list: a choice, or the
    # only database served, read-only
    database = page.locator('select#database:visible, input#database:visible')
    database.wait_for()
    if database.evaluate('e => e.tagName') == 'SELECT':
        database.select_option(server['database'])
    elif database.is_editable():
        database.fill(server['database'])
    expect(database).to_have_value(server['database'])
    page.fill('input#login', user)
    if shot:
        screenshot(page, shot)
    page.click('.login-dialog button[type=submit]')
    password_field = page.locator('.modal input[type=password]')
    password_field.fill(password)
    password_field.press('Enter')
    marketplace = page.locator('#menu').locator(
        'tr', has_text=MARKETPLACE_MENU[language])
    marketplace.wait_for()
    wizard_cancel = page.locator('#tabcontent').get_by_role(
        'button', name='Cancel')
    if wizard_cancel.count():
        wizard_cancel.first.click()
    return marketplace


def click_and_confirm(page, button, question, attempts=3):
    """Click the sao button that asks question first and answer OK.

    sao ignores a click that lands while its screen has no current record
    (between a view's switch and its display, which a loaded machine
    stretches): the click is repeated while no dialog shows. A dialog other
    than the question (a pre-validation warning, an error) fails with its
    text rather than timing out in silence."""
    from playwright.sync_api import TimeoutError
    dialog = page.locator('.modal:visible')
    for attempt in range(attempts):
        button.click()
        try:
            dialog.first.wait_for(timeout=UI_TIMEOUT / attempts)
        except TimeoutError:
            continue
        break
    else:
        raise AssertionError(
            f"no dialog after {attempts} clicks on {button}")
    texts = dialog.all_inner_texts()
    assert any(question in text for text in texts), texts
    dialog.filter(has_text=question).get_by_role('button', name='OK').click()


def menu_path(server, english, language):
    """The names, from the top, of the menu whose path in English is
    english (its names from the top) and of its parents, as sao shows
    them in language"""
    admin = ('admin', server['logins']['admin'])
    menu, = [m for m in call(server, *admin,
            'model.ir.ui.menu.search_read', [('name', '=', english[-1])],
            0, None, None, ['complete_name'], context={'language': 'en'})
        if m['complete_name'] == ' / '.join(english)]
    names = []
    menu_id = menu['id']
    while menu_id:
        menu, = call(server, *admin, 'model.ir.ui.menu.read', [menu_id],
            ['name', 'parent'], context={'language': language})
        names.insert(0, menu['name'])
        menu_id = menu['parent']
    return names


def open_menu(page, names):
    """Open the menu entry at the path of names in sao's menu, folded as
    after a log-in: unfold each parent, then activate the entry (each is
    looked for in the rows after its parent's, which may bear the same
    name)"""
    rows = page.locator('#menu tr')
    for depth, name in enumerate(names):
        row = rows.filter(has=page.get_by_text(name, exact=True)).first
        row.wait_for()
        if depth < len(names) - 1:
            row.locator('.expander').click()
            rows = row.locator('xpath=following-sibling::tr')
        else:
            row.get_by_text(name, exact=True).click()


# The labels of sao's menu and current tab, as a person reads them: the
# menu entries shown, the tab's title, field and separator labels, notebook
# pages and tab domains, column headings, buttons, the value shown of a
# selection (a label, not data) and the placeholders; data (the values of
# the other fields) is left out
_LABELS_JS = """() => {
    const shown = e => !!(e.offsetWidth || e.offsetHeight
        || e.getClientRects().length);
    const pane = document.querySelector('#tabcontent > .tab-pane.active');
    const tab = document.querySelector('#tablist li.active');
    const texts = [];
    const add = (text, where) => {
        text = (text || '').replace(/\\s+/g, ' ').trim();
        if (text) {
            texts.push([text, where]);
        }
    };
    for (const e of document.querySelectorAll('#menu tr')) {
        if (shown(e)) {
            add(e.innerText, 'menu');
        }
    }
    if (tab) {
        add(tab.innerText, 'tab');
    }
    for (const e of pane.querySelectorAll(
            'label, th, .nav-tabs a, button, td.column-selection')) {
        if (shown(e)) {
            add(e.innerText, e.tagName.toLowerCase());
        }
    }
    for (const e of pane.querySelectorAll('select')) {
        if (shown(e) && e.selectedIndex >= 0) {
            add(e.options[e.selectedIndex].text, 'select');
        }
    }
    for (const e of pane.querySelectorAll('[placeholder]')) {
        if (shown(e)) {
            add(e.getAttribute('placeholder'), 'placeholder');
        }
    }
    return texts;
}"""


def english_labels(page):
    """The labels of sao's menu and current tab that have an English word,
    but for the words the same in every language"""
    return [f'{where}: {text}'
        for text, where in page.evaluate(_LABELS_JS)
        if english_words(text)]


@contextlib.contextmanager
def chromium():
    "A headless Chromium of Debian driven by Playwright"
    from playwright.sync_api import expect, sync_playwright

    # Approving provisions a whole company: give it the time a loaded
    # machine needs, in the assertions too (their default is 5 s)
    expect.set_options(timeout=UI_TIMEOUT)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()
