"""The operations centre's wall screen in a real browser (Debian's
Chromium driven by Playwright) at 1920×1080: it renders its map and charts,
refreshes from its JSON endpoints without reloading, and logs no error.
The screenshot goes to test-artifacts/ops-wall.png."""
import os

from tests.browser import ARTIFACTS, chromium

from .test_browser_trace import UI_TIMEOUT, serve_while
from .test_prices import prices  # noqa: F401 (the fixture)


def test_wall_screen_refreshes(app, prices):  # noqa: F811
    from playwright.sync_api import expect

    app.config['OPS_REFRESH_SECONDS'] = 1
    # the orders of the tests that ran before on this database, if any
    orders = app.test_client().get('/ops/data/orders').get_json()['orders']

    def browse(url):
        with chromium() as browser:
            page = browser.new_page(viewport={'width': 1920, 'height': 1080})
            page.set_default_timeout(UI_TIMEOUT)
            errors = []
            page.on('pageerror', lambda error: errors.append(str(error)))
            page.on('console', lambda message: errors.append(message.text)
                if message.type == 'error' else None)
            loads = []
            page.on('load', lambda: loads.append(1))
            page.goto(url + '/ops/')
            # two refreshes from the endpoints, one page load
            expect(page.locator('body')).to_have_attribute(
                'data-refreshed', '2')
            expect(page.locator('#map-chart canvas')).to_have_count(1)
            expect(page.locator('#trend-chart canvas')).to_have_count(1)
            expect(page.locator('#orders-count')).to_have_text(str(orders))
            page.select_option('#commodity', 'CASS')
            expect(page.locator('body')).to_have_attribute(
                'data-refreshed', '3')
            os.makedirs(ARTIFACTS, exist_ok=True)
            page.screenshot(path=os.path.join(ARTIFACTS, 'ops-wall.png'))
            return loads, errors
    try:
        loads, errors = serve_while(app, browse)
    finally:
        app.config['OPS_REFRESH_SECONDS'] = 5
    assert loads == [1]
    assert not errors, errors
