"""Import duty and VAT estimate of a customs declaration.

Rates are dated records per destination and HS code range, never constants
in code: a duty rate is most-favoured-nation (MFN) or preferential (ACFTA,
which applies only with a received Form E), ad valorem or "lower of" an ad
valorem and a specific rate per tonne (natural rubber); a VAT rate applies
to the customs value plus the duty.  The customs value is the CIF value:
the lines' value plus the freight and insurance of the declaration,
allocated by value, converted into the rates' currency at the estimate's
date.
"""
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.currency.exceptions import RateError
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .exceptions import DutyEstimateError, DutyRateValidationError
from .export import HS_CODE, hs_digits, hs_in_range

REGIMES = [
    (None, ""),
    ('mfn', "Most-Favoured-Nation"),
    ('acfta', "ASEAN-China Free Trade Area (Form E)"),
    ]


class DutyRate(ModelSQL, ModelView):
    __string__ = "Import Duty or VAT Rate"
    __name__ = 'lao.customs.duty.rate'

    destination = fields.Many2One(
        'country.country', "Country of Import", required=True)
    hs_code_from = fields.Char("HS Code From", required=True)
    hs_code_to = fields.Char("HS Code To")
    tax = fields.Selection([
            ('duty', "Import Duty"),
            ('vat', "Import VAT"),
            ], "Tax", required=True)
    regime = fields.Selection(
        REGIMES, "Regime",
        states={
            'invisible': Eval('tax') != 'duty',
            'required': Eval('tax') == 'duty',
            })
    computation = fields.Selection([
            ('ad_valorem', "Ad Valorem"),
            ('lower_of', "Lower of Ad Valorem and per Tonne"),
            ], "Computation", required=True)
    rate = fields.Numeric(
        "Rate", digits=(16, 4), required=True,
        domain=[('rate', '>=', 0)],
        help="The ad valorem rate, as a fraction: 0.08 for 8%.")
    amount_per_tonne = Monetary(
        "Amount per Tonne", currency='currency', digits='currency',
        states={
            'invisible': Eval('computation') != 'lower_of',
            'required': Eval('computation') == 'lower_of',
            })
    currency = fields.Many2One(
        'currency.currency', "Currency", required=True)
    start_date = fields.Date("Start Date", required=True)
    end_date = fields.Date(
        "End Date",
        domain=[If(Eval('end_date') & Eval('start_date'),
                ('end_date', '>=', Eval('start_date')), ())],
        help="A rate limited in time overrides the open-ended one while "
        "it lasts.")
    source = fields.Char("Source", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t,
                (t.destination, Index.Equality()),
                (t.tax, Index.Equality(cardinality='low'))))
        cls._order.insert(0, ('hs_code_from', 'ASC'))

    @classmethod
    def validate_fields(cls, rates, field_names):
        super().validate_fields(rates, field_names)
        for rate in rates:
            for code in [rate.hs_code_from, rate.hs_code_to]:
                if code and not HS_CODE.match(code):
                    raise DutyRateValidationError(gettext(
                            'lao_crossborder.msg_duty_rate_hs_code',
                            code=code))

    def matches(self, code, date):
        return (hs_in_range(hs_digits(code), self.hs_code_from,
                self.hs_code_to or self.hs_code_from)
            and self.start_date <= date
            and (not self.end_date or date <= self.end_date))

    @property
    def _precedence(self):
        "The most specific range first, then a limited one, then the newest"
        return (len(self.hs_code_from), self.end_date is not None,
            self.start_date)

    @classmethod
    def find(cls, destination, code, date, tax, regime=None):
        "The rate of the tax that applies to the HS code on date, or None"
        domain = [
            ('destination', '=', destination.id),
            ('tax', '=', tax),
            ]
        if tax == 'duty':
            domain.append(('regime', '=', regime))
        rates = [r for r in cls.search(domain) if r.matches(code, date)]
        if rates:
            return max(rates, key=lambda r: r._precedence)

    def compute(self, value, tonnes):
        "The tax on the value (in the rate's currency) and weight"
        amount = value * self.rate
        if self.computation == 'lower_of':
            amount = min(amount, self.amount_per_tonne * tonnes)
        return self.currency.round(amount)


def _percent(rate):
    return (rate * 100).normalize()


class Declaration(metaclass=PoolMeta):
    __name__ = 'lao.customs.declaration'

    freight = Monetary(
        "Freight", currency='currency', digits='currency',
        states={'readonly': Eval('state') != 'draft'},
        help="The freight to the place of import, for the CIF value.")
    insurance = Monetary(
        "Insurance", currency='currency', digits='currency',
        states={'readonly': Eval('state') != 'draft'})
    duty_estimate = fields.Function(
        fields.Text("Duty and VAT Estimate"), 'get_duty_estimate')

    def get_duty_estimate(self, name):
        try:
            return self.format_estimate(self.estimate_duties())
        except (DutyEstimateError, RateError) as exception:
            # no rate recorded yet: the reason stands in for the estimate
            return exception.message

    def estimate_duties(self, date=None, regime=None):
        """The duty and VAT of each line, and their totals

        Returns a dictionary with 'lines', a list of dictionaries (line,
        cif, duty_rate, duty, vat_rate, vat), 'currency', 'date', and the
        totals 'cif', 'duty', 'vat'.  regime forces the duty regime (the
        web shop's estimate before the Form E exists)."""
        pool = Pool()
        Currency = pool.get('currency.currency')
        Rate = pool.get('lao.customs.duty.rate')
        if date is None:
            date = dt.date.today()
        if regime is None:
            regime = 'acfta' if self.form_e else 'mfn'
        total_value = sum((l.value for l in self.lines), Decimal(0))
        extra = (self.freight or Decimal(0)) + (self.insurance or Decimal(0))
        lines, currency = [], None
        for line in self.lines:
            duty_rate = Rate.find(
                self.destination, line.hs_code, date, 'duty', regime)
            if not duty_rate and regime != 'mfn':
                # no preference recorded for the code: MFN applies
                duty_rate = Rate.find(
                    self.destination, line.hs_code, date, 'duty', 'mfn')
            vat_rate = Rate.find(self.destination, line.hs_code, date, 'vat')
            for rate, message in [
                    (duty_rate, 'lao_crossborder.msg_duty_rate_missing'),
                    (vat_rate, 'lao_crossborder.msg_vat_rate_missing')]:
                if not rate:
                    raise DutyEstimateError(gettext(message,
                            code=line.hs_code, date=date.isoformat()))
            currency = duty_rate.currency
            share = (extra * line.value / total_value
                if total_value else Decimal(0))
            with Transaction().set_context(date=date):
                cif = Currency.compute(
                    self.currency, line.value + share, currency, round=True)
            tonnes = Decimal(str(line.net_weight)) / 1000
            duty = duty_rate.compute(cif, tonnes)
            vat = vat_rate.compute(cif + duty, tonnes)
            lines.append({
                    'line': line, 'cif': cif, 'tonnes': tonnes,
                    'duty_rate': duty_rate, 'duty': duty,
                    'vat_rate': vat_rate, 'vat': vat,
                    })
        return {
            'lines': lines,
            'currency': currency,
            'date': date,
            'regime': regime,
            'cif': sum((l['cif'] for l in lines), Decimal(0)),
            'duty': sum((l['duty'] for l in lines), Decimal(0)),
            'vat': sum((l['vat'] for l in lines), Decimal(0)),
            }

    @classmethod
    def format_estimate(cls, estimate):
        "The calculation line by line, as text"
        texts = []
        for item in estimate['lines']:
            duty_rate = item['duty_rate']
            if duty_rate.computation == 'lower_of':
                duty_text = gettext(
                    'lao_crossborder.msg_duty_estimate_lower_of',
                    rate=_percent(duty_rate.rate),
                    amount=duty_rate.amount_per_tonne,
                    tonnes=item['tonnes'].quantize(
                        Decimal('0.001'), rounding=ROUND_HALF_UP))
            else:
                duty_text = gettext(
                    'lao_crossborder.msg_duty_estimate_ad_valorem',
                    rate=_percent(duty_rate.rate))
            texts.append(gettext(
                    'lao_crossborder.msg_duty_estimate_line',
                    code=item['line'].hs_code,
                    description=item['line'].description_en,
                    cif=item['cif'],
                    duty_calculation=duty_text,
                    duty=item['duty'],
                    duty_date=duty_rate.start_date.isoformat(),
                    vat_rate=_percent(item['vat_rate'].rate),
                    vat=item['vat'],
                    vat_date=item['vat_rate'].start_date.isoformat(),
                    currency=estimate['currency'].code))
        if estimate['lines']:
            texts.append(gettext(
                    'lao_crossborder.msg_duty_estimate_total',
                    cif=estimate['cif'], duty=estimate['duty'],
                    vat=estimate['vat'],
                    currency=estimate['currency'].code))
        return '\n'.join(texts)
