"""The web forms: they parse and check the shape of the input; the rules
about its content are the models' (addons/lao_b2b/web.py)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField, EmailField, PasswordField, SelectField, StringField,
    TextAreaField)
from wtforms.validators import (
    EqualTo, InputRequired, Length, Optional)


class SignUpForm(FlaskForm):
    email = EmailField(
        _l("E-mail"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(
        _l("Password"), validators=[InputRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Password again"), validators=[
            InputRequired(),
            EqualTo('password', message=_l("The two passwords differ."))])


class LogInForm(FlaskForm):
    email = EmailField(
        _l("E-mail"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(
        _l("Password"), validators=[InputRequired(), Length(max=200)])


class ResetRequestForm(FlaskForm):
    email = EmailField(
        _l("E-mail"), validators=[InputRequired(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"), validators=[InputRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Password again"), validators=[
            InputRequired(),
            EqualTo('password', message=_l("The two passwords differ."))])


def _id_or_none(value):
    return int(value) if value not in (None, '', 'None') else None


class BuyerProfileForm(FlaskForm):
    business_name = StringField(
        _l("Business name"), validators=[InputRequired(), Length(max=200)])
    registration_number = StringField(
        _l("Registration or tax number"),
        validators=[Optional(), Length(max=64)])
    buyer_scope = SelectField(
        _l("Where do you buy?"), validators=[InputRequired()])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    street = StringField(
        _l("Street and village"), validators=[Optional(), Length(max=200)])
    city = StringField(
        _l("District or city"), validators=[InputRequired(), Length(max=100)])
    country = SelectField(
        _l("Country"), coerce=int, validators=[InputRequired()])
    subdivision = SelectField(
        _l("Province"), coerce=_id_or_none, validators=[Optional()])


class VendorApplicationForm(FlaskForm):
    name = StringField(
        _l("Legal name, as on the registration certificate"),
        validators=[InputRequired(), Length(max=200)])
    name_lao = StringField(
        _l("Name in Lao"), validators=[Optional(), Length(max=200)])
    vendor_type = SelectField(_l("Type of vendor"), validators=[
            InputRequired()])
    registration_number = StringField(
        _l("Enterprise registration number, or ID card or family book "
            "number"), validators=[InputRequired(), Length(max=64)])
    province = SelectField(
        _l("Province"), coerce=int, validators=[InputRequired()])
    district = StringField(
        _l("District"), validators=[InputRequired(), Length(max=100)])
    village = StringField(
        _l("Village"), validators=[Optional(), Length(max=100)])
    phone = StringField(
        _l("Phone"), validators=[InputRequired(), Length(max=40)])
    email = EmailField(
        _l("E-mail"), validators=[InputRequired(), Length(max=254)])
    commodities = TextAreaField(
        _l("Main commodities"),
        validators=[InputRequired(), Length(max=2000)])
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


class DocumentForm(FlaskForm):
    kind = SelectField(_l("Document"), validators=[InputRequired()])
    file = FileField(
        _l("File (PDF, JPEG or PNG)"), validators=[FileRequired()])


class EmptyForm(FlaskForm):
    "A button that changes something: only the CSRF token"
