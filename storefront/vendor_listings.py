"""The vendor portal of an approved vendor: its listings (create, change,
photos, submission for review, archive)."""
from flask import (
    Blueprint, abort, flash, redirect, render_template, request, url_for)
from flask_babel import gettext as _

from .extensions import tryton
from .forms import EmptyForm, ListingForm, PhotoForm
from .helpers import (
    call, current_user, form_page, image_response, labels, login_required,
    not_found_on, provinces, sized_photo_response)
from .i18n import LANGUAGES, select_language
from .vendor import vendor_companies

bp = Blueprint('vendor_listings', __name__, url_prefix='/vendor/listings')


def _states():
    return labels(tryton.pool.get('lao.listing'), 'state')


def _own_listing(listing_id):
    "The user's listing, or 404 for any other id"
    return not_found_on(
        current_user().own, tryton.pool.get('lao.listing'), listing_id)


def _form_choices(form, company_id, listing=None):
    pool = tryton.pool
    Listing = pool.get('lao.listing')
    Certification = pool.get('lao.listing.certification')
    form.company.choices = [
        (c.id, c.rec_name) for c in current_user().vendor_companies]
    if listing is None or listing.state == 'draft':
        products = not_found_on(
            Listing.web_vendor_products, current_user(), company_id)
        if listing is None:
            first = (None, _("A new product named after the title"))
        else:
            first = (listing.product.id, listing.product.rec_name)
        form.product.choices = [first] + [
            (p.id, p.rec_name) for p in products]
    else:
        # The product of a listing under review or published is kept
        form.product.choices = [(None, listing.product.rec_name)]
    form.category.choices = [
        (c.id, c.rec_name) for c in Listing.web_commodities()]
    form.origin_province.choices = [('', '')] + provinces()
    form.unit.choices = [(u.id, u.rec_name) for u in Listing.web_units()]
    form.availability.choices = list(labels(Listing, 'availability').items())
    kinds = [('', '')] + list(labels(Certification, 'kind').items())
    for row in form.certifications:
        row.kind.choices = kinds


def _form_page(form, listing=None, error=None):
    return form_page(
        'vendor_listings/listing_form.html', form, error, listing=listing)


@bp.route('')
@tryton.transaction()
@login_required
def listings():
    "The listings of the user's approved vendors, with the reviewers' reasons"
    return render_template('vendor_listings/listings.html',
        listings=tryton.pool.get('lao.listing').web_vendor_listings(
            current_user()),
        vendor=bool(current_user().vendor_companies), states=_states())


@bp.route('/new', methods=['GET', 'POST'])
@tryton.transaction()
@login_required
def new():
    Listing = tryton.pool.get('lao.listing')
    companies = vendor_companies()
    form = ListingForm.for_language(select_language(), data={
            'company': companies[0].id,
            'availability': Listing.default_availability(),
            'unit': Listing.default_unit(),
            })
    _form_choices(form, form.company.data or companies[0].id)
    error = None
    if form.validate_on_submit():
        values = form.values()
        values['product'] = form.product.data
        listing, error = call(Listing.web_create,
            current_user(), form.company.data, values)
        if listing:
            flash(_("Your listing is saved as a draft. Add its photos, "
                    "then submit it for review."))
            return redirect(url_for(
                    'vendor_listings.listing', listing_id=listing.id))
    return _form_page(form, error=error)


def _listing_form_data(listing):
    "The values of the form of listing, in every language of the site"
    language = select_language()
    data = {name: getattr(listing, name) for name in ListingForm.FIELDS}
    for name in ['category', 'origin_province', 'unit']:
        data[name] = data[name].id if data[name] else None
    data.update(
        company=listing.company.id,
        product=listing.product.id if listing.state == 'draft' else None,
        minimum_quantity=listing.minimum_quantity,
        quantity_multiple=listing.quantity_multiple,
        declared_quantity=listing.declared_quantity,
        lead_time_days=(
            listing.lead_time.days if listing.lead_time is not None
            else None),
        tiers=[{'quantity': t.quantity, 'unit_price': t.unit_price}
            for t in listing.sorted_tiers],
        certifications=[{
                'kind': c.kind, 'name': c.name, 'issuer': c.issuer,
                'number': c.number, 'valid_to': c.valid_to,
                } for c in listing.certifications])
    others = [c for c in LANGUAGES if c != language]
    data['translations'] = listing.web_translations(others)
    return data


@bp.route('/<id:listing_id>/edit', methods=['GET', 'POST'])
@tryton.transaction()
@login_required
def edit(listing_id):
    listing = _own_listing(listing_id)
    if not listing.web_editable:
        return redirect(url_for('vendor_listings.listing', listing_id=listing_id))
    form = ListingForm.for_language(
        select_language(), data=_listing_form_data(listing))
    if request.method == 'GET':
        # An empty row to add a tier or a certification
        for rows, filled in [(form.tiers, 'quantity'),
                (form.certifications, 'kind')]:
            if rows[-1].data[filled] and len(rows) < rows.max_entries:
                rows.append_entry()
    _form_choices(form, listing.company.id, listing)
    # The vendor of a listing does not change
    del form.company
    error = None
    if form.validate_on_submit():
        values = form.values()
        values['product'] = form.product.data
        changed, error = call(tryton.pool.get('lao.listing').web_update,
            current_user(), listing_id, values)
        if changed:
            if changed.id != listing_id:
                flash(_("The new terms are a revision of your published "
                        "listing: submit it for review. The published "
                        "listing stays on sale meanwhile."))
            else:
                flash(_("Your listing is saved."))
            return redirect(url_for(
                    'vendor_listings.listing', listing_id=changed.id))
        listing = _own_listing(listing_id)
    return _form_page(form, listing, error)


def _listing_page(listing, photo_form=None, error=None, status=200):
    Certification = tryton.pool.get('lao.listing.certification')
    return render_template('vendor_listings/listing.html', listing=listing,
        photo_form=photo_form or PhotoForm(), action_form=EmptyForm(),
        error=error, states=_states(),
        kinds=labels(Certification, 'kind')), status


@bp.route('/<id:listing_id>')
@tryton.transaction()
@login_required
def listing(listing_id):
    return _listing_page(_own_listing(listing_id))


@bp.route('/<id:listing_id>/photo', methods=['POST'])
@tryton.transaction()
@login_required
def upload(listing_id):
    _own_listing(listing_id)
    form = PhotoForm()
    error = None
    if form.validate_on_submit():
        upload = form.file.data
        photo, error = call(tryton.pool.get('lao.listing').web_add_photo,
            current_user(), listing_id, upload.filename, upload.read())
        if photo:
            flash(_("The photo is added."))
            return redirect(url_for(
                    'vendor_listings.listing', listing_id=listing_id))
    return _listing_page(_own_listing(listing_id), form, error, status=400)


@bp.route('/<id:listing_id>/photo/<id:photo_id>')
@tryton.transaction()
@login_required
def photo(listing_id, photo_id):
    data = not_found_on(tryton.pool.get('lao.listing').web_vendor_photo,
        current_user(), listing_id, photo_id)
    return image_response(data, 'private, max-age=3600')


@bp.route('/<id:listing_id>/photo/<id:photo_id>/<size>/<version>.webp')
@tryton.transaction()
@login_required
def sized_photo(listing_id, photo_id, size, version):
    "A size of the photo (lao_b2b PHOTO_SIZES), cached for good"
    sized = not_found_on(
        tryton.pool.get('lao.listing').web_vendor_photo_sized,
        current_user(), listing_id, photo_id, size)
    return sized_photo_response(sized, version, 'private',
        'vendor_listings.sized_photo', listing_id=listing_id,
        photo_id=photo_id, size=size)


def _action(listing_id, method, *args, message):
    "POST a button of the listing's page: call method, then show the page"
    _own_listing(listing_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    result, error = call(
        not_found_on, method, current_user(), listing_id, *args)
    if error:
        return _listing_page(
            _own_listing(listing_id), error=error, status=400)
    flash(message)
    return redirect(url_for('vendor_listings.listing', listing_id=listing_id))


@bp.route('/<id:listing_id>/photo/<id:photo_id>/remove',
    methods=['POST'])
@tryton.transaction()
@login_required
def remove_photo(listing_id, photo_id):
    return _action(listing_id,
        tryton.pool.get('lao.listing').web_remove_photo,
        photo_id, message=_("The photo is removed."))


@bp.route('/<id:listing_id>/submit', methods=['POST'])
@tryton.transaction()
@login_required
def submit(listing_id):
    return _action(listing_id, tryton.pool.get('lao.listing').web_submit,
        message=_("Your listing is submitted to the government reviewers."))


@bp.route('/<id:listing_id>/archive', methods=['POST'])
@tryton.transaction()
@login_required
def archive(listing_id):
    return _action(listing_id, tryton.pool.get('lao.listing').web_archive,
        message=_("Your listing is archived: it is no longer on sale."))
