"""The web shop and vendor portal of the Lao rural e-commerce platform.

A Flask application that loads the same Tryton pool as the back office and
runs as the dedicated Tryton user `lao_b2b.user_storefront` with access checks
on.  Its handlers parse the request, call one model method and render.
Settings: config.py."""
from flask import Flask


def create_app(test_config=None):
    from . import assets, cache, config, errors, security
    from .extensions import babel, csrf, init_tryton, limiter

    app = Flask(__name__)
    config.load(app, test_config)
    assets.init_app(app)
    security.init_app(app)
    babel.init_app(app)
    csrf.init_app(app)
    cache.init_app(app)
    limiter.init_app(app)
    init_tryton(app)

    from . import (
        account, api, auth, board, cart, catalog, main, ops, orders, prices,
        rfq, trace, training, vendor, vendor_listings)
    for blueprint in [
            main.bp,
            auth.bp,
            account.bp,
            catalog.bp,
            cart.bp,
            orders.bp,
            board.bp,
            rfq.bp,
            vendor.bp,
            vendor_listings.bp,
            trace.bp,
            training.bp,
            prices.bp,
            ops.bp,
            api.bp,
            ]:
        app.register_blueprint(blueprint)
    errors.init_app(app)
    return app
