"""The public price board: per commodity and province the latest median
price, its change and a small trend, with filters, in every language of
the site.  The trend is an inline SVG drawn on the server: the page needs
no JavaScript and stays light on a phone."""
from flask import Blueprint, render_template, request

from .extensions import tryton

bp = Blueprint('prices', __name__, url_prefix='/prices')

PERIODS = ['day', 'week', 'month']


def sparkline(values, width=120, height=28):
    "The SVG points of a line through values"
    values = [v for v in values if v is not None]
    if len(values) < 2:
        return ''
    low, high = min(values), max(values)
    spread = (high - low) or 1
    step = width / (len(values) - 1)
    return ' '.join('%.1f,%.1f' % (
            i * step, height - 2 - (v - low) / spread * (height - 4))
        for i, v in enumerate(values))


@bp.route('/')
@tryton.transaction()
def board():
    pool = tryton.pool
    Aggregate = pool.get('lao.price.aggregate')
    Commodity = pool.get('lao.price.commodity')
    Market = pool.get('lao.price.market')
    Observation = pool.get('lao.price.observation')
    commodities = Commodity.search([])
    provinces = Market.provinces()
    period = request.args.get('period')
    if period not in PERIODS:
        period = 'week'
    price_types = dict(Observation.fields_get(
            ['price_type'])['price_type']['selection'])
    price_type = request.args.get('price_type')
    if price_type not in price_types:
        price_type = 'retail'
    commodity = request.args.get('commodity', type=int)
    province = request.args.get('province', type=int)
    rows = Aggregate.board(
        period=period, price_type=price_type,
        commodities=[commodity] if commodity else None,
        provinces=[province] if province else None)
    names = {c.id: c for c in commodities}
    regions = {p.id: p for p in provinces}
    rows = [dict(r, commodity=names[r['commodity']],
            province=regions.get(r['province']),
            points=sparkline(r['trend']))
        for r in rows if r['commodity'] in names]
    rows.sort(key=lambda r: (r['commodity'].name,
            r['province'] is not None,
            r['province'].name if r['province'] else ''))
    risers, fallers = Aggregate.movers(period=period, price_type=price_type)
    for mover in risers + fallers:
        mover['commodity'] = names.get(mover['commodity'])
    return render_template('prices/board.html',
        rows=rows, commodities=commodities, provinces=provinces,
        periods=dict(zip(PERIODS, period_labels())), period=period,
        price_types=price_types, price_type=price_type,
        commodity=commodity, province=province,
        risers=risers, fallers=fallers,
        currency=pool.get('lao.price.configuration')(1).currency)


def period_labels():
    from flask_babel import gettext as _
    return [_("Day"), _("Week"), _("Month")]


@bp.app_context_processor
def fair_price_hint():
    "fair_price(category, province) for the vendor's listing form"
    def fair_price(category, province=None):
        pool = tryton.pool
        Category = pool.get('product.category')
        Subdivision = pool.get('country.subdivision')
        # A form refused for an unknown choice shows no hint for it
        if not category or not Category.search(
                [('id', '=', int(category))], count=True):
            return None
        if province and not Subdivision.search(
                [('id', '=', int(province))], count=True):
            province = None
        Aggregate = pool.get('lao.price.aggregate')
        return Aggregate.price_range(int(category),
            int(province) if province else None)
    return {'fair_price': fair_price}
