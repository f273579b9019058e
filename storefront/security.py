"""What every response and every request of the web shop gets: security
headers, record ids parsed into bounded integers, no NUL characters."""
from flask import abort, request
from werkzeug.routing import IntegerConverter

# A record id is a positive 64-bit integer (the id columns of PostgreSQL
# and SQLite); any other number cannot name a record.
MAX_ID = 2 ** 63 - 1

CONTENT_SECURITY_POLICY = '; '.join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        ])
HEADERS = {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    }


def record_id(value):
    """The record id written in value (a str or int), else ValueError:
    an integer from 1 to MAX_ID"""
    if isinstance(value, str):
        value = value.strip()
        # int() also reads '1_000', '+1' and non-ASCII digits
        if not (value.isascii() and value.isdigit()) or len(value) > 19:
            raise ValueError(value)
    number = int(value)
    if not 1 <= number <= MAX_ID:
        raise ValueError(value)
    return number


class RecordIdConverter(IntegerConverter):
    "<id:name> in a route: a record id, else 404"
    regex = r'[0-9]{1,19}'

    def __init__(self, map):
        super().__init__(map, min=1, max=MAX_ID)


def _has_nul(data):
    return any('\x00' in key or any('\x00' in v for v in values)
        for key, values in data.lists())


def refuse_nul():
    """Refuse with 400 any text with a NUL character: PostgreSQL cannot
    store or compare one, and no field of the shop needs one"""
    if ('\x00' in request.path or _has_nul(request.args)
            or _has_nul(request.form)):
        abort(400)


def add_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app):
    app.url_map.converters['id'] = RecordIdConverter
    app.before_request(refuse_nul)
    app.after_request(add_headers)
