"""Every addon's unit tests and scenarios, collected by pytest."""
import os

import pytest

from .tryton_bridge import run_case, scenario_cases, module_test_classes

ADDONS = os.path.join(os.path.dirname(__file__), '..', 'addons')
MODULES = sorted(
    name for name in os.listdir(ADDONS)
    if os.path.exists(os.path.join(ADDONS, name, 'tryton.cfg')))

for _module in MODULES:
    globals().update(module_test_classes(_module))

SCENARIOS = [case for module in MODULES for case in scenario_cases(module)]


@pytest.mark.parametrize(
    'case', SCENARIOS, ids=[os.path.basename(c.id()) for c in SCENARIOS])
def test_scenario(case):
    problems, count = run_case(case)
    assert count == 1
    assert not problems, problems
