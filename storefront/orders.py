"""The buyer's marketplace orders."""
from flask import Blueprint, render_template

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
        orders=Order.web_orders(current_user()), statuses=_statuses())


@bp.route('/<id:order_id>')
@tryton.transaction()
@login_required
def order(order_id):
    order = not_found_on(current_user().own,
        tryton.pool.get('lao.marketplace.order'), order_id)
    return render_template(
        'orders/order.html', order=order, statuses=_statuses(),
        journey=crossborder.order_journey(order))
