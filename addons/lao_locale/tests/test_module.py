import datetime as dt
from decimal import Decimal

from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class LaoLocaleTestCase(ModuleTestCase):
    "Test Lao Locale module"
    module = 'lao_locale'

    @with_transaction()
    def test_lao_formats(self):
        "Lao numbers, dates and kip amounts as written in Laos"
        pool = Pool()
        Lang = pool.get('ir.lang')
        Currency = pool.get('currency.currency')
        lao, = Lang.search([('code', '=', 'lo')])
        kip, = Currency.search([('code', '=', 'LAK')])
        self.assertEqual(lao.format('%.2f', 1234567.5, True), '1.234.567,50')
        self.assertEqual(lao.format('%d', 1234567, True), '1.234.567')
        self.assertEqual(lao.strftime(dt.date(2026, 12, 1)), '01/12/2026')
        self.assertEqual(
            lao.currency(Decimal('1234567'), kip, grouping=True), '₭1.234.567')
        self.assertEqual(kip.digits, 0)


del ModuleTestCase
