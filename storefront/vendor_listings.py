"""The vendor portal of an approved vendor: its listings (create, change,
photos, submission for review, archive), the open requests for quotation
and its incoming orders, with links to the back office where quotes are
written and orders fulfilled and invoiced."""
from flask import (
    Blueprint, abort, current_app, flash, redirect,
    render_template, request, url_for)
from flask_babel import gettext as _

from . import select_language
from .extensions import tryton
from .forms import LISTING_LANGUAGES, EmptyForm, ListingForm, PhotoForm
from .helpers import (
    call, current_user, image_response, login_required, not_found_on,
    selection)

bp = Blueprint('listings', __name__, url_prefix='/vendor')



def _states():
    return dict(selection(tryton.pool.get('lao.listing'), 'state'))


def _vendor_companies():
    "The companies of the user's approved vendors, or 403"
    companies = current_user().vendor_companies
    if not companies:
        abort(403)
    return companies


def _own_listing(listing_id):
    "The user's listing, or 404 for any other id"
    return not_found_on(
        current_user().own, tryton.pool.get('lao.listing'), listing_id)


def back_office_url(model, record_id):
    "The address of a record in the back office (sao)"
    return '%s#%s/model/%s/%d' % (
        current_app.config['BACK_OFFICE_URL'].rstrip('/') + '/',
        current_app.config['TRYTON_DATABASE'], model, record_id)


@bp.app_context_processor
def inject_back_office_url():
    return {'back_office_url': back_office_url}


def _form_choices(form, company_id, listing=None):
    pool = tryton.pool
    Listing = pool.get('lao.listing')
    Subdivision = pool.get('country.subdivision')
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
    form.origin_province.choices = [(None, '')] + [
        (s.id, s.name) for s in Subdivision.search([
                ('country.code', '=', 'LA'),
                ('parent', '=', None),
                ], order=[('name', 'ASC')])]
    form.unit.choices = [(u.id, u.rec_name) for u in Listing.web_units()]
    form.availability.choices = selection(Listing, 'availability')
    kinds = [('', '')] + selection(Certification, 'kind')
    for row in form.certifications:
        row.kind.choices = kinds


def _form_page(form, listing=None, error=None):
    status = 400 if (error or form.errors) else 200
    return render_template('vendor/listing_form.html', form=form,
        listing=listing, error=error,
        other_languages=[c for c in LISTING_LANGUAGES
            if c != select_language()]), status


@bp.route('/listings')
@tryton.transaction()
@login_required
def listings():
    "The listings of the user's approved vendors, with the reviewers' reasons"
    return render_template('vendor/listings.html',
        listings=tryton.pool.get('lao.listing').web_vendor_listings(
            current_user()),
        vendor=bool(current_user().vendor_companies), states=_states())


@bp.route('/listings/new', methods=['GET', 'POST'])
@tryton.transaction()
@login_required
def new():
    Listing = tryton.pool.get('lao.listing')
    companies = _vendor_companies()
    form = ListingForm(data={
            'company': companies[0].id,
            'availability': Listing.default_availability(),
            'unit': Listing.default_unit(),
            })
    _form_choices(form, form.company.data or companies[0].id)
    error = None
    if form.validate_on_submit():
        values = form.values(select_language())
        values['product'] = form.product.data
        listing, error = call(Listing.web_create,
            current_user(), form.company.data, values)
        if listing:
            flash(_("Your listing is saved as a draft. Add its photos, "
                    "then submit it for review."))
            return redirect(url_for(
                    'listings.listing', listing_id=listing.id))
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
    others = [c for c in LISTING_LANGUAGES if c != language]
    for code, texts in listing.web_translations(others).items():
        data[f'title_{code}'] = texts['title']
        data[f'description_{code}'] = texts['description']
    return data


@bp.route('/listings/<int:listing_id>/edit', methods=['GET', 'POST'])
@tryton.transaction()
@login_required
def edit(listing_id):
    listing = _own_listing(listing_id)
    if not listing.web_editable:
        return redirect(url_for('listings.listing', listing_id=listing_id))
    data = _listing_form_data(listing)
    form = ListingForm(data=data)
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
        values = form.values(select_language())
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
                    'listings.listing', listing_id=changed.id))
        listing = _own_listing(listing_id)
    return _form_page(form, listing, error)


def _listing_page(listing, photo_form=None, error=None, status=200):
    Certification = tryton.pool.get('lao.listing.certification')
    return render_template('vendor/listing.html', listing=listing,
        photo_form=photo_form or PhotoForm(), action_form=EmptyForm(),
        error=error, states=_states(),
        kinds=dict(selection(Certification, 'kind'))), status


@bp.route('/listings/<int:listing_id>')
@tryton.transaction()
@login_required
def listing(listing_id):
    return _listing_page(_own_listing(listing_id))


@bp.route('/listings/<int:listing_id>/photo', methods=['POST'])
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
                    'listings.listing', listing_id=listing_id))
    return _listing_page(_own_listing(listing_id), form, error, status=400)


@bp.route('/listings/<int:listing_id>/photo/<int:photo_id>')
@tryton.transaction()
@login_required
def photo(listing_id, photo_id):
    data = not_found_on(tryton.pool.get('lao.listing').web_vendor_photo,
        current_user(), listing_id, photo_id)
    return image_response(data, 'private, max-age=3600')


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
    return redirect(url_for('listings.listing', listing_id=listing_id))


@bp.route('/listings/<int:listing_id>/photo/<int:photo_id>/remove',
    methods=['POST'])
@tryton.transaction()
@login_required
def remove_photo(listing_id, photo_id):
    return _action(listing_id,
        tryton.pool.get('lao.listing').web_remove_photo,
        photo_id, message=_("The photo is removed."))


@bp.route('/listings/<int:listing_id>/submit', methods=['POST'])
@tryton.transaction()
@login_required
def submit(listing_id):
    return _action(listing_id, tryton.pool.get('lao.listing').web_submit,
        message=_("Your listing is submitted to the government reviewers."))


@bp.route('/listings/<int:listing_id>/archive', methods=['POST'])
@tryton.transaction()
@login_required
def archive(listing_id):
    return _action(listing_id, tryton.pool.get('lao.listing').web_archive,
        message=_("Your listing is archived: it is no longer on sale."))


@bp.route('/orders')
@tryton.transaction()
@login_required
def orders():
    "The confirmed sales of the user's vendors, to fulfil in the back office"
    Sale = tryton.pool.get('sale.sale')
    _vendor_companies()
    return render_template('vendor/orders.html',
        sales=Sale.web_vendor_sales(current_user()),
        states=dict(selection(Sale, 'state')))


@bp.route('/requests')
@tryton.transaction()
@login_required
def requests():
    "The open requests for quotation, to answer in the back office"
    Quote = tryton.pool.get('lao.rfq.quote')
    _vendor_companies()
    return render_template('vendor/requests.html',
        requests=tryton.pool.get('lao.rfq').web_vendor_open_requests(
            current_user()),
        quote_states=dict(selection(Quote, 'state')))
