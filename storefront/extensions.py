"""The Flask extensions of the web shop, bound to an application in
create_app."""
from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_tryton import Tryton
from flask_wtf.csrf import CSRFProtect

from .i18n import SiteBabel, select_language

tryton = Tryton(configure_jinja=True)
babel = SiteBabel()
csrf = CSRFProtect()
limiter = Limiter(
    key_func=get_remote_address, storage_uri='memory://',
    default_limits=[])


@limiter.request_filter
def unlimited_read():
    """Whether the request is exempt from the rate limits: the limits are
    on the log-in forms' POSTs only, so a read is not looked up at all
    (the lookup was a quarter of a cached page's time)"""
    return request.method in {'GET', 'HEAD'}


def init_tryton(app):
    """Bind flask-tryton to app, as the storefront's Tryton user (never
    root), with the language of the visitor and access checks on"""
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
