# Unit test modules collected by the pytest bridge besides test_module
TEST_MODULES = ['test_marketplace', 'test_money', 'test_invariants']
