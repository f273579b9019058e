from trytond.tests.test_tryton import ModuleTestCase


class LaoTraceTestCase(ModuleTestCase):
    "Test Lao Trace module"
    module = 'lao_trace'


del ModuleTestCase
