"""Two journeys through the whole platform in Chromium, as newcomers make
them.

1. A guest puts cassava flour in its cart at the listing's minimum of
   1,000 kg and presses Proceed to checkout; it signs up, opens the
   validation e-mail in the mail catcher, follows its link, logs in with
   its guest cart, fills its business profile, puts a second vendor's
   listing in its cart, is stopped below that listing's minimum, corrects
   it, goes to the checkout page, where each vendor's part is summed up,
   chooses to pay on delivery (new to the platform, it has little
   credit), places the order and sees it split between the two vendors.
2. A tea cooperative applies on the web shop with its documents, a
   government reviewer approves it in the back office (sao), its manager
   opens the invitation e-mail in the mail catcher, chooses a password and
   logs in to sao; the cooperative lists its tea on the web shop and
   submits it, the reviewer publishes it in sao, and buyers find it in the
   catalogue in Lao and in Chinese.

The demo database (tests/browser.py, cached in TEST_CACHE) is served by
trytond with sao and by the web shop on free loopback ports; their e-mails
go to MailDev, as in make demo, whose inbox the newcomers open.
Screenshots, at 360 px and 1280 px where the page is the newcomer's, are
kept in test-artifacts/.
"""
import re

import pytest

from trytond.modules.lao_b2b.tests import files

from scripts.demo.platform import REVIEWERS

from .browser import (
    CHROMIUM, DATABASE, UI_TIMEOUT, MailCatcher, call, chromium,
    click_and_confirm, demo_platform, sao_log_in, screenshot, serving,
    serving_shop)

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
    with MailCatcher(base) as mail:
        config_files, port, logins = demo_platform(
            base, smtp_port=mail.smtp_port)
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


def shots(page, name):
    "Screenshots of the page at the widths of a phone and of a laptop"
    viewport = page.viewport_size
    for width, size in [('360', PHONE), ('1280', LAPTOP)]:
        page.set_viewport_size(size)
        screenshot(page, f'{name}-{width}')
    page.set_viewport_size(viewport)


def read_mail(page, platform, email, link, shot):
    """Open the inbox of the mail catcher, then the next e-mail to email,
    and return the first address in it that starts with link"""
    from playwright.sync_api import expect
    message = platform['mail'].wait_for(email)
    page.goto(platform['mail'].url)
    page.get_by_text(message['subject']).first.click()
    expect(page.get_by_text(message['subject']).first).to_be_visible()
    shots(page, shot)
    body = message.get('html') or message.get('text') or ''
    match = re.search(re.escape(link) + r'[^\s"<>\]]*', body)
    assert match, body
    return match.group(0).replace('&amp;', '&')


def sign_up(page, platform, email, shot):
    """Sign up on the web shop, open the validation e-mail in the mail
    catcher, follow its link and log in"""
    from playwright.sync_api import expect
    shop = platform['shop']
    page.goto(shop + 'account/signup')
    page.fill('#email', email)
    page.fill('#password', PASSWORD)
    page.fill('#confirm', PASSWORD)
    shots(page, f'{shot}-1-signup')
    page.locator('main form button[type=submit]').click()
    expect(page.locator('main')).to_contain_text("Check your e-mail")
    page.goto(read_mail(page, platform, email, shop + 'account/validate',
            f'{shot}-1-validation-mail'))
    expect(page).to_have_url(re.compile(r'/account/login'))
    page.fill('#email', email)
    page.fill('#password', PASSWORD)
    page.locator('main form button[type=submit]').click()
    expect(page.get_by_role('button', name="Log out")).to_be_visible()


def test_buyer_journey(platform, browser):
    from playwright.sync_api import expect
    shop = platform['shop']
    email = 'noodles@vientiane-kitchen.example'
    errors = []
    page = _page(browser, PHONE, errors)
    try:
        # A guest puts the flour in its cart at the minimum the listing
        # offers, and is asked to log in to order
        page.goto(shop)
        shots(page, 'shop-home')
        page.goto(shop + 'catalogue')
        # On a phone the filters are folded: the first cards show at once
        expect(page.locator('details.filters summary')).to_be_visible()
        expect(page.locator('#category')).to_be_hidden()
        assert page.locator('.card').first.bounding_box()['y'] < PHONE[
            'height']
        shots(page, 'shop-catalogue')
        page.fill('#q', "cassava flour")
        page.locator('main form button[type=submit]').first.click()
        page.get_by_role('link', name=re.compile("Cassava flour")).first.click()
        expect(page.locator('h1')).to_contain_text("Cassava flour")
        expect(page.locator('#quantity')).to_have_value('1000')
        shots(page, 'journey-buyer-0-listing')
        page.get_by_role('button', name="Add to cart").click()
        expect(page.locator('.flash')).to_contain_text("1,000 kg")
        shots(page, 'shop-cart')
        page.get_by_role('link', name="Proceed to checkout").click()
        expect(page).to_have_url(re.compile(r'/account/login'))
        page.get_by_role('link', name="Create an account").click()

        sign_up(page, platform, email, 'journey-buyer')

        # The cart of the guest is the account's
        page.goto(shop + 'cart')
        cart = page.locator('main')
        expect(cart.locator('input[name^="quantity-"]')).to_have_value('1000')
        expect(cart).to_contain_text("Cassava flour")

        # The business profile that orders need
        page.goto(shop + 'account/profile')
        page.fill('#business_name', "Vientiane Noodle Kitchen")
        page.fill('#registration_number', "VT-ERC-0999/2026")
        page.select_option('#buyer_type', 'domestic')
        page.fill('#city', "Vientiane")
        page.select_option('#country', label="Laos")
        page.locator('main form button[type=submit]').click()
        expect(page.locator('.flash')).to_be_visible()

        # A second vendor's rice, added below its minimum
        page.goto(shop + 'catalogue')
        page.fill('#q', "sticky rice")
        page.locator('main form button[type=submit]').first.click()
        page.get_by_role('link', name=re.compile("sticky rice")).first.click()
        page.fill('#quantity', '100')
        page.get_by_role('button', name="Add to cart").click()

        # The cart names the listing and its minimum, and offers no order
        expect(cart.locator('.error', has_text="minimum")).to_have_count(1)
        expect(page.get_by_role('link', name="Proceed to checkout")
            ).to_have_count(0)
        shots(page, 'journey-buyer-2-below-minimum')
        quantity = cart.locator('li', has_text="sticky rice").locator(
            'input[name^="quantity-"]')
        quantity.fill('500')
        page.get_by_role('button', name="Update the cart").click()
        expect(cart.locator('.error')).to_have_count(0)
        # The checkout page: each vendor's part summed up, then the order
        page.get_by_role('link', name="Proceed to checkout").click()
        expect(page.locator('h1')).to_have_text("Checkout")
        expect(page.locator('section.vendor-part')).to_have_count(2)
        page.fill('#reference', "Kitchen order 1")
        # New to the platform, it may owe a vendor little: it pays on
        # delivery, as the checkout tells it
        expect(page.locator('form.place')).to_contain_text(
            "not been scored yet. Above it, pay on delivery.")
        page.select_option('#payment_method', 'cash_on_delivery')
        shots(page, 'journey-buyer-3-checkout')
        page.get_by_role('button', name="Place the order").click()

        # One order, one part per vendor
        expect(page.locator('.flash')).to_contain_text("order is placed")
        parts = page.locator('main section.part')
        expect(parts).to_have_count(2)
        shots(page, 'journey-buyer-4-order')
        vendors = parts.all_inner_texts()
    except Exception:
        screenshot(page, 'journey-buyer-failure')
        raise
    assert any('Cassava' in v or 'Phonhong' in v for v in vendors), vendors
    assert any('Rice' in v or 'Luang Prabang' in v for v in vendors), vendors
    assert not errors, errors

    # Each vendor has its sale, confirmed and processed at once; the flour
    # is ordered at its minimum
    assert all("SO/" in v for v in vendors), vendors
    admin = platform['logins']['admin']
    order, = call(platform, 'admin', admin,
        'model.lao.marketplace.order.search_read',
        [('reference', '=', "Kitchen order 1")], 0, None, None,
        ['status', 'buyer.rec_name'])
    assert order['status'] in {'confirmed', 'processing'}
    assert order['buyer.']['rec_name'] == "Vientiane Noodle Kitchen"
    lines = call(platform, 'admin', admin,
        'model.lao.marketplace.order.line.search_read',
        [('order', '=', order['id'])], 0, None, None,
        ['quantity', 'listing.title'])
    assert sorted(l['quantity'] for l in lines) == [500, 1000], lines
    # The validation e-mail is recorded as sent for the operators
    mail, = call(platform, 'admin', admin,
        'model.web.user.email.search_read',
        [('web_user.email', '=', email)], 0, None, None, ['kind', 'state'])
    assert (mail['kind'], mail['state']) == ('validation', 'sent')


VENDOR = "Phongsaly Ancient Tea Cooperative"
MANAGER_PASSWORD = 'Komaen-ancient-tea-2026'
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
    click_and_confirm(page, approve,
        "Approve this vendor and create its company?")
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
    click_and_confirm(page, publish,
        "Publish this listing on the marketplace?")
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

        # The cooperative's manager opens its invitation in the mail
        # catcher, chooses its password and logs in to the back office
        manager = _page(browser, LAPTOP, errors)
        link = read_mail(manager, platform, 'tea@phongsaly-coop.example',
            platform['url'] + DATABASE + '/lao_b2b/invitation/',
            'journey-vendor-3-invitation-mail')
        manager.goto(link)
        manager.fill('input[name=password]', MANAGER_PASSWORD)
        manager.fill('input[name=confirmation]', MANAGER_PASSWORD)
        shots(manager, 'journey-vendor-3-choose-password')
        manager.get_by_role('button', name="Set password").click()
        expect(manager.locator('body')).to_contain_text("Your password is set")
        sao_log_in(manager, platform, 'tea@phongsaly-coop.example',
            MANAGER_PASSWORD)
        screenshot(manager, 'journey-vendor-3-sao-manager')
        invitation, = call(platform, 'admin', admin,
            'model.res.user.invitation.search_read',
            [('email', '=', 'tea@phongsaly-coop.example')], 0, None, None,
            ['state', 'delivery_attempts'])
        assert invitation['state'] == 'accepted', invitation

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
