"""Price observations: what a commodity cost on a day in a market or
province, as collected by a market survey, recorded from a platform sale or
imported from open data.

An observation is a fact: once recorded its prices do not change.  It is
normalised when created into the reference currency per the commodity's
standard unit, at the currency rate of its date, and compared with the
recent observations of the same commodity and province: one far from their
median, in scaled median absolute deviations, waits for an operator's
review.  The review's decision is logged in lao.decision."""
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from sql import Literal
from sql.conditionals import Case

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.modules.lao_b2b.vendor import (
    DecideWithReason, WorkflowDecisionMixin)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

from . import analysis
from .exceptions import NormalisationError, ObservationError, ReviewError

PRICE_TYPES = [
    ('farm_gate', "Farm Gate"),
    ('wholesale', "Wholesale"),
    ('retail', "Retail"),
    ('export', "Export"),
    ]
SOURCES = [
    ('survey', "Market Survey"),
    ('platform', "Platform Transaction"),
    ('import', "Import"),
    ]
STATES = [
    ('valid', "Valid"),
    ('flagged', "Flagged for Review"),
    ('accepted', "Accepted"),
    ('rejected', "Rejected"),
    ]
# The observations that count in aggregates
COUNTED_STATES = ['valid', 'accepted']
FACTS = {
    'commodity', 'variety', 'grade', 'market', 'province', 'date',
    'price_min', 'price_max', 'price_modal', 'arrival_quantity',
    'currency', 'unit', 'price_type', 'source', 'collector', 'external_id',
    'price_flag',
    'price_lak', 'price_min_lak', 'price_max_lak', 'week', 'month',
    }
PRICE_DIGITS = (16, 4)


def week_start(date):
    return date - dt.timedelta(days=date.weekday())


def month_start(date):
    return date.replace(day=1)


class Decision(metaclass=PoolMeta):
    __name__ = 'lao.decision'

    @classmethod
    def _resource_models(cls):
        return super()._resource_models() + ['lao.price.observation']


class Observation(WorkflowDecisionMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Price Observation"
    __name__ = 'lao.price.observation'

    commodity = fields.Many2One(
        'lao.price.commodity', "Commodity", required=True,
        ondelete='RESTRICT')
    variety = fields.Char("Variety")
    grade = fields.Char("Grade", help="For example FAQ, fair average quality.")
    market = fields.Many2One('lao.price.market', "Market", ondelete='RESTRICT')
    province = fields.Many2One(
        'country.subdivision', "Province",
        domain=[('country.code', '=', 'LA'), ('parent', '=', None)],
        help="The market's province; empty for a national average.")
    date = fields.Date("Date", required=True)
    week = fields.Date("Week", readonly=True)
    month = fields.Date("Month", readonly=True)
    price_min = fields.Numeric(
        "Minimum Price", digits=PRICE_DIGITS,
        domain=['OR', ('price_min', '=', None), ('price_min', '>', 0)])
    price_max = fields.Numeric(
        "Maximum Price", digits=PRICE_DIGITS,
        domain=['OR', ('price_max', '=', None), ('price_max', '>', 0)])
    price_modal = fields.Numeric(
        "Modal Price", digits=PRICE_DIGITS, required=True,
        domain=[('price_modal', '>', 0)],
        help="The most frequent price of the day; a single price fills the "
        "minimum, maximum and modal prices.")
    arrival_quantity = fields.Float(
        "Arrival Quantity", help="In the observation's unit.")
    currency = fields.Many2One('currency.currency', "Currency", required=True)
    unit = fields.Many2One('product.uom', "Unit", required=True)
    price_type = fields.Selection(PRICE_TYPES, "Price Type", required=True)
    price_type_string = price_type.translated('price_type')
    source = fields.Selection(SOURCES, "Source", required=True)
    source_string = source.translated('source')
    price_flag = fields.Char(
        "Price Flag", help="WFP's priceflag: actual, aggregate or both.")
    collector = fields.Char("Collector", help="Who collected the price.")
    submitted_by = fields.Many2One('res.user', "Submitted By", readonly=True)
    external_id = fields.Char(
        "External ID", readonly=True,
        help="The identity of the row in imported data, so that importing "
        "it again creates nothing.")
    price_lak = fields.Numeric(
        "Normalised Price", digits=PRICE_DIGITS, readonly=True,
        help="The modal price in the reference currency per standard unit.")
    price_min_lak = fields.Numeric(
        "Normalised Minimum", digits=PRICE_DIGITS, readonly=True)
    price_max_lak = fields.Numeric(
        "Normalised Maximum", digits=PRICE_DIGITS, readonly=True)
    outlier_score = fields.Float(
        "Outlier Score", readonly=True,
        help="Distance from the recent median of the commodity in its "
        "province, in scaled median absolute deviations.")
    state = fields.Selection(STATES, "State", readonly=True, required=True)
    state_string = state.translated('state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('external_id_unique', Unique(t, t.external_id),
                'lao_prices.msg_observation_external_id_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.commodity, Index.Equality()),
                    (t.date, Index.Range())),
                Index(t, (t.date, Index.Range())),
                Index(t, (t.week, Index.Range())),
                Index(t, (t.month, Index.Range())),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state == 'flagged'),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('flagged', 'accepted'),
            ('flagged', 'rejected'),
            }
        cls._buttons.update({
                'accept': {
                    'invisible': Eval('state') != 'flagged',
                    'depends': ['state'],
                    },
                'reject_wizard': {
                    'invisible': Eval('state') != 'flagged',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'valid'

    @classmethod
    def default_source(cls):
        return 'survey'

    @classmethod
    def default_price_type(cls):
        return 'retail'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_submitted_by(cls):
        return Transaction().user or None

    @fields.depends('market', 'province')
    def on_change_market(self):
        if self.market and self.market.province:
            self.province = self.market.province

    @fields.depends('commodity', 'unit')
    def on_change_commodity(self):
        if self.commodity and not self.unit:
            self.unit = self.commodity.unit

    def get_rec_name(self, name):
        return '%s %s %s' % (
            self.commodity.rec_name, self.date, self.province.rec_name
            if self.province else '')

    @classmethod
    def check_modification(cls, mode, observations, values=None,
            external=False):
        super().check_modification(
            mode, observations, values=values, external=external)
        if mode == 'write' and FACTS & set(values or {}):
            raise ObservationError(
                gettext('lao_prices.msg_observation_fact'))

    @classmethod
    def _complete(cls, values, factors):
        "Fill the prices, province and periods of an observation to create"
        pool = Pool()
        Market = pool.get('lao.price.market')
        modal = values.get('price_modal')
        if modal is not None:
            if values.get('price_min') is None:
                values['price_min'] = modal
            if values.get('price_max') is None:
                values['price_max'] = modal
            if not (values['price_min'] <= modal <= values['price_max']):
                raise ObservationError(gettext(
                        'lao_prices.msg_observation_price_order',
                        minimum=values['price_min'], modal=modal,
                        maximum=values['price_max']))
        if values.get('market') and 'province' not in values:
            market = Market(values['market'])
            values['province'] = market.province.id if market.province else None
        date = values.get('date')
        if date:
            values['week'] = week_start(date)
            values['month'] = month_start(date)
        if modal is not None and values.get('commodity'):
            factor = cls.normalisation_factor(
                values['commodity'], values['unit'], values['currency'], date,
                factors)
            for name, target in [
                    ('price_modal', 'price_lak'),
                    ('price_min', 'price_min_lak'),
                    ('price_max', 'price_max_lak')]:
                values[target] = (values[name] * factor).quantize(
                    Decimal(1) / 10 ** PRICE_DIGITS[1])

    @classmethod
    def normalisation_factor(cls, commodity, unit, currency, date,
            cache=None):
        """The factor that turns a price in currency per unit into the
        reference currency per the commodity's standard unit on date

        Raises NormalisationError naming the missing unit conversion or
        currency rate."""
        pool = Pool()
        Commodity = pool.get('lao.price.commodity')
        Uom = pool.get('product.uom')
        Currency = pool.get('currency.currency')
        Configuration = pool.get('lao.price.configuration')
        Lang = pool.get('ir.lang')
        key = (int(commodity), int(unit), int(currency), date)
        if cache is not None and key in cache:
            return cache[key]
        commodity = Commodity(int(commodity))
        unit = Uom(int(unit))
        standard = commodity.unit
        if unit.category != standard.category:
            raise NormalisationError(gettext(
                    'lao_prices.msg_observation_no_unit_conversion',
                    unit=unit.rec_name, standard=standard.rec_name,
                    commodity=commodity.rec_name))
        # the price of one standard unit in the observation's currency
        per_standard = Decimal(str(Uom.compute_qty(
                    standard, 1, unit, round=False)))
        reference = Configuration.reference_currency()
        with Transaction().set_context(date=date):
            currency = Currency(int(currency))
            if currency != reference and not (
                    currency.rate and reference.rate):
                missing = currency if not currency.rate else reference
                raise NormalisationError(gettext(
                        'lao_prices.msg_observation_no_rate',
                        currency=missing.rec_name,
                        date=Lang.get().strftime(date)))
            rate = Currency.compute(
                currency, Decimal(1), reference, round=False)
        factor = per_standard * rate
        if cache is not None:
            cache[key] = factor
        return factor

    @classmethod
    def create(cls, vlist):
        # Normalised before the values are stored, with one factor per
        # commodity, unit, currency and date of the batch
        factors = {}
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            cls._complete(values, factors)
        return super().create(vlist)

    @classmethod
    def on_modification(cls, mode, observations, field_names=None):
        super().on_modification(mode, observations, field_names=field_names)
        if mode == 'create':
            cls.flag_outliers(observations)
        if mode == 'create' or (field_names and 'state' in field_names):
            cls.queue_refresh(observations)

    @classmethod
    def on_delete(cls, observations):
        callbacks = super().on_delete(observations)
        keys = cls._refresh_keys(observations)
        callbacks.append(lambda: cls._queue_refresh(keys))
        return callbacks

    @classmethod
    def _refresh_keys(cls, observations):
        return {(o.commodity.id, o.date) for o in observations}

    @classmethod
    def queue_refresh(cls, observations):
        "Queue the refresh of the aggregates of the observations' days"
        cls._queue_refresh(cls._refresh_keys(observations))

    @classmethod
    def _queue_refresh(cls, keys):
        Commodity = Pool().get('lao.price.commodity')
        dates = defaultdict(set)
        for commodity, date in keys:
            dates[commodity].add(date)
        for commodity, days in dates.items():
            Commodity.__queue__.refresh_aggregates(
                [Commodity(commodity)], sorted(days))

    @classmethod
    def recent_prices(cls, pairs, start, end, exclude=()):
        """The normalised modal prices counted in aggregates of the
        (commodity, province) pairs from start to end (included), as
        {(commodity, province): [(date, price), ...]}"""
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        table = cls.__table__()
        result = defaultdict(list)
        commodities = sorted({c for c, _ in pairs})
        excluded = set(exclude)
        for sub_ids in grouped_slice(commodities, backend.MAX_QUERY_PARAMS):
            where = (reduce_ids(table.commodity, sub_ids)
                & (table.date >= start) & (table.date <= end)
                & table.state.in_(COUNTED_STATES))
            cursor.execute(*table.select(
                    table.id, table.commodity, table.province, table.date,
                    table.price_lak, where=where))
            for id_, commodity, province, date, price in cursor:
                if id_ in excluded or (commodity, province) not in pairs:
                    continue
                if isinstance(date, str):
                    date = dt.date.fromisoformat(date)
                result[(commodity, province)].append((date, float(price)))
        return result

    @classmethod
    def flag_outliers(cls, observations):
        """Flag for review the observations far from the recent median of
        their commodity and province"""
        pool = Pool()
        Configuration = pool.get('lao.price.configuration')
        config = Configuration(1)
        window = dt.timedelta(days=config.outlier_window)
        threshold = float(config.outlier_threshold)
        observations = [o for o in observations if o.state == 'valid']
        if not observations:
            return
        pairs = {(o.commodity.id, o.province.id if o.province else None)
            for o in observations}
        start = min(o.date for o in observations) - window
        end = max(o.date for o in observations)
        recent = cls.recent_prices(
            pairs, start, end, exclude=[o.id for o in observations])
        flagged = {}
        for observation in observations:
            key = (observation.commodity.id,
                observation.province.id if observation.province else None)
            sample = [p for d, p in recent.get(key, [])
                if observation.date - window <= d < observation.date]
            if len(sample) < config.outlier_min_sample:
                continue
            score = analysis.robust_z(float(observation.price_lak), sample)
            if score is not None and abs(score) > threshold:
                flagged[observation.id] = score
        if flagged:
            table = cls.__table__()
            cursor = Transaction().connection.cursor()
            cases = Case(*((table.id == i, Literal(round(s, 3)))
                    for i, s in flagged.items()))
            for sub_ids in grouped_slice(
                    list(flagged), backend.MAX_QUERY_PARAMS):
                cursor.execute(*table.update(
                        [table.state, table.outlier_score],
                        ['flagged', cases],
                        where=reduce_ids(table.id, sub_ids)))
            cls._log_transition(
                cls.browse(list(flagged)), 'flagged')

    @classmethod
    def _log_transition(cls, records, to_state, reason=None):
        Decision = Pool().get('lao.decision')
        if to_state == 'flagged':
            # the state was set in SQL: they come from valid
            Decision.log(records, {r: 'valid' for r in records}, to_state,
                reason)
        else:
            super()._log_transition(records, to_state, reason=reason)

    _decide_own_error = ReviewError
    _decide_own_message = 'lao_prices.msg_observation_decide_own'

    @classmethod
    @ModelView.button
    @Workflow.transition('accepted')
    def accept(cls, observations):
        "Keep the flagged observations: the prices were real"
        cls.check_decider(observations)
        cls._log_transition(observations, 'accepted')

    @classmethod
    @ModelView.button_action('lao_prices.wizard_observation_reject')
    def reject_wizard(cls, observations):
        pass


    @classmethod
    def from_sale_lines(cls, lines):
        """Create the anonymised platform observations of marketplace sale
        lines: commodity, province of origin, date, price, quantity and unit,
        nothing of the buyer or the vendor"""
        pool = Pool()
        Commodity = pool.get('lao.price.commodity')
        listings = {l.marketplace_listing for l in lines}
        commodities = Commodity.of_categories(
            [l.category.id for l in listings])
        vlist = []
        factors = {}
        for line in lines:
            listing = line.marketplace_listing
            commodity = commodities.get(listing.category.id)
            sale = line.sale
            if not commodity or not line.unit_price or not line.unit:
                continue
            try:
                cls.normalisation_factor(commodity, line.unit,
                    sale.currency, sale.sale_date, factors)
            except NormalisationError:
                # without a rate the sale says nothing of the price
                continue
            vlist.append({
                    'commodity': commodity.id,
                    'province': (listing.origin_province.id
                        if listing.origin_province else None),
                    'grade': listing.grade,
                    'date': sale.sale_date,
                    'price_modal': line.unit_price,
                    'arrival_quantity': line.quantity,
                    'currency': sale.currency.id,
                    'unit': line.unit.id,
                    'price_type': 'wholesale',
                    'source': 'platform',
                    'submitted_by': None,
                    })
        return cls.create(vlist)


class RejectObservation(DecideWithReason):
    __string__ = "Reject Price Observation"
    __name__ = 'lao.price.observation.reject'
    _decision = 'reject'
