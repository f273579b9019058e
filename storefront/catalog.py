"""The catalogue: search, filters, listing pages, photos and vendor pages."""
from flask import (
    Blueprint, abort, redirect, render_template, request, url_for)
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import NumberRange, Optional

from . import crossborder
from .cache import cached_page
from .extensions import tryton
from .forms import Form, NumberField, at_most, id_or_none
from .helpers import (
    count_bound, form_page, image_response, labels, not_found_on, paginate, provinces,
    sized_photo_response)

bp = Blueprint('catalog', __name__)


@bp.record_once
def _photo_widths(state):
    "The width of each size of the listings' photos, for templates/_photo.html"
    from trytond.modules.lao_b2b.upload import PHOTO_SIZES
    state.app.jinja_env.globals['photo_widths'] = {
        name: box for name, (box, _) in PHOTO_SIZES.items()}

SORTS = {
    'newest': [('published_at', 'DESC'), ('id', 'DESC')],
    'price': [('price', 'ASC'), ('id', 'ASC')],
    'price_desc': [('price', 'DESC'), ('id', 'DESC')],
    'title': [('title', 'ASC'), ('id', 'ASC')],
    }




class CatalogueForm(Form):
    "The search and filters, read from the query string"
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), at_most(100)])
    category = SelectField(
        _l("Commodity"), coerce=id_or_none, validators=[Optional()])
    province = SelectField(
        _l("Province"), coerce=id_or_none, validators=[Optional()])
    certification = SelectField(_l("Certification"), validators=[Optional()])
    price_min = NumberField(_l("Price from"),
        validators=[Optional(), NumberRange(min=0)])
    price_max = NumberField(_l("Price to"),
        validators=[Optional(), NumberRange(min=0)])
    quantity = NumberField(_l("I want to buy (quantity)"),
        validators=[Optional(), NumberRange(min=0)])
    min_grade = SelectField(_l("Vendor's credit grade at least"),
        validators=[Optional()])
    sort = SelectField(_l("Sort by"), validators=[Optional()], choices=[
            ('newest', _l("Newest")),
            ('price', _l("Lowest price")),
            ('price_desc', _l("Highest price")),
            ('title', _l("Name")),
            ])
    page = IntegerField(validators=[Optional(), NumberRange(min=1)])


def _catalogue_choices(form):
    pool = tryton.pool
    Listing = pool.get('lao.listing')
    Certification = pool.get('lao.listing.certification')
    form.category.choices = (
        [(None, _l("All"))] + Listing.catalogue_commodities())
    form.province.choices = [(None, _l("All"))] + provinces()
    form.certification.choices = [('', _l("All"))] + list(
        labels(Certification, 'kind').items())
    form.min_grade.choices = [('', _l("Any"))] + [
        (g, g) for g in pool.get('lao.credit.profile').grade_choices()]


@bp.route('/catalogue')
@cached_page('catalogue')
@tryton.transaction()
def catalogue():
    Listing = tryton.pool.get('lao.listing')
    form = CatalogueForm(request.args)
    _catalogue_choices(form)
    if request.args and not form.validate():
        return form_page('catalog/catalogue.html', form, cards=[], count=0,
            grades={})
    filters = dict(min_grade=form.min_grade.data or None,
        text=form.q.data, category=form.category.data,
        province=form.province.data,
        certification=form.certification.data or None,
        price_min=form.price_min.data, price_max=form.price_max.data,
        quantity=(float(form.quantity.data)
            if form.quantity.data is not None else None))
    bound = count_bound()
    count = Listing.count_catalogue(limit=bound + 1, **filters)
    pager = paginate(count, form.page.data, bound)
    listings = Listing.search_catalogue(
        offset=pager.offset, limit=pager.limit,
        order=SORTS.get(form.sort.data or 'newest', SORTS['newest']),
        **filters)
    cards = Listing.catalogue_cards(listings)
    return render_template('catalog/catalogue.html', form=form,
        cards=cards, count=count, bound=bound, pager=pager,
        grades=Listing.catalogue_grades(cards),
        export=crossborder.listings_view(listings))


@bp.route('/listing/<id:listing_id>')
@cached_page('catalogue', 'stock')
@tryton.transaction()
def listing(listing_id):
    Listing = tryton.pool.get('lao.listing')
    listing = not_found_on(Listing.get_catalogue_listing, listing_id)
    return listing_page(listing)


def listing_page(listing, error=None, quantity=None, status=200):
    """The page of a listing of the catalogue, with the error and the
    quantity of its cart form when the cart refused it"""
    Certification = tryton.pool.get('lao.listing.certification')
    Profile = tryton.pool.get('lao.credit.profile')
    Listing = tryton.pool.get('lao.listing')
    party = listing.company.party
    source = Listing.source_language()
    untranslated = Listing.untranslated_texts(
        [listing.id], ['title', 'description'])
    return render_template('catalog/listing.html', listing=listing,
        kinds=labels(Certification, 'kind'), error=error,
        quantity=quantity,
        # The language of each text shown untranslated
        text_language={name: source
            for name, ids in untranslated.items() if listing.id in ids},
        credit=Profile.public_summary([party]).get(party.id),
        export=crossborder.listings_view([listing])), status


def _catalogue_photo(listing_id, photo_id):
    "The photo of the listing of the catalogue, else 404"
    Listing = tryton.pool.get('lao.listing')
    listing = not_found_on(Listing.get_catalogue_listing, listing_id)
    for photo in listing.photos:
        if photo.id == photo_id:
            return photo
    abort(404)


@bp.route('/listing/<id:listing_id>/photo/<id:photo_id>')
@tryton.transaction()
def photo(listing_id, photo_id):
    """The photo's page size (at the address of its version), or the image
    as stored when it has no sizes"""
    photo = _catalogue_photo(listing_id, photo_id)
    if photo.page_id:
        response = redirect(url_for('catalog.sized_photo',
                listing_id=listing_id, photo_id=photo_id, size='page',
                version=photo.page_id))
        response.headers['Cache-Control'] = 'no-cache'
        return response
    if not photo.image:
        abort(404)
    return image_response(bytes(photo.image), 'public, max-age=86400')


@bp.route('/listing/<id:listing_id>/photo/<id:photo_id>/<size>/'
    '<version>.webp')
@tryton.transaction()
def sized_photo(listing_id, photo_id, size, version):
    "A size of the photo (lao_b2b PHOTO_SIZES), cached for good"
    sized = _catalogue_photo(listing_id, photo_id).sized(size)
    if not sized:
        abort(404)
    return sized_photo_response(sized, version, 'public',
        'catalog.sized_photo', listing_id=listing_id, photo_id=photo_id,
        size=size)


@bp.route('/seller/<id:company_id>')
@cached_page('catalogue')
@tryton.transaction()
def seller(company_id):
    pool = tryton.pool
    Listing = pool.get('lao.listing')
    Company = pool.get('company.company')
    companies = Company.search([
            ('id', '=', company_id),
            ('vendor_state', '=', 'active'),
            ], limit=1)
    if not companies:
        abort(404)
    application = companies[0].vendor_application
    listings = Listing.search_catalogue(
        company=company_id, order=SORTS['newest'], limit=100)
    cards = Listing.catalogue_cards(listings)
    return render_template('catalog/seller.html',
        application=application, cards=cards,
        grades=Listing.catalogue_grades(cards),
        credit=pool.get('lao.credit.profile').vendor_page(companies[0]),
        export=crossborder.listings_view(listings))
