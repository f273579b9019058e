"""The buyer's requests for quotation and the vendors' quotes on them."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from .extensions import tryton
from .forms import EmptyForm, QuotationRequestForm
from .helpers import (
    call, commodities, current_user, form_page, labels, login_required,
    not_found_on, provinces, request_units)

bp = Blueprint('rfq', __name__, url_prefix='/rfq')


def _states():
    return labels(tryton.pool.get('lao.rfq'), 'state')


def _payment_methods():
    return labels(tryton.pool.get('lao.rfq'), 'payment_method')


@bp.route('')
@tryton.transaction()
@login_required
def requests():
    return render_template('rfq/list.html',
        requests=tryton.pool.get('lao.rfq').web_requests(current_user()),
        states=_states())


@bp.route('/new', methods=['GET', 'POST'])
@tryton.transaction()
@login_required
def new_request():
    form = QuotationRequestForm()
    form.category.choices = commodities()
    form.unit.choices = request_units()
    form.delivery_province.choices = [('', '')] + provinces()
    form.payment_method.choices = list(_payment_methods().items())
    error = None
    if form.validate_on_submit():
        rfq, error = call(tryton.pool.get('lao.rfq').web_request,
            current_user(), form.values())
        if not error:
            flash(_("Your request is open: the vendors of this commodity "
                    "are told and can send you quotes."))
            return redirect(url_for('rfq.rfq', request_id=rfq.id))
    return form_page('rfq/new.html', form, error)


def _rfq_page(rfq, error=None):
    Quote = tryton.pool.get('lao.rfq.quote')
    return render_template('rfq/request.html', rfq=rfq, form=EmptyForm(),
        error=error, states=_states(),
        payment_methods=_payment_methods(),
        quote_states=labels(Quote, 'state')), 400 if error else 200


@bp.route('/<id:request_id>')
@tryton.transaction()
@login_required
def rfq(request_id):
    return _rfq_page(
        not_found_on(current_user().own, 'lao.rfq', request_id))


@bp.route('/<id:request_id>/cancel', methods=['POST'])
@tryton.transaction()
@login_required
def cancel(request_id):
    Request = tryton.pool.get('lao.rfq')
    user = current_user()
    not_found_on(user.own, Request, request_id)
    cancelled, error = call(Request.web_cancel, user, request_id)
    if error:
        return _rfq_page(current_user().own(Request, request_id), error)
    flash(_("Your request is cancelled."))
    return redirect(url_for('rfq.rfq', request_id=request_id))


@bp.route('/quote/<id:quote_id>/accept', methods=['POST'])
@tryton.transaction()
@login_required
def accept(quote_id):
    Quote = tryton.pool.get('lao.rfq.quote')
    user = current_user()
    request_id = not_found_on(user.own, Quote, quote_id).request.id
    quote, error = call(Quote.web_accept, user, quote_id)
    if error:
        return _rfq_page(current_user().own('lao.rfq', request_id), error)
    flash(_("Quote accepted: the vendor's sale %(number)s is confirmed.",
            number=quote.request.sale_number))
    return redirect(url_for('rfq.rfq', request_id=request_id))
