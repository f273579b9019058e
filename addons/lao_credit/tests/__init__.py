# Unit test modules collected by the pytest bridge besides test_module
TEST_MODULES = ['test_scoring']
