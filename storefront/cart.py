"""The cart, kept in the session (and through log-in), and the checkout
page, with the order summary per vendor, that places the marketplace order
(at /checkout: the blueprint has no URL prefix)."""
from decimal import Decimal

from flask import (
    Blueprint, abort, flash, redirect, render_template, request, session,
    url_for)
from flask_babel import gettext as _

from . import crossborder
from .catalog import listing_page
from .extensions import tryton
from .forms import CheckoutForm, EmptyForm, id_or_none
from .helpers import (
    call, current_user, labels, login_required, not_found_on)
from .i18n import (
    NumberError, ambiguous_number, format_number, number_locales,
    parse_number, quantity_format)
from .security import record_id

bp = Blueprint('cart', __name__)

CART_KEY = 'cart'
MAX_LINES = 30
MAX_QUANTITY = 10 ** 9


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


class QuantityError(ValueError):
    "A quantity refused: its message says why to the buyer"


def parse_quantity(text, zero=False):
    """The quantity that the buyer typed, as the readers of the request's
    language write numbers (1,000.5): a float above zero (or zero, for an
    empty text too, if zero) and at most MAX_QUANTITY, else QuantityError"""
    locales = number_locales()
    text = (text or '').strip()
    if not text:
        if zero:
            return 0.0
        raise QuantityError(_("This field is required."))
    try:
        number = parse_number(text, locales)
    except NumberError as error:
        text = text if len(text) <= 40 else text[:40] + '…'
        if error.readings:
            raise QuantityError(ambiguous_number(error, locales))
        raise QuantityError(_(
                '"%(value)s" is not a quantity: write a number such as '
                '%(example)s.', value=text,
                example=format_number(Decimal('1500.5'), locales[0])))
    quantity = float(number)
    if zero and number == 0:
        return 0.0
    check_quantity(quantity)
    return quantity


def check_quantity(quantity):
    "Raise QuantityError unless quantity is above 0 and at most MAX_QUANTITY"
    if not 0 < quantity <= MAX_QUANTITY:
        raise QuantityError(_(
                "Enter a quantity above zero and at most %(maximum)s.",
                maximum=format_number(MAX_QUANTITY, number_locales()[0])))


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
    form.incoterm.choices = crossborder.incoterm_choices()
    return form


def _incoterm(checkout_form):
    "The incoterm of the landed-cost estimate: the one asked or picked"
    try:
        asked = id_or_none(request.args.get('incoterm'))
    except ValueError:
        asked = None
    choices = [i for i, _ in checkout_form.incoterm.choices]
    for incoterm in [asked, checkout_form.incoterm.data]:
        if incoterm in choices:
            return incoterm
    return choices[0] if choices else None


def _cart_values(checkout_form):
    """What the cart and the checkout pages show: the priced lines, what
    the buyer pays each vendor with the lines of each, the totals by
    currency, the landed-cost estimate and whether the cart can be
    ordered"""
    Listing = tryton.pool.get('lao.listing')
    lines = Listing.price_cart(cart_items())
    user = current_user()
    vendors = Listing.cart_vendor_amounts(
        lines, user.party if user else None)
    totals = {}
    for _vendor, amounts in vendors:
        totals[amounts.currency] = (
            totals.get(amounts.currency, 0) + amounts.total)
    vendor_lines = {}
    for line in lines:
        if line.listing:
            vendor_lines.setdefault(line.listing.company.id, []).append(line)
    incoterm = _incoterm(checkout_form)
    landed = crossborder.landed_cost(cart_items(), incoterm)
    if landed is not None:
        checkout_form.incoterm.data = incoterm
    return dict(lines=lines, vendors=vendors, vendor_lines=vendor_lines,
        totals=totals, landed=landed, checkout_form=checkout_form,
        can_order=bool(lines) and not any(l.problems for l in lines))


def _cart_page(error=None, status=200):
    return render_template('cart/cart.html', form=EmptyForm(), error=error,
        **_cart_values(_checkout_form())), status


def _checkout_page(error=None, status=200, checkout_form=None):
    """The checkout: the order summary per vendor, the delivery and payment
    fields with the buyer's credit limit and the button that places the
    order; payment on delivery is chosen first when a vendor's part is
    above that limit"""
    user = current_user()
    credit = None
    if user and user.party:
        credit = tryton.pool.get('lao.credit.profile').credit_limit(
            user.party)
    values = _cart_values(checkout_form or _checkout_form())
    limit = credit[0] if credit else None
    if (checkout_form is None and limit is not None
            and any(a.total > limit for _, a in values['vendors'])):
        values['checkout_form'].payment_method.data = 'cash_on_delivery'
    return render_template('cart/checkout.html', error=error, credit=credit,
        **values), status


@bp.route('/cart')
@tryton.transaction()
def cart():
    return _cart_page()


@bp.route('/cart/add', methods=['POST'])
@tryton.transaction()
def add():
    """Add the quantity to the listing's line in the cart, and say what the
    line holds now and whether it can be ordered so"""
    Listing = tryton.pool.get('lao.listing')
    try:
        listing_id = record_id(request.form.get('listing', ''))
    except ValueError:
        abort(400)
    listing = not_found_on(Listing.get_catalogue_listing, listing_id)
    text = request.form.get('quantity')
    items = dict(cart_items())
    before = items.get(listing.id)
    try:
        quantity = parse_quantity(text)
        if before is None and len(items) >= MAX_LINES:
            raise QuantityError(_(
                    "Your cart holds at most %(count)s listings: order "
                    "them, or remove one, first.", count=MAX_LINES))
        total = (before or 0) + quantity
        check_quantity(total)
    except QuantityError as error:
        return listing_page(
            listing, error=str(error), quantity=text, status=400)
    items[listing.id] = total
    _save(items.items())
    line, = Listing.price_cart([(listing.id, total)])
    values = dict(listing=listing.title,
        quantity=quantity_format(total, listing.unit),
        added=quantity_format(quantity, listing.unit))
    if line.problems:
        flash(_("%(listing)s is in your cart with %(quantity)s, but cannot "
                "be ordered like this: see below.", **values), 'error')
    elif before is None:
        flash(_("Added %(quantity)s of %(listing)s to your cart.", **values))
    else:
        flash(_("You added %(added)s: the quantity of %(listing)s in your "
                "cart is now %(quantity)s.", **values))
    return redirect(url_for('cart.cart'))


@bp.route('/cart/update', methods=['POST'])
@tryton.transaction()
def update():
    """Change the quantities (empty or 0 removes a line), then show the cart
    checked; a quantity refused changes nothing"""
    items = []
    for listing_id, quantity in cart_items():
        if request.form.get('remove') == str(listing_id):
            continue
        text = request.form.get(f'quantity-{listing_id}')
        if text is not None:
            try:
                quantity = parse_quantity(text, zero=True)
            except QuantityError as error:
                return _cart_page(error=str(error), status=400)
        if quantity:
            items.append((listing_id, quantity))
    _save(items)
    return redirect(url_for('cart.cart'))


@bp.route('/checkout', methods=['GET', 'POST'])
@tryton.transaction()
@login_required
def checkout():
    """The checkout page (where the log-in of a guest who pressed checkout
    leads back) and, posted, the order of the cart placed"""
    if request.method == 'GET':
        return _checkout_page()
    form = _checkout_form()
    if not form.validate_on_submit():
        return _checkout_page(status=400, checkout_form=form)
    Order = tryton.pool.get('lao.marketplace.order')
    order, error = call(Order.web_place, current_user(), cart_items(),
        (form.reference.data or '').strip() or None,
        form.delivery_method.data, form.payment_method.data,
        form.shipment_address.data, **crossborder.checkout_values(form))
    if error:
        return _checkout_page(error=error, status=400, checkout_form=form)
    session.pop(CART_KEY, None)
    flash(_("Your order is placed. Each vendor confirms its part."))
    return redirect(url_for('orders.order', order_id=order.id))
