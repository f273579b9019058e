"""The cart, kept in the session, and the checkout that places the
marketplace order (at /checkout: the blueprint has no URL prefix)."""
from decimal import Decimal, InvalidOperation

from flask import (
    Blueprint, abort, flash, redirect, render_template, request, session,
    url_for)
from flask_babel import gettext as _

from .extensions import tryton
from .forms import CheckoutForm, EmptyForm
from .helpers import (
    call, current_user, labels, login_required, not_found_on)
from .security import record_id

bp = Blueprint('cart', __name__)

CART_KEY = 'cart'
MAX_LINES = 30


def cart_items():
    "The cart as [(listing id, quantity)]"
    items = []
    for key, quantity in (session.get(CART_KEY) or {}).items():
        try:
            items.append((int(key), float(quantity)))
        except (TypeError, ValueError):
            continue
    return items


def _save(items):
    session[CART_KEY] = {str(i): q for i, q in items}


def _quantity(value):
    "A positive quantity from the form, or None"
    try:
        quantity = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    if not quantity.is_finite() or quantity <= 0 or quantity > 10 ** 9:
        return None
    return float(quantity)


def _checkout_form():
    "The checkout form, with the buyer's addresses when logged in"
    Order = tryton.pool.get('lao.marketplace.order')
    form = CheckoutForm()
    form.delivery_method.choices = list(
        labels(Order, 'delivery_method').items())
    form.payment_method.choices = list(
        labels(Order, 'payment_method').items())
    user = current_user()
    party = user.party if user else None
    form.shipment_address.choices = [
        (a.id, a.full_address.replace('\n', ', ') or a.rec_name)
        for a in (party.addresses if party else [])]
    return form


def _cart_page(error=None, status=200, checkout_form=None):
    Listing = tryton.pool.get('lao.listing')
    lines = Listing.price_cart(cart_items())
    totals = {}
    for listing, _quantity, _price, amount, _problems in lines:
        if listing and amount is not None:
            currency = listing.company.currency
            totals[currency] = totals.get(currency, 0) + amount
    return render_template('cart/cart.html', lines=lines, totals=totals,
        form=EmptyForm(), checkout_form=checkout_form or _checkout_form(),
        error=error,
        can_order=bool(lines) and not any(l.problems for l in lines)), status


@bp.route('/cart')
@tryton.transaction()
def cart():
    return _cart_page()


@bp.route('/cart/add', methods=['POST'])
@tryton.transaction()
def add():
    Listing = tryton.pool.get('lao.listing')
    try:
        listing_id = record_id(request.form.get('listing', ''))
    except ValueError:
        abort(400)
    quantity = _quantity(request.form.get('quantity'))
    listing = not_found_on(Listing.get_catalogue_listing, listing_id)
    if quantity is None:
        abort(400)
    items = dict(cart_items())
    if listing.id not in items and len(items) >= MAX_LINES:
        abort(400)
    items[listing.id] = items.get(listing.id, 0) + quantity
    _save(items.items())
    flash(_("Added to your cart."))
    return redirect(url_for('cart.cart'))


@bp.route('/cart/update', methods=['POST'])
@tryton.transaction()
def update():
    "Change the quantities (0 removes a line), then show the cart checked"
    items = []
    for listing_id, quantity in cart_items():
        if request.form.get('remove') == str(listing_id):
            continue
        value = request.form.get(f'quantity-{listing_id}')
        if value is None:
            items.append((listing_id, quantity))
        elif value.strip() not in {'', '0'}:
            quantity = _quantity(value)
            if quantity is None:
                abort(400)
            items.append((listing_id, quantity))
    _save(items)
    return redirect(url_for('cart.cart'))


@bp.route('/checkout', methods=['POST'])
@tryton.transaction()
@login_required
def checkout():
    form = _checkout_form()
    if not form.validate_on_submit():
        return _cart_page(status=400, checkout_form=form)
    Order = tryton.pool.get('lao.marketplace.order')
    order, error = call(Order.web_place, current_user(), cart_items(),
        (form.reference.data or '').strip() or None,
        form.delivery_method.data, form.payment_method.data,
        form.shipment_address.data)
    if error:
        return _cart_page(error=error, status=400, checkout_form=form)
    session.pop(CART_KEY, None)
    flash(_("Your order is placed. Each vendor confirms its part."))
    return redirect(url_for('orders.order', order_id=order.id))
