from trytond.tests.test_tryton import ModuleTestCase


class LaoLocaleTestCase(ModuleTestCase):
    "Test Lao Locale module"
    module = 'lao_locale'


del ModuleTestCase
