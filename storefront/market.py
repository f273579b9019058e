"""The supply-and-demand board (public) and the buyer's requests for
quotation with their quotes and its buy requests on the board."""
import math

from flask import (
    Blueprint, current_app, flash, redirect, render_template, request,
    url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .extensions import tryton
from .forms import (
    BoardFilterForm, BoardPostForm, EmptyForm, QuotationRequestForm)
from .helpers import call, current_user, login_required, not_found_on

bp = Blueprint('market', __name__)


def _selection(model, field):
    Model = tryton.pool.get(model)
    return dict(Model.fields_get([field])[field]['selection'])


def _commodities():
    Category = tryton.pool.get('product.category')
    return [(c.id, c.rec_name) for c in Category.search(
            Category.commodity_domain(), order=[('name', 'ASC')])]


def _provinces():
    Subdivision = tryton.pool.get('country.subdivision')
    return [(s.id, s.name) for s in Subdivision.search([
                ('country.code', '=', 'LA'),
                ('parent', '=', None),
                ], order=[('name', 'ASC')])]


def _units():
    Request = tryton.pool.get('lao.rfq')
    return [(u.id, u.rec_name) for u in Request.web_units()]


# Board


@bp.route('/board')
@tryton.transaction()
def board():
    Post = tryton.pool.get('lao.board.post')
    form = BoardFilterForm(request.args)
    form.category.choices = [(None, _l("All"))] + _commodities()
    form.province.choices = [(None, _l("All"))] + _provinces()
    context = dict(form=form, kinds=_selection('lao.board.post', 'kind'))
    if request.args and not form.validate():
        return render_template('board/board.html', posts=[], page=1,
            pages=0, count=0, **context), 400
    filters = dict(kind=form.kind.data or None, category=form.category.data,
        province=form.province.data)
    size = int(current_app.config['PAGE_SIZE'])
    count = Post.count_board(**filters)
    pages = max(1, math.ceil(count / size))
    page = min(form.page.data or 1, pages)
    posts = Post.board(offset=(page - 1) * size, limit=size, **filters)

    def page_url(number):
        return url_for('market.board',
            **{**request.args.to_dict(), 'page': number})
    return render_template('board/board.html', posts=posts, page=page,
        pages=pages, count=count, page_url=page_url, **context)


@bp.route('/board/post', methods=['GET', 'POST'])
@tryton.transaction()
@login_required
def post():
    form = BoardPostForm()
    form.category.choices = _commodities()
    form.province.choices = _provinces()
    form.unit.choices = _units()
    error = None
    if form.validate_on_submit():
        post, error = call(tryton.pool.get('lao.board.post').web_post_buy,
            current_user(), form.values())
        if not error:
            flash(_("Your buy request is on the board."))
            return redirect(url_for('market.my_posts'))
    status = 400 if (error or form.errors) else 200
    return render_template('board/post.html', form=form, error=error), status


@bp.route('/board/mine')
@tryton.transaction()
@login_required
def my_posts():
    return render_template('board/mine.html',
        posts=tryton.pool.get('lao.board.post').web_posts(current_user()),
        form=EmptyForm(),
        states=_selection('lao.board.post', 'state'))


@bp.route('/board/<int:post_id>/withdraw', methods=['POST'])
@tryton.transaction()
@login_required
def withdraw(post_id):
    form = EmptyForm()
    user = current_user()
    Post = tryton.pool.get('lao.board.post')
    not_found_on(user.own, Post, post_id)
    withdrawn, error = call(Post.web_withdraw, user, post_id)
    if error:
        return render_template('board/mine.html',
            posts=Post.web_posts(current_user()), form=form, error=error,
            states=_selection('lao.board.post', 'state')), 400
    flash(_("Your post is off the board."))
    return redirect(url_for('market.my_posts'))


# Requests for quotation


@bp.route('/rfq')
@tryton.transaction()
@login_required
def requests():
    return render_template('rfq/list.html',
        requests=tryton.pool.get('lao.rfq').web_requests(current_user()),
        states=_selection('lao.rfq', 'state'))


@bp.route('/rfq/new', methods=['GET', 'POST'])
@tryton.transaction()
@login_required
def new_request():
    form = QuotationRequestForm()
    form.category.choices = _commodities()
    form.unit.choices = _units()
    form.delivery_province.choices = [(None, '')] + _provinces()
    error = None
    if form.validate_on_submit():
        rfq, error = call(tryton.pool.get('lao.rfq').web_request,
            current_user(), form.values())
        if not error:
            flash(_("Your request is open: the vendors of this commodity "
                    "are told and can send you quotes."))
            return redirect(url_for('market.rfq', request_id=rfq.id))
    status = 400 if (error or form.errors) else 200
    return render_template('rfq/new.html', form=form, error=error), status


def _rfq_page(rfq, form, error=None, status=200):
    return render_template('rfq/request.html', rfq=rfq, form=form,
        error=error, states=_selection('lao.rfq', 'state'),
        quote_states=_selection('lao.rfq.quote', 'state')), status


@bp.route('/rfq/<int:request_id>')
@tryton.transaction()
@login_required
def rfq(request_id):
    rfq = not_found_on(current_user().own, 'lao.rfq', request_id)
    return _rfq_page(rfq, EmptyForm())


@bp.route('/rfq/<int:request_id>/cancel', methods=['POST'])
@tryton.transaction()
@login_required
def cancel(request_id):
    form = EmptyForm()
    user = current_user()
    Request = tryton.pool.get('lao.rfq')
    not_found_on(user.own, Request, request_id)
    cancelled, error = call(Request.web_cancel, user, request_id)
    if error:
        rfq = current_user().own(Request, request_id)
        return _rfq_page(rfq, form, error, 400)
    flash(_("Your request is cancelled."))
    return redirect(url_for('market.rfq', request_id=request_id))


@bp.route('/rfq/quote/<int:quote_id>/accept', methods=['POST'])
@tryton.transaction()
@login_required
def accept(quote_id):
    form = EmptyForm()
    user = current_user()
    Quote = tryton.pool.get('lao.rfq.quote')
    request_id = not_found_on(user.own, Quote, quote_id).request.id
    quote, error = call(Quote.web_accept, user, quote_id)
    if error:
        rfq = current_user().own('lao.rfq', request_id)
        return _rfq_page(rfq, form, error, 400)
    flash(_("Quote accepted: the vendor's sale %(number)s is confirmed.",
            number=quote.request.sale_number))
    return redirect(url_for('market.rfq', request_id=request_id))
