# Unit test modules collected by the pytest bridge besides test_module
TEST_MODULES = [
    'test_marketplace', 'test_money', 'test_invariants', 'test_upload']

# The server-side builders that the tests of this module and of the modules
# on it, the web shop's tests and the benchmarks use (like company's
# create_company): an approved vendor is made through the real approval
from .test_marketplace import (  # noqa: F401
    category, create_buyer, create_listing, create_order, create_product,
    create_quote, create_request, create_vendor, lao_province, place,
    publish)
from .test_module import create_application, create_user  # noqa: F401

__all__ = [
    'category', 'create_application', 'create_buyer', 'create_listing',
    'create_order', 'create_product', 'create_quote', 'create_request',
    'create_user', 'create_vendor', 'lao_province', 'place', 'publish']
