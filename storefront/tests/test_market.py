"""The supply-and-demand board and the buyer's requests for quotation, with
quotes of vendors approved through the real vetting of lao_b2b."""
import datetime as dt
import html
import re
from decimal import Decimal

import pytest

from .conftest import csrf_token, fill_buyer_profile, log_in, make_web_user

TODAY = dt.date.today()


def _iso(days):
    return (TODAY + dt.timedelta(days=days)).isoformat()


@pytest.fixture(scope='module')
def refs(database):
    "Two approved cassava vendors and the ids the forms need"
    from trytond.modules.lao_b2b.tests import (
        category, create_vendor, lao_province)

    from .conftest import Tryton

    def build(pool):
        ModelData = pool.get('ir.model.data')
        return {
            'savan': create_vendor(
                "Savannakhet Cassava Group", 'MK-001', 'SV').id,
            'bokeo': create_vendor("Bokeo Cassava Traders", 'MK-002', 'BK').id,
            'cassava': category('cassava').id,
            'chips': category('cassava_chips').id,
            'coffee': category('coffee_arabica_green').id,
            'wildlife': category('protected_wildlife').id,
            'SV': lao_province('SV').id,
            'CH': lao_province('CH').id,
            'tonne': ModelData.get_id('lao_b2b', 'uom_tonne'),
            'kg': ModelData.get_id('product', 'uom_kilogram'),
            'metre': ModelData.get_id('product', 'uom_meter'),
            }
    return Tryton(database).run(build, user=1)


def _rfq_data(refs, **values):
    data = {
        'title': 'Cassava chips for Kunming', 'category': refs['chips'],
        'quantity': '20', 'unit': refs['tonne'], 'wanted_date': _iso(30),
        'delivery_province': '', 'border_point': 'Boten',
        'target_price': '2500000', 'expiry_date': _iso(7),
        # a buyer new to the platform pays such an order on delivery
        'payment_method': 'cash_on_delivery',
        'description': 'Dry, max 13% moisture.'}
    data.update(values)
    return data


def _rfq_values(refs, **values):
    "The values of a request as the form gives them to the model"
    data = {
        'title': 'Cassava chips for Kunming', 'category': refs['chips'],
        'quantity': 20.0, 'unit': refs['tonne'], 'border_point': 'Boten',
        'expiry_date': TODAY + dt.timedelta(days=7)}
    data.update(values)
    return data


def _submit(client, url, data, token=None):
    "POST data to the form at url with its CSRF token, or without if False"
    data = {k: v for k, v in data.items() if v is not None}
    if token is not False:
        data['csrf_token'] = token or csrf_token(client, url)
    return client.post(url, data=data)


def _post_rfq(client, refs, token=None, **values):
    return _submit(client, '/rfq/new', _rfq_data(refs, **values), token)


def _requests(tryton, user_id):
    "(id, state, title) of the requests of the web user's party"
    def requests(pool):
        user = pool.get('web.user')(user_id)
        return [(r.id, r.state, r.title) for r in pool.get('lao.rfq').search(
                [('buyer', '=', user.party.id if user.party else -1)])]
    return tryton.run(requests)


def _quote(tryton, request_id, vendor_id, price, submit=True):
    "A quote of the vendor on the request, submitted unless told"
    from trytond.modules.lao_b2b.tests import create_quote

    def quote(pool):
        Request = pool.get('lao.rfq')
        Quote = pool.get('lao.rfq.quote')
        Company = pool.get('company.company')
        quote = create_quote(
            Request(request_id), Company(vendor_id), Decimal(price),
            comment="Bagged, 50 kg")
        if submit:
            Quote.submit([quote])
        return quote.id
    return tryton.run(quote, user=1)


def _states(tryton, model, ids):
    def states(pool):
        Model = pool.get(model)
        return [Model(i).state for i in ids]
    return tryton.run(states)


@pytest.fixture
def profiled(client, tryton, buyer):
    "A logged-in buyer with a buyer profile: (email, web user id)"
    fill_buyer_profile(client, tryton)
    return buyer


@pytest.fixture
def open_request(client, tryton, refs, profiled):
    "An open request of the logged-in buyer: its id"
    response = _post_rfq(client, refs)
    assert response.status_code == 302, response.data
    (request_id, state, _), = _requests(tryton, profiled[1])
    assert state == 'open'
    return request_id


@pytest.fixture
def stranger(app, tryton):
    "Another logged-in buyer with a profile"
    other = app.test_client()
    email, _ = make_web_user(tryton)
    log_in(other, email)
    fill_buyer_profile(other, tryton, name='Other Buyer')
    return other


# Requests for quotation

@pytest.mark.parametrize('url', [
        '/rfq', '/rfq/new', '/rfq/1', '/board/post', '/board/mine'])
def test_buyer_pages_need_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers['Location'].startswith('/account/login')


def test_rfq_needs_buyer_profile(client, tryton, refs, buyer):
    response = _post_rfq(client, refs)
    assert response.status_code == 400
    assert b'business profile' in response.data
    assert _requests(tryton, buyer[1]) == []


def test_rfq_create_list_and_page(client, tryton, refs, profiled):
    response = _post_rfq(client, refs)
    assert response.status_code == 302, response.data
    (request_id, state, title), = _requests(tryton, profiled[1])
    assert (state, title) == ('open', 'Cassava chips for Kunming')
    assert response.headers['Location'] == f'/rfq/{request_id}'

    def saved(pool):
        r = pool.get('lao.rfq')(request_id)
        return (r.quantity, r.unit.symbol, r.border_point,
            r.delivery_province, r.target_price, r.currency.code,
            r.expiry_date, r.wanted_date, r.payment_method)
    assert tryton.run(saved) == (
        20, 't', 'Boten', None, Decimal('2500000'), 'LAK',
        TODAY + dt.timedelta(days=7), TODAY + dt.timedelta(days=30),
        'cash_on_delivery')
    page = client.get(f'/rfq/{request_id}').data.decode()
    assert 'Cassava chips for Kunming' in page
    assert 'Cash on Delivery' in page
    assert 'Boten' in page and 'No quote yet' in page
    assert f'/rfq/{request_id}' in client.get('/rfq').data.decode()


def test_rfq_to_a_province(client, tryton, refs, profiled):
    response = _post_rfq(client, refs, border_point='',
        delivery_province=refs['SV'], target_price='')

    def saved(pool):
        r, = pool.get('lao.rfq').search(
            [('buyer.name', '=', 'Vientiane Roasters'),
                ('delivery_province', '=', refs['SV'])])
        return r.border_point, r.target_price
    assert response.status_code == 302, response.data
    assert tryton.run(saved) == (None, None)


def test_rfq_numbers_as_readers_write_them(client, tryton, refs, profiled):
    """In Lao a number is read as the site writes it (1,500.5) and as CLDR
    writes Lao (1.500,5); one that means two numbers is refused, saying
    which, and nothing is saved"""
    client.environ_base['HTTP_ACCEPT_LANGUAGE'] = 'lo'
    response = _post_rfq(client, refs, quantity='1.000,5',
        target_price='2,500,000')
    assert response.status_code == 302, response.data

    (request_id, _, _), = _requests(tryton, profiled[1])

    def saved(pool):
        r = pool.get('lao.rfq')(request_id)
        return r.quantity, r.target_price
    assert tryton.run(saved) == (1000.5, Decimal('2500000'))
    form = client.get('/rfq/new').data.decode()
    assert 'type="number"' not in form and 'inputmode="decimal"' in form

    response = _post_rfq(client, refs, quantity='1.000')
    assert response.status_code == 400
    page = response.data.decode()
    assert '&#34;1.000&#34;' in page and '1000' in page
    response = _post_rfq(client, refs, quantity='1,000,00')
    assert response.status_code == 400
    assert len(_requests(tryton, profiled[1])) == 1


@pytest.mark.parametrize('values', [
        {'title': ''},
        {'title': None},
        {'category': 'abc'},
        {'category': '999999'},
        {'quantity': ''},
        {'quantity': 'abc'},
        {'quantity': '-1'},
        {'quantity': '0'},
        {'quantity': 'nan'},
        {'quantity': '1e12'},
        {'unit': '999999'},
        {'wanted_date': '31/12/2030'},
        {'expiry_date': ''},
        {'expiry_date': 'tomorrow'},
        {'target_price': '-5'},
        {'delivery_province': 'abc'},
        {'payment_method': 'credit'},
        {'payment_method': None},
        {'title': 'x' * 101},
        # refused by the models
        {'expiry_date': _iso(-1)},
        {'border_point': '', 'delivery_province': ''},
        ])
def test_rfq_bad_input(client, tryton, refs, profiled, values):
    response = _post_rfq(client, refs, **values)
    assert response.status_code == 400
    assert b'class="error"' in response.data
    assert _requests(tryton, profiled[1]) == []


@pytest.mark.parametrize('field,ref,refusal', [
        ('unit', 'metre', 'units offered'),
        ('category', 'wildlife', 'may not be traded'),
        ])
def test_rfq_refused_by_model(tryton, refs, profiled, field, ref, refusal):
    "What the form cannot send, the model refuses too"
    from trytond.exceptions import UserError

    def request(pool):
        user = pool.get('web.user')(profiled[1])
        values = _rfq_values(refs, **{field: refs[ref]})
        with pytest.raises(UserError, match=refusal):
            pool.get('lao.rfq').web_request(user, values)
    tryton.run(request)


def test_rfq_without_csrf(client, tryton, refs, profiled):
    response = _post_rfq(client, refs, token=False)
    assert response.status_code == 400
    assert _requests(tryton, profiled[1]) == []


def test_rfq_accept_quote_creates_sale(client, tryton, refs, open_request,
        stranger):
    request_id = open_request
    savan = _quote(tryton, request_id, refs['savan'], '2400000')
    bokeo = _quote(tryton, request_id, refs['bokeo'], '2450000')
    draft = _quote(tryton, request_id, refs['bokeo'], '2300000',
        submit=False)
    page = client.get(f'/rfq/{request_id}').data.decode()
    assert 'Savannakhet Cassava Group' in page
    assert 'Bokeo Cassava Traders' in page
    assert '2,400,000' in page and '2,450,000' in page
    assert '2,300,000' not in page
    assert f'/rfq/quote/{savan}/accept' in page
    assert f'/rfq/quote/{draft}/accept' not in page

    response = client.post(f'/rfq/quote/{savan}/accept', data={
            'csrf_token': csrf_token(client, f'/rfq/{request_id}')})
    assert response.status_code == 302, response.data
    assert response.headers['Location'] == f'/rfq/{request_id}'

    def sale(pool):
        quote = pool.get('lao.rfq.quote')(savan)
        sale = quote.sale
        line, = sale.lines
        return (quote.state, sale.company.id, sale.party.name, sale.state,
            line.quantity, line.unit.symbol, line.amount, sale.number,
            sale.id)
    (state, company, party, sale_state, quantity, unit, amount, number,
        sale_id) = tryton.run(sale)
    assert (state, company, party) == (
        'accepted', refs['savan'], 'Vientiane Roasters')
    # confirmed, then processed by the task run after the commit
    assert sale_state in {'confirmed', 'processing'}
    assert (quantity, unit, amount) == (20, 't', Decimal('48000000'))
    assert _states(tryton, 'lao.rfq.quote', [bokeo, draft]) == [
        'declined', 'declined']
    assert _states(tryton, 'lao.rfq', [request_id]) == ['closed']
    page = client.get(f'/rfq/{request_id}').data.decode()
    assert number and f'sale {number} is confirmed' in page
    assert f'Sale {number}' in page
    assert '/accept' not in page

    # The buyer's orders list the sale of the quote, with its part
    page = client.get('/orders').data.decode()
    assert f'/orders/sale/{sale_id}' in page
    assert f'Order {number} of Savannakhet Cassava Group' in page
    page = client.get(f'/orders/sale/{sale_id}').data.decode()
    assert 'Savannakhet Cassava Group' in page and '48,000,000' in page
    assert stranger.get(f'/orders/sale/{sale_id}').status_code == 404
    assert f'/orders/sale/{sale_id}' not in stranger.get(
        '/orders').data.decode()

    # The declined quote cannot be accepted any more
    response = client.post(f'/rfq/quote/{bokeo}/accept', data={
            'csrf_token': csrf_token(client, f'/rfq/{request_id}')})
    assert response.status_code == 400
    assert b'can no longer be accepted' in response.data
    assert _states(tryton, 'lao.rfq.quote', [savan, bokeo]) == [
        'accepted', 'declined']


def test_rfq_on_credit_above_limit(client, tryton, refs, profiled):
    """A request paid by bank transfer gives 14 days to pay: a buyer new to
    the platform cannot accept a quote above its credit limit, and is told
    why and how to pay instead; nothing is written"""
    response = _post_rfq(client, refs, payment_method='bank_transfer')
    assert response.status_code == 302, response.data
    (request_id, _, _), = _requests(tryton, profiled[1])
    assert 'Bank Transfer' in client.get(f'/rfq/{request_id}').data.decode()
    quote = _quote(tryton, request_id, refs['savan'], '2400000')
    response = client.post(f'/rfq/quote/{quote}/accept', data={
            'csrf_token': csrf_token(client, f'/rfq/{request_id}')})
    assert response.status_code == 400
    page = html.unescape(response.data.decode())
    assert 'Credit limit of "Vientiane Roasters" reached: ₭1,000,000' in page
    assert 'not been scored yet' in page
    assert 'pay this order on delivery' in page
    assert _states(tryton, 'lao.rfq.quote', [quote]) == ['submitted']
    assert _states(tryton, 'lao.rfq', [request_id]) == ['open']


def test_rfq_accept_without_csrf(client, tryton, refs, open_request):
    quote = _quote(tryton, open_request, refs['savan'], '2400000')
    response = client.post(f'/rfq/quote/{quote}/accept')
    assert response.status_code == 400
    assert _states(tryton, 'lao.rfq.quote', [quote]) == ['submitted']


def test_rfq_accept_refused_writes_nothing(client, tryton, refs,
        open_request):
    "A quote of a suspended vendor: the sale is not created"
    quote = _quote(tryton, open_request, refs['bokeo'], '2400000')

    def suspend(pool, state='suspended'):
        Application = pool.get('lao.vendor.application')
        application, = Application.search(
            [('company', '=', refs['bokeo'])])
        Application.write([application], {'state': state})
    tryton.run(suspend, user=1)
    try:
        response = client.post(f'/rfq/quote/{quote}/accept', data={
                'csrf_token': csrf_token(client, f'/rfq/{open_request}')})
    finally:
        tryton.run(lambda pool: suspend(pool, 'approved'), user=1)
    assert response.status_code == 400
    assert b'good standing' in response.data

    def sales(pool):
        return pool.get('lao.rfq.quote')(quote).sale
    assert tryton.run(sales) is None
    assert _states(tryton, 'lao.rfq.quote', [quote]) == ['submitted']
    assert _states(tryton, 'lao.rfq', [open_request]) == ['open']


def test_rfq_cancel(client, tryton, refs, open_request):
    quote = _quote(tryton, open_request, refs['savan'], '2400000')
    token = csrf_token(client, f'/rfq/{open_request}')
    response = client.post(
        f'/rfq/{open_request}/cancel', data={'csrf_token': token})
    assert response.status_code == 302
    assert _states(tryton, 'lao.rfq', [open_request]) == ['cancelled']
    assert _states(tryton, 'lao.rfq.quote', [quote]) == ['declined']
    assert b'Cancel this request' not in client.get(
        f'/rfq/{open_request}').data

    response = client.post(
        f'/rfq/{open_request}/cancel', data={'csrf_token': token})
    assert response.status_code == 400
    assert b'cannot be cancelled' in response.data


def test_rfq_cancel_without_csrf(client, tryton, open_request):
    response = client.post(f'/rfq/{open_request}/cancel')
    assert response.status_code == 400
    assert _states(tryton, 'lao.rfq', [open_request]) == ['open']


def test_rfq_of_someone_else(client, tryton, refs, open_request, stranger):
    quote = _quote(tryton, open_request, refs['savan'], '2400000')
    draft = _quote(tryton, open_request, refs['bokeo'], '2300000',
        submit=False)
    token = csrf_token(stranger, '/rfq/new')
    assert stranger.get(f'/rfq/{open_request}').status_code == 404
    assert f'/rfq/{open_request}"' not in stranger.get('/rfq').data.decode()
    assert stranger.post(f'/rfq/{open_request}/cancel',
        data={'csrf_token': token}).status_code == 404
    assert stranger.post(f'/rfq/quote/{quote}/accept',
        data={'csrf_token': token}).status_code == 404
    # A vendor's draft is not the buyer's to accept either
    own_token = csrf_token(client, f'/rfq/{open_request}')
    assert client.post(f'/rfq/quote/{draft}/accept',
        data={'csrf_token': own_token}).status_code == 404
    for url in ['/rfq/999999', '/rfq/999999/cancel',
            '/rfq/quote/999999/accept']:
        method = client.get if url == '/rfq/999999' else client.post
        assert method(url, data={'csrf_token': own_token}).status_code == 404
    assert _states(tryton, 'lao.rfq', [open_request]) == ['open']
    assert _states(tryton, 'lao.rfq.quote', [quote, draft]) == [
        'submitted', 'draft']


# Board

def _board_posts(tryton, **filters):
    def posts(pool):
        Post = pool.get('lao.board.post')
        return [(p.id, p.state, p.kind, p.title) for p in Post.search(
                [(k, '=', v) for k, v in filters.items()])]
    return tryton.run(posts)


@pytest.fixture(scope='module')
def posts(database, refs):
    "Published posts of a village, one past its date, a draft"
    from trytond.modules.lao_b2b.tests import create_buyer

    from .conftest import Tryton

    def build(pool):
        Post = pool.get('lao.board.post')
        village = create_buyer("Village of Ban Nong")
        values = {'party': village.id, 'expiry_date': TODAY + dt.timedelta(
                days=10)}
        chips, coffee, wanted, late, draft = Post.create([{
                    'kind': 'sell', 'title': "Board: cassava chips 30 t",
                    'category': refs['chips'], 'province': refs['SV'],
                    'contact': '+856 20 5555 1111', **values}, {
                    'kind': 'sell', 'title': "Board: green arabica 2 t",
                    'category': refs['coffee'], 'province': refs['CH'],
                    **values}, {
                    'kind': 'buy', 'title': "Board: fresh cassava wanted",
                    'category': refs['cassava'], 'province': refs['SV'],
                    **values}, {
                    'kind': 'sell', 'title': "Board: late offer",
                    'category': refs['chips'], 'province': refs['SV'],
                    **values}, {
                    'kind': 'sell', 'title': "Board: draft offer",
                    'category': refs['chips'], 'province': refs['SV'],
                    **values}])
        Post.publish([chips, coffee, wanted, late])
        # Published, but its date passed before the nightly task ran
        Post.write([late], {'expiry_date': TODAY - dt.timedelta(days=1)})
        return {'chips': chips.id, 'coffee': coffee.id, 'wanted': wanted.id,
            'late': late.id, 'draft': draft.id}
    return Tryton(database).run(build, user=1)


def _shown(client, query=''):
    response = client.get('/board' + query)
    assert response.status_code == 200, response.data
    return set(re.findall(r'Board: [\w ]+', response.data.decode()))


def test_board_shows_open_posts(client, posts):
    shown = _shown(client)
    assert {"Board: cassava chips 30 t", "Board: green arabica 2 t",
        "Board: fresh cassava wanted"} <= shown
    assert not shown & {"Board: late offer", "Board: draft offer"}
    page = client.get('/board').data.decode()
    assert '+856 20 5555 1111' in page and 'Village of Ban Nong' in page


def test_board_filters(client, refs, posts):
    ours = {"Board: cassava chips 30 t", "Board: green arabica 2 t",
        "Board: fresh cassava wanted"}
    assert _shown(client, '?kind=buy') & ours == {
        "Board: fresh cassava wanted"}
    assert _shown(client, f"?category={refs['cassava']}") & ours == {
        "Board: cassava chips 30 t", "Board: fresh cassava wanted"}
    assert _shown(client, f"?province={refs['CH']}") & ours == {
        "Board: green arabica 2 t"}
    assert _shown(client,
        f"?kind=sell&category={refs['cassava']}&province={refs['SV']}"
        ) & ours == {"Board: cassava chips 30 t"}


def test_board_pages(client, posts, one_per_page):
    first = client.get('/board?page=1')
    second = client.get('/board?page=2')
    assert _shown(client, '?page=1') != _shown(client, '?page=2')
    assert len(_shown(client, '?page=1')) == 1
    assert b'rel="next"' in first.data
    assert b'rel="prev"' in second.data


@pytest.mark.parametrize('query', [
        'kind=evil', 'category=abc', 'category=999999', 'province=abc',
        'page=0', 'page=x'])
def test_board_bad_filters(client, posts, query):
    response = client.get('/board?' + query)
    assert response.status_code == 400
    assert b'class="error"' in response.data


@pytest.mark.parametrize('language,title', [
        ('lo', 'ກະດານ'),
        ('zh_CN', '供需'),
        ])
def test_board_in_language(client, posts, language, title):
    response = client.get('/board', headers={'Accept-Language': language})
    assert title in response.data.decode()


def _board_data(refs, **values):
    data = {
        'title': 'Fresh cassava roots wanted', 'category': refs['cassava'],
        'province': refs['SV'], 'quantity': '50', 'unit': refs['tonne'],
        'price': '900000', 'expiry_date': _iso(14),
        'contact': '+856 20 7777 0000', 'description': 'Any variety.'}
    data.update(values)
    return data


def _post_on_board(client, refs, token=None, **values):
    return _submit(client, '/board/post', _board_data(refs, **values), token)


def test_board_post_and_withdraw(client, tryton, refs, profiled, stranger):
    response = _post_on_board(client, refs)
    assert response.status_code == 302, response.data
    assert response.headers['Location'] == '/board/mine'
    (post_id, state, kind, _), = _board_posts(
        tryton, title='Fresh cassava roots wanted')
    assert (state, kind) == ('published', 'buy')
    assert 'Fresh cassava roots wanted' in client.get('/board').data.decode()
    mine = client.get('/board/mine').data.decode()
    assert f'/board/{post_id}/withdraw' in mine
    assert f'/board/{post_id}/withdraw' not in stranger.get(
        '/board/mine').data.decode()

    token = csrf_token(stranger, '/board/mine')
    assert stranger.post(f'/board/{post_id}/withdraw',
        data={'csrf_token': token}).status_code == 404
    assert client.post(f'/board/{post_id}/withdraw').status_code == 400
    assert _board_posts(tryton, id=post_id)[0][1] == 'published'

    token = csrf_token(client, '/board/mine')
    response = client.post(
        f'/board/{post_id}/withdraw', data={'csrf_token': token})
    assert response.status_code == 302
    assert _board_posts(tryton, id=post_id)[0][1] == 'withdrawn'
    assert ('Fresh cassava roots wanted'
        not in client.get('/board').data.decode())
    response = client.post(
        f'/board/{post_id}/withdraw', data={'csrf_token': token})
    assert response.status_code == 400
    assert b'no longer on the board' in response.data
    assert client.post('/board/999999/withdraw',
        data={'csrf_token': token}).status_code == 404


def test_board_post_needs_buyer_profile(client, tryton, refs, buyer):
    response = _post_on_board(client, refs)
    assert response.status_code == 400
    assert b'business profile' in response.data
    assert _party_posts(tryton, buyer[1]) == 0


def _party_posts(tryton, user_id):
    def posts(pool):
        user = pool.get('web.user')(user_id)
        return pool.get('lao.board.post').search_count(
            [('party', '=', user.party.id if user.party else -1)])
    return tryton.run(posts)


@pytest.mark.parametrize('values', [
        {'province': ''},
        {'province': 'abc'},
        {'category': ''},
        {'title': ''},
        {'contact': ''},
        {'price': 'abc'},
        {'quantity': '-3'},
        {'unit': '999999'},
        {'expiry_date': 'soon'},
        # refused by the models
        {'expiry_date': _iso(-2)},
        ])
def test_board_post_bad_input(client, tryton, refs, profiled, values):
    response = _post_on_board(client, refs, **values)
    assert response.status_code == 400
    assert b'class="error"' in response.data
    assert _party_posts(tryton, profiled[1]) == 0


def test_board_post_without_csrf(client, tryton, refs, profiled):
    response = _post_on_board(client, refs, token=False)
    assert response.status_code == 400
    assert _party_posts(tryton, profiled[1]) == 0
