"""The operations centre's wall screen (/ops), for a 1920×1080 display: a
map of the provinces shaded by the supply on offer of a commodity, price
trends, the newest buy requests and sell offers, today's orders and the
recent price warnings.  The page loads once; its script refreshes each
panel from the JSON endpoints below every few seconds.  Only public and
aggregated data is shown, so the screen needs no log-in.

ECharts comes from npm (make install puts it under var/npm) and is served
here: no CDN, and no inline script (the scripts are static files)."""
import datetime as dt
import os

from flask import (
    Blueprint, abort, current_app, jsonify, render_template, request,
    send_from_directory)

from .api import commodities_by_code, provinces_by_code
from .extensions import tryton

bp = Blueprint('ops', __name__, url_prefix='/ops')

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ECHARTS_DIR = os.path.join(ROOT, 'var', 'npm', 'node_modules', 'echarts', 'dist')
TREND_MONTHS = 24


@bp.route('/')
@tryton.transaction()
def wall():
    Commodity = tryton.pool.get('lao.price.commodity')
    return render_template('ops/wall.html',
        commodities=Commodity.search([]),
        refresh=current_app.config.get('OPS_REFRESH_SECONDS', 5))


@bp.route('/echarts.min.js')
def echarts():
    directory = current_app.config.get('ECHARTS_DIR', ECHARTS_DIR)
    if not os.path.exists(os.path.join(directory, 'echarts.min.js')):
        abort(404)
    return send_from_directory(directory, 'echarts.min.js',
        mimetype='text/javascript', max_age=86400)


def _commodity(commodities):
    code = request.args.get('commodity')
    if code and code in commodities:
        return commodities[code]
    if code:
        abort(400)
    return next(iter(commodities.values()), None)


@bp.route('/data/map')
@tryton.transaction()
def map_data():
    pool = tryton.pool
    BoardPost = pool.get('lao.board.post')
    Aggregate = pool.get('lao.price.aggregate')
    commodities = commodities_by_code()
    provinces = provinces_by_code()
    commodity = _commodity(commodities)
    if not commodity:
        return jsonify(commodity=None, provinces=[])
    supply = BoardPost.supply_by_province(commodity)
    latest = {}
    for row in Aggregate.board(period='week', commodities=[commodity.id]):
        latest[row['province']] = row['median']
    return jsonify(
        commodity=commodity.code, commodity_name=commodity.name,
        unit=commodity.unit.symbol,
        provinces=[{
                'code': p.code, 'name': p.name,
                'supply': round(supply.get(p.id, 0), 1),
                'price': latest.get(p.id),
                } for p in provinces.values()])


@bp.route('/data/trends')
@tryton.transaction()
def trends():
    pool = tryton.pool
    Aggregate = pool.get('lao.price.aggregate')
    Index = pool.get('lao.price.index')
    Date = pool.get('ir.date')
    commodities = commodities_by_code()
    today = Date.today()
    start = (today.replace(day=1) - dt.timedelta(days=31 * TREND_MONTHS))
    series = {}
    for row in Aggregate.series(period='month', start=start,
            price_type='retail', national=True):
        series.setdefault(row['commodity'], []).append(
            [row['date'].isoformat(), row['median']])
    indices = Index.search([], limit=1, order=[('id', 'ASC')])
    index = indices[0].compute(start) if indices else []
    return jsonify(
        series=[{'commodity': c.code, 'name': c.name, 'unit': c.unit.symbol,
                'points': series[c.id]}
            for c in commodities.values() if c.id in series],
        index=[[v['month'].isoformat(), v['value']] for v in index])


@bp.route('/data/feed')
@tryton.transaction()
def feed():
    BoardPost = tryton.pool.get('lao.board.post')
    return jsonify(posts=BoardPost.ops_feed())


@bp.route('/data/orders')
@tryton.transaction()
def orders():
    Order = tryton.pool.get('lao.marketplace.order')
    summary = Order.today_summary()
    summary['date'] = summary['date'].isoformat()
    return jsonify(summary)


@bp.route('/data/warnings')
@tryton.transaction()
def warnings():
    Aggregate = tryton.pool.get('lao.price.aggregate')
    commodities = {c.id: c for c in commodities_by_code().values()}
    provinces = {p.id: p for p in provinces_by_code().values()}
    result = []
    for warning in Aggregate.warnings():
        commodity = commodities[warning['commodity']]
        province = provinces.get(warning['province'])
        result.append(dict(warning,
                commodity=commodity.code, commodity_name=commodity.name,
                province=province.code if province else 'national',
                province_name=province.name if province else None,
                month=warning['month'].isoformat()))
    return jsonify(warnings=result)
