"""The web shop and vendor portal of the Lao rural e-commerce platform.

A Flask application that loads the same Tryton pool as the back office and
runs as the dedicated Tryton user `lao_b2b.user_storefront` with access checks
on.  Its handlers parse the request, call one model method and render.

Configuration, from the lowest to the highest priority: the defaults below,
the Python file named by STOREFRONT_SETTINGS (default config/storefront.py),
environment variables STOREFRONT_<KEY>, TRYTON_DATABASE, TRYTON_CONFIG (one
file or several separated by os.pathsep, later ones win) and TRYTON_USER, and
test_config.
"""
import os
import secrets

from flask import Flask, jsonify, render_template, request, session
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import babel, csrf, limiter, tryton

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LANGUAGES = {
    'lo': 'ລາວ',
    'zh_CN': '中文',
    'en': 'English',
    }
DEFAULT_LANGUAGE = 'en'

ERROR_MESSAGES = {
    400: _l("The request was not valid."),
    403: _l("You are not allowed to see this page."),
    404: _l("This page does not exist, or it is not yours."),
    405: _l("This page cannot be used that way."),
    413: _l("The file is too large."),
    429: _l("Too many attempts. Wait a moment and try again."),
    500: _l("Something went wrong on our side. Try again later."),
    503: _l("The service is not available right now. Try again later."),
    }
CSRF_MESSAGE = _l(
    "The form has expired or was not sent from this site. "
    "Reload the page and try again.")


def create_app(test_config=None):
    app = Flask(__name__)
    app.config.from_mapping(
        STOREFRONT_URL='http://127.0.0.1:5000',
        # The back office (sao) where vendors fulfil orders and write quotes
        BACK_OFFICE_URL='http://127.0.0.1:8000/',
        SECRET_KEY_FILE=os.path.join(ROOT, 'var', 'storefront', 'secret_key'),
        # Secure when the shop is served over HTTPS, unless configured
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
        )
    app.config.from_pyfile(
        os.environ.get('STOREFRONT_SETTINGS',
            os.path.join(ROOT, 'config', 'storefront.py')), silent=True)
    app.config.from_prefixed_env('STOREFRONT')
    # STOREFRONT_URL is its own name: from_prefixed_env would read it as URL
    for key in [
            'STOREFRONT_URL', 'TRYTON_DATABASE', 'TRYTON_CONFIG',
            'TRYTON_USER']:
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
            app.config['STOREFRONT_URL'].startswith('https://'))
    if not app.config.get('SECRET_KEY'):
        app.config['SECRET_KEY'] = _secret_key(app.config['SECRET_KEY_FILE'])

    babel.init_app(app, locale_selector=select_language)
    csrf.init_app(app)
    limiter.init_app(app)
    _init_tryton(app)

    from . import (
        account, api, auth, cart, catalog, main, market, ops, prices, trace,
        vendor, vendor_listings)
    for module in [
            main, auth, account, vendor, vendor_listings, catalog, cart,
            market, trace, prices, ops, api]:
        app.register_blueprint(module.bp)

    _register_error_handlers(app)

    @app.context_processor
    def inject_languages():
        return {
            'languages': LANGUAGES,
            'current_language': select_language(),
            }
    return app


def _secret_key(path):
    "Read the key from path, creating it on first start (never committed)"
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, 'w') as file:
            file.write(secrets.token_hex(32))
    with open(path) as file:
        return file.read().strip()


def _init_tryton(app):
    from trytond import config as tryton_config

    user = app.config.get('TRYTON_USER')
    tryton.init_app(app)
    if not user or str(user) == '0':
        user = _storefront_user(app.config['TRYTON_DATABASE'])
    if not int(user):
        raise RuntimeError("The storefront must not run as the root user")
    app.config['TRYTON_USER'] = int(user)

    # The links of web_user's e-mails lead to the storefront
    url = app.config['STOREFRONT_URL'].rstrip('/')
    if not tryton_config.has_section('web'):
        tryton_config.add_section('web')
    for option, path in [
            ('email_validation_url', '/account/validate'),
            ('reset_password_url', '/account/reset/confirm'),
            ]:
        if not tryton_config.get('web', option):
            tryton_config.set('web', option, url + path)

    @tryton.default_context
    def default_context():
        return {
            'language': select_language(),
            '_check_access': True,
            }


def _storefront_user(database):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database, 0, readonly=True):
        ModelData = Pool(database).get('ir.model.data')
        return ModelData.get_id('lao_b2b', 'user_storefront')


def select_language():
    "The language chosen with the switch, else the browser's preference"
    language = session.get('language')
    if language in LANGUAGES:
        return language
    return request.accept_languages.best_match(
        list(LANGUAGES), default=DEFAULT_LANGUAGE)


def _register_error_handlers(app):
    def render_error(code, message=None):
        message = (message or ERROR_MESSAGES.get(code)
            or ERROR_MESSAGES[400 if code < 500 else 500])
        if request.accept_mimetypes.best == 'application/json':
            return jsonify(status='error', message=str(message)), code
        return render_template(
            'errors/error.html', code=code, message=message), code

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def http_error(error):
        code = error.code or 500
        message = None
        # flask-tryton turns a Tryton UserError into a BadRequest whose
        # description is the translated message of the model
        if code == 400 and error.description != type(error).description:
            message = error.description
        return render_error(code, message)

    @app.errorhandler(Exception)
    def internal_error(error):
        app.logger.exception("Unhandled error on %s", request.path)
        return render_error(500)
