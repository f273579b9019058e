# Settings of the storefront (Flask), read by storefront.create_app.
# Every key can also be given as an environment variable STOREFRONT_<KEY>,
# which wins.  Never put the SECRET_KEY here: give STOREFRONT_SECRET_KEY in the
# environment, or let the storefront generate var/storefront/secret_key.

# The address buyers use; the links of validation and reset e-mails lead
# here and the session cookie is Secure when it starts with https://.
STOREFRONT_URL = 'http://127.0.0.1:5000'

# The back office (sao): the vendor portal links its orders and requests
# for quotation there
BACK_OFFICE_URL = 'http://127.0.0.1:8000/'

# Log-in, sign-up and password reset attempts per client address
AUTH_RATE_LIMIT = '10 per minute'

# Listings per catalogue page
PAGE_SIZE = 24

# The shared cache of the pages of anonymous visitors (storefront/cache.py):
# files under var/cache/storefront-pages by default, shared by the workers
# of one host; with several hosts, Redis (docker-compose.yml sets it with
# STOREFRONT_CACHE_TYPE and STOREFRONT_CACHE_REDIS_URL):
# CACHE_TYPE = 'RedisCache'
# CACHE_REDIS_URL = 'redis://127.0.0.1:6379/0'
