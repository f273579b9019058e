"""Two journeys through the whole platform in Chromium, as people make them.

1. A buyer signs up on the web shop, follows the link of the validation
   e-mail, fills its business profile, searches the catalogue, puts two
   vendors' listings in its cart, is stopped below a listing's minimum,
   corrects it, checks out and sees the order split between the two vendors.
2. A tea cooperative applies on the web shop with its documents, a
   government reviewer approves it in the back office (sao), the
   cooperative lists its tea on the web shop and submits it, the reviewer
   publishes it in sao, and buyers find it in the catalogue in Lao and in
   Chinese.

The demo database (tests/browser.py, cached in TEST_CACHE) is served by
trytond with sao and by the web shop on free loopback ports; their e-mails
go to an SMTP sink of the test.  Screenshots are kept in test-artifacts/.
"""
import re

import pytest

from trytond.modules.lao_b2b.tests import files

from scripts.demo.platform import REVIEWERS

from .browser import (
    CHROMIUM, DATABASE, UI_TIMEOUT, SMTPSink, call, chromium, demo_platform,
    sao_log_in, screenshot, serving, serving_shop)

pytestmark = [
    pytest.mark.skipif(
        not __import__('os').path.exists(CHROMIUM),
        reason=f"{CHROMIUM} is absent (apt-get install chromium)"),
    # On the demo database, SQLite whatever the backend of the run
    pytest.mark.demo_database,
    ]

PASSWORD = 'a long journey password'
# A one-page PDF as the vendor's scanner makes it, a PNG as its camera
PDF = files.pdf()
PNG = files.png()
# The widths of the web shop's pages: a phone and a laptop
PHONE = {'width': 360, 'height': 740}
LAPTOP = {'width': 1280, 'height': 900}


@pytest.fixture(scope='module')
def platform(tmp_path_factory):
    "The back office and the web shop on the demo database, and the mail"
    base = tmp_path_factory.mktemp('journeys')
    with SMTPSink() as mail:
        config_files, port, logins = demo_platform(base, smtp_port=mail.port)
        with serving(base, config_files, port, preload=True) as url, \
                serving_shop(base, config_files, url) as shop:
            yield {
                'url': url, 'database': DATABASE, 'logins': logins,
                'shop': shop, 'mail': mail,
                }


@pytest.fixture
def browser():
    with chromium() as browser:
        yield browser


def _page(browser, viewport, errors):
    page = browser.new_context(viewport=viewport).new_page()
    page.set_default_timeout(UI_TIMEOUT)
    page.on('pageerror', lambda error: errors.append(str(error)))
    return page


def _validation_link(message, shop):
    body = message.get_body(('plain', 'html')).get_content()
    match = re.search(
        re.escape(shop) + r'account/validate\?[^\s"<]+', body)
    assert match, body
    return match.group(0).replace('&amp;', '&')


def sign_up(page, platform, email, shot):
    """Sign up on the web shop, follow the link of the validation e-mail
    and log in"""
    from playwright.sync_api import expect
    shop = platform['shop']
    page.goto(shop + 'account/signup')
    page.fill('#email', email)
    page.fill('#password', PASSWORD)
    page.fill('#confirm', PASSWORD)
    screenshot(page, f'{shot}-1-signup')
    page.locator('main form button[type=submit]').click()
    expect(page.locator('main')).to_contain_text("Check your e-mail")
    message = platform['mail'].wait_for(email)
    page.goto(_validation_link(message, shop))
    expect(page).to_have_url(re.compile(r'/account/login'))
    page.fill('#email', email)
    page.fill('#password', PASSWORD)
    page.locator('main form button[type=submit]').click()
    expect(page.get_by_role('button', name="Log out")).to_be_visible()


def test_buyer_journey(platform, browser):
    from playwright.sync_api import expect
    shop = platform['shop']
    errors = []
    page = _page(browser, PHONE, errors)
    try:
        sign_up(page, platform, 'noodles@vientiane-kitchen.example',
            'journey-buyer')

        # The business profile that orders need
        page.goto(shop + 'account/profile')
        page.fill('#business_name', "Vientiane Noodle Kitchen")
        page.fill('#registration_number', "VT-ERC-0999/2026")
        page.select_option('#buyer_type', 'domestic')
        page.fill('#city', "Vientiane")
        page.select_option('#country', label="Laos")
        page.locator('main form button[type=submit]').click()
        expect(page.locator('.flash')).to_be_visible()

        # Search the catalogue and add a coffee below its minimum
        page.goto(shop + 'catalogue')
        page.fill('#q', "arabica")
        page.locator('form.search button[type=submit], '
            'main form button[type=submit]').first.click()
        card = page.get_by_role('link', name=re.compile("washed arabica"))
        card.first.click()
        expect(page.locator('h1')).to_contain_text("arabica")
        screenshot(page, 'journey-buyer-2-listing')
        page.fill('#quantity', '60')
        page.get_by_role('button', name="Add to cart").click()

        page.goto(shop + 'catalogue')
        page.fill('#q', "sticky rice")
        page.locator('main form button[type=submit]').first.click()
        page.get_by_role('link', name=re.compile("sticky rice")).first.click()
        page.get_by_role('button', name="Add to cart").click()

        # The cart names the listing and its minimum, and offers no order
        cart = page.locator('main')
        expect(cart.locator('.error', has_text="minimum")).to_have_count(1)
        expect(page.get_by_role('button', name="Place the order")
            ).to_have_count(0)
        screenshot(page, 'journey-buyer-3-below-minimum')
        quantity = cart.locator('input[name^="quantity-"]').first
        quantity.fill('100')
        page.get_by_role('button', name="Update the cart").click()
        expect(cart.locator('.error')).to_have_count(0)
        page.fill('#reference', "Kitchen order 1")
        screenshot(page, 'journey-buyer-4-cart')
        page.get_by_role('button', name="Place the order").click()

        # One order, one part per vendor
        expect(page.locator('.flash')).to_contain_text("order is placed")
        parts = page.locator('main h2 + ul.list > li')
        expect(parts).to_have_count(2)
        screenshot(page, 'journey-buyer-5-order')
        vendors = parts.all_inner_texts()
    except Exception:
        screenshot(page, 'journey-buyer-failure')
        raise
    assert any('Bolaven' in v or 'Coffee' in v for v in vendors), vendors
    assert any('Rice' in v or 'Luang Prabang' in v for v in vendors), vendors
    assert not errors, errors

    # Each vendor has its sale, confirmed and processed at once
    assert all("SO/" in v for v in vendors), vendors
    admin = platform['logins']['admin']
    order, = call(platform, 'admin', admin,
        'model.lao.marketplace.order.search_read',
        [('reference', '=', "Kitchen order 1")], 0, None, None,
        ['status', 'buyer.rec_name'])
    assert order['status'] in {'confirmed', 'processing'}
    assert order['buyer.']['rec_name'] == "Vientiane Noodle Kitchen"


VENDOR = "Phongsaly Ancient Tea Cooperative"
TEA = "Ancient-tree green tea from Phongsaly"
TEA_LAO = "ຊາຂຽວຕົ້ນບູຮານ ຜົ້ງສາລີ"
TEA_CHINESE = "丰沙里古树绿茶"


def _approve_in_sao(page, platform, reviewer):
    from playwright.sync_api import expect
    marketplace = sao_log_in(page, platform, reviewer.login,
        reviewer.password)
    tabs = page.locator('#tabcontent')
    marketplace.locator('.expander').first.click()
    page.locator('#menu').get_by_text(
        "Vendor Applications", exact=True).click()
    row = tabs.locator('tr', has_text=VENDOR)
    row.get_by_text(VENDOR).dblclick()
    form = tabs.locator('.form').first
    approve = form.get_by_role('button', name='Approve')
    expect(approve).to_be_visible()
    # Every button shows until the record is read and its state known
    expect(form.get_by_role('button', name='Submit', exact=True)
        ).to_be_hidden()
    screenshot(page, 'journey-vendor-3-sao-application')
    approve.click()
    page.locator('.modal:visible', has_text=(
            "Approve this vendor and create its company?")).get_by_role(
        'button', name='OK').click()
    expect(approve).to_be_hidden()


def _publish_in_sao(page):
    from playwright.sync_api import expect
    tabs = page.locator('#tabcontent')
    menu = page.locator('#menu')
    menu.locator('tr', has_text="Listings").locator('.expander').first.click()
    menu.get_by_text("Listing Review Queue", exact=True).click()
    row = tabs.locator('tr', has_text=TEA)
    row.get_by_text(TEA).dblclick()
    # The form of the review queue's tab, beside the hidden tab of the
    # applications
    publish = tabs.locator('.form:visible').first.get_by_role(
        'button', name='Publish')
    expect(publish).to_be_visible()
    expect(tabs.locator('.form:visible').first.get_by_role(
            'button', name='Submit', exact=True)).to_be_hidden()
    screenshot(page, 'journey-vendor-6-sao-listing')
    publish.click()
    page.locator('.modal:visible', has_text=(
            "Publish this listing on the marketplace?")).get_by_role(
        'button', name='OK').click()
    expect(publish).to_be_hidden()


def test_vendor_journey(platform, browser):
    from playwright.sync_api import expect
    shop = platform['shop']
    reviewer = REVIEWERS[0]
    errors = []
    page = _page(browser, PHONE, errors)
    back_office = _page(browser, LAPTOP, errors)
    try:
        sign_up(page, platform, 'tea@phongsaly-coop.example',
            'journey-vendor')

        # The application, its documents, its submission
        page.goto(shop + 'vendor/apply')
        page.fill('#name', VENDOR)
        page.fill('#name_lao', "ສະຫະກອນຊາບູຮານ ຜົ້ງສາລີ")
        page.select_option('#vendor_type', 'cooperative')
        page.fill('#registration_number', "PH-COOP-0321/2024")
        page.select_option('#province', label="Phongsaly")
        page.fill('#district', "Phongsaly")
        page.fill('#village', "Ban Komaen")
        page.fill('#phone', "+856 88 210 321")
        page.fill('#email', 'tea@phongsaly-coop.example')
        page.fill('#commodities', "Green tea, black tea")
        page.locator('main form button[type=submit]').click()
        for kind, name in [
                ('registration_certificate', 'registration.pdf'),
                ('payment_service_certificate', 'payment.pdf')]:
            page.select_option('#kind', kind)
            page.set_input_files('#file', files=[{
                        'name': name, 'mimeType': 'application/pdf',
                        'buffer': PDF}])
            page.get_by_role('button', name="Upload").click()
            expect(page.locator('.flash')).to_contain_text("document is added")
        page.get_by_role('button', name="Submit my application").click()
        expect(page.locator('.flash')).to_contain_text("submitted")
        screenshot(page, 'journey-vendor-2-submitted')

        # The reviewer checks each document against the original (as the
        # Checked button of sao does), then approves in sao
        admin = platform['logins']['admin']
        documents = call(platform, 'admin', admin,
            'model.lao.vendor.application.document.search',
            [('application.name', '=', VENDOR)], 0, None, None)
        assert len(documents) == 2
        call(platform, reviewer.login, reviewer.password,
            'model.lao.vendor.application.document.mark_checked', documents)
        _approve_in_sao(back_office, platform, reviewer)

        # The approved cooperative lists its tea on the web shop
        page.goto(shop + 'vendor/')
        page.get_by_role('link', name="My listings").click()
        page.get_by_role('link', name="New listing").click()
        page.fill('#title', TEA)
        page.fill('#description', "Sun-dried green tea picked from "
            "ancient trees above 1,000 m around Komaen.")
        page.fill('#translations-lo-title', TEA_LAO)
        page.fill('#translations-zh_CN-title', TEA_CHINESE)
        page.fill('#translations-zh_CN-description', "科曼村海拔一千米以上古茶树的晒青绿茶。")
        page.select_option('#category', label="Tea")
        page.fill('#grade', "First flush")
        page.select_option('#origin_province', label="Phongsaly")
        page.fill('#origin_district', "Phongsaly")
        page.fill('#harvest_season', "2026 spring")
        page.select_option('#unit', label="Kilogram")
        page.fill('#minimum_quantity', '20')
        page.fill('#quantity_multiple', '5')
        page.fill('#declared_quantity', '600')
        page.fill('#lead_time_days', '10')
        page.fill('#tiers-0-quantity', '0')
        page.fill('#tiers-0-unit_price', '350000')
        page.fill('#tiers-1-quantity', '100')
        page.fill('#tiers-1-unit_price', '320000')
        screenshot(page, 'journey-vendor-4-listing-form')
        page.get_by_role('button', name="Save").click()
        expect(page.locator('.flash')).to_contain_text("saved as a draft")
        page.set_input_files('#file', files=[{
                    'name': 'tea.png', 'mimeType': 'image/png',
                    'buffer': PNG}])
        page.get_by_role('button', name="Add the photo").click()
        expect(page.locator('.flash')).to_contain_text("photo is added")
        expect(page.locator('main')).to_contain_text(
            "Everything the reviewers check is filled in.")
        page.get_by_role('button', name="Submit for review").click()
        expect(page.locator('.flash')).to_contain_text("submitted")
        screenshot(page, 'journey-vendor-5-listing-submitted')

        # The reviewer publishes it in sao
        _publish_in_sao(back_office)
        screenshot(back_office, 'journey-vendor-7-sao-published')

        # Buyers find it, in Lao and in Chinese
        for language, title, shot in [
                ('ລາວ', TEA_LAO, 'lo'), ('中文', TEA_CHINESE, 'zh_CN')]:
            page.goto(shop + 'catalogue')
            page.locator('form.lang').get_by_role(
                'button', name=language).click()
            page.locator('#q').fill(title)
            page.locator('main form button[type=submit]').first.click()
            link = page.get_by_role('link', name=title)
            expect(link.first).to_be_visible()
            link.first.click()
            expect(page.locator('h1')).to_have_text(title)
            screenshot(page, f'journey-vendor-8-catalogue-{shot}')
    except Exception:
        screenshot(page, 'journey-vendor-failure')
        screenshot(back_office, 'journey-vendor-failure-sao')
        raise
    assert not errors, errors

    listing, = call(platform, 'admin', admin, 'model.lao.listing.search_read',
        [('title', '=', TEA)], 0, None, None,
        ['state', 'company.rec_name', 'submitted_by.login'])
    assert listing['state'] == 'published'
    assert listing['company.']['rec_name'] == VENDOR
    # The web shop acted as the cooperative's manager, whom the log names
    assert listing['submitted_by.']['login'] == 'tea@phongsaly-coop.example'
