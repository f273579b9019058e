"""GS1 Digital Link resolver: what a QR code on a bag of coffee opens.

/01/<GTIN>/10/<lot> shows the lot's public trace data in the visitor's
language, or, to a client that prefers JSON-LD (or JSON) to HTML, the lot's
public EPCIS 2.0 document: a resolver serves people by default, and `*/*`
(what QR scanner apps and curl send) gets the page.  Only public data ever
leaves: lao_trace keeps farmers, GPS points and buyers out of it.  A
listing's page links to the trace pages of its product's lots
(`traced_lots`)."""
import json

from flask import Blueprint, abort, make_response, render_template, request
from trytond.transaction import Transaction

from .cache import cached_page
from .extensions import tryton

bp = Blueprint('trace', __name__)

JSON_LD = 'application/ld+json'
# What the resolver serves, the page first: it wins ties such as */*
OFFERS = ['text/html', JSON_LD, 'application/json']
# The lots a listing's page links to, newest first
LISTING_LOTS = 5


def negotiated_type():
    """The type of what the client prefers among OFFERS, by the quality
    values of its Accept header: text/html unless it prefers JSON-LD or
    JSON"""
    return request.accept_mimetypes.best_match(OFFERS, default='text/html')


@bp.app_template_global()
def traced_lots(listing):
    """The newest lots of the listing's product that have a trace page:
    [{'number', 'gtin', 'harvest_date'}] ([] without lao_trace)"""
    Lot = tryton.pool.get('stock.lot')
    if not hasattr(Lot, 'traced_lots') or not listing.product:
        return []
    return Lot.traced_lots([listing.product.id], limit=LISTING_LOTS)


@bp.route('/01/<gtin>/10/<lot>')
@cached_page('trace', variant=negotiated_type, vary=['Accept'])
@tryton.transaction()
def lot(gtin, lot):
    Lot = tryton.pool.get('stock.lot')
    if not (gtin.isascii() and gtin.isdigit() and len(gtin) <= 14
            and len(lot) <= 20):
        abort(404)
    content_type = negotiated_type()
    epcis = content_type != 'text/html'
    data = Lot.resolve_digital_link(
        gtin, lot, language=Transaction().context.get('language'), epcis=epcis)
    if data is None:
        abort(404)
    if epcis:
        response = make_response(json.dumps(data, ensure_ascii=False))
        response.headers['Content-Type'] = content_type
    else:
        response = make_response(render_template('trace/lot.html', lot=data))
    response.headers['Vary'] = 'Accept, Accept-Language, Cookie'
    return response
