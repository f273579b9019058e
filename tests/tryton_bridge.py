"""Run our Tryton modules' unittest suites under pytest.

pytest collects unittest.TestCase classes placed in a test module's
namespace, but it ignores unittest's load_tests protocol, through which
Tryton modules publish their scenario doctests (scenario_*.rst).  This bridge
exposes both: the TestCase classes for pytest to collect, and the doctest
cases for a parametrized test to run.
"""
import importlib
import inspect
import unittest


def module_test_classes(module):
    "The unittest.TestCase classes of trytond.modules.<module>.tests"
    classes = {}
    package = f'trytond.modules.{module}.tests'
    tests = importlib.import_module(package)
    for name in ['test_module'] + list(getattr(tests, 'TEST_MODULES', [])):
        try:
            test_module = importlib.import_module(f'{package}.{name}')
        except ModuleNotFoundError as exception:
            if exception.name != f'{package}.{name}':
                raise
            continue
        for attr, value in vars(test_module).items():
            if (inspect.isclass(value)
                    and issubclass(value, unittest.TestCase)
                    and value.__module__ == test_module.__name__):
                classes[f'{module}_{attr}'] = value
    return classes


def scenario_cases(module):
    "The doctest cases of trytond.modules.<module>.tests.test_scenario"
    try:
        scenario = importlib.import_module(
            f'trytond.modules.{module}.tests.test_scenario')
    except ModuleNotFoundError:
        return []
    loader = unittest.TestLoader()
    suite = scenario.load_tests(loader, unittest.TestSuite(), None)
    return list(_flatten(suite))


def _flatten(suite):
    for test in suite:
        if isinstance(test, unittest.TestSuite):
            yield from _flatten(test)
        else:
            yield test


def run_case(case):
    "Run one unittest case and return its failures and errors as text"
    result = unittest.TestResult()
    case.run(result)
    problems = result.failures + result.errors
    return '\n\n'.join(text for _, text in problems), result.testsRun
