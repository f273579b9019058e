"""Two years of daily market prices for the demo, generated reproducibly.

Every main commodity of lao_prices in every province of Laos: a price level
per commodity and province, a yearly trend (inflation), a season (rice is
cheapest after the harvest, fruit in its season), daily noise, and one spike:
glutinous rice in Luang Prabang over the last six weeks, which the wall
screen's price warnings (WFP ALPS) show.  The rows are inserted set-based,
in batches, so that `make demo` stays quick; the aggregates are then built
in one pass."""
import datetime as dt
import math
import random
from decimal import Decimal

DAYS = 730
SEED = 13
# LAK per kg, and the month (1-12) of the lowest price with the amplitude
COMMODITIES = {
    'RICE-GLU': (12000, 11, 0.08),
    'RICE-JAS': (15000, 11, 0.06),
    'COF-ARA': (65000, 1, 0.05),
    'COF-ROB': (40000, 1, 0.05),
    'CASS': (1500, 2, 0.10),
    'BAN': (8000, 8, 0.15),
    'MANGO': (12000, 4, 0.25),
    'TEA': (45000, 5, 0.05),
    'RUB': (14000, 9, 0.04),
    }
YEARLY_TREND = 0.08
SPIKE = ('RICE-GLU', 'LA-LP', 42, 1.45)  # commodity, province, days, factor
BATCH = 5000


def price(commodity, level, day, today, rng):
    base, low_month, amplitude = COMMODITIES[commodity]
    months_back = (today - day).days / 30.4
    trend = (1 + YEARLY_TREND) ** (-months_back / 12)
    season = 1 + amplitude * -math.cos(
        2 * math.pi * (day.month - low_month) / 12)
    return base * level * trend * season * (1 + rng.gauss(0, 0.025))


def load(today=None, days=DAYS, seed=SEED):
    """Create the markets, the reference currency and rates, two years of
    observations and their aggregates in the current transaction; return
    the number of observations"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Commodity = pool.get('lao.price.commodity')
    Configuration = pool.get('lao.price.configuration')
    Currency = pool.get('currency.currency')
    Rate = pool.get('currency.currency.rate')
    Market = pool.get('lao.price.market')
    Observation = pool.get('lao.price.observation')
    Aggregate = pool.get('lao.price.aggregate')
    Date = pool.get('ir.date')

    today = today or Date.today()
    start = today - dt.timedelta(days=days - 1)
    lak, = Currency.search([('code', '=', 'LAK')])
    usd, = Currency.search([('code', '=', 'USD')])
    rates = Rate.search([('currency', 'in', [lak.id, usd.id])])
    if not rates:
        Rate.create([
                {'currency': lak.id, 'date': start, 'rate': Decimal(1000000)},
                # about 21,000 kip a US dollar
                {'currency': usd.id, 'date': start, 'rate': Decimal('47.6')},
                ])
    config = Configuration(1)
    config.currency = lak
    config.save()

    rng = random.Random(seed)
    provinces = Market.provinces()
    markets = Market.create([{
                'name': "%s central market" % p.name,
                'code': 'DEMO-%s' % p.code,
                'province': p.id,
                'kind': 'retail',
                } for p in provinces])
    commodities = {c.code: c for c in Commodity.search([])}
    levels = {(c, p.code): rng.uniform(0.88, 1.15)
        for c in COMMODITIES for p in provinces}

    table = Observation.__table__()
    columns = [table.commodity, table.market, table.province, table.date,
        table.week, table.month, table.price_min, table.price_max,
        table.price_modal, table.price_min_lak, table.price_max_lak,
        table.price_lak, table.currency, table.unit, table.price_type,
        table.source, table.collector, table.state, table.create_uid,
        table.create_date]
    cursor = Transaction().connection.cursor()
    now = dt.datetime.now()
    user = Transaction().user
    rows = []
    count = 0
    spike_commodity, spike_province, spike_days, spike_factor = SPIKE
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        week = day - dt.timedelta(days=day.weekday())
        month = day.replace(day=1)
        for market, province in zip(markets, provinces):
            for code, commodity in commodities.items():
                if code not in COMMODITIES:
                    continue
                value = price(code, levels[(code, province.code)], day,
                    today, rng)
                if (code == spike_commodity
                        and province.code == spike_province
                        and (today - day).days < spike_days):
                    value *= spike_factor
                modal = Decimal(round(value, -1))
                low = Decimal(round(value * 0.93, -1))
                high = Decimal(round(value * 1.07, -1))
                rows.append([commodity.id, market.id, province.id, day, week,
                        month, low, high, modal, low, high, modal, lak.id,
                        commodity.unit.id, 'retail', 'survey', "Demo survey",
                        'valid', user, now])
                if len(rows) >= BATCH:
                    cursor.execute(*table.insert(columns, rows))
                    count += len(rows)
                    rows = []
    if rows:
        cursor.execute(*table.insert(columns, rows))
        count += len(rows)
    Aggregate.rebuild()
    return count
