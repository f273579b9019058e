"""What every blueprint needs: the logged-in web user, the call of a model
method whose user error is shown in the form, and safe redirections."""
from functools import wraps
from urllib.parse import urlsplit

from flask import (
    abort, g, make_response, redirect, request, session, url_for)
from trytond.exceptions import UserError, UserWarning
from trytond.transaction import Transaction

from .extensions import tryton

SESSION_KEY = 'web_session'
# The images served from the database, recognised by their first bytes
IMAGE_TYPES = [
    (b'\xff\xd8\xff', 'image/jpeg'),
    (b'\x89PNG\r\n\x1a\n', 'image/png'),
    (b'RIFF', 'image/webp'),
    ]


def current_user():
    "The web.user of the session, or None; call inside a Tryton transaction"
    if 'web_user' not in g:
        WebUser = tryton.pool.get('web.user')
        key = session.get(SESSION_KEY)
        user = WebUser.get_user(key) if key else None
        g.web_user = user.id if user else None
    if g.web_user is None:
        return None
    return tryton.pool.get('web.user')(g.web_user)


def login_required(func):
    "Send anonymous visitors to the log-in page, then back here"
    @wraps(func)
    def wrapper(*args, **kwargs):
        if current_user() is None:
            return redirect(url_for('auth.login', next=request.full_path))
        return func(*args, **kwargs)
    return wrapper


def call(method, *args, **kwargs):
    """Call a model method and return (result, None), or (None, message)
    with everything it wrote rolled back when it refuses with a user error"""
    try:
        return method(*args, **kwargs), None
    except (UserError, UserWarning) as exception:
        Transaction().rollback()
        g.pop('web_user', None)
        return None, exception.message


def not_found_on(method, *args):
    """Call a model method that raises WebAccessError for a record the user
    may not see, and answer 404 then"""
    from trytond.modules.lao_b2b.exceptions import WebAccessError
    try:
        return method(*args)
    except WebAccessError:
        abort(404)


def safe_next(target, default='main.home'):
    "A local path to go back to after log-in, never another site"
    if target:
        parts = urlsplit(target)
        if (not parts.scheme and not parts.netloc
                and target.startswith('/') and not target.startswith('//')
                and '\\' not in target):
            return target
    return url_for(default)


def selection(Model, field):
    "The [(value, label)] of a selection field, without the empty choice"
    return [(v, l) for v, l in Model.fields_get(
            [field])[field]['selection'] if v]


def image_response(data, cache_control):
    "The response serving image data, 404 unless it is a known image type"
    for signature, mimetype in IMAGE_TYPES:
        if data.startswith(signature):
            break
    else:
        abort(404)
    response = make_response(data)
    response.headers['Content-Type'] = mimetype
    response.headers['Cache-Control'] = cache_control
    response.headers['X-Content-Type-Options'] = 'nosniff'
    return response
