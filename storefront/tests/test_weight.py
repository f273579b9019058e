"""The weight of the web shop on a phone: every public page within 60 KB of
HTML and CSS, the catalogue's first screen with its photos within 300 KB,
photos in the sizes the pages show, cached for good at addresses that
change with them, and static files compressed and fingerprinted."""
import re

import pytest

from .conftest import trace_path
from .test_prices import prices  # noqa: F401

PAGE_BUDGET = 60 * 1024
FIRST_SCREEN_BUDGET = 300 * 1024
# The cards a phone or a laptop shows before scrolling
FIRST_SCREEN_CARDS = 8
CARD_BUDGET = 30 * 1024
PAGE_PHOTO_BUDGET = 120 * 1024
ACCEPT = {'Accept-Encoding': 'br, gzip'}
# The word of the weighed listings' titles, to find them in the catalogue
WORD = 'Weighed'


@pytest.fixture(scope='session')
def weighed(database):
    """A vendor's full catalogue page of listings with real photos (taken
    2000x1500, noisy): the newest with a photo each of their own"""
    from trytond.modules.lao_b2b.tests import (
        create_listing, create_vendor, publish)
    from trytond.modules.lao_b2b.tests.files import photo

    from .conftest import Tryton

    def build(pool):
        vendor = create_vendor("Weighed Produce Group", 'SF-W01')
        shared = photo(seed=100)
        listings = []
        for number in range(24 + FIRST_SCREEN_CARDS):
            # Created last, the listings with photos of their own come
            # first in the catalogue (the newest)
            own = number >= 24
            listings.append(create_listing(vendor, photo=False,
                    title=f"{WORD} coffee lot {number}",
                    photos=[('create', [{
                                    'image': (photo(seed=number) if own
                                        else shared),
                                    'caption': f"Lot {number}"}])]))
        publish(listings)
        return {'vendor': vendor.id, 'listing': listings[-1].id,
            'other': listings[-2].id}
    return Tryton(database).run(build, user=1)


def _stylesheets(client, html):
    "The bytes of the page's stylesheets as a browser receives them"
    links = re.findall(rb'<link rel="stylesheet" href="([^"]+)"', html)
    assert links
    total = 0
    for link in links:
        response = client.get(link.decode(), headers=ACCEPT)
        assert response.status_code == 200, link
        total += len(response.data)
    return total


def _card_photos(html):
    "The addresses of the photos of the cards of a page, in their order"
    cards = re.findall(rb'<li class="card">.*?</li>', html, re.S)
    return [re.search(rb'<img src="([^"]+)"', c).group(1).decode()
        for c in cards if b'<img' in c]


@pytest.mark.parametrize('page', [
        'home', 'catalogue', 'listing', 'seller', 'board', 'prices',
        'trace', 'login', 'signup'])
def test_public_page_budget(
        client, weighed, chains, prices, page):  # noqa: F811
    "Every public page: at most 60 KB of HTML and CSS"
    path = {
        'home': '/',
        'catalogue': '/catalogue',
        'listing': f"/listing/{weighed['listing']}",
        'seller': f"/seller/{weighed['vendor']}",
        'board': '/board',
        'prices': '/prices/',
        'trace': trace_path(*chains['coffee']),
        'login': '/account/login',
        'signup': '/account/signup',
        }[page]
    response = client.get(path, headers=ACCEPT)
    assert response.status_code == 200
    if page == 'catalogue':
        # A full page of cards
        assert len(_card_photos(response.data)) >= 24
    weight = len(response.data) + _stylesheets(client, response.data)
    assert weight <= PAGE_BUDGET, weight


def test_catalogue_first_screen_budget(client, weighed):
    "The catalogue with the photos of its first screen: at most 300 KB"
    response = client.get(f'/catalogue?q={WORD}', headers=ACCEPT)
    assert response.status_code == 200
    photos = _card_photos(response.data)[:FIRST_SCREEN_CARDS]
    assert len(photos) == FIRST_SCREEN_CARDS
    weight = len(response.data) + _stylesheets(client, response.data)
    for url in photos:
        assert '/card/' in url and url.endswith('.webp'), url
        photo = client.get(url, headers=ACCEPT)
        assert photo.status_code == 200
        assert photo.headers['Content-Type'] == 'image/webp'
        assert len(photo.data) <= CARD_BUDGET, (url, len(photo.data))
        weight += len(photo.data)
    assert weight <= FIRST_SCREEN_BUDGET, weight


def test_listing_page_photo_sizes(client, weighed):
    "The listing's page offers the card and page sizes to choose from"
    response = client.get(f"/listing/{weighed['listing']}")
    srcset = re.search(rb'srcset="([^"]+)"', response.data).group(1).decode()
    candidates = dict(
        reversed(c.strip().rsplit(' ', 1)) for c in srcset.split(','))
    assert set(candidates) == {'640w', '1280w'}
    assert b'sizes="' in response.data
    for width, budget in [('640w', CARD_BUDGET), ('1280w', PAGE_PHOTO_BUDGET)]:
        photo = client.get(candidates[width])
        assert photo.headers['Content-Type'] == 'image/webp'
        assert len(photo.data) <= budget, (width, len(photo.data))


def test_photo_cached_for_good(client, weighed):
    """A photo's size is cached for good under its version, revalidated by
    its ETag; an older version or the address without a size leads to it"""
    response = client.get(f"/listing/{weighed['listing']}")
    url = _card_photo_of_listing(response.data)
    photo = client.get(url)
    assert photo.status_code == 200
    assert photo.headers['Cache-Control'] == (
        'public, max-age=31536000, immutable')
    etag = photo.headers['ETag']
    assert etag
    again = client.get(url, headers={'If-None-Match': etag})
    assert again.status_code == 304
    assert not again.data

    listing_id, photo_id, version = re.search(
        r'/listing/(\d+)/photo/(\d+)/card/([^/]+)\.webp', url).groups()
    # Another version: sent to the current one, not cached
    old = client.get(f'/listing/{listing_id}/photo/{photo_id}/card/old.webp')
    assert old.status_code == 302
    assert old.headers['Location'].endswith(url)
    assert 'immutable' not in old.headers.get('Cache-Control', '')
    # The address without a size, of the pages written before the sizes
    plain = client.get(f'/listing/{listing_id}/photo/{photo_id}')
    assert plain.status_code == 302
    assert '/page/' in plain.headers['Location']
    for bad in ['huge', 'image', 'card_id']:
        assert client.get(f'/listing/{listing_id}/photo/{photo_id}/'
            f'{bad}/{version}.webp').status_code == 404
    # Another listing's photo through this listing's address
    assert client.get(f"/listing/{weighed['other']}/photo/{photo_id}/"
        f'card/{version}.webp').status_code == 404


def test_photo_version_follows_image(client, weighed, tryton):
    "A new image of a photo has new addresses; the old ones lead to it"
    from trytond.modules.lao_b2b.tests.files import photo

    listing_id = weighed['other']
    before = _card_photo_of_listing(
        client.get(f'/listing/{listing_id}').data)

    def change(pool):
        Listing = pool.get('lao.listing')
        Photo = pool.get('lao.listing.photo')
        Photo.write(list(Listing(listing_id).photos),
            {'image': photo(size=(800, 600), seed=999)})
    tryton.run(change)
    after = _card_photo_of_listing(client.get(f'/listing/{listing_id}').data)
    assert after != before
    redirected = client.get(before)
    assert redirected.status_code == 302
    assert redirected.headers['Location'].endswith(after)
    assert client.get(after).status_code == 200


def _card_photo_of_listing(html):
    srcset = re.search(rb'srcset="([^"]+)"', html).group(1).decode()
    return next(c.strip().rsplit(' ', 1)[0] for c in srcset.split(',')
        if c.strip().endswith(' 640w'))


def test_static_files_fingerprinted_and_compressed(client, app):
    """url_for('static') names files after their content, served compressed
    and cached for good; the plain names still answer"""
    html = client.get('/').data
    url = re.search(rb'href="(/static/style\.[0-9a-f]{12}\.css)"',
        html).group(1).decode()
    with open(app.static_folder + '/style.css', 'rb') as file:
        plain = file.read()
    for encoding in ['br', 'gzip']:
        response = client.get(url, headers={'Accept-Encoding': encoding})
        assert response.status_code == 200
        assert response.headers['Content-Encoding'] == encoding
        assert 'immutable' in response.headers['Cache-Control']
        assert 'Accept-Encoding' in response.headers['Vary']
        assert response.headers['X-Content-Type-Options'] == 'nosniff'
        assert len(response.data) < len(plain)
    response = client.get(url)
    assert response.data == plain
    again = client.get(
        url, headers={'If-None-Match': response.headers['ETag']})
    assert again.status_code == 304
    assert client.get('/static/style.css').data == plain
