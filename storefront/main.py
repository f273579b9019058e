"""Home page, language switch and health check."""
from flask import (
    Blueprint, current_app, jsonify, redirect, render_template, request,
    session)
from sql import Literal, Select
from trytond.transaction import Transaction

from .cache import cached_page
from .i18n import LANGUAGES
from .extensions import tryton
from .helpers import current_user, safe_next

bp = Blueprint('main', __name__)


@bp.route('/')
@cached_page('catalogue')
@tryton.transaction()
def home():
    Listing = tryton.pool.get('lao.listing')
    cards = Listing.catalogue_cards(Listing.search_catalogue(
            order=[('published_at', 'DESC'), ('id', 'DESC')], limit=8))
    return render_template(
        'main/home.html', user=current_user(), cards=cards)


@bp.route('/favicon.ico')
def favicon():
    "The icon browsers ask for at the root of every site"
    return current_app.send_static_file('favicon.ico')


@bp.route('/language', methods=['POST'])
def language():
    "Remember the chosen language and go back to the page"
    code = request.form.get('language')
    if code in LANGUAGES:
        session['language'] = code
        session.permanent = True
    return redirect(safe_next(request.form.get('next')))


@tryton.transaction(readonly=True)
def _database_answers():
    cursor = Transaction().connection.cursor()
    cursor.execute(*Select([Literal(1)]))
    return cursor.fetchone()[0] == 1


@bp.route('/healthz')
def healthz():
    try:
        ok = _database_answers()
    except Exception:
        ok = False
    if ok:
        return jsonify(status='ok')
    return jsonify(status='error'), 503
