"""WSGI entry point: `gunicorn storefront.wsgi:app` (or any WSGI server).

Set TRYTON_DATABASE and TRYTON_CONFIG (and STOREFRONT_URL when the shop is not
served at http://127.0.0.1:5000) in the environment."""
from . import create_app

app = create_app()
