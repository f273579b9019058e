"""The public price API: /api/v1/prices and /api/v1/price-index, described
by the OpenAPI document served beside them (/api/v1/openapi.json).

Machine clients get JSON only: a bad parameter answers 400 with a message,
never a 500.  The storefront serves this API rather than a trytond route so
that the price board and the wall screen read the same endpoints, with the
same storefront user and languages (see addons/lao_prices/doc/design.rst)."""
import datetime as dt
import json
import os

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from trytond.exceptions import UserError

from .extensions import tryton

bp = Blueprint('api', __name__, url_prefix='/api/v1')

OPENAPI = os.path.join(os.path.dirname(__file__), 'openapi', 'prices.json')


class BadParameter(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


@bp.errorhandler(BadParameter)
def bad_parameter(error):
    return jsonify(status='error', message=error.message), 400


@bp.errorhandler(UserError)
def user_error(error):
    return jsonify(status='error', message=error.message), 400


def _date(name):
    value = request.args.get(name)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadParameter(_(
                'The parameter "%(name)s" must be a date written YYYY-MM-DD, '
                'not "%(value)s".', name=name, value=value))


def _choice(name, choices, default=None):
    value = request.args.get(name) or default
    if value is not None and value not in choices:
        raise BadParameter(_(
                'The parameter "%(name)s" must be one of %(choices)s, '
                'not "%(value)s".', name=name, choices=', '.join(choices),
                value=value))
    return value


def commodities_by_code():
    Commodity = tryton.pool.get('lao.price.commodity')
    return {c.code: c for c in Commodity.search([])}


def provinces_by_code():
    Market = tryton.pool.get('lao.price.market')
    return {p.code: p for p in Market.provinces()}


def _records(name, by_code, national=False):
    "The records named by the comma-separated codes of the parameter"
    value = request.args.get(name)
    if not value:
        return None
    records = []
    for code in value.split(','):
        code = code.strip()
        if national and code == 'national':
            records.append(None)
        elif code in by_code:
            records.append(by_code[code])
        else:
            raise BadParameter(_(
                    'The parameter "%(name)s" has the unknown code '
                    '"%(value)s".', name=name, value=code))
    return records


def price_rows(rows, commodities, provinces):
    names = {c.id: c for c in commodities.values()}
    regions = {p.id: p for p in provinces.values()}
    for row in rows:
        commodity = names[row['commodity']]
        province = regions.get(row['province'])
        yield {
            'commodity': commodity.code,
            'commodity_name': commodity.name,
            'unit': commodity.unit.symbol,
            'province': province.code if province else 'national',
            'province_name': province.name if province else _("Laos"),
            'price_type': row['price_type'],
            'period': row['period'],
            'date': row['date'].isoformat(),
            'median': row['median'],
            'minimum': row['minimum'],
            'maximum': row['maximum'],
            'count': row['count'],
            }


@bp.route('/prices')
@tryton.transaction()
def prices():
    Aggregate = tryton.pool.get('lao.price.aggregate')
    Configuration = tryton.pool.get('lao.price.configuration')
    commodities = commodities_by_code()
    provinces = provinces_by_code()
    selected = _records('commodity', commodities)
    regions = _records('province', provinces, national=True)
    period = _choice('period', ['day', 'week', 'month'], 'month')
    price_type = _choice(
        'price_type', ['farm_gate', 'wholesale', 'retail', 'export'])
    start, end = _date('from'), _date('to')
    if start and end and start > end:
        raise BadParameter(_(
                'The parameter "from" (%(start)s) is after "to" (%(end)s).',
                start=start, end=end))
    rows = Aggregate.series(
        commodities=[c.id for c in selected] if selected else None,
        provinces=[p.id if p else None for p in regions]
        if regions is not None else None,
        period=period, start=start, end=end, price_type=price_type)
    currency = Configuration(1).currency
    return jsonify(
        currency=currency.code if currency else None,
        period=period,
        prices=list(price_rows(rows, commodities, provinces)))


@bp.route('/price-index')
@tryton.transaction()
def price_index():
    Index = tryton.pool.get('lao.price.index')
    code = request.args.get('index')
    domain = [('code', '=', code)] if code else []
    indices = Index.search(domain, limit=None if code else 1,
        order=[('id', 'ASC')])
    if not indices:
        raise BadParameter(_(
                'The parameter "%(name)s" has the unknown code "%(value)s".',
                name='index', value=code or ''))
    index, = indices[:1]
    start, end = _date('from'), _date('to')
    values = index.compute(start, end)
    return jsonify(
        index=index.code, name=index.name, price_type=index.price_type,
        base_period=[index.base_start.isoformat(), index.base_end.isoformat()],
        basket=[{'commodity': l.commodity.code, 'weight': float(l.weight)}
            for l in index.lines],
        values=[{
                'month': v['month'].isoformat(),
                'value': v['value'],
                'mom': v['mom'],
                'yoy': v['yoy'],
                } for v in values])


@bp.route('/price-range')
@tryton.transaction()
def price_range():
    "The fair-price hint of a category in a province (vendor listing form)"
    Aggregate = tryton.pool.get('lao.price.aggregate')
    try:
        category = int(request.args.get('category', ''))
        province = request.args.get('province') or None
        province = int(province) if province else None
    except ValueError:
        raise BadParameter(_("The category and province are record ids."))
    hint = Aggregate.price_range(category, province)
    if not hint:
        return jsonify(range=None)
    return jsonify(range={
            'commodity': hint['commodity'].name,
            'minimum': hint['minimum'],
            'median': hint['median'],
            'maximum': hint['maximum'],
            'count': hint['count'],
            'unit': hint['unit'].symbol,
            'national': hint['province'] is None,
            })


@bp.route('/openapi.json')
def openapi():
    with open(OPENAPI, encoding='utf-8') as file:
        return jsonify(json.load(file))


@bp.route('/<path:anything>')
def not_found(anything):
    return jsonify(status='error', message=_("This page does not exist.")), 404
