"""What every blueprint needs: the logged-in web user, the call of a model
method whose user error is shown in the form, a form page, pages of
results, the labels of a selection, the provinces, and safe redirections."""
import math
from functools import wraps
from typing import Callable, NamedTuple
from urllib.parse import urlsplit

from flask import (
    abort, current_app, g, make_response, redirect, render_template,
    request, session, url_for)
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


def labels(Model, name):
    """The {value: label} of the selection field name of Model in the
    context language, as field.translated() reads them, without the empty
    choice; list(labels(...).items()) are the choices of a form"""
    field = Model._fields[name]
    return {v: l for v, l in field.get_selection(Model, name, None).items()
        if v not in (None, '')}


def provinces():
    "The choices of a Lao province: [(id, name)]"
    Subdivision = tryton.pool.get('country.subdivision')
    return [(s.id, s.name) for s in Subdivision.search(
            Subdivision.lao_provinces(), order=[('name', 'ASC')])]


def commodities():
    "The choices of a commodity of a request: [(id, name)]"
    Category = tryton.pool.get('product.category')
    return [(c.id, c.rec_name) for c in Category.search(
            Category.commodity_domain(), order=[('name', 'ASC')])]


def request_units():
    "The choices of the unit of a request: [(id, name)]"
    Request = tryton.pool.get('lao.rfq')
    return [(u.id, u.rec_name) for u in Request.web_units()]


def form_page(template, form, error=None, **context):
    "The page of a form, with status 400 when it was sent with errors"
    status = 400 if (error or form.errors) else 200
    return render_template(
        template, form=form, error=error, **context), status


class Page(NamedTuple):
    "A page of count results: its number and the links to the others"
    page: int
    pages: int
    offset: int
    limit: int
    url: Callable[[int], str]
    # There are more than bound results (count_bound), counted up to one
    # more: pages is the number of pages up to there, and more follow
    more: bool = False


def count_bound():
    """The number of results past which a page says "more than" instead of
    counting them all (COUNT_BOUND): count at most one more"""
    return int(current_app.config['COUNT_BOUND'])


def paginate(count, page=None, bound=None):
    """The page of number page (the last one when beyond) of count results
    with PAGE_SIZE a page; its links keep the query string of the request

    With bound, count was counted up to bound + 1: more than bound results
    have the pages up to there, and say "or more"."""
    size = int(current_app.config['PAGE_SIZE'])
    more = bound is not None and count > bound
    pages = max(1, math.ceil(count / size))
    page = min(page or 1, pages)

    def url(number):
        return url_for(request.endpoint,
            **{**request.view_args, **request.args.to_dict(), 'page': number})
    return Page(page, pages, (page - 1) * size, size, url, more)


# A photo's size is served from an address holding its version: it never
# changes there
PHOTO_MAX_AGE = 365 * 24 * 60 * 60


def sized_photo_response(sized, version, scope, endpoint, **values):
    """The response serving a photo's size sized = (current version, WebP
    bytes) asked at version: the photo, cached for good by scope ('public'
    or 'private') with its version as ETag (304 when the browser has it),
    or a redirection to the current version's address from an older one"""
    current, data = sized
    if version != current:
        response = redirect(url_for(endpoint, version=current, **values))
        response.headers['Cache-Control'] = 'no-cache'
        return response
    response = image_response(
        data, f'{scope}, max-age={PHOTO_MAX_AGE}, immutable')
    response.set_etag(current)
    return response.make_conditional(request)


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
