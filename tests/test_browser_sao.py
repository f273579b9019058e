"""The back office in a real browser: a government reviewer approves a vendor
in sao, a vendor manager reads its sale, shipment and invoice in Lao and in
Chinese, and the log-in endpoint answers over plain HTTP.

The fixture builds (or copies from TEST_CACHE) a SQLite database with all
our modules activated and the demo data, then serves it with trytond on a
free loopback port, the database preloaded (tests/browser.py).  Chromium
is Debian's (/usr/bin/chromium), driven by Playwright; screenshots go to
test-artifacts/.
"""
import os

import pytest

from scripts.database import ROOT, path_overlay
from scripts.demo.platform import REVIEWERS
from scripts.demo.vendors import VENDORS

from .browser import (
    CHROMIUM, DATABASE, UI_TIMEOUT, call, chromium, click_and_confirm,
    demo_platform, english_labels, free_port, login, menu_path, open_menu,
    sao_log_in, screenshot, serving)

SUBMITTED_VENDOR = "Savannakhet Sesame Growers Group"

# On the demo database, SQLite whatever the backend of the run
pytestmark = pytest.mark.demo_database


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    "trytond serving sao and the demo database on a free port"
    base = tmp_path_factory.mktemp('browser')
    config_files, port, logins = demo_platform(base)
    with serving(base, config_files, port, preload=True) as url:
        yield {
            'url': url, 'database': DATABASE, 'logins': logins,
            'base': base, 'db_path': str(base / 'db'),
            }


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


@pytest.mark.skipif(
    not os.path.exists(CHROMIUM),
    reason=f"{CHROMIUM} is absent (apt-get install chromium)")
def test_reviewer_approves_in_sao(server):
    from playwright.sync_api import expect

    reviewer = REVIEWERS[0]
    read = ['name', 'state', 'company', 'recognition_number']
    # The vendor that the demo data left submitted, its documents checked
    application, = call(
        server, 'admin', server['logins']['admin'],
        'model.lao.vendor.application.search_read',
        [('name', '=', SUBMITTED_VENDOR)], 0, None, None, read)
    assert application['state'] == 'submitted'
    assert application['company'] is None

    errors = []
    with chromium() as browser:
        page = None
        try:
            page = browser.new_page(viewport={'width': 1280, 'height': 900})
            page.set_default_timeout(UI_TIMEOUT)
            page.on('pageerror', lambda error: errors.append(str(error)))
            marketplace = sao_log_in(page, server, reviewer.login,
                reviewer.password, shot='sao-1-login')
            tabs = page.locator('#tabcontent')
            menu = page.locator('#menu')
            screenshot(page, 'sao-2-menu')

            marketplace.locator('.expander').first.click()
            menu.get_by_text("Vendor Applications", exact=True).click()
            row = tabs.locator('tr', has_text=SUBMITTED_VENDOR)
            row.wait_for()
            screenshot(page, 'sao-3-applications')

            # Open the application in its form and approve it
            row.get_by_text(SUBMITTED_VENDOR).dblclick()
            form = tabs.locator('.form').first
            form.wait_for()
            approve = form.get_by_role('button', name='Approve')
            expect(approve).to_be_visible()
            # Every button shows until the record is read and its state known
            expect(form.get_by_role('button', name='Submit', exact=True)
                ).to_be_hidden()
            screenshot(page, 'sao-4-application')
            click_and_confirm(page, approve,
                "Approve this vendor and create its company?")
            # Approved: the button is gone from the form
            expect(approve).to_be_hidden()
            form.get_by_role('tab', name='Recognition').click()
            screenshot(page, 'sao-5-approved')
        except Exception:
            if page is not None:
                screenshot(page, 'sao-failure')
            raise
    assert not errors, errors

    application, = call(
        server, 'admin', server['logins']['admin'],
        'model.lao.vendor.application.read', [application['id']], read)
    assert application['state'] == 'approved'
    assert application['company'], application
    assert application['recognition_number'].startswith('LA-EC-SV-')
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


# The vendor whose manager opens its sale, shipment and invoice in sao
TRADING_VENDOR = "Paksong Highland Coffee Processing Co., Ltd."
# Each document: its model, the path of its menu in English and the domain
# of the record opened (its number finds its row in the list)
DOCUMENTS = [
    ('sale', 'sale.sale', ["Sales", "Sales"],
        [('state', 'in', ['processing', 'done'])]),
    ('shipment', 'stock.shipment.out',
        ["Inventory & Stock", "Shipments", "Customer Shipments"],
        [('state', '=', 'done')]),
    ('invoice', 'account.invoice',
        ["Financial", "Invoices", "Customer Invoices"],
        [('type', '=', 'out'), ('state', '=', 'posted')]),
    ]


@pytest.mark.skipif(
    not os.path.exists(CHROMIUM),
    reason=f"{CHROMIUM} is absent (apt-get install chromium)")
def test_vendor_documents_in_language(server):
    """A Lao vendor manager, whose language the demo sets to Lao, opens its
    sale, shipment and invoice in sao, their lists and every page of their
    forms, in Lao and then in Chinese: no English label shows"""
    from playwright.sync_api import expect

    admin = ('admin', server['logins']['admin'])
    vendor, = [v for v in VENDORS if v.name == TRADING_VENDOR]
    application, = call(server, *admin,
        'model.lao.vendor.application.search_read',
        [('name', '=', TRADING_VENDOR)], 0, None, None,
        ['manager.login', 'manager.language.code'])
    manager = application['manager.']
    # The applicant's language, Lao by default
    assert manager['language.']['code'] == 'lo'
    credentials = (manager['login'], vendor.manager_password)
    numbers = {}
    for name, model, _, domain in DOCUMENTS:
        record, = call(server, *credentials, f'model.{model}.search_read',
            domain, 0, 1, [('id', 'ASC')], ['number'])
        numbers[name] = record['number']

    found = []
    errors = []
    with chromium() as browser:
        for language in ['lo', 'zh_CN']:
            page = browser.new_page(viewport={'width': 1280, 'height': 900})
            page.set_default_timeout(UI_TIMEOUT)
            page.on('pageerror', lambda error: errors.append(str(error)))
            try:
                sao_log_in(page, server, *credentials, language=language)
                pane = page.locator('#tabcontent > .tab-pane.active')
                for opened, (name, _, menu, _) in enumerate(DOCUMENTS):
                    shot = f'sao-{language}-{name}'
                    open_menu(page, menu_path(server, menu, language))
                    # its list opens in a tab of its own
                    expect(page.locator('#tablist > li')).to_have_count(
                        opened + 1)
                    # The last tab of the list shows every record
                    pane.locator('.nav-tabs a').last.click()
                    cell = pane.locator('.treeview tbody td').filter(
                        has=page.get_by_text(numbers[name], exact=True))
                    cell.first.wait_for()
                    screenshot(page, f'{shot}-list')
                    found += [f'{shot}-list {label}'
                        for label in english_labels(page)]
                    cell.first.dblclick()
                    form = pane.locator('.form').first
                    form.wait_for()
                    # the record is read: its number shows
                    page.wait_for_function(
                        "number => Array.from(document.querySelectorAll("
                        "'#tabcontent > .tab-pane.active .form input'))"
                        ".some(e => e.value == number)", arg=numbers[name])
                    # the pages of the form's notebook that show
                    pages = form.locator('.form-notebook').first.locator(
                        ':scope > .nav-tabs > li > a:visible')
                    for index in range(max(pages.count(), 1)):
                        if index:
                            pages.nth(index).click()
                        screenshot(page, f'{shot}-form-{index + 1}')
                        found += [f'{shot}-form-{index + 1} {label}'
                            for label in english_labels(page)]
            except Exception:
                screenshot(page, f'sao-{language}-failure')
                raise
            finally:
                page.close()
                # the manager's own language back
                call(server, *credentials, 'model.res.user.set_preferences',
                    {'language': 'lo'})
    assert not errors, errors
    assert not found, 'English labels:\n' + '\n'.join(dict.fromkeys(found))
