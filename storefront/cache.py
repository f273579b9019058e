"""The shared cache of the pages rendered for anonymous visitors, and the
conditional GET and Cache-Control of every page.

A route decorated with @cached_page('catalogue', ...) is answered, for a
visitor without per-visitor state (no log-in, no cart, no flashed message:
its session holds at most its language and its CSRF token), from a cache
shared by the gunicorn workers (Flask-Caching; CACHE_TYPE and its options in
the settings: SimpleCache in tests, FileSystemCache for the demo, RedisCache
in production).  An entry is keyed by the host, the path, the query string
with its parameters sorted, the visitor's language, the day and the
versions of the areas the page shows (lao.catalogue.version, which every
change in trytond bumps in its transaction), read with one query before the
page is rendered: an entry was rendered from data at least as new as its
versions, so a page is never older than the data.  Only 200 answers to GET
are kept.

The pages carry per-visitor CSRF tokens (the language switch, the cart form
of a listing): an entry keeps a placeholder where the template asked for
the token, and each visitor gets its own token in it.  Such a page is
private to its visitor (Cache-Control: private, no-cache), with an ETag of
the entry, the visitor's session token and the half of the token's
lifetime it was issued in, so that a 304 never revives an expired token.  A
page without a token is public for PAGE_MAX_AGE seconds.  Every other page
is private, and not stored by the browser for a visitor with per-visitor
state."""
import hashlib
import hmac
import threading
import time
from datetime import date
from functools import wraps
from urllib.parse import urlencode

from flask import (
    current_app, g, make_response, request, session)
from flask_caching import Cache
from flask_wtf.csrf import generate_csrf

from .i18n import select_language

cache = Cache()

# What the session of a visitor served from the cache may hold
SHARED_SESSION_KEYS = {'language', '_permanent', 'csrf_token'}
# The session keys that make a page of the visitor's own
PRIVATE_SESSION_KEYS = {'web_session', 'cart', '_flashes'}
VARY = ['Cookie', 'Accept-Language']


def init_app(app):
    cache.init_app(app)
    # After CSRFProtect.init_app, which gives the templates csrf_token()
    # both ways
    app.jinja_env.globals['csrf_token'] = template_csrf_token
    app.context_processor(lambda: {'csrf_token': template_csrf_token})
    app.after_request(private_headers)


def placeholder():
    """What a cached page holds where its CSRF token goes: the same in
    every worker, unguessable by the vendors who write the listings"""
    return hmac.new(current_app.secret_key.encode(), b'page-cache-csrf',
        hashlib.sha256).hexdigest()


def template_csrf_token():
    "csrf_token() in the templates: the placeholder in a page to keep"
    if g.get('page_cache_render'):
        g.page_cache_holes = True
        return placeholder()
    return generate_csrf()


def shared_visitor():
    "Whether the request may be answered with a page of the shared cache"
    return (current_app.config['PAGE_CACHE']
        and request.method in {'GET', 'HEAD'}
        and set(session.keys()) <= SHARED_SESSION_KEYS)


def catalogue_versions():
    """The version of each area: {area: text}, read with one query before
    the page's transaction, outside any Tryton transaction.

    A hit is thus served without one: starting a transaction (on SQLite a
    new connection with its pragmas for each, on PostgreSQL the pool's check
    and the synchronisation of trytond's caches) was most of a hit's time.
    The query runs on a connection of trytond's backend that the thread
    keeps, alone: on PostgreSQL in autocommit, its one SELECT sees what was
    committed when it starts, as the first statement of a repeatable-read
    transaction would; on SQLite a SELECT outside a transaction reads the
    last commit."""
    from trytond import backend
    reader = _version_reader()
    connection = reader.database.get_connection(readonly=True,
        autocommit=backend.name == 'postgresql')
    try:
        cursor = connection.cursor()
        cursor.execute(*reader.query)
        return reader.model.versions_of(cursor)
    finally:
        reader.database.put_connection(connection)


_reader = threading.local()


def _version_reader():
    """The thread's database (trytond's SQLite backend opens a new
    connection for each instance; PostgreSQL's share the process's pool),
    the version model and its query, built once in the backend's flavor"""
    from sql import Flavor
    from trytond import backend
    from trytond.pool import Pool
    name = current_app.config['TRYTON_DATABASE']
    if getattr(_reader, 'name', None) != name:
        Flavor.set(backend.Database.flavor)
        model = Pool(name).get('lao.catalogue.version')
        query = model.versions_query()
        database = backend.Database(name).connect()
        _reader.__dict__.update(name=name, database=database, model=model,
            query=query)
    return _reader


def page_key(areas, versions, variant=''):
    "The key of the request's page in the cache"
    query = urlencode(sorted(request.args.items(multi=True)))
    parts = [request.scheme, request.host, request.path, query,
        select_language(), date.today().isoformat(), variant]
    parts += [f'{a}={versions.get(a, 0)}' for a in areas]
    return hashlib.sha256('\n'.join(parts).encode()).hexdigest()


def cached_page(*areas, variant=None, vary=()):
    """Answer anonymous visitors from the shared cache, by the versions of
    areas (lao_b2b.catalogue_version.AREAS); put under @bp.route, over
    @tryton.transaction().

    A page that the request's headers choose among several (content
    negotiation) names the one chosen with variant() and those headers in
    vary: each variant is kept under its own key."""
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not shared_visitor():
                return view(*args, **kwargs)
            key = page_key(areas, catalogue_versions(),
                variant() if variant else '')
            entry = _backend(cache.get, key)
            state = 'hit'
            if entry is None:
                state = 'miss'
                response, entry = _render(view, args, kwargs)
                if entry is None:
                    response.headers['X-Page-Cache'] = 'off'
                    return response
                _backend(cache.set, key, entry)
            return _serve(entry, state, vary)
        return wrapper
    return decorator


def _backend(method, *args):
    """Call the cache's backend; when it fails (Redis away), log it and
    answer None: the page is rendered as without the cache"""
    try:
        return method(*args)
    except Exception:
        current_app.logger.exception("The page cache failed")
        return None


def _render(view, args, kwargs):
    """The response of the view, rendered with placeholders for the CSRF
    tokens, and the entry to keep of it, or None when it may not be kept"""
    g.page_cache_render, g.page_cache_holes = True, False
    try:
        response = make_response(view(*args, **kwargs))
    finally:
        g.page_cache_render = False
    if (response.status_code != 200 or response.direct_passthrough
            or response.is_streamed
            # a token made otherwise (a form's csrf_token field), a message
            # flashed or anything else of the visitor's own
            or 'csrf_token' in g
            or not set(session.keys()) <= SHARED_SESSION_KEYS
            or 'Set-Cookie' in response.headers):
        if g.page_cache_holes:
            response.set_data(response.get_data().replace(
                    placeholder().encode(), generate_csrf().encode()))
        return response, None
    body = response.get_data()
    entry = {
        'body': body,
        'content_type': response.headers['Content-Type'],
        'holes': g.page_cache_holes,
        'digest': hashlib.sha256(body).hexdigest()[:32],
        }
    return response, entry


def _etag(entry):
    "The ETag of the entry as served to this visitor, or None"
    if not entry['holes']:
        return entry['digest']
    token = session.get('csrf_token')
    if not token:
        return None
    limit = current_app.config.get('WTF_CSRF_TIME_LIMIT', 3600)
    window = int(time.time() // (limit / 2)) if limit else 0
    return hashlib.sha256('\n'.join(
            [entry['digest'], token, str(window)]).encode()).hexdigest()[:32]


def _serve(entry, state, vary=()):
    etag = _etag(entry)
    if etag and request.if_none_match.contains_weak(etag):
        response = current_app.response_class(status=304)
    else:
        body = entry['body']
        if entry['holes']:
            body = body.replace(
                placeholder().encode(), generate_csrf().encode())
            etag = _etag(entry)
        response = current_app.response_class(
            body, content_type=entry['content_type'])
    if etag:
        response.set_etag(etag)
    if entry['holes']:
        response.headers['Cache-Control'] = 'private, no-cache'
    else:
        response.headers['Cache-Control'] = (
            f"public, max-age={int(current_app.config['PAGE_MAX_AGE'])}")
    response.vary.update(VARY)
    response.vary.update(vary)
    response.headers['X-Page-Cache'] = state
    return response


def private_headers(response):
    """A page not from the cache: private, and not stored for a visitor
    with per-visitor state"""
    if 'Cache-Control' not in response.headers and (
            response.mimetype == 'text/html'):
        if PRIVATE_SESSION_KEYS & set(session.keys()):
            response.headers['Cache-Control'] = 'private, no-store'
        else:
            response.headers['Cache-Control'] = 'private, no-cache'
        response.vary.update(VARY)
    return response

