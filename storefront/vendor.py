"""The vendor portal: the registration application with its documents, its
submission and the reviewers' decisions; for an approved vendor, the open
requests for quotation and its incoming orders, with links to the back
office where quotes are written and orders fulfilled and invoiced (its
listings are in vendor_listings.py)."""
from flask import (
    Blueprint, abort, current_app, flash, redirect, render_template, url_for)
from flask_babel import gettext as _

from .extensions import tryton
from .forms import DocumentForm, EmptyForm, VendorApplicationForm
from .helpers import (
    call, current_user, form_page, labels, login_required, not_found_on,
    provinces)

bp = Blueprint('vendor', __name__, url_prefix='/vendor')


def _application_model():
    return tryton.pool.get('lao.vendor.application')


def _application_choices(form):
    form.vendor_type.choices = list(
        labels(_application_model(), 'vendor_type').items())
    form.province.choices = provinces()


def _own_application(application_id):
    "The user's application, or 404 for any other id"
    return not_found_on(
        current_user().own, _application_model(), application_id)


@bp.route('/')
@tryton.transaction()
@login_required
def index():
    return render_template('vendor/index.html',
        applications=current_user().vendor_applications,
        states=labels(_application_model(), 'state'))


@bp.route('/apply', methods=['GET', 'POST'])
@tryton.transaction()
@login_required
def apply():
    user = current_user()
    form = VendorApplicationForm(data={'email': user.email})
    _application_choices(form)
    error = None
    if form.validate_on_submit():
        application, error = call(
            _application_model().web_apply, user, form.values())
        if application:
            flash(_("Your application is saved as a draft. Add its "
                    "documents, then submit it."))
            return redirect(url_for(
                    'vendor.application', application_id=application.id))
    return form_page('vendor/apply.html', form, error)


@bp.route('/application/<id:application_id>/edit', methods=['GET', 'POST'])
@tryton.transaction()
@login_required
def edit(application_id):
    application = _own_application(application_id)
    form = VendorApplicationForm(data={
            name: getattr(application, name) for name in
            VendorApplicationForm.FIELDS if name != 'province'}
        | {'province': application.province.id})
    _application_choices(form)
    error = None
    if form.validate_on_submit():
        saved, error = call(_application_model().web_update,
            current_user(), application_id, form.values())
        if not error:
            flash(_("Your application is saved."))
            return redirect(url_for(
                    'vendor.application', application_id=application_id))
    return form_page(
        'vendor/apply.html', form, error, application=application)


def _application_page(application, document_form=None, error=None,
        status=200):
    Document = tryton.pool.get('lao.vendor.application.document')
    if document_form is None:
        document_form = DocumentForm()
        document_form.kind.choices = list(labels(Document, 'kind').items())
    return render_template('vendor/application.html',
        application=application, document_form=document_form,
        submit_form=EmptyForm(), error=error,
        kinds=labels(Document, 'kind'),
        states=labels(_application_model(), 'state')), status


@bp.route('/application/<id:application_id>')
@tryton.transaction()
@login_required
def application(application_id):
    return _application_page(_own_application(application_id))


@bp.route('/application/<id:application_id>/document', methods=['POST'])
@tryton.transaction()
@login_required
def upload(application_id):
    Document = tryton.pool.get('lao.vendor.application.document')
    application = _own_application(application_id)
    form = DocumentForm()
    form.kind.choices = list(labels(Document, 'kind').items())
    error = None
    if form.validate_on_submit():
        upload = form.file.data
        document, error = call(_application_model().web_add_document,
            current_user(), application_id,
            form.kind.data, upload.filename, upload.read())
        if not error:
            flash(_("The document is added."))
            return redirect(url_for(
                    'vendor.application', application_id=application_id))
        application = _own_application(application_id)
    return _application_page(application, form, error, status=400)


@bp.route('/application/<id:application_id>/submit', methods=['POST'])
@tryton.transaction()
@login_required
def submit(application_id):
    _own_application(application_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    submitted, error = call(
        _application_model().web_submit, current_user(), application_id)
    if error:
        return _application_page(
            _own_application(application_id), error=error, status=400)
    flash(_("Your application is submitted to the government reviewers."))
    return redirect(url_for(
            'vendor.application', application_id=application_id))


def back_office_url(model, record_id):
    "The address of a record in the back office (sao)"
    return '%s#%s/model/%s/%d' % (
        current_app.config['BACK_OFFICE_URL'].rstrip('/') + '/',
        current_app.config['TRYTON_DATABASE'], model, record_id)


@bp.context_processor
def inject_back_office_url():
    return {'back_office_url': back_office_url}


def vendor_companies():
    "The companies of the user's approved vendors, or 403"
    companies = current_user().vendor_companies
    if not companies:
        abort(403)
    return companies


@bp.route('/orders')
@tryton.transaction()
@login_required
def orders():
    "The confirmed sales of the user's vendors, to fulfil in the back office"
    Sale = tryton.pool.get('sale.sale')
    vendor_companies()
    return render_template('vendor/orders.html',
        sales=Sale.web_vendor_sales(current_user()),
        states=labels(Sale, 'state'))


@bp.route('/requests')
@tryton.transaction()
@login_required
def requests():
    "The open requests for quotation, to answer in the back office"
    Quote = tryton.pool.get('lao.rfq.quote')
    vendor_companies()
    return render_template('vendor/requests.html',
        requests=tryton.pool.get('lao.rfq').web_vendor_open_requests(
            current_user()),
        quote_states=labels(Quote, 'state'))
