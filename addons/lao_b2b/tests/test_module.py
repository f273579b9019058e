from trytond.tests.test_tryton import ModuleTestCase


class LaoB2BTestCase(ModuleTestCase):
    "Test Lao B2B module"
    module = 'lao_b2b'


del ModuleTestCase
