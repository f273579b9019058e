"""The buyer's account: its business profile."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from .extensions import tryton
from .forms import BuyerProfileForm
from .helpers import call, current_user, login_required

bp = Blueprint('account', __name__, url_prefix='/account')

PROFILE_COUNTRIES = ['LA', 'CN', 'TH', 'VN']


def _profile_choices(form):
    pool = tryton.pool
    Party = pool.get('party.party')
    Country = pool.get('country.country')
    Subdivision = pool.get('country.subdivision')
    form.buyer_type.choices = [
        (v, l) for v, l in Party.fields_get(
            ['buyer_type'])['buyer_type']['selection'] if v]
    countries = Country.search([('code', 'in', PROFILE_COUNTRIES)])
    countries.sort(key=lambda c: PROFILE_COUNTRIES.index(c.code))
    form.country.choices = [(c.id, c.name) for c in countries]
    form.subdivision.choices = [(None, '')] + [
        (s.id, s.name) for s in Subdivision.search([
                ('country.code', '=', 'LA'),
                ('parent', '=', None),
                ], order=[('name', 'ASC')])]


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
    status = 400 if (error or form.errors) else 200
    return render_template(
        'account/profile.html', form=form, error=error, user=user), status
