"""The web forms: they parse and check the shape of the input; the rules
about its content are the models' (addons/lao_b2b)."""
import datetime as dt
from decimal import Decimal

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField, DateField, DecimalField, EmailField, FieldList, FormField,
    IntegerField, PasswordField, SelectField, StringField, TextAreaField)
from wtforms import Form as SubForm
from wtforms import widgets
from wtforms.validators import (
    EqualTo, InputRequired, Length, NumberRange, Optional, ValidationError)

from .i18n import (
    LANGUAGES, NumberError, ambiguous_number, format_number, number_locales,
    parse_number)
from .security import record_id


# The messages of WTForms' own validators that our forms can show: WTForms
# has no Lao catalogue, so they are in ours.
WTFORMS_MESSAGES = [
    _l("This field is required."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Not a valid decimal value."),
    _l("Not a valid integer value."),
    _l("Not a valid date value."),
    ]


class _Catalogue:
    "WTForms' messages from the storefront's catalogues"

    def gettext(self, string):
        return get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        return get_translations().ungettext(singular, plural, n)


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _Catalogue()


class Rows(SubForm):
    "The rows of a form repeated in a FieldList (the CSRF is the form's)"
    class Meta:
        def get_translations(self, form):
            return _Catalogue()


def required():
    return InputRequired(message=_l("This field is required."))


def at_most(length):
    return Length(max=length, message=_l("At most %(max)d characters."))


class SignUpForm(Form):
    email = EmailField(
        _l("E-mail"), validators=[required(), at_most(254)])
    password = PasswordField(
        _l("Password"), validators=[required(), at_most(200)])
    confirm = PasswordField(
        _l("Password again"), validators=[
            required(),
            EqualTo('password', message=_l("The two passwords differ."))])


class LogInForm(Form):
    email = EmailField(
        _l("E-mail"), validators=[required(), at_most(254)])
    password = PasswordField(
        _l("Password"), validators=[required(), at_most(200)])


class ResetRequestForm(Form):
    email = EmailField(
        _l("E-mail"), validators=[required(), at_most(254)])


class ResetPasswordForm(Form):
    password = PasswordField(
        _l("New password"), validators=[required(), at_most(200)])
    confirm = PasswordField(
        _l("Password again"), validators=[
            required(),
            EqualTo('password', message=_l("The two passwords differ."))])


def id_or_none(value):
    "The coerce of an optional record id: None, or 1 to 2^63-1"
    return record_id(value) if value not in (None, '', 'None') else None


class NumberField(DecimalField):
    """A decimal number typed as the readers of the page's language write
    numbers (i18n.parse_number: "1,000.5", in Lao "1.000,5" too, refused
    when ambiguous), in a text input filled without grouping, below 10^15
    in magnitude: no NaN or infinity, and none that a float or the
    database column cannot hold"""
    widget = widgets.TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, places=None, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ''
        return format_number(
            self.data, number_locales()[0], grouping=False)

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            # Left empty: the field's Optional or InputRequired decides
            return
        locales = number_locales()
        try:
            number = parse_number(valuelist[0], locales)
        except NumberError as error:
            if error.readings:
                raise ValueError(ambiguous_number(error, locales))
            raise ValueError(_l(
                    '"%(value)s" is not a number: write a number such as '
                    '%(example)s.', value=error.text[:40],
                    example=format_number(Decimal('1500.5'), locales[0])))
        if abs(number) >= 10 ** 15 or number.as_tuple().exponent < -30:
            raise ValueError(self.gettext("Not a valid decimal value."))
        self.data = number


class BuyerProfileForm(Form):
    business_name = StringField(
        _l("Business name"), validators=[required(), at_most(200)])
    registration_number = StringField(
        _l("Registration or tax number"),
        validators=[required(), at_most(64)])
    buyer_type = SelectField(
        _l("Where do you buy?"), validators=[required()])
    phone = StringField(_l("Phone"), validators=[Optional(), at_most(40)])
    street = StringField(
        _l("Street and village"), validators=[Optional(), at_most(200)])
    city = StringField(
        _l("District or city"), validators=[required(), at_most(100)])
    country = SelectField(
        _l("Country"), coerce=record_id, validators=[required()])
    subdivision = SelectField(
        _l("Province"), coerce=id_or_none, validators=[Optional()])


class VendorApplicationForm(Form):
    name = StringField(
        _l("Legal name, as on the registration certificate"),
        validators=[required(), at_most(200)])
    name_lao = StringField(
        _l("Name in Lao"), validators=[Optional(), at_most(200)])
    vendor_type = SelectField(_l("Type of vendor"), validators=[
            required()])
    registration_number = StringField(
        _l("Enterprise registration number, or ID card or family book "
            "number"), validators=[required(), at_most(64)])
    province = SelectField(
        _l("Province"), coerce=record_id, validators=[required()])
    district = StringField(
        _l("District"), validators=[required(), at_most(100)])
    village = StringField(
        _l("Village"), validators=[Optional(), at_most(100)])
    phone = StringField(
        _l("Phone"), validators=[required(), at_most(40)])
    email = EmailField(
        _l("E-mail"), validators=[required(), at_most(254)])
    commodities = TextAreaField(
        _l("Main commodities"),
        validators=[required(), at_most(2000)])
    licence_required = BooleanField(
        _l("My trade needs a business licence"))

    FIELDS = [
        'name', 'name_lao', 'vendor_type', 'registration_number', 'province',
        'district', 'village', 'phone', 'email', 'commodities',
        'licence_required']

    def values(self):
        return {name: getattr(self, name).data or None
            if name != 'licence_required' else bool(self.licence_required.data)
            for name in self.FIELDS}


class DocumentForm(Form):
    kind = SelectField(_l("Document"), validators=[required()])
    file = FileField(
        _l("File (PDF, JPEG or PNG)"), validators=[FileRequired(message=_l("This field is required."))])


def decimal_field(label, *validators):
    return NumberField(label, validators=[*validators,
            NumberRange(min=0, message=_l("Enter a number of 0 or more."))])


class TierRow(Rows):
    quantity = decimal_field(_l("From quantity"), Optional())
    unit_price = decimal_field(_l("Unit price"), Optional())


class CertificationRow(Rows):
    kind = SelectField(_l("Certification"), validators=[Optional()])
    name = StringField(_l("Name"), validators=[Optional(), at_most(200)])
    issuer = StringField(
        _l("Issued by"), validators=[Optional(), at_most(200)])
    number = StringField(_l("Number"), validators=[Optional(), at_most(100)])
    valid_to = DateField(_l("Valid until"), validators=[Optional()])


class TextsRow(Rows):
    "The title and description of a listing in one language"
    title = StringField(_l("Title"), validators=[Optional(), at_most(200)])
    description = TextAreaField(
        _l("Description"), validators=[Optional(), at_most(5000)])


class Translations(Rows):
    "A row of texts per language of the site, named by its code"


for _code, _name in LANGUAGES.items():
    setattr(Translations, _code, FormField(TextsRow, label=_name))


class ListingForm(Form):
    """A listing of a vendor: the title and description in the reader's
    language and, optionally, in the other languages of the site (the row
    of the reader's language is left out, see for_language)"""
    company = SelectField(
        _l("Vendor"), coerce=record_id, validators=[required()])
    product = SelectField(
        _l("Product"), coerce=id_or_none, validators=[Optional()])
    title = StringField(_l("Title"), validators=[required(), at_most(200)])
    description = TextAreaField(
        _l("Description"), validators=[Optional(), at_most(5000)])
    translations = FormField(Translations)
    category = SelectField(
        _l("Commodity"), coerce=record_id, validators=[required()])
    grade = StringField(_l("Grade"), validators=[Optional(), at_most(100)])
    origin_province = SelectField(
        _l("Province of origin"), coerce=id_or_none,
        validators=[Optional()])
    origin_district = StringField(
        _l("District of origin"), validators=[Optional(), at_most(100)])
    harvest_season = StringField(
        _l("Harvest season"), validators=[Optional(), at_most(100)])
    unit = SelectField(_l("Unit of sale"), coerce=record_id, validators=[
            required()])
    minimum_quantity = decimal_field(_l("Minimum order"), required())
    quantity_multiple = decimal_field(_l("Sold in multiples of"), Optional())
    availability = SelectField(_l("Quantity for sale"), validators=[
            required()])
    declared_quantity = decimal_field(
        _l("Declared quantity for sale"), Optional())
    lead_time_days = IntegerField(_l("Days to ship an order"), validators=[
            Optional(), NumberRange(min=0, max=365,
                message=_l("Enter a number of days from 0 to 365."))])
    tiers = FieldList(FormField(TierRow), min_entries=3, max_entries=10)
    certifications = FieldList(
        FormField(CertificationRow), min_entries=2, max_entries=10)

    FIELDS = [
        'title', 'description', 'category', 'grade', 'origin_province',
        'origin_district', 'harvest_season', 'unit', 'availability']

    def validate_tiers(self, field):
        for row in field:
            if (row.quantity.data is None) != (row.unit_price.data is None):
                raise ValidationError(
                    _l("Give both the quantity and the price of a tier."))

    def validate_certifications(self, field):
        for row in field:
            if bool(row.kind.data) != bool(row.form.name.data):
                raise ValidationError(_l(
                        "Give both the kind and the name of a "
                        "certification."))

    @classmethod
    def for_language(cls, language, **kwargs):
        "The form of a reader of language: rows for the other languages"
        form = cls(**kwargs)
        del form.translations.form[language]
        return form

    def values(self):
        """The values for the model: title and description in the reader's
        language, the other languages in 'translations'"""
        values = {n: getattr(self, n).data or None for n in self.FIELDS}
        values['minimum_quantity'] = float(self.minimum_quantity.data)
        for name in ['quantity_multiple', 'declared_quantity']:
            data = getattr(self, name).data
            values[name] = float(data) if data is not None else None
        days = self.lead_time_days.data
        values['lead_time'] = (
            dt.timedelta(days=days) if days is not None else None)
        values['price_tiers'] = [
            (float(r.quantity.data), r.unit_price.data)
            for r in self.tiers if r.quantity.data is not None]
        values['certifications'] = [{
                'kind': r.kind.data, 'name': r.form.name.data,
                'issuer': r.issuer.data or None,
                'number': r.number.data or None,
                'valid_to': r.valid_to.data,
                } for r in self.certifications if r.kind.data]
        values['translations'] = {
            row.short_name: {
                'title': row.form.title.data or None,
                'description': row.form.description.data or None,
                } for row in self.translations}
        return values


class PhotoForm(Form):
    file = FileField(
        _l("Photo (JPEG or PNG)"),
        validators=[FileRequired(message=_l("This field is required."))])


class EmptyForm(Form):
    "A button that changes something: only the CSRF token"


class CheckoutForm(Form):
    shipment_address = SelectField(
        _l("Deliver to"), coerce=id_or_none, validators=[Optional()])
    delivery_method = SelectField(_l("Delivery"), validators=[required()])
    payment_method = SelectField(_l("Payment"), validators=[required()])
    reference = StringField(
        _l("Your reference (optional)"),
        validators=[Optional(), at_most(100)])
    # a cross-border buyer's (lao_crossborder)
    incoterm = SelectField(
        _l("Incoterm"), coerce=id_or_none, validators=[Optional()])
    incoterm_location = StringField(
        _l("Incoterm place (for example Vientiane South, Mohan, Kunming)"),
        validators=[Optional(), at_most(100)])


def positive():
    "A finite number above zero and below a billion, when given"
    def check(form, field):
        value = field.data
        if value is not None and (
                not value.is_finite() or value <= 0 or value >= 10 ** 9):
            raise ValidationError(
                _l("Enter a number above zero and below one billion."))
    return check


class QuotationRequestForm(Form):
    title = StringField(
        _l("What do you want to buy?"), validators=[required(), at_most(100)])
    category = SelectField(
        _l("Commodity"), coerce=record_id, validators=[required()])
    quantity = NumberField(
        _l("Quantity"), validators=[required(), positive()])
    unit = SelectField(_l("Unit"), coerce=record_id, validators=[required()])
    wanted_date = DateField(_l("Wanted by"), validators=[Optional()])
    delivery_province = SelectField(
        _l("Delivery province"), coerce=id_or_none, validators=[Optional()])
    border_point = StringField(
        _l("or border point (e.g. Boten)"),
        validators=[Optional(), at_most(100)])
    target_price = NumberField(
        _l("Target price per unit (LAK, optional)"),
        validators=[Optional(), positive()])
    expiry_date = DateField(
        _l("Quotes accepted until"), validators=[required()])
    payment_method = SelectField(_l("Payment"), validators=[required()])
    description = TextAreaField(
        _l("Details (grade, packing, terms)"),
        validators=[Optional(), at_most(2000)])

    def values(self):
        return {
            'title': self.title.data.strip(),
            'category': self.category.data,
            'quantity': float(self.quantity.data),
            'unit': self.unit.data,
            'wanted_date': self.wanted_date.data,
            'delivery_province': self.delivery_province.data,
            'border_point': (self.border_point.data or '').strip() or None,
            'target_price': self.target_price.data,
            'expiry_date': self.expiry_date.data,
            'payment_method': self.payment_method.data,
            'description': self.description.data or None,
            }


class BoardPostForm(Form):
    title = StringField(
        _l("What do you want to buy?"), validators=[required(), at_most(100)])
    category = SelectField(
        _l("Commodity"), coerce=record_id, validators=[required()])
    province = SelectField(
        _l("Province"), coerce=record_id, validators=[required()])
    quantity = NumberField(
        _l("Quantity (optional)"),
        validators=[Optional(), positive()])
    unit = SelectField(_l("Unit"), coerce=record_id, validators=[required()])
    price = NumberField(
        _l("Price per unit (LAK, optional)"),
        validators=[Optional(), positive()])
    expiry_date = DateField(
        _l("On the board until"), validators=[required()])
    contact = StringField(
        _l("How sellers reach you (phone, e-mail)"),
        validators=[required(), at_most(100)])
    description = TextAreaField(
        _l("Details"), validators=[Optional(), at_most(2000)])

    def values(self):
        return {
            'title': self.title.data.strip(),
            'category': self.category.data,
            'province': self.province.data,
            'quantity': (float(self.quantity.data)
                if self.quantity.data is not None else None),
            'unit': self.unit.data,
            'price': self.price.data,
            'expiry_date': self.expiry_date.data,
            'contact': self.contact.data.strip(),
            'description': self.description.data or None,
            }


class BoardFilterForm(Form):
    "The filters of the board, read from the query string"
    class Meta:
        csrf = False

    kind = SelectField(_l("Kind"), validators=[Optional()], choices=[
            ('', _l("All")),
            ('buy', _l("Buy requests")),
            ('sell', _l("Sell offers")),
            ])
    category = SelectField(
        _l("Commodity"), coerce=id_or_none, validators=[Optional()])
    province = SelectField(
        _l("Province"), coerce=id_or_none, validators=[Optional()])
    page = IntegerField(validators=[Optional(), NumberRange(min=1)])
