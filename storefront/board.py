"""The supply-and-demand board (public) and the buyer's buy requests on
it."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .cache import cached_page
from .extensions import tryton
from .forms import BoardFilterForm, BoardPostForm, EmptyForm
from .helpers import (
    call, commodities, current_user, form_page, labels, login_required,
    not_found_on, paginate, provinces, request_units)

bp = Blueprint('board', __name__, url_prefix='/board')


def _labels(field):
    return labels(tryton.pool.get('lao.board.post'), field)


@bp.route('')
@cached_page('board', 'catalogue')
@tryton.transaction()
def board():
    Post = tryton.pool.get('lao.board.post')
    form = BoardFilterForm(request.args)
    form.category.choices = [(None, _l("All"))] + commodities()
    form.province.choices = [(None, _l("All"))] + provinces()
    kinds = _labels('kind')
    if request.args and not form.validate():
        return form_page(
            'board/board.html', form, posts=[], count=0, kinds=kinds)
    filters = dict(kind=form.kind.data or None, category=form.category.data,
        province=form.province.data)
    count = Post.count_board(**filters)
    pager = paginate(count, form.page.data)
    posts = Post.board(offset=pager.offset, limit=pager.limit, **filters)
    return render_template('board/board.html', form=form, posts=posts,
        count=count, pager=pager, kinds=kinds)


@bp.route('/post', methods=['GET', 'POST'])
@tryton.transaction()
@login_required
def post():
    form = BoardPostForm()
    form.category.choices = commodities()
    form.province.choices = provinces()
    form.unit.choices = request_units()
    error = None
    if form.validate_on_submit():
        post, error = call(tryton.pool.get('lao.board.post').web_post_buy,
            current_user(), form.values())
        if not error:
            flash(_("Your buy request is on the board."))
            return redirect(url_for('board.my_posts'))
    return form_page('board/post.html', form, error)


def _my_posts(error=None):
    return render_template('board/mine.html',
        posts=tryton.pool.get('lao.board.post').web_posts(current_user()),
        form=EmptyForm(), error=error,
        states=_labels('state')), 400 if error else 200


@bp.route('/mine')
@tryton.transaction()
@login_required
def my_posts():
    return _my_posts()


@bp.route('/<id:post_id>/withdraw', methods=['POST'])
@tryton.transaction()
@login_required
def withdraw(post_id):
    Post = tryton.pool.get('lao.board.post')
    user = current_user()
    not_found_on(user.own, Post, post_id)
    withdrawn, error = call(Post.web_withdraw, user, post_id)
    if error:
        return _my_posts(error)
    flash(_("Your post is off the board."))
    return redirect(url_for('board.my_posts'))
