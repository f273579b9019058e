"""Aggregated prices, the national price index and the price warnings.

lao.price.aggregate keeps the median, minimum, maximum and count of the
counted observations per commodity, province (empty for the whole country),
price type and day, week or month.  It is refreshed for the days touched
by new or reviewed observations (queued) and by a nightly cron, with one
set-based statement per period: the median comes from window functions,
which SQLite and PostgreSQL both run."""
import datetime as dt
from collections import defaultdict

from sql import Cast, Literal, Null, Window
from sql.aggregate import Avg, Count, Max, Min
from sql.conditionals import Case
from sql.functions import CurrentTimestamp, RowNumber

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from . import analysis
from .exceptions import PriceIndexError, PriceQueryError
from .observation import (
    COUNTED_STATES, PRICE_DIGITS, PRICE_TYPES, month_start, week_start)

PERIODS = [
    ('day', "Day"),
    ('week', "Week"),
    ('month', "Month"),
    ]
PERIOD_START = {
    'day': lambda d: d,
    'week': week_start,
    'month': month_start,
    }

PERIOD_COLUMN = {'day': 'date', 'week': 'week', 'month': 'month'}


def _date(value):
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _number(value):
    return float(value) if value is not None else None


class Aggregate(ModelSQL, ModelView):
    __string__ = "Price Aggregate"
    __name__ = 'lao.price.aggregate'

    commodity = fields.Many2One(
        'lao.price.commodity', "Commodity", required=True, readonly=True,
        ondelete='CASCADE')
    province = fields.Many2One(
        'country.subdivision', "Province", readonly=True,
        help="Empty for the whole country.")
    price_type = fields.Selection(
        PRICE_TYPES, "Price Type", required=True, readonly=True)
    period = fields.Selection(PERIODS, "Period", required=True, readonly=True)
    date = fields.Date(
        "Date", required=True, readonly=True,
        help="The first day of the period.")
    median = fields.Numeric("Median", digits=PRICE_DIGITS, readonly=True)
    minimum = fields.Numeric("Minimum", digits=PRICE_DIGITS, readonly=True)
    maximum = fields.Numeric("Maximum", digits=PRICE_DIGITS, readonly=True)
    count = fields.Integer("Count", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t,
                    (t.commodity, Index.Equality()),
                    (t.period, Index.Equality(cardinality='low')),
                    (t.date, Index.Range())),
                Index(t,
                    (t.period, Index.Equality(cardinality='low')),
                    (t.date, Index.Range())),
                })
        cls._order = [('date', 'DESC'), ('commodity', 'ASC'), ('id', 'DESC')]

    @classmethod
    def _groups(cls, observation, period, national):
        column = getattr(observation, PERIOD_COLUMN[period])
        # typed: PostgreSQL takes an untyped NULL of a subquery for text
        province = (Cast(Literal(None), 'INTEGER') if national
            else observation.province)
        return [observation.commodity, province, observation.price_type,
            column]

    @classmethod
    def _insert(cls, period, where, national):
        "The INSERT of the aggregates of period for observations in where"
        pool = Pool()
        Observation = pool.get('lao.price.observation')
        observation = Observation.__table__()
        table = cls.__table__()
        groups = cls._groups(observation, period, national)
        # SQLite compares numeric text as text unless cast
        price, low, high = (Cast(c, 'NUMERIC') for c in [
                observation.price_lak, observation.price_min_lak,
                observation.price_max_lak])
        window = Window(groups[:1] + groups[2:] if national else groups,
            order_by=[price.asc])
        partition = Window(groups[:1] + groups[2:] if national else groups)
        ranked = observation.select(
            groups[0].as_('commodity'), groups[1].as_('province'),
            groups[2].as_('price_type'), groups[3].as_('date'),
            price.as_('price'), low.as_('low'), high.as_('high'),
            RowNumber(window=window).as_('rank'),
            Count(Literal(1), window=partition).as_('n'),
            where=where(observation)
            & observation.state.in_(COUNTED_STATES))
        middle = ((ranked.rank * 2 >= ranked.n)
            & (ranked.rank * 2 <= ranked.n + 2))
        query = ranked.select(
            ranked.commodity, ranked.province, ranked.price_type,
            Literal(period), ranked.date,
            Avg(Case((middle, ranked.price))), Min(ranked.low),
            Max(ranked.high), Max(ranked.n),
            Literal(Transaction().user), CurrentTimestamp(),
            group_by=[ranked.commodity, ranked.province, ranked.price_type,
                ranked.date])
        return table.insert([
                table.commodity, table.province, table.price_type,
                table.period, table.date, table.median, table.minimum,
                table.maximum, table.count, table.create_uid,
                table.create_date], query)

    @classmethod
    def refresh(cls, keys):
        """Recompute the aggregates of the days, weeks and months of the
        (commodity, date) keys"""
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        for period, start in PERIOD_START.items():
            dates = defaultdict(set)
            for commodity, date in keys:
                dates[int(commodity)].add(start(_date(date)))
            if not dates:
                continue
            dates = {c: sorted(d) for c, d in dates.items()}

            def where_observation(observation, period=period, dates=dates):
                column = getattr(observation, PERIOD_COLUMN[period])
                condition = Literal(False)
                for commodity, days in dates.items():
                    condition |= (
                        (observation.commodity == commodity)
                        & column.in_(days))
                return condition
            where_aggregate = Literal(False)
            for commodity, days in dates.items():
                where_aggregate |= (
                    (table.commodity == commodity) & table.date.in_(days))
            cursor.execute(*table.delete(
                    where=(table.period == period) & where_aggregate))
            for national in [False, True]:
                cursor.execute(*cls._insert(
                        period, where_observation, national))

    @classmethod
    def rebuild(cls):
        "Recompute every aggregate"
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        cursor.execute(*table.delete())
        for period in PERIOD_START:
            for national in [False, True]:
                cursor.execute(*cls._insert(
                        period, lambda o: Literal(True), national))

    @classmethod
    def refresh_recent(cls, days=2):
        """Refresh the days of the observations created or reviewed in the
        last days, for the queue tasks that may have failed"""
        pool = Pool()
        Observation = pool.get('lao.price.observation')
        cursor = Transaction().connection.cursor()
        observation = Observation.__table__()
        since = dt.datetime.now() - dt.timedelta(days=days)
        cursor.execute(*observation.select(
                observation.commodity, observation.date,
                where=(observation.create_date >= since)
                | (observation.write_date >= since),
                group_by=[observation.commodity, observation.date]))
        keys = cursor.fetchall()
        if keys:
            cls.refresh(keys)

    # Public reads --------------------------------------------------------

    @classmethod
    def check_query(cls, period=None, start=None, end=None):
        "Refuse a bad query of the public price API"
        if period is not None and period not in PERIOD_START:
            raise PriceQueryError(gettext(
                    'lao_prices.msg_query_period', period=period,
                    periods=', '.join(PERIOD_START)))
        if start and end and start > end:
            raise PriceQueryError(gettext(
                    'lao_prices.msg_query_dates', start=start, end=end))

    @classmethod
    def _rows(cls, where, order=None):
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        cursor.execute(*table.select(
                table.commodity, table.province, table.price_type,
                table.period, table.date, table.median, table.minimum,
                table.maximum, table.count,
                where=where(table),
                order_by=order(table) if order else [
                    table.commodity, table.province, table.date]))
        for row in cursor:
            yield {
                'commodity': row[0],
                'province': row[1],
                'price_type': row[2],
                'period': row[3],
                'date': _date(row[4]),
                'median': _number(row[5]),
                'minimum': _number(row[6]),
                'maximum': _number(row[7]),
                'count': row[8],
                }

    @classmethod
    def series(cls, commodities=None, provinces=None, period='month',
            start=None, end=None, price_type=None, national=None):
        """The aggregates matching, as dicts, ordered by commodity,
        province and date

        provinces is a list of ids (None in it for the national series);
        national=True adds the national series when provinces is None."""
        cls.check_query(period, start, end)

        def where(table):
            condition = table.period == period
            if commodities is not None:
                condition &= table.commodity.in_(
                    [int(c) for c in commodities] or [-1])
            if provinces is not None:
                ids = [int(p) for p in provinces if p is not None]
                province = table.province.in_(ids or [-1])
                if None in provinces:
                    province |= table.province == Null
                condition &= province
            elif national is False:
                condition &= table.province != Null
            elif national is True:
                condition &= table.province == Null
            if start:
                condition &= table.date >= PERIOD_START[period](start)
            if end:
                condition &= table.date <= end
            if price_type:
                condition &= table.price_type == price_type
            return condition
        return list(cls._rows(where))

    @classmethod
    def monthly_series(cls, price_type='retail', start=None):
        """{(commodity, province): {(year, month): median}} for every
        series"""
        result = defaultdict(dict)
        for row in cls.series(
                period='month', price_type=price_type, start=start):
            key = (row['commodity'], row['province'])
            date = row['date']
            result[key][(date.year, date.month)] = row['median']
        return result

    @classmethod
    def anomalies(cls, price_type='retail', today=None):
        """The IPA and ALPS of the latest month of every monthly series
        recent enough, as dicts; a series too short says so"""
        pool = Pool()
        Configuration = pool.get('lao.price.configuration')
        Date = pool.get('ir.date')
        config = Configuration(1)
        today = today or Date.today()
        oldest = analysis.month_add(
            today.year, today.month, -config.warning_age)
        result = []
        for (commodity, province), series in sorted(
                cls.monthly_series(price_type).items(),
                key=lambda i: (i[0][0], i[0][1] or 0)):
            year, month = max(series)
            if (year, month) < oldest:
                continue
            ipa = analysis.ipa(series, year, month,
                gamma=float(config.ipa_gamma),
                min_years=config.ipa_min_years)
            alps = analysis.alps(series, year, month,
                min_months=config.alps_min_months)
            result.append({
                    'commodity': commodity,
                    'province': province,
                    'month': dt.date(year, month, 1),
                    'price': series[(year, month)],
                    'months': len(series),
                    'ipa': round(ipa.value, 3) if ipa else None,
                    'ipa_band': ipa.band if ipa else 'too_short',
                    'alps': round(alps.value, 3) if alps else None,
                    'alps_band': alps.band if alps else 'too_short',
                    'trend': round(alps.trend, 4) if alps else None,
                    })
        return result

    @classmethod
    def warnings(cls, price_type='retail', today=None):
        "The anomalies that warn: IPA high or moderate, ALPS alert or crisis"
        return [a for a in cls.anomalies(price_type, today=today)
            if a['ipa_band'] in {'high', 'moderate'}
            or a['alps_band'] in {'alert', 'crisis'}]

    @classmethod
    def movers(cls, period='week', price_type='retail', limit=5):
        """The national risers and fallers between the last two periods
        with a price: (risers, fallers), each a list of dicts"""
        cls.check_query(period)
        by_commodity = defaultdict(list)
        for row in cls.series(period=period, price_type=price_type,
                national=True):
            by_commodity[row['commodity']].append(row)
        changes = []
        for commodity, rows in by_commodity.items():
            if len(rows) < 2:
                continue
            previous, latest = rows[-2], rows[-1]
            changes.append({
                    'commodity': commodity,
                    'date': latest['date'],
                    'median': latest['median'],
                    'previous': previous['median'],
                    'change': analysis.change(
                        latest['median'], previous['median']),
                    })
        changes.sort(key=lambda c: c['change'])
        risers = [c for c in reversed(changes) if c['change'] > 0][:limit]
        fallers = [c for c in changes if c['change'] < 0][:limit]
        return risers, fallers

    @classmethod
    def board(cls, period='week', price_type='retail', periods=12,
            commodities=None, provinces=None, today=None):
        """The price board: per commodity and province, the latest median,
        its change from the period before and the last medians"""
        Date = Pool().get('ir.date')
        cls.check_query(period)
        today = today or Date.today()
        start = PERIOD_START[period](today) - {
            'day': dt.timedelta(days=periods),
            'week': dt.timedelta(weeks=periods),
            'month': dt.timedelta(days=31 * periods),
            }[period]
        rows = defaultdict(list)
        for row in cls.series(commodities=commodities, provinces=provinces,
                period=period, start=start, price_type=price_type):
            rows[(row['commodity'], row['province'])].append(row)
        board = []
        for (commodity, province), series in rows.items():
            latest = series[-1]
            previous = series[-2] if len(series) > 1 else None
            board.append({
                    'commodity': commodity,
                    'province': province,
                    'date': latest['date'],
                    'median': latest['median'],
                    'minimum': latest['minimum'],
                    'maximum': latest['maximum'],
                    'change': analysis.change(
                        latest['median'],
                        previous['median'] if previous else None),
                    'trend': [r['median'] for r in series[-periods:]],
                    })
        return board

    @classmethod
    def price_range(cls, category, province=None, days=30, today=None):
        """The recent market range of the commodity of a product category
        in the province (the country when it has none): a dict with the
        minimum, median and maximum per standard unit, or None"""
        pool = Pool()
        Commodity = pool.get('lao.price.commodity')
        Date = pool.get('ir.date')
        commodity = Commodity.of_categories([int(category)])[int(category)]
        if not commodity:
            return None
        today = today or Date.today()
        start = today - dt.timedelta(days=days)
        for provinces in ([int(province)], [None]) if province else ([None],):
            rows = cls.series(
                commodities=[commodity.id], provinces=provinces,
                period='day', start=start, end=today)
            if rows:
                medians = [r['median'] for r in rows]
                return {
                    'commodity': commodity,
                    'province': provinces[0],
                    'minimum': min(r['minimum'] for r in rows),
                    'median': analysis.median(medians),
                    'maximum': max(r['maximum'] for r in rows),
                    'count': sum(r['count'] for r in rows),
                    'unit': commodity.unit,
                    }
        return None


class PriceIndex(ModelSQL, ModelView):
    __string__ = "Price Index"
    __name__ = 'lao.price.index'

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True)
    price_type = fields.Selection(PRICE_TYPES, "Price Type", required=True)
    base_start = fields.Date("Base Period Start", required=True)
    base_end = fields.Date(
        "Base Period End", required=True,
        domain=[('base_end', '>=', Eval('base_start'))])
    lines = fields.One2Many('lao.price.index.line', 'index', "Basket")

    @classmethod
    def default_price_type(cls):
        return 'retail'

    @classmethod
    def validate_fields(cls, indices, field_names):
        super().validate_fields(indices, field_names)
        for index in indices:
            if index.lines and not sum(l.weight for l in index.lines):
                raise PriceIndexError(gettext(
                        'lao_prices.msg_index_weights', index=index.rec_name))

    def compute(self, start=None, end=None):
        """The monthly values of the index from start to end with their
        month-on-month and year-on-year changes, as dicts"""
        Aggregate = Pool().get('lao.price.aggregate')
        Aggregate.check_query('month', start, end)
        weights = {l.commodity.id: float(l.weight) for l in self.lines}
        medians = defaultdict(dict)
        for row in Aggregate.series(
                commodities=list(weights), period='month',
                price_type=self.price_type, national=True):
            medians[row['date']][row['commodity']] = row['median']
        base = {}
        for commodity in weights:
            prices = [m[commodity] for d, m in medians.items()
                if self.base_start <= d <= self.base_end and commodity in m]
            if prices:
                base[commodity] = sum(prices) / len(prices)
        values = {}
        for date, prices in sorted(medians.items()):
            value = analysis.laspeyres(weights, base, prices)
            if value is not None:
                values[date] = value
        result = []
        for date, value in values.items():
            if (start and date < month_start(start)) or (end and date > end):
                continue
            year, month = analysis.month_add(date.year, date.month, -1)
            previous = values.get(dt.date(year, month, 1))
            last_year = values.get(date.replace(year=date.year - 1))
            result.append({
                    'month': date,
                    'value': round(value, 2),
                    'mom': analysis.change(value, previous),
                    'yoy': analysis.change(value, last_year),
                    })
        return result


class PriceIndexLine(ModelSQL, ModelView):
    __string__ = "Price Index Line"
    __name__ = 'lao.price.index.line'

    index = fields.Many2One(
        'lao.price.index', "Index", required=True, ondelete='CASCADE')
    commodity = fields.Many2One(
        'lao.price.commodity', "Commodity", required=True,
        ondelete='RESTRICT')
    weight = fields.Numeric(
        "Weight", digits=(1, 4), required=True,
        domain=[('weight', '>', 0)],
        help="The commodity's share of the basket's value in the base period.")
