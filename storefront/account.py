"""The buyer's account: its business profile."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from .extensions import tryton
from .forms import BuyerProfileForm
from .helpers import (
    call, current_user, form_page, labels, login_required, provinces)

bp = Blueprint('account', __name__, url_prefix='/account')

PROFILE_COUNTRIES = ['LA', 'CN', 'TH', 'VN']


def _profile_choices(form):
    pool = tryton.pool
    Party = pool.get('party.party')
    Country = pool.get('country.country')
    form.buyer_type.choices = list(labels(Party, 'buyer_type').items())
    countries = Country.search([('code', 'in', PROFILE_COUNTRIES)])
    countries.sort(key=lambda c: PROFILE_COUNTRIES.index(c.code))
    form.country.choices = [(c.id, c.name) for c in countries]
    form.subdivision.choices = [('', '')] + provinces()


@bp.route('/profile', methods=['GET', 'POST'])
@tryton.transaction()
@login_required
def profile():
    user = current_user()
    form = BuyerProfileForm(data=user.get_buyer_profile())
    _profile_choices(form)
    error = None
    if form.validate_on_submit():
        profile, error = call(user.set_buyer_profile, form.data)
        if not error:
            flash(_("Your profile is saved."))
            return redirect(url_for('account.profile'))
    return form_page('account/profile.html', form, error, user=user)


@bp.route('/credit')
@tryton.transaction()
@login_required
def credit():
    "The buyer's own credit profile: score, factors, limit and exposure"
    user = current_user()
    Profile = tryton.pool.get('lao.credit.profile')
    return render_template('credit/profile.html',
        credit=Profile.own_profile(user.party) if user.party else None)
