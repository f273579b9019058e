"""Sign-up, e-mail validation, log-in, log-out and password reset of web
users (buyers and vendors) through Tryton's web.user."""
from flask import (
    Blueprint, current_app, flash, g, redirect, render_template, request,
    session, url_for)
from flask_babel import gettext as _
from trytond.exceptions import RateLimitException

from .cart import CART_KEY
from .extensions import limiter, tryton
from .forms import (
    EmptyForm, LogInForm, ResetPasswordForm, ResetRequestForm, SignUpForm)
from .errors import error_page
from .helpers import SESSION_KEY, call, form_page, safe_next

bp = Blueprint('auth', __name__, url_prefix='/account')


def auth_rate_limit():
    return current_app.config['AUTH_RATE_LIMIT']


def _web_user():
    return tryton.pool.get('web.user')


@bp.route('/signup', methods=['GET', 'POST'])
@limiter.limit(auth_rate_limit, methods=['POST'])
@tryton.transaction()
def signup():
    form = SignUpForm()
    error = None
    if form.validate_on_submit():
        user, error = call(
            _web_user().sign_up, form.email.data, form.password.data)
        if user:
            return render_template('auth/message.html',
                title=_("Check your e-mail"),
                message=_("We sent a link to %(email)s. Open it to "
                    "validate your address, then log in.",
                    email=user.email))
    return form_page('auth/signup.html', form, error)


@bp.route('/validate')
@tryton.transaction(readonly=False)
def validate():
    "The link of the validation e-mail"
    token = request.args.get('token', '')
    users = _web_user().validate_email_token([token]) if token else []
    if not users:
        return render_template('auth/message.html',
            title=_("Link not valid"),
            message=_("This validation link is not valid or was already "
                "used.")), 404
    flash(_("Your e-mail address is validated. You can log in."))
    return redirect(url_for('auth.login'))


@bp.route('/login', methods=['GET', 'POST'])
@limiter.limit(auth_rate_limit, methods=['POST'])
@tryton.transaction()
def login():
    form = LogInForm()
    error = None
    if form.validate_on_submit():
        try:
            result, error = call(
                _web_user().log_in, form.email.data, form.password.data)
        except RateLimitException:
            return error_page(429)
        if result:
            user, key = result
            _new_session(key, user.language_code)
            return redirect(safe_next(request.args.get('next')))
        if not error:
            error = _("Wrong e-mail or password.")
    return form_page('auth/login.html', form, error)


def _new_session(key, language=None):
    """A fresh session that keeps only the chosen language, or takes the
    language of the user who logs in; the cart of a guest who logs in
    becomes the cart of the account (logging out empties it)"""
    language = language or session.get('language')
    cart = session.get(CART_KEY) if key else None
    session.clear()
    g.pop('web_user', None)
    if language:
        session['language'] = language
    if key:
        session[SESSION_KEY] = key
        session.permanent = True
    if cart:
        session[CART_KEY] = cart


@bp.route('/logout', methods=['POST'])
@tryton.transaction()
def logout():
    if EmptyForm().validate_on_submit() and session.get(SESSION_KEY):
        _web_user().log_out(session[SESSION_KEY])
    _new_session(None)
    return redirect(url_for('main.home'))


@bp.route('/reset', methods=['GET', 'POST'])
@limiter.limit(auth_rate_limit, methods=['POST'])
@tryton.transaction()
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        _web_user().request_password_reset(form.email.data)
        return render_template('auth/message.html',
            title=_("Check your e-mail"),
            message=_("If an account with a validated address %(email)s "
                "exists, we sent it a link to choose a new password.",
                email=form.email.data))
    return form_page('auth/reset_request.html', form)


@bp.route('/reset/confirm', methods=['GET', 'POST'])
@limiter.limit(auth_rate_limit, methods=['POST'])
@tryton.transaction()
def reset_confirm():
    "The link of the reset e-mail: choose a new password"
    email = request.args.get('email', '')
    token = request.args.get('token', '')
    form = ResetPasswordForm()
    error = None
    if form.validate_on_submit():
        done, error = call(_web_user().reset_password_with_token,
            email, token, form.password.data)
        if done:
            flash(_("Your password is changed. You can log in."))
            return redirect(url_for('auth.login'))
        if not error:
            error = _("This link is not valid or has expired. "
                "Ask for a new one.")
    return form_page('auth/reset_confirm.html', form, error)
