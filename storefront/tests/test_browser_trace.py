"""The page a QR code on a bag opens, in a real browser: Debian's Chromium
driven by Playwright, against the storefront serving the test database with
lao_trace's demo chains (the `chains` fixture).  Screenshots go to
test-artifacts/.

The storefront is served from this test's own thread: the test database may
be an in-memory SQLite database, which only the thread that made it sees.
The browser runs in another thread.
"""
import os
import threading

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.browser import ARTIFACTS, CHROMIUM, chromium

from .conftest import FARMER, trace_path

# The browser waits this long for the page on a loaded 2-core machine
UI_TIMEOUT = 60_000

# What each language shows: its switch button, the headings, the provinces
# of the coffee and banana farms, the buyer in the journey, the recall
# notice, the names of the coffee and banana products
WORDS = {
    'lo': {
        'switch': 'ລາວ', 'origin': 'ແຫຼ່ງກຳເນີດ', 'journey': 'ເສັ້ນທາງ',
        'coffee': 'ຈຳປາສັກ', 'banana': 'ບໍ່ແກ້ວ', 'buyer': 'ຜູ້ຊື້',
        'recalled': 'ຖືກເອີ້ນຄືນ', 'do_not_sell': 'ຫ້າມຂາຍ',
        'coffee_product': "ກາເຟຄົ່ວ ອາຣາບິກາ ພູພຽງບໍລະເວນ",
        'banana_product': "ກ້ວຍຫອມ ຄາເວນດິຊ",
        },
    'zh_CN': {
        'switch': '中文', 'origin': '产地', 'journey': '流转记录',
        'coffee': '占巴塞省', 'banana': '博胶省', 'buyer': '买家',
        'recalled': '已召回', 'do_not_sell': '请勿销售',
        'coffee_product': "波罗芬高原阿拉比卡烘焙咖啡豆",
        'banana_product': "卡文迪什香蕉",
        },
    }
# The narrowest phone screen the pages are made for
PHONE = {'width': 360, 'height': 780}


class RequestHandler(WSGIRequestHandler):
    # A connection that the browser opens ahead and leaves idle holds the
    # single-threaded server until this many seconds have passed
    timeout = 5


def serve_while(app, browse):
    """Serve app on a free loopback port from this thread while browse(url)
    runs in another one; return what browse returns"""
    server = make_server(
        '127.0.0.1', 0, app, request_handler=RequestHandler)
    server.timeout = 0.2
    url = f'http://127.0.0.1:{server.server_port}'
    outcome = {}

    def run():
        try:
            outcome['result'] = browse(url)
        except BaseException as error:
            outcome['error'] = error
    thread = threading.Thread(target=run)
    thread.start()
    try:
        while thread.is_alive():
            server.handle_request()
    finally:
        server.server_close()
        thread.join()
    if 'error' in outcome:
        raise outcome['error']
    return outcome['result']


def screenshot(page, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(
        path=os.path.join(ARTIFACTS, f'trace-{name}.png'), full_page=True)


def check_lot_page(page, words, chain, number, product, recalled):
    "The product, origin and journey of the lot, and the recall if any"
    from playwright.sync_api import expect
    expect(page.locator('h1')).to_have_text(product)
    expect(page.locator('dl.facts')).to_contain_text(number)
    expect(page.get_by_role('heading', name=words['origin'])).to_be_visible()
    expect(page.locator('main table').first).to_contain_text(words[chain])
    journey = page.get_by_role('heading', name=words['journey'])
    expect(journey).to_be_visible()
    expect(journey.locator('xpath=following-sibling::ol[1]')
        ).to_contain_text(words['buyer'])
    alert = page.get_by_role('alert')
    if recalled:
        expect(alert).to_be_visible()
        expect(alert).to_contain_text(words['recalled'])
        expect(alert).to_contain_text(number)
        expect(alert).to_contain_text(words['do_not_sell'])
    else:
        expect(alert).to_have_count(0)
    assert FARMER not in page.content()


@pytest.mark.skipif(
    not os.path.exists(CHROMIUM),
    reason=f"{CHROMIUM} is absent (apt-get install chromium)")
def test_qr_link_in_lao_and_chinese(app, chains):
    """The coffee lot and the recalled banana lot, in Lao as the phone asks
    (Accept-Language), then in Chinese chosen with the language switch"""
    from playwright.sync_api import expect

    coffee = trace_path(*chains['coffee'])
    banana = trace_path(*chains['banana'])

    def browse(url):
        with chromium() as browser:
            for language, switch in [('lo', False), ('zh_CN', True)]:
                browse_in(browser, url, language, switch)

    def browse_in(browser, url, language, switch):
        words = WORDS[language]
        # A phone-sized screen; the switch case starts from English
        context = browser.new_context(
            viewport={'width': 412, 'height': 915},
            extra_http_headers={
                'Accept-Language': 'en' if switch else language})
        page = context.new_page()
        page.set_default_timeout(UI_TIMEOUT)
        errors = []
        page.on('pageerror', lambda error: errors.append(str(error)))
        try:
            page.goto(url + coffee)
            if switch:
                expect(page.get_by_role('heading', name='Origin')
                    ).to_be_visible()
                with page.expect_navigation():
                    page.get_by_role('button', name=words['switch']).click()
            expect(page.locator('html')).to_have_attribute(
                'lang', language.replace('_', '-'))
            check_lot_page(page, words, 'coffee', chains['coffee'][1],
                words['coffee_product'], recalled=False)
            screenshot(page, f'{language}-coffee')

            page.goto(url + banana)
            check_lot_page(page, words, 'banana', chains['banana'][1],
                words['banana_product'], recalled=True)
            screenshot(page, f'{language}-banana-recalled')
        except Exception:
            screenshot(page, f'{language}-failure')
            raise
        finally:
            context.close()
        assert not errors, errors

    serve_while(app, browse)


@pytest.mark.skipif(
    not os.path.exists(CHROMIUM),
    reason=f"{CHROMIUM} is absent (apt-get install chromium)")
def test_lot_page_fits_a_phone(app, chains):
    """On a 360 px phone the lot pages scroll only down: the long EPCIS
    link and identifiers wrap, the tables become blocks"""
    paths = {c: trace_path(*chains[c]) for c in ['coffee', 'banana']}

    def browse(url):
        widths = {}
        with chromium() as browser:
            for language in ['en', 'lo', 'zh_CN']:
                context = browser.new_context(viewport=PHONE,
                    extra_http_headers={'Accept-Language': language})
                page = context.new_page()
                page.set_default_timeout(UI_TIMEOUT)
                try:
                    for chain, path in paths.items():
                        page.goto(url + path)
                        page.wait_for_load_state('load')
                        widths[language, path] = page.evaluate(
                            'document.documentElement.scrollWidth')
                        # the link is shown whole, inside the screen
                        code = page.locator('p.meta code')
                        assert code.inner_text().startswith('https://')
                        box = code.bounding_box()
                        assert box['x'] + box['width'] <= PHONE['width']
                        screenshot(page, f'{language}-{chain}-360')
                finally:
                    context.close()
        return widths

    widths = serve_while(app, browse)
    assert widths and all(w <= PHONE['width'] for w in widths.values()), (
        widths)
