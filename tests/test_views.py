"""The back-office views of the platform's modules open in sao."""
import os
import unittest

from lxml import etree

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction

ADDONS = os.path.join(os.path.dirname(__file__), '..', 'addons')
# Every module of the platform (the database of the isolation tests)
MODULES = sorted(
    name for name in os.listdir(ADDONS)
    if os.path.exists(os.path.join(ADDONS, name, 'tryton.cfg')))


class ListViewTestCase(unittest.TestCase):
    "Test the list views"

    @classmethod
    def setUpClass(cls):
        activate_module(MODULES)

    @with_transaction()
    def test_timestamp_columns_have_widget(self):
        "sao 8.0 has no column for a timestamp: it needs a date or time widget"
        pool = Pool()
        View = pool.get('ir.ui.view')
        problems = []
        for view in View.search([
                    ('module', 'in', MODULES),
                    ('type', 'in', ['tree', None]),
                    ]):
            Model = pool.get(view.model)
            arch = etree.fromstring(view.arch)
            if arch.tag != 'tree' and not arch.xpath('//tree'):
                continue
            for field in arch.iter('field'):
                type_ = getattr(Model._fields.get(field.get('name')), '_type', None)
                if type_ == 'timestamp' and not field.get('widget'):
                    problems.append(f"{view.module}.{view.name}: "
                        f"{field.get('name')}")
        self.assertEqual(problems, [])
