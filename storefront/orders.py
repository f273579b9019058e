"""The buyer's orders: its marketplace orders and its other sales (accepted
quotes), each vendor's part with its state, amounts and taxes, shipments
and posted invoices, whose PDF the buyer downloads."""
import io

from flask import Blueprint, render_template, send_file

from . import crossborder
from .extensions import tryton
from .helpers import current_user, labels, login_required, not_found_on

bp = Blueprint('orders', __name__, url_prefix='/orders')


def _statuses():
    return labels(tryton.pool.get('lao.marketplace.order'), 'status')


@bp.route('')
@tryton.transaction()
@login_required
def orders():
    Order = tryton.pool.get('lao.marketplace.order')
    return render_template('orders/list.html',
        orders=Order.web_orders(current_user()))


@bp.route('/<id:order_id>')
@tryton.transaction()
@login_required
def order(order_id):
    order = not_found_on(current_user().own,
        tryton.pool.get('lao.marketplace.order'), order_id)
    return render_template(
        'orders/order.html', order=order, statuses=_statuses(),
        journey=crossborder.order_journey(order))


@bp.route('/sale/<id:sale_id>')
@tryton.transaction()
@login_required
def sale(sale_id):
    "The buyer's sale of an accepted quote (or of the back office)"
    order = not_found_on(tryton.pool.get('sale.sale').web_buyer_order,
        current_user(), sale_id)
    return render_template('orders/sale.html', order=order)


# Printing a posted invoice the first time keeps its copy (Tryton's invoice
# report): the transaction may write
@bp.route('/invoice/<id:invoice_id>.pdf')
@tryton.transaction(readonly=False)
@login_required
def invoice(invoice_id):
    "The PDF of the buyer's own posted invoice; 404 for anyone else's"
    format_, data, filename = not_found_on(
        tryton.pool.get('account.invoice').web_buyer_report,
        current_user(), invoice_id)
    # send_file names the file in the header as RFC 6266 asks: an ASCII
    # name, and the translated one in filename* (a header holds latin-1)
    response = send_file(io.BytesIO(bytes(data)),
        mimetype=('application/pdf' if format_ == 'pdf'
            else 'application/octet-stream'),
        as_attachment=True, download_name=filename,
        conditional=False, etag=False)
    response.headers['Cache-Control'] = 'private, no-store'
    response.headers['X-Content-Type-Options'] = 'nosniff'
    return response
