"""The storefront's settings, from the lowest to the highest priority: the
defaults below, the Python file named by STOREFRONT_SETTINGS (default
config/storefront.py), environment variables STOREFRONT_<KEY>,
TRYTON_DATABASE, TRYTON_CONFIG (one file or several separated by
os.pathsep, later ones win) and TRYTON_USER, and the test_config of
create_app."""
import os
import secrets

from .i18n import DEFAULT_LANGUAGE

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULTS = dict(
    STOREFRONT_URL='http://127.0.0.1:5000',
    # The back office (sao) where vendors fulfil orders and write quotes
    BACK_OFFICE_URL='http://127.0.0.1:8000/',
    SECRET_KEY_FILE=os.path.join(ROOT, 'var', 'storefront', 'secret_key'),
    # Secure when the shop is served over HTTPS (STOREFRONT_URL or
    # PREFERRED_URL_SCHEME), unless configured
    SESSION_COOKIE_SECURE=None,
    SESSION_COOKIE_HTTPONLY=True,
    SESSION_COOKIE_SAMESITE='Lax',
    PERMANENT_SESSION_LIFETIME=30 * 24 * 60 * 60,
    # A document of the vendor application is at most 5 MB (lao_b2b
    # document_max_size); the rest is room for the other form fields.
    MAX_CONTENT_LENGTH=5 * 1024 * 1024 + 64 * 1024,
    BABEL_DEFAULT_LOCALE=DEFAULT_LANGUAGE,
    BABEL_TRANSLATION_DIRECTORIES=os.path.join(
        os.path.dirname(__file__), 'translations'),
    AUTH_RATE_LIMIT='10 per minute',
    RATELIMIT_STORAGE_URI='memory://',
    RATELIMIT_HEADERS_ENABLED=True,
    PAGE_SIZE=24,
    # A search counts its results up to one more than this, then says "more
    # than": counting all of a word that half the catalogue holds would
    # read them all (helpers.count_bound)
    COUNT_BOUND=1000,
    # Where the footer of every page tells buyers and vendors to write
    CONTACT_EMAIL='contact@lao-rural-market.example',
    # The fingerprinted and compressed copies of static/ (assets.py)
    STATIC_BUILD_DIR=os.path.join(ROOT, 'var', 'storefront', 'static'),
    # The shared cache of the anonymous pages (cache.py), Flask-Caching's
    # settings: files shared by the workers of one host by default,
    # CACHE_TYPE='RedisCache' with CACHE_REDIS_URL for several hosts
    PAGE_CACHE=True,
    CACHE_TYPE='FileSystemCache',
    CACHE_DIR=os.path.join(ROOT, 'var', 'cache', 'storefront-pages'),
    CACHE_THRESHOLD=5000,
    # A bound for what changes without a bump of the catalogue version
    # (the day aside): seconds
    CACHE_DEFAULT_TIMEOUT=300,
    CACHE_KEY_PREFIX='storefront-page:',
    # How long browsers and proxies keep a public page: seconds
    PAGE_MAX_AGE=30,
    )
# Read from the environment under their own names (STOREFRONT_URL too:
# from_prefixed_env would read it as URL)
ENVIRONMENT = [
    'STOREFRONT_URL', 'TRYTON_DATABASE', 'TRYTON_CONFIG', 'TRYTON_USER']


def load(app, test_config=None):
    "Set the configuration of app"
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile(
        os.environ.get('STOREFRONT_SETTINGS',
            os.path.join(ROOT, 'config', 'storefront.py')), silent=True)
    app.config.from_prefixed_env('STOREFRONT')
    for key in ENVIRONMENT:
        if os.environ.get(key):
            app.config[key] = os.environ[key]
    if test_config:
        app.config.update(test_config)
    if isinstance(app.config.get('TRYTON_CONFIG'), str):
        # Several files like TRYTOND_CONFIG: the committed config, then an
        # overlay with the paths of this checkout
        app.config['TRYTON_CONFIG'] = [
            f for f in app.config['TRYTON_CONFIG'].split(os.pathsep) if f]
    if app.config['SESSION_COOKIE_SECURE'] is None:
        app.config['SESSION_COOKIE_SECURE'] = (
            app.config['STOREFRONT_URL'].startswith('https://')
            or app.config.get('PREFERRED_URL_SCHEME') == 'https')
    if not app.config.get('SECRET_KEY'):
        app.config['SECRET_KEY'] = secret_key(app.config['SECRET_KEY_FILE'])


def secret_key(path):
    "Read the key from path, creating it on first start (never committed)"
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, 'w') as file:
            file.write(secrets.token_hex(32))
    with open(path) as file:
        return file.read().strip()
