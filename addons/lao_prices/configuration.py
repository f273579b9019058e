"""Settings of the price system, one record for the platform.

The reference currency that every observation is converted into and the
parameters of the outlier test and the warnings are data, so that an
operator can tune them without a release (FAO keeps gamma a parameter)."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields

from .exceptions import NormalisationError


class Configuration(ModelSingleton, ModelSQL, ModelView):
    __string__ = "Price Configuration"
    __name__ = 'lao.price.configuration'

    currency = fields.Many2One(
        'currency.currency', "Reference Currency",
        help="The currency every price is converted into (the kip).")
    outlier_window = fields.Integer(
        "Outlier Window", required=True,
        domain=[('outlier_window', '>', 0)],
        help="Days of earlier observations of the same commodity and "
        "province an observation is compared with.")
    outlier_threshold = fields.Numeric(
        "Outlier Threshold", digits=(3, 2), required=True,
        domain=[('outlier_threshold', '>', 0)],
        help="Distance from the median, in scaled median absolute "
        "deviations, beyond which an observation is flagged for review.")
    outlier_min_sample = fields.Integer(
        "Outlier Minimum Sample", required=True,
        domain=[('outlier_min_sample', '>=', 3)],
        help="Fewer earlier observations than this and no test is made.")
    ipa_gamma = fields.Numeric(
        "IPA Gamma", digits=(1, 3), required=True,
        domain=[('ipa_gamma', '>=', 0), ('ipa_gamma', '<=', 1)],
        help="Weight of the quarterly growth in FAO's Indicator of Price "
        "Anomalies (0.4 for SDG 2.c.1).")
    ipa_min_years = fields.Integer(
        "IPA Minimum Years", required=True,
        domain=[('ipa_min_years', '>=', 2)],
        help="Earlier years of the same month needed before an IPA is "
        "computed.")
    alps_min_months = fields.Integer(
        "ALPS Minimum Months", required=True,
        domain=[('alps_min_months', '>=', 15)],
        help="Monthly prices needed before a seasonal trend is fitted.")
    warning_age = fields.Integer(
        "Warning Age", required=True,
        domain=[('warning_age', '>', 0)],
        help="Months after which the latest price of a series is too old "
        "to warn about.")

    @classmethod
    def default_outlier_window(cls):
        return 30

    @classmethod
    def default_outlier_threshold(cls):
        return Decimal('3.5')

    @classmethod
    def default_outlier_min_sample(cls):
        return 8

    @classmethod
    def default_ipa_gamma(cls):
        return Decimal('0.4')

    @classmethod
    def default_ipa_min_years(cls):
        return 5

    @classmethod
    def default_alps_min_months(cls):
        return 18

    @classmethod
    def default_warning_age(cls):
        return 2

    @classmethod
    def reference_currency(cls):
        config = cls(1)
        if not config.currency:
            raise NormalisationError(
                gettext('lao_prices.msg_configuration_no_currency'))
        return config.currency
