import datetime as dt
import json
import math
import os
import random
import statistics
import unittest
from collections import defaultdict
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.modules.lao_prices import analysis, hdx
from trytond.modules.lao_prices.exceptions import (
    HDXImportError, NormalisationError, ObservationError, PriceQueryError,
    ReviewError)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from .tools import PriceBuilder


def _seasonal_series(years, start_year=2018, spike=None):
    "Monthly prices with a trend and a season, and an optional spike"
    rng = random.Random(7)
    series = {}
    for index in range(years * 12):
        year, month = analysis.month_add(start_year, 1, index)
        price = (1000 + 5 * index
            + 80 * math.sin(2 * math.pi * month / 12)
            + rng.uniform(-10, 10))
        series[(year, month)] = price
    if spike:
        series[spike] *= 1.6
    return series


class AnalysisTestCase(unittest.TestCase):
    "Test the price statistics without a database"

    def test_median_and_robust_z(self):
        "Median, and the distance in scaled MADs"
        self.assertEqual(analysis.median([3, 1, 2]), 2)
        self.assertEqual(analysis.median([4, 1, 3, 2]), 2.5)
        self.assertIsNone(analysis.median([]))
        sample = [10, 11, 9, 10, 12, 8, 10]
        mad = statistics.median(abs(x - 10) for x in sample) * 1.4826
        self.assertAlmostEqual(
            analysis.robust_z(16, sample), 6 / mad)
        self.assertIsNone(analysis.robust_z(5, [1, 1, 1]))

    def test_ipa_against_formula(self):
        "IPA as written in FAO's method, computed independently"
        series = _seasonal_series(8, spike=(2025, 6))
        gamma = 0.4
        result = analysis.ipa(series, 2025, 6, gamma=gamma, min_years=5)

        def growth(year, month, lag):
            back = analysis.month_add(year, month, -lag)
            return (series[(year, month)] / series[back]) ** (1 / lag) - 1

        def z(value, history):
            n = len(history)
            mean = sum(history) / n
            sd = math.sqrt(sum((x - mean) ** 2 for x in history)
                / (n * (n - 1) / n))
            return (value - mean) / sd
        years = [y for y in range(2019, 2025)]
        z_q = z(growth(2025, 6, 3), [growth(y, 6, 3) for y in years])
        z_a = z(growth(2025, 6, 12), [growth(y, 6, 12) for y in years])
        self.assertAlmostEqual(result.value, gamma * z_q + (1 - gamma) * z_a)
        self.assertEqual(result.band, 'high')

    def test_ipa_too_short(self):
        "Two years of data give no IPA"
        series = _seasonal_series(2)
        self.assertIsNone(analysis.ipa(series, 2019, 12))

    def test_ipa_bands(self):
        "FAO's bands"
        for value, band in [(1, 'high'), (0.5, 'moderate'), (0.49, 'normal'),
                (-0.5, 'moderately_low'), (-1, 'low')]:
            self.assertEqual(analysis.ipa_band(value), band)

    def test_alps_is_least_squares(self):
        "ALPS residuals are orthogonal to the trend and seasons"
        series = _seasonal_series(3, spike=(2020, 12))
        spike = analysis.alps(series, 2020, 12)
        self.assertEqual(spike.band, 'crisis')
        # refit independently: the residual of the last point over sigma
        normal = analysis.alps(series, 2020, 11)
        self.assertIn(normal.band, {'normal', 'stress'})

    def test_alps_bands_and_too_short(self):
        "WFP's bands; no more points than parameters gives nothing"
        for value, band in [(0.2, 'normal'), (0.25, 'stress'), (1, 'alert'),
                (2, 'crisis')]:
            self.assertEqual(analysis.alps_band(value), band)
        self.assertIsNone(analysis.alps(_seasonal_series(1), 2018, 12))

    def test_laspeyres(self):
        "Fixed-base index"
        self.assertAlmostEqual(
            analysis.laspeyres({1: 3, 2: 1}, {1: 10, 2: 20}, {1: 11, 2: 30}),
            100 * (0.75 * 1.1 + 0.25 * 1.5))
        self.assertIsNone(
            analysis.laspeyres({1: 1, 2: 1}, {1: 10, 2: 20}, {1: 11}))


class LaoPricesTestCase(ModuleTestCase):
    "Test Lao Prices module"
    module = 'lao_prices'

    @with_transaction()
    def test_normalisation(self):
        "A price in USD per tonne becomes LAK per kg at the rate of its date"
        pool = Pool()
        Observation = pool.get('lao.price.observation')
        prices = PriceBuilder()
        prices.rate(prices.usd, dt.date(2026, 1, 1), 20000)
        prices.rate(prices.usd, dt.date(2026, 6, 1), 25000)
        observation = prices.observe(
            'RICE-GLU', 'LA-VT', dt.date(2026, 6, 15), 500,
            currency=prices.usd.id, unit=prices.tonne.id)
        self.assertEqual(observation.price_lak, Decimal('12500.0000'))
        self.assertEqual(observation.price_min_lak, observation.price_lak)
        self.assertEqual(observation.province, prices.province('LA-VT'))
        self.assertEqual(observation.week, dt.date(2026, 6, 15))
        self.assertEqual(observation.month, dt.date(2026, 6, 1))
        earlier = prices.observe(
            'RICE-GLU', 'LA-VT', dt.date(2026, 2, 1), 500,
            currency=prices.usd.id, unit=prices.tonne.id)
        self.assertEqual(earlier.price_lak, Decimal('10000.0000'))

    @with_transaction()
    def test_normalisation_refused(self):
        "A missing rate or unit conversion is named"
        prices = PriceBuilder()
        with self.assertRaises(NormalisationError) as context:
            prices.observe('RICE-GLU', 'LA-VT', dt.date(2026, 6, 15), 5,
                currency=prices.usd.id)
        self.assertIn(prices.usd.rec_name, context.exception.message)
        with self.assertRaises(NormalisationError) as context:
            prices.observe('RICE-GLU', 'LA-VT', dt.date(2026, 6, 15), 5,
                unit=prices.liter.id)
        self.assertIn(prices.liter.rec_name, context.exception.message)

    @with_transaction()
    def test_prices_checked_and_fixed(self):
        "Minimum, modal and maximum in order; prices of a fact stay"
        prices = PriceBuilder()
        with self.assertRaises(ObservationError):
            prices.observe('RICE-GLU', 'LA-VT', dt.date(2026, 6, 15), 50,
                price_min=Decimal(60))
        with self.assertRaises(UserError):
            prices.observe('RICE-GLU', 'LA-VT', dt.date(2026, 6, 15), -5)
        observation = prices.observe(
            'RICE-GLU', 'LA-VT', dt.date(2026, 6, 15), 50,
            price_min=Decimal(40), price_max=Decimal(55))
        with self.assertRaises(ObservationError):
            observation.price_modal = Decimal(51)
            observation.save()

    @with_transaction()
    def test_outlier_review(self):
        "Far from the recent median: flagged, then reviewed with a decision"
        pool = Pool()
        Observation = pool.get('lao.price.observation')
        Aggregate = pool.get('lao.price.aggregate')
        User = pool.get('res.user')
        prices = PriceBuilder()
        start = dt.date(2026, 5, 1)
        Observation.create([
                prices.values('RICE-GLU', 'LA-VT',
                    start + dt.timedelta(days=i), 10000 + 50 * (i % 5))
                for i in range(12)])
        normal = prices.observe(
            'RICE-GLU', 'LA-VT', start + dt.timedelta(days=12), 10100)
        far = prices.observe(
            'RICE-GLU', 'LA-VT', start + dt.timedelta(days=12), 30000)
        elsewhere = prices.observe(
            'RICE-GLU', 'LA-CH', start + dt.timedelta(days=12), 30000)
        self.assertEqual(normal.state, 'valid')
        self.assertEqual(far.state, 'flagged')
        self.assertGreater(far.outlier_score, 3.5)
        self.assertEqual(elsewhere.state, 'valid')
        self.assertEqual(far.decisions[0].to_state, 'flagged')

        # the submitter may not review their own observation
        with self.assertRaises(ReviewError):
            Observation.accept([far])
        reviewer, = User.create([{'name': "Reviewer", 'login': 'reviewer'}])
        with Transaction().set_user(reviewer.id):
            Observation.reject(
                Observation.browse([far.id]), "Typing error: 3,000 kip")
        far = Observation(far.id)
        self.assertEqual(far.state, 'rejected')
        self.assertEqual(far.decisions[0].reason, "Typing error: 3,000 kip")

        Aggregate.refresh([(far.commodity.id, far.date)])
        row, = Aggregate.series(
            commodities=[far.commodity.id],
            provinces=[prices.province('LA-VT').id], period='day',
            start=far.date, end=far.date)
        self.assertEqual(row['count'], 1)
        self.assertEqual(row['median'], 10100)

    @with_transaction()
    def test_aggregates_independent(self):
        "Aggregates agree with a computation in Python, also after a refresh"
        pool = Pool()
        Observation = pool.get('lao.price.observation')
        Aggregate = pool.get('lao.price.aggregate')
        Configuration = pool.get('lao.price.configuration')
        config = Configuration(1)
        config.outlier_min_sample = 1000  # no flag in random data
        config.save()
        prices = PriceBuilder()
        rng = random.Random(3)
        vlist = []
        for _ in range(300):
            date = dt.date(2026, 3, 1) + dt.timedelta(days=rng.randrange(70))
            low = rng.randrange(5000, 9000)
            vlist.append(prices.values(
                    rng.choice(['RICE-GLU', 'CASS']),
                    rng.choice(['LA-VT', 'LA-CH', 'LA-LP']), date,
                    low + rng.randrange(0, 2000),
                    price_min=Decimal(low),
                    price_max=Decimal(low + 2000)))
        observations = Observation.create(vlist)
        Aggregate.rebuild()

        def check(period):
            start = {'day': lambda d: d,
                'week': lambda d: d - dt.timedelta(days=d.weekday()),
                'month': lambda d: d.replace(day=1)}[period]
            groups = defaultdict(list)
            for o in observations:
                for province in [o.province.id, None]:
                    groups[(o.commodity.id, province, start(o.date))].append(o)
            rows = {(r['commodity'], r['province'], r['date']): r
                for r in Aggregate.series(period=period)}
            self.assertEqual(set(rows), set(groups))
            for key, members in groups.items():
                row = rows[key]
                self.assertAlmostEqual(row['median'], float(
                        statistics.median(o.price_lak for o in members)))
                self.assertEqual(row['minimum'],
                    float(min(o.price_min_lak for o in members)))
                self.assertEqual(row['maximum'],
                    float(max(o.price_max_lak for o in members)))
                self.assertEqual(row['count'], len(members))
        for period in ['day', 'week', 'month']:
            check(period)

        # new observations of one day: refreshing that day is enough
        day = dt.date(2026, 4, 2)
        added = Observation.create([
                prices.values('CASS', 'LA-VT', day, 100 + i)
                for i in range(5)])
        observations += added
        Aggregate.refresh([(added[0].commodity.id, day)])
        for period in ['day', 'week', 'month']:
            check(period)

    @with_transaction()
    def test_index_and_movers(self):
        "National index against its definition, month-on-month, year-on-year"
        pool = Pool()
        Observation = pool.get('lao.price.observation')
        Aggregate = pool.get('lao.price.aggregate')
        Index = pool.get('lao.price.index')
        prices = PriceBuilder()
        vlist = []
        expected = {}
        for i in range(15):
            year, month = analysis.month_add(2025, 1, i)
            date = dt.date(year, month, 15)
            rice, cassava = 10000 + 100 * i, 2000 + 50 * ((14 - i) % 4)
            vlist += [prices.values('RICE-GLU', 'LA-VT', date, rice),
                prices.values('CASS', 'LA-VT', date, cassava)]
            expected[date.replace(day=1)] = (rice, cassava)
        Observation.create(vlist)
        Aggregate.rebuild()
        index, = Index.create([{
                    'name': "Test", 'code': 'T',
                    'base_start': dt.date(2025, 1, 1),
                    'base_end': dt.date(2025, 12, 31),
                    'lines': [('create', [
                                {'commodity': prices.commodity('RICE-GLU').id,
                                    'weight': Decimal('0.75')},
                                {'commodity': prices.commodity('CASS').id,
                                    'weight': Decimal('0.25')}])],
                    }])
        base = [sum(p[k] for d, p in expected.items() if d.year == 2025) / 12
            for k in range(2)]
        values = {v['month']: v for v in index.compute()}
        self.assertEqual(len(values), 15)
        for date, (rice, cassava) in expected.items():
            self.assertAlmostEqual(values[date]['value'], round(
                    100 * (0.75 * rice / base[0] + 0.25 * cassava / base[1]),
                    2), places=2)
        march = values[dt.date(2026, 3, 1)]
        self.assertAlmostEqual(march['yoy'], march['value']
            / values[dt.date(2025, 3, 1)]['value'] - 1, places=3)
        self.assertAlmostEqual(march['mom'], march['value']
            / values[dt.date(2026, 2, 1)]['value'] - 1, places=3)

        risers, fallers = Aggregate.movers(period='month')
        self.assertEqual(risers[0]['commodity'], prices.commodity('RICE-GLU').id)
        self.assertEqual(fallers[0]['commodity'], prices.commodity('CASS').id)

        anomalies = Aggregate.anomalies(today=dt.date(2026, 3, 20))
        self.assertTrue(anomalies)
        self.assertTrue(all(a['ipa_band'] == 'too_short' for a in anomalies))

    @with_transaction()
    def test_bad_queries(self):
        "Bad parameters of a query are user errors"
        Aggregate = Pool().get('lao.price.aggregate')
        with self.assertRaises(PriceQueryError):
            Aggregate.series(period='year')
        with self.assertRaises(PriceQueryError):
            Aggregate.series(start=dt.date(2026, 2, 1), end=dt.date(2026, 1, 1))

    @with_transaction()
    def test_price_range(self):
        "The fair-price hint of a category and province"
        pool = Pool()
        Observation = pool.get('lao.price.observation')
        Aggregate = pool.get('lao.price.aggregate')
        prices = PriceBuilder()
        today = dt.date(2026, 6, 30)
        Observation.create([
                prices.values('RICE-GLU', 'LA-VT', today - dt.timedelta(i),
                    9000 + 100 * i) for i in range(5)])
        Aggregate.rebuild()
        category = prices.commodity('RICE-GLU').category
        hint = Aggregate.price_range(
            category, prices.province('LA-VT'), today=today)
        self.assertEqual(hint['minimum'], 9000)
        self.assertEqual(hint['maximum'], 9400)
        self.assertEqual(hint['count'], 5)
        national = Aggregate.price_range(
            category, prices.province('LA-CH'), today=today)
        self.assertIsNone(national['province'])
        self.assertIsNone(Aggregate.price_range(
                prices.commodity('TEA').category, today=today))

    @with_transaction()
    def test_hdx_import_idempotent(self):
        "HDX's file imported, imported again, exported and imported again"
        pool = Pool()
        Observation = pool.get('lao.price.observation')
        prices = PriceBuilder()
        with open(os.path.join(HERE, 'wfp_food_prices_lao.csv'), 'rb') as fp:
            data = fp.read()
        report = hdx.Importer().check(data)
        self.assertEqual(
            (len(report.accepted), report.known, report.refused), (4, 0, []))
        self.assertEqual(Observation.search([], count=True), 0)
        hdx.Importer().load(report)
        observations = Observation.search([], order=[('id', 'ASC')])
        self.assertEqual(len(observations), 4)
        wholesale = observations[2]
        self.assertEqual(wholesale.price_lak, Decimal('11000.0000'))
        self.assertEqual(wholesale.market.code, '2002')
        self.assertEqual(wholesale.province, prices.province('LA-CH'))
        national = observations[3]
        self.assertIsNone(national.province)
        self.assertIsNone(national.market)
        self.assertEqual(national.price_flag, 'actual,aggregate')

        again = hdx.Importer().check(data)
        self.assertEqual((len(again.accepted), again.known), (0, 4))

        exported = hdx.export_csv(observations).encode('utf-8')
        lines = exported.decode().splitlines()
        self.assertEqual(lines[0].split(','), hdx.COLUMNS)
        self.assertEqual(lines[1].split(','), hdx.TAGS)
        reimport = hdx.Importer().check(exported)
        self.assertEqual(
            (len(reimport.accepted), reimport.known, reimport.refused),
            (0, 4, []))
        rows = json.loads(hdx.export_json(observations))
        self.assertEqual(rows[0]['commodity'], "Rice (glutinous, first quality)")

    @with_transaction()
    def test_hdx_malformed(self):
        "Refused rows have their line and reason; a dry run writes nothing"
        pool = Pool()
        Observation = pool.get('lao.price.observation')
        PriceBuilder()
        header = ','.join(hdx.COLUMNS) + '\n' + ','.join(hdx.TAGS) + '\n'
        row = ('{date},{province},,Market,M1,,,cereals,'
            '"Rice (glutinous, first quality)",,KG,actual,Retail,'
            '{currency},{price},\n')
        rows = [
            dict(date='2026-01-15', province='Vientiane Capital',
                currency='LAK', price='12000'),
            dict(date='2026-13-15', province='Vientiane Capital',
                currency='LAK', price='12000'),
            dict(date='15/01/2026', province='Vientiane Capital',
                currency='LAK', price='12000'),
            dict(date='2026-01-15', province='Vientiane Capital',
                currency='LAK', price='-5'),
            dict(date='2026-01-15', province='Vientiane Capital',
                currency='XYZ', price='100'),
            dict(date='2026-01-15', province='Atlantis',
                currency='LAK', price='100'),
            ]
        text = header + ''.join(row.format(**r) for r in rows)
        text += text.splitlines()[2].replace('Rice (glutinous', 'Caviar (') + '\n'
        report = hdx.Importer().check(text.encode('utf-8'))
        self.assertEqual([r.line for r in report.accepted], [3])
        refused = {r.line: r.reason for r in report.refused}
        self.assertEqual(sorted(refused), [4, 5, 6, 7, 8, 9])
        self.assertIn('2026-13-15', refused[4])
        self.assertIn('15/01/2026', refused[5])
        self.assertIn('-5', refused[6])
        self.assertIn('XYZ', refused[7])
        self.assertIn('Atlantis', refused[8])
        self.assertIn('Caviar', refused[9])
        self.assertIn('Line 9', report.text())
        self.assertEqual(Observation.search([], count=True), 0)

        latin = (header + row.format(date='2026-01-15',
                province='Vientiane Capital', currency='LAK', price='1')
            + 'x' * 3 + '\n').encode('utf-8') + 'Marché\n'.encode('latin-1')
        with self.assertRaises(HDXImportError) as context:
            hdx.Importer().check(latin)
        self.assertIn('5', context.exception.message)
        with self.assertRaises(HDXImportError):
            hdx.Importer().check(b'date,price\n2026-01-01,5\n')

    @with_transaction()
    def test_marketplace_sale_feeds_prices(self):
        "A confirmed marketplace sale queues its anonymised observations"
        from trytond.modules.lao_b2b.tests.test_marketplace import (
            create_buyer, create_listing, create_order, create_vendor,
            place, publish)
        pool = Pool()
        Queue = pool.get('ir.queue')
        Sale = pool.get('sale.sale')
        Observation = pool.get('lao.price.observation')
        prices = PriceBuilder()
        company = create_vendor("Paksong Cooperative", 'REG-201')
        listing = create_listing(company)
        publish([listing])
        order = create_order(create_buyer(), [(listing, 1000)])
        place([order])
        sale, = order.sales
        tasks = [q for q in Queue.search([])
            if q.data.get('method') == 'record_market_prices']
        self.assertEqual(
            [list(t.data['instances']) for t in tasks], [[sale.id]])

        Sale.record_market_prices([sale])
        observation, = Observation.search([('source', '=', 'platform')])
        self.assertEqual(observation.commodity,
            prices.commodity('COF-ARA'))
        self.assertEqual(observation.province, listing.origin_province)
        self.assertEqual(observation.price_type, 'wholesale')
        self.assertEqual(observation.price_lak, sale.lines[0].unit_price)
        self.assertEqual(observation.arrival_quantity, 1000)
        self.assertIsNone(observation.market)
        self.assertIsNone(observation.submitted_by)
        self.assertIsNone(observation.collector)


HERE = os.path.dirname(__file__)

del ModuleTestCase
