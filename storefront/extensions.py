"""The Flask extensions of the web shop, bound to an application in
create_app."""
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_tryton import Tryton
from flask_wtf.csrf import CSRFProtect

tryton = Tryton(configure_jinja=True)
babel = Babel()
csrf = CSRFProtect()
limiter = Limiter(
    key_func=get_remote_address, storage_uri='memory://',
    default_limits=[])
