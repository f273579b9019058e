"""Builders of price data for the tests of this module and of others."""
import datetime as dt
from decimal import Decimal

from trytond.pool import Pool

# Rates have 6 decimals: the kip's large rate keeps other rates exact
LAK_RATE = Decimal(1000000)


class PriceBuilder:
    """Reference currency, rates, markets and observations

    Used inside a transaction; provinces are the Lao subdivisions loaded by
    lao_b2b, currencies those it creates."""

    def __init__(self, rate_date=dt.date(2020, 1, 1)):
        pool = Pool()
        Currency = pool.get('currency.currency')
        Rate = pool.get('currency.currency.rate')
        Configuration = pool.get('lao.price.configuration')
        ModelData = pool.get('ir.model.data')
        Uom = pool.get('product.uom')
        self.currencies = {c.code: c for c in Currency.search([
                    ('code', 'in', ['LAK', 'USD', 'THB', 'CNY'])])}
        self.lak = self.currencies['LAK']
        self.usd = self.currencies['USD']
        if not Rate.search([('currency', '=', self.lak.id)]):
            Rate.create([{
                        'currency': self.lak.id, 'date': rate_date,
                        'rate': LAK_RATE}])
        config = Configuration(1)
        config.currency = self.lak
        config.save()
        self.kilogram = Uom(ModelData.get_id('product', 'uom_kilogram'))
        self.tonne = Uom(ModelData.get_id('lao_b2b', 'uom_tonne'))
        self.liter = Uom(ModelData.get_id('product', 'uom_liter'))
        self._markets = {}

    def rate(self, currency, date, lak_per_unit):
        "Set the rate of currency on date as LAK per one unit of it"
        Rate = Pool().get('currency.currency.rate')
        Rate.create([{
                    'currency': currency.id, 'date': date,
                    'rate': (LAK_RATE / Decimal(lak_per_unit)).quantize(
                        Decimal('0.000001'))}])

    @staticmethod
    def commodity(code):
        Commodity = Pool().get('lao.price.commodity')
        commodity, = Commodity.search([('code', '=', code)])
        return commodity

    @staticmethod
    def province(code):
        Subdivision = Pool().get('country.subdivision')
        province, = Subdivision.search([('code', '=', code)])
        return province

    def market(self, province_code, kind='retail'):
        Market = Pool().get('lao.price.market')
        key = (province_code, kind)
        code = '%s-%s' % (province_code, kind)
        if key not in self._markets:
            # another builder of the same committed database may have made it
            existing = Market.search([('code', '=', code)])
            if existing:
                self._markets[key], = existing
            else:
                province = self.province(province_code)
                self._markets[key], = Market.create([{
                            'name': '%s %s market' % (province.code, kind),
                            'code': code,
                            'province': province.id,
                            'kind': kind,
                            }])
        return self._markets[key]

    def values(self, commodity, province_code, date, price, **extra):
        "The values of an observation in LAK per kg unless told"
        values = {
            'commodity': self.commodity(commodity).id,
            'market': self.market(province_code).id,
            'date': date,
            'price_modal': Decimal(str(price)),
            'currency': self.lak.id,
            'unit': self.kilogram.id,
            'price_type': 'retail',
            'source': 'survey',
            }
        values.update(extra)
        return values

    def observe(self, commodity, province_code, date, price, **extra):
        Observation = Pool().get('lao.price.observation')
        observation, = Observation.create(
            [self.values(commodity, province_code, date, price, **extra)])
        return observation
