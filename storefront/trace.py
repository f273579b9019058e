"""GS1 Digital Link resolver: what a QR code on a bag of coffee opens.

/01/<GTIN>/10/<lot> shows the lot's public trace data in the visitor's
language, or, to a client that asks for JSON-LD, the lot's public EPCIS 2.0
document.  Only public data ever leaves: lao_trace keeps farmers, GPS points
and buyers out of it."""
import json

from flask import Blueprint, abort, make_response, render_template, request
from trytond.transaction import Transaction

from .extensions import tryton

bp = Blueprint('trace', __name__)

JSON_LD = 'application/ld+json'


def wants_json_ld():
    "Whether the client prefers the EPCIS document to the page"
    best = request.accept_mimetypes.best_match([JSON_LD, 'text/html'])
    return best == JSON_LD


@bp.route('/01/<gtin>/10/<lot>')
@tryton.transaction()
def lot(gtin, lot):
    Lot = tryton.pool.get('stock.lot')
    if not (gtin.isascii() and gtin.isdigit() and len(gtin) <= 14
            and len(lot) <= 20):
        abort(404)
    epcis = wants_json_ld()
    data = Lot.resolve_digital_link(
        gtin, lot, language=Transaction().context.get('language'), epcis=epcis)
    if data is None:
        abort(404)
    if epcis:
        response = make_response(json.dumps(data, ensure_ascii=False))
        response.headers['Content-Type'] = JSON_LD
    else:
        response = make_response(render_template('trace/lot.html', lot=data))
    response.headers['Vary'] = 'Accept, Accept-Language, Cookie'
    return response
