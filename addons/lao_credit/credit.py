"""Credit profiles of vendors and buyers, computed from the platform's facts.

A scoring model (weights, thresholds and grade boundaries) is data and
versioned: once it has produced a score it cannot change, a new version is
made instead, and every score keeps the version that produced it.  Facts are
gathered for all parties at once by a few set-based queries
(`ProfileFacts`), scored by the pure kernel in `scoring.py`, and a snapshot
is kept whenever a party's score or grade changes.
"""
import datetime as dt
import gc
import hashlib
import json
from collections import namedtuple
from decimal import Decimal

from sql import Cast, Column, Expression, Literal, Null, Table, Values
from sql.aggregate import Count, Max, Sum
from sql.conditionals import Case
from sql.functions import CurrentTimestamp, Function

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.modules.lao_b2b.catalogue_version import (
    CatalogueVersionMixin)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction, without_check_access

from . import scoring
from .exceptions import RatingError, ScoringModelError

FACTOR_CODES = [
    ('start', "Starting Score"),
    ('verification', "Government Verification"),
    ('tenure', "Tenure"),
    ('late_shipment', "Late Shipments"),
    ('cancellation', "Cancellations by the Vendor"),
    ('complaint', "Complaints Upheld"),
    ('payment', "Payments by the Due Date"),
    ('days_past_due', "Days Past Due"),
    ('rating', "Buyer Ratings"),
    ('training', "Training"),
    ('warning', "Warnings"),
    ('suspension', "Suspension"),
    ('blacklist', "Blacklist"),
    ('bound', "Bounded to 0-1000"),
    ]

# The defaults of version 1, in kip: a month of a small shop's deliveries
# for the best buyers, nothing deferred below grade B
DEFAULT_CREDIT_LIMITS = {
    'AAA': Decimal(50_000_000), 'AA': Decimal(30_000_000),
    'A': Decimal(20_000_000), 'BBB': Decimal(10_000_000),
    'BB': Decimal(5_000_000), 'B': Decimal(2_000_000),
    'CCC': Decimal(0), 'CC': Decimal(0), 'C': Decimal(0)}
DEFAULT_PROTECTED_AMOUNTS = {
    'AAA': Decimal(200_000_000), 'AA': Decimal(100_000_000),
    'A': Decimal(60_000_000), 'BBB': Decimal(30_000_000),
    'BB': Decimal(15_000_000), 'B': Decimal(8_000_000),
    'CCC': Decimal(3_000_000), 'CC': Decimal(1_000_000), 'C': Decimal(0)}
DEFAULT_NEW_CREDIT_LIMIT = Decimal(1_000_000)
DEFAULT_NEW_PROTECTED_AMOUNT = Decimal(50_000_000)

# From this many parties a recompute writes set-based, below it through
# the records (the event-driven recompute of one party)
SET_BASED_MINIMUM = 50

MODEL_STATES = [
    ('draft', "Draft"),
    ('active', "Active"),
    ('archived', "Archived"),
    ]

# The parameters of scoring.Parameters stored on the scoring model
PARAMETERS = [
    'base_score', 'min_history', 'prior_weight', 'verification_points',
    'tenure_points', 'tenure_full_days', 'late_shipment_points',
    'late_shipment_rate', 'cancellation_points', 'cancellation_rate',
    'complaint_points', 'complaint_rate', 'payment_points',
    'late_payment_rate', 'days_past_due_points', 'days_past_due_full',
    'rating_points', 'rating_neutral', 'warning_points',
    'suspension_points', 'training_points', 'training_full_courses']
_RATES = {
    'late_shipment_rate', 'cancellation_rate', 'complaint_rate',
    'late_payment_rate', 'rating_neutral'}


class ScoringModel(CatalogueVersionMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Credit Scoring Model"
    __name__ = 'lao.credit.scoring_model'
    _rec_name = 'name'

    name = fields.Char("Name", required=True, translate=True)
    version = fields.Integer("Version", required=True)
    state = fields.Selection(MODEL_STATES, "State", readonly=True)
    grades = fields.One2Many(
        'lao.credit.scoring_model.grade', 'scoring_model', "Grades")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('version_unique', Unique(t, t.version),
                'lao_credit.msg_scoring_model_version_unique'),
            ]
        cls._order = [('version', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'active'),
            ('active', 'archived'),
            }
        cls._buttons.update({
                'activate': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    new_party_credit_limit = fields.Numeric(
        "Credit Limit with Little History", digits=(16, 2), required=True,
        help="The credit limit of a buyer with too little history.")
    new_party_protected_amount = fields.Numeric(
        "Protected Amount with Little History", digits=(16, 2),
        required=True,
        help="The protected amount of a vendor with too little history.")

    @classmethod
    def default_new_party_credit_limit(cls):
        return DEFAULT_NEW_CREDIT_LIMIT

    @classmethod
    def default_new_party_protected_amount(cls):
        return DEFAULT_NEW_PROTECTED_AMOUNT

    @classmethod
    def default_grades(cls):
        return [{'code': c, 'minimum': m,
                'credit_limit': DEFAULT_CREDIT_LIMITS[c],
                'protected_amount': DEFAULT_PROTECTED_AMOUNTS[c]}
            for c, m in scoring.Parameters().grades]

    @classmethod
    def copy(cls, models, default=None):
        default = default.copy() if default else {}
        default.setdefault('state', 'draft')
        if 'version' not in default:
            versions = iter(range(
                    max([m.version for m in cls.search([])]
                        + [m.version for m in models], default=0) + 1,
                    2 ** 31))
            default['version'] = lambda data: next(versions)
        return super().copy(models, default=default)

    @classmethod
    def check_modification(cls, mode, models, values=None, external=False):
        super().check_modification(
            mode, models, values=values, external=external)
        if mode == 'delete' or (
                mode == 'write' and set(values) - {'state'}):
            for model in models:
                if model.state != 'draft':
                    raise ScoringModelError(gettext(
                            'lao_credit.msg_scoring_model_used',
                            model=model.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('active')
    def activate(cls, models):
        "Make the model the one that scores, archiving the previous one"
        if len(models) > 1:
            raise ScoringModelError(gettext(
                    'lao_credit.msg_scoring_model_one_active'))
        for model in models:
            model.parameters()
        cls.archive(cls.search([
                    ('state', '=', 'active'),
                    ('id', 'not in', [m.id for m in models]),
                    ]))

    @classmethod
    @Workflow.transition('archived')
    def archive(cls, models):
        pass

    @classmethod
    def get_active(cls):
        """The active model; the first time, version 1 is made from the
        kernel's defaults and activated"""
        models = cls.search([('state', '=', 'active')], limit=1)
        if not models and not cls.search([], limit=1):
            model, = cls.create([{
                        'name': gettext(
                            'lao_credit.msg_scoring_model_default'),
                        'version': 1,
                        'grades': [('create', cls.default_grades())],
                        }])
            cls.activate([model])
            models = [model]
        if not models:
            raise ScoringModelError(gettext(
                    'lao_credit.msg_scoring_model_none_active'))
        model, = models
        return model

    def parameters(self):
        "The model as the parameters of the scoring kernel"
        values = {}
        for name in PARAMETERS:
            value = getattr(self, name)
            values[name] = float(value) if name in _RATES else value
        grades = [(g.code, g.minimum) for g in self.grades]
        if not grades or min(m for _, m in grades) > scoring.SCORE_MIN:
            raise ScoringModelError(gettext(
                    'lao_credit.msg_scoring_model_lowest_grade',
                    model=self.rec_name))
        return scoring.Parameters(grades=grades, **values)


def _parameter_fields():
    defaults = scoring.Parameters()
    labels = {
        'base_score': "Starting Score",
        'min_history': "Minimum History",
        'prior_weight': "Pseudo-Events",
        'verification_points': "Verification Points",
        'tenure_points': "Tenure Points",
        'tenure_full_days': "Days for Full Tenure",
        'late_shipment_points': "Late Shipment Points",
        'late_shipment_rate': "Expected Late Shipment Rate",
        'cancellation_points': "Cancellation Points",
        'cancellation_rate': "Expected Cancellation Rate",
        'complaint_points': "Complaint Points",
        'complaint_rate': "Expected Complaint Rate",
        'payment_points': "Payment Points",
        'late_payment_rate': "Expected Late Payment Rate",
        'days_past_due_points': "Days Past Due Points",
        'days_past_due_full': "Days Past Due for All Points",
        'rating_points': "Rating Points",
        'rating_neutral': "Neutral Rating",
        'warning_points': "Points per Warning",
        'suspension_points': "Suspension Points",
        'training_points': "Training Points",
        'training_full_courses': "Courses for All Training Points",
        }
    for name in PARAMETERS:
        default = getattr(defaults, name)
        if name in _RATES:
            field = fields.Numeric(labels[name], digits=(16, 4), required=True)
            default = Decimal(str(default))
        else:
            field = fields.Integer(labels[name], required=True)
        setattr(ScoringModel, name, field)
        setattr(ScoringModel, 'default_' + name,
            classmethod(lambda cls, default=default: default))


_parameter_fields()


class ScoringModelGrade(CatalogueVersionMixin, ModelSQL, ModelView):
    __string__ = "Credit Grade Boundary"
    __name__ = 'lao.credit.scoring_model.grade'
    _rec_name = 'code'

    scoring_model = fields.Many2One(
        'lao.credit.scoring_model', "Scoring Model", required=True,
        ondelete='CASCADE')
    code = fields.Char("Grade", required=True)
    minimum = fields.Integer(
        "Minimum Score", required=True,
        domain=[('minimum', '>=', scoring.SCORE_MIN),
            ('minimum', '<=', scoring.SCORE_MAX)])
    credit_limit = fields.Numeric(
        "Credit Limit", digits=(16, 2), required=True,
        domain=[('credit_limit', '>=', 0)],
        help="The deferred payment a buyer of this grade may owe a vendor, "
        "in the vendor's currency.")
    protected_amount = fields.Numeric(
        "Protected Amount", digits=(16, 2), required=True,
        domain=[('protected_amount', '>=', 0)],
        help="The largest open order value the platform guarantees to "
        "buyers for a vendor of this grade.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('minimum', 'DESC'), ('id', 'ASC')]

    @classmethod
    def check_modification(cls, mode, grades, values=None, external=False):
        super().check_modification(
            mode, grades, values=values, external=external)
        for grade in grades:
            if grade.scoring_model.state != 'draft':
                raise ScoringModelError(gettext(
                        'lao_credit.msg_scoring_model_used',
                        model=grade.scoring_model.rec_name))


class Profile(CatalogueVersionMixin, ModelSQL, ModelView):
    __string__ = "Credit Profile"
    __name__ = 'lao.credit.profile'

    party = fields.Many2One(
        'party.party', "Party", required=True, readonly=True,
        ondelete='CASCADE',
        context={'company': Eval('vendor', -1)}, depends={'vendor'})
    vendor = fields.Many2One(
        'company.company', "Vendor", readonly=True,
        help="The vendor company of the party, if it is a vendor.")
    score = fields.Integer("Score", readonly=True)
    grade = fields.Char("Grade", readonly=True)
    little_history = fields.Boolean(
        "Too Little History", readonly=True,
        help="The party has too few orders, payments and ratings yet: "
        "its score is the neutral start.")
    computed_at = fields.Timestamp("Computed At", readonly=True)
    scoring_model = fields.Many2One(
        'lao.credit.scoring_model', "Scoring Model", readonly=True)
    factors = fields.One2Many(
        'lao.credit.factor', 'profile', "Factors", readonly=True)
    snapshots = fields.One2Many(
        'lao.credit.snapshot', 'profile', "History", readonly=True)
    factors_digest = fields.Char(
        "Factors Digest", readonly=True,
        help="A digest of the factors, which tells the recompute whether "
        "they changed.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('party_unique', Unique(t, t.party),
                'lao_credit.msg_profile_party_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.vendor, Index.Range())))
        cls._order = [('score', 'DESC NULLS LAST'), ('id', 'ASC')]

    def get_rec_name(self, name):
        return '%s: %s (%s)' % (self.party.rec_name, self.grade, self.score)

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('party.rec_name',) + tuple(clause[1:])]

    @classmethod
    def recompute_all(cls):
        "Recompute the profile of every party (the nightly cron)"
        cls._recompute(None)

    @classmethod
    def queue_recompute(cls, parties):
        "Recompute the parties' profiles in the queue after the commit"
        Party = Pool().get('party.party')
        ids = sorted({getattr(p, 'id', p) for p in parties if p})
        if ids:
            with without_check_access():
                Party.__queue__.recompute_credit(Party.browse(ids))

    @classmethod
    def recompute(cls, party_ids=None, set_based=None):
        """Score the parties (all when None) with the active model

        The writes are set-based (a few statements over all the parties)
        for the full recompute and from SET_BASED_MINIMUM parties, through
        the records below it (the event-driven recompute of a party); both
        write the same profiles, factors and snapshots.  Return the
        profiles."""
        return cls.browse(cls._recompute(party_ids, set_based=set_based))

    @classmethod
    def _recompute(cls, party_ids, set_based=None):
        "Recompute the parties' profiles and return their ids"
        # The facts, factors and rows of every party are many small
        # objects without cycles: the cyclic garbage collector would scan
        # the whole heap again and again while they are made
        enabled = gc.isenabled()
        gc.disable()
        try:
            return cls._recompute_scores(party_ids, set_based=set_based)
        finally:
            if enabled:
                gc.enable()

    @classmethod
    def _recompute_scores(cls, party_ids, set_based=None):
        "Score the parties, write their scores and return the profile ids"
        pool = Pool()
        ScoringModel = pool.get('lao.credit.scoring_model')
        with without_check_access():
            model = ScoringModel.get_active()
            parameters = model.parameters()
            facts = ProfileFacts(party_ids).collect()
            grades = scoring.ordered_grades(parameters.grades)
            score, grade = scoring.score, scoring.grade_of
            minimum = parameters.min_history
            scores = {}
            for party, party_facts in facts.items():
                value, factors = score(party_facts, parameters)
                scores[party] = _Score(
                    party_facts.company, value, grade(value, grades),
                    party_facts.history < minimum, factors, _digest(factors))
            if set_based is None:
                set_based = (party_ids is None
                    or len(scores) >= SET_BASED_MINIMUM)
            if set_based:
                ids = cls._write_scores(model, scores, party_ids is None)
            else:
                ids = cls._save_scores(model, scores)
        return ids

    @classmethod
    def _save_scores(cls, model, scores):
        """Write the scores through the records: every profile, its factors
        replaced, a snapshot when its score, grade or model changed; return
        the profile ids in the order of scores"""
        pool = Pool()
        Factor = pool.get('lao.credit.factor')
        Snapshot = pool.get('lao.credit.snapshot')
        now = dt.datetime.now()
        existing = {}
        for sub_ids in grouped_slice(list(scores), backend.MAX_QUERY_PARAMS):
            for profile in cls.search([('party', 'in', list(sub_ids))]):
                existing[profile.party.id] = profile
        to_save, snapshots = [], []
        for party, score in scores.items():
            profile = existing.get(party)
            snapshots.append(not profile or profile.score != score.score
                or profile.grade != score.grade
                or profile.scoring_model != model)
            if not profile:
                profile = cls(party=party)
            profile.vendor = score.vendor
            profile.score = score.score
            profile.grade = score.grade
            profile.little_history = score.little_history
            profile.computed_at = now
            profile.scoring_model = model
            profile.factors_digest = score.digest
            to_save.append(profile)
        cls.save(to_save)
        Factor.delete(Factor.search([
                    ('profile', 'in', [p.id for p in to_save])]))
        Factor.create([{
                    'profile': p.id,
                    'sequence': sequence,
                    'code': code,
                    'points': points,
                    'message': message,
                    'values': values,
                    }
                for p, score in zip(to_save, scores.values())
                for sequence, code, points, message, values
                in _factor_rows(score.factors)])
        Snapshot.create([{
                    'profile': p.id,
                    'date': now,
                    'score': p.score,
                    'grade': p.grade,
                    'scoring_model': model.id,
                    } for p, changed in zip(to_save, snapshots) if changed])
        return [p.id for p in to_save]

    @classmethod
    def _write_scores(cls, model, scores, everyone):
        """Write the scores set-based: the new profiles inserted, the
        changed ones updated from a list of values, their factors deleted
        and inserted again only when they changed, a snapshot only when the
        score, grade or model changed, and only the computation date of the
        others; each statement over a slice of at most
        backend.MAX_QUERY_PARAMS parameters.  everyone tells that scores
        holds every active party (the full recompute).  Return the profile
        ids in the order of scores."""
        pool = Pool()
        Factor = pool.get('lao.credit.factor')
        Snapshot = pool.get('lao.credit.snapshot')
        Party = pool.get('party.party')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        user = transaction.user
        now = dt.datetime.now()
        profile = cls.__table__()
        factor = Factor.__table__()
        snapshot = Snapshot.__table__()

        columns = [profile.id, profile.party, profile.vendor, profile.score,
            profile.grade, profile.little_history, profile.scoring_model,
            profile.factors_digest]
        existing = {}

        def read(where):
            cursor.execute(*profile.select(*columns, where=where))
            for row in cursor:
                existing[row[1]] = row
        if everyone:
            read(Literal(True))
        else:
            for sub_ids in _slices(list(scores), 1):
                read(reduce_ids(profile.party, sub_ids))

        new, changed, refactored, unchanged, snapshots = [], [], [], [], []
        for party, score in scores.items():
            row = existing.get(party)
            if row is None:
                new.append(party)
                continue
            id_, _, vendor, value, grade, little, model_id, digest = row
            if (value != score.score or grade != score.grade
                    or model_id != model.id):
                snapshots.append(party)
            if digest != score.digest:
                refactored.append(id_)
            if ((vendor, value, grade, bool(little), model_id, digest)
                    != (score.vendor, score.score, score.grade,
                        score.little_history, model.id, score.digest)):
                changed.append(id_)
            else:
                unchanged.append(id_)

        def typed(Model, *names):
            return [(n, getattr(Model, n).sql_type().base) for n in names]

        copy = _copies(cursor)
        if copy:
            # COPY needs the values: the timestamp CURRENT_TIMESTAMP
            # stores, and the ids of the new profiles from their sequence
            cursor.execute('SELECT CAST(CURRENT_TIMESTAMP AS TIMESTAMP)')
            timestamp, = cursor.fetchone()
        else:
            timestamp = CurrentTimestamp()

        # The new profiles, then their ids
        new_ids = (transaction.database.nextid(
                transaction.connection, cls._table, len(new))
            if copy and new else None)
        if new_ids is not None:
            if len(new) == 1:
                new_ids = [new_ids]
            for party, id_ in zip(new, new_ids):
                existing[party] = (id_,)
        profile_columns = ['party', 'vendor', 'score', 'grade',
            'little_history', 'factors_digest']
        _insert(cursor, profile,
            (typed(cls, 'id') if new_ids else []) + typed(cls,
                *profile_columns),
            [[*([existing[p][0]] if new_ids else []), p, scores[p].vendor,
                    scores[p].score, scores[p].grade,
                    scores[p].little_history, scores[p].digest]
                for p in new],
            [profile.computed_at, profile.scoring_model, profile.create_uid,
                profile.create_date],
            [now, model.id, user, timestamp], copy=copy)
        if new_ids is None:
            # read back the ids the database gave
            if everyone and new:
                read(Literal(True))
            else:
                for sub_parties in _slices(new, 1):
                    read(reduce_ids(profile.party, sub_parties))
        snapshots += new
        ids = {p: existing[p][0] for p in scores}
        parties = {i: p for p, i in ids.items()}

        # The changed profiles from a list of their new values
        def set_changed(values, column):
            cursor.execute(*profile.update([
                        profile.vendor, profile.score, profile.grade,
                        profile.little_history, profile.factors_digest,
                        profile.computed_at, profile.scoring_model,
                        profile.write_uid, profile.write_date], [
                        Cast(column[1], cls.vendor.sql_type().base),
                        Cast(column[2], cls.score.sql_type().base),
                        Cast(column[3], cls.grade.sql_type().base),
                        Cast(column[4], cls.little_history.sql_type().base),
                        Cast(column[5], cls.factors_digest.sql_type().base),
                        now, model.id, user, timestamp],
                    from_=[values],
                    where=profile.id == Cast(
                        column[0], cls.id.sql_type().base)))

        def changed_rows(sub_ids):
            return [[i, scores[parties[i]].vendor, scores[parties[i]].score,
                    scores[parties[i]].grade,
                    scores[parties[i]].little_history,
                    scores[parties[i]].digest]
                for i in sub_ids]
        if copy and changed:
            # one statement from a temporary table filled by COPY
            values = Table('lao_credit_profile_recompute')
            cursor.execute('CREATE TEMPORARY TABLE "%s" (%s)' % (
                    values._name, ', '.join('"column%s" %s' % (i + 1, t)
                        for i, (_, t) in enumerate(
                            typed(cls, 'id', *profile_columns[1:])))))
            _copy(cursor, values,
                ['column%s' % n for n in range(1, 7)],
                changed_rows(changed))
            cursor.execute('ANALYZE "%s"' % values._name)
            set_changed(values,
                [Column(values, 'column%s' % n) for n in range(1, 7)])
            cursor.execute('DROP TABLE "%s"' % values._name)
        else:
            for sub_ids in _slices(changed, 6):
                values = Values(changed_rows(sub_ids))
                set_changed(values,
                    [Column(values, 'column%s' % n) for n in range(1, 7)])
        # Only the date of the computation of the others
        touch = [profile.computed_at, profile.write_uid, profile.write_date]
        if everyone:
            party = Party.__table__()
            cursor.execute(*profile.update(touch,
                    [now, user, timestamp],
                    where=profile.party.in_(party.select(party.id,
                            where=party.active == Literal(True)))
                    & ((profile.computed_at == Null)
                        | (profile.computed_at != now))))
        else:
            for sub_ids in _slices(unchanged, 1):
                cursor.execute(*profile.update(touch,
                        [now, user, timestamp],
                        where=reduce_ids(profile.id, sub_ids)))

        # The factors of the new profiles and of those whose factors changed
        def factor_ids(profile_ids):
            ids_ = []
            for sub_ids in _slices(profile_ids, 1):
                cursor.execute(*factor.select(factor.id,
                        where=reduce_ids(factor.profile, sub_ids)))
                ids_ += [i for i, in cursor]
            return ids_
        if Factor._history:
            Factor._insert_history(factor_ids(refactored), True)
        for sub_ids in _slices(refactored, 1):
            cursor.execute(*factor.delete(
                    where=reduce_ids(factor.profile, sub_ids)))
        refactored = [ids[p] for p in new] + refactored
        rows = [[i, *row]
            for i in refactored
            for row in _factor_rows(scores[parties[i]].factors)]
        _insert(cursor, factor,
            typed(Factor, 'profile', 'sequence', 'code', 'points', 'message',
                'values'),
            rows, [factor.create_uid, factor.create_date],
            [user, timestamp], copy=copy)

        # A snapshot of the profiles whose score changed
        _insert(cursor, snapshot,
            typed(Snapshot, 'profile', 'score', 'grade'),
            [[ids[p], scores[p].score, scores[p].grade] for p in snapshots],
            [snapshot.date, snapshot.scoring_model, snapshot.create_uid,
                snapshot.create_date],
            [now, model.id, user, timestamp], copy=copy)

        # The history of the models that keep one, and what the records
        # of this transaction may hold of the old values
        written = [ids[p] for p in scores]
        if cls._history:
            cls._insert_history(written)
        if Factor._history:
            Factor._insert_history(factor_ids(refactored))
        if Snapshot._history:
            for sub_parties in _slices(snapshots, 1):
                cursor.execute(*snapshot.select(snapshot.id,
                        where=(snapshot.date == now) & reduce_ids(
                            snapshot.profile, [ids[p] for p in sub_parties])))
                Snapshot._insert_history([i for i, in cursor])
        _written(cls, written, created=bool(new))
        _written(Factor, created=bool(rows))
        _written(Snapshot, created=bool(snapshots))
        return written

    def _policy(self, grade_field, new_field):
        "The amount of the policy for the profile and the reason for it"
        model = self.scoring_model
        if self.little_history:
            return getattr(model, new_field), gettext(
                'lao_credit.msg_policy_little_history',
                grade=self.grade, score=self.score)
        for grade in model.grades:
            if grade.code == self.grade:
                return getattr(grade, grade_field), gettext(
                    'lao_credit.msg_policy_grade',
                    grade=self.grade, score=self.score)
        return None, None

    @classmethod
    def _unscored_policy(cls, new_field):
        """The amount of the policy for a party not scored yet and the
        reason for it: the one of parties with too little history in the
        active scoring model (the kernel's default before the first
        scoring)"""
        ScoringModel = Pool().get('lao.credit.scoring_model')
        models = ScoringModel.search([('state', '=', 'active')], limit=1)
        if models:
            amount = getattr(models[0], new_field)
        else:
            amount = getattr(ScoringModel, 'default_' + new_field)()
        return amount, gettext('lao_credit.msg_policy_not_scored')

    @classmethod
    def credit_limit(cls, party):
        "The credit limit of the party as a buyer and why"
        with without_check_access():
            profiles = cls.search([('party', '=', party.id)], limit=1)
            if not profiles:
                return cls._unscored_policy('new_party_credit_limit')
            return profiles[0]._policy(
                'credit_limit', 'new_party_credit_limit')

    @classmethod
    def protected_amount(cls, party):
        "The protected order amount of the party as a vendor and why"
        with without_check_access():
            profiles = cls.search([('party', '=', party.id)], limit=1)
            if not profiles:
                return cls._unscored_policy('new_party_protected_amount')
            return profiles[0]._policy(
                'protected_amount', 'new_party_protected_amount')

    @classmethod
    def public_summary(cls, parties):
        """The grade, score and factor points of each party, which everyone
        may see: {party id: {'grade', 'score', 'little_history',
        'factors': [(label, points)]}}"""
        Factor = Pool().get('lao.credit.factor')
        codes = dict(Factor.fields_get(['code'])['code']['selection'])
        ids = [getattr(p, 'id', p) for p in parties]
        with without_check_access():
            profiles = cls.search([('party', 'in', ids)])
            return {p.party.id: {
                    'grade': p.grade,
                    'score': p.score,
                    'little_history': p.little_history,
                    'factors': [(codes[f.code], f.points) for f in p.factors],
                    } for p in profiles}

    @classmethod
    def _active_grades(cls):
        """The (code, minimum) of the grades of the active scoring model,
        the best first; the kernel's defaults before the first scoring
        (read-only: version 1 is made by the first recompute)"""
        ScoringModel = Pool().get('lao.credit.scoring_model')
        with without_check_access():
            models = ScoringModel.search([('state', '=', 'active')], limit=1)
            if models:
                return [(g.code, g.minimum) for g in models[0].grades]
        return sorted(scoring.Parameters().grades,
            key=lambda g: g[1], reverse=True)

    @classmethod
    def grade_choices(cls):
        "The grades of the active scoring model, the best first"
        return [c for c, _ in cls._active_grades()]

    @classmethod
    def grades_at_least(cls, code):
        """The grade codes of the active model as good as code or better,
        or None for an unknown code"""
        grades = cls._active_grades()
        minimum = dict(grades).get(code)
        if minimum is None:
            return None
        return [c for c, m in grades if m >= minimum]

    @classmethod
    def public_history(cls, party, limit=60):
        """The score of the party over time, which everyone may see: the
        latest snapshots as [(date, score, grade)], the oldest first"""
        Snapshot = Pool().get('lao.credit.snapshot')
        with without_check_access():
            snapshots = Snapshot.search([
                    ('profile.party', '=', getattr(party, 'id', party)),
                    ], order=[('date', 'DESC'), ('id', 'DESC')],
                limit=limit)
            return [(s.date, s.score, s.grade) for s in reversed(snapshots)]

    @classmethod
    def vendor_page(cls, company):
        """What the vendor's public page shows of its credit: the public
        summary, the score over time and the protected order amount with
        why; None without a profile"""
        party = company.party
        summary = cls.public_summary([party]).get(party.id)
        if summary is None:
            return None
        amount, reason = cls.protected_amount(party)
        return dict(summary, history=cls.public_history(party),
            protected_amount=amount, protected_reason=reason,
            currency=company.currency)

    @classmethod
    def own_profile(cls, party):
        """The whole profile of the party, for the party itself: score,
        grade, factors with their evidence, and as a buyer its credit limit
        with why and its exposure to each vendor it owes; None without a
        profile"""
        pool = Pool()
        Factor = pool.get('lao.credit.factor')
        codes = dict(Factor.fields_get(['code'])['code']['selection'])
        with without_check_access():
            profiles = cls.search([('party', '=', party.id)], limit=1)
            if not profiles:
                return None
            profile, = profiles
            limit, reason = profile._policy(
                'credit_limit', 'new_party_credit_limit')
            exposures = cls.exposures(party)
            # The amounts of the policy are in the vendors' currency
            Company = pool.get('company.company')
            vendors = [c for c, _ in exposures] or Company.search(
                [('vendor_state', '=', 'active')], limit=1)
            return {
                'currency': vendors[0].currency if vendors else None,
                'grade': profile.grade,
                'score': profile.score,
                'little_history': profile.little_history,
                'computed_at': profile.computed_at,
                'model': profile.scoring_model.rec_name,
                'factors': [(codes[f.code], f.points, f.evidence)
                    for f in profile.factors],
                'credit_limit': limit,
                'credit_reason': reason,
                'exposures': exposures,
                }

    @classmethod
    def exposures(cls, party):
        """What the party owes each vendor on credit or has ordered from it
        and not yet been invoiced, as the credit limit counts it:
        [(company, amount)] of the vendors with an exposure"""
        pool = Pool()
        Company = pool.get('company.company')
        Sale = pool.get('sale.sale')
        Party = pool.get('party.party')
        sale = Sale.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*sale.select(sale.company,
                where=(sale.party == party.id)
                & sale.state.in_(['confirmed', 'processing', 'done']),
                group_by=[sale.company]))
        exposures = []
        for company in Company.browse([c for c, in cursor]):
            # The receivable of a party is the one of the context's company
            with Transaction().set_user(0), \
                    Transaction().set_context(company=company.id):
                amount = Party(party.id).credit_amount
            if amount:
                exposures.append((company, amount))
        return exposures


class Factor(CatalogueVersionMixin, ModelSQL, ModelView):
    __string__ = "Credit Factor"
    __name__ = 'lao.credit.factor'

    profile = fields.Many2One(
        'lao.credit.profile', "Profile", required=True, readonly=True,
        ondelete='CASCADE')
    sequence = fields.Integer("Sequence", readonly=True)
    code = fields.Selection(FACTOR_CODES, "Factor", readonly=True)
    points = fields.Integer("Points", readonly=True)
    message = fields.Char("Message", readonly=True)
    values = fields.Text("Values", readonly=True)
    evidence = fields.Function(fields.Text("Evidence"), 'get_evidence')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('profile', 'ASC'), ('sequence', 'ASC'), ('id', 'ASC')]
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.profile, Index.Range())))

    def get_evidence(self, name):
        "The evidence in the reader's language"
        values = json.loads(self.values or '{}')
        return gettext('lao_credit.%s' % self.message, **values)


class Snapshot(CatalogueVersionMixin, ModelSQL, ModelView):
    __string__ = "Credit Score Snapshot"
    __name__ = 'lao.credit.snapshot'

    profile = fields.Many2One(
        'lao.credit.profile', "Profile", required=True, readonly=True,
        ondelete='CASCADE')
    date = fields.Timestamp("Date", required=True, readonly=True)
    score = fields.Integer("Score", readonly=True)
    grade = fields.Char("Grade", readonly=True)
    scoring_model = fields.Many2One(
        'lao.credit.scoring_model', "Scoring Model", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.profile, Index.Range())))


class Rating(ModelSQL, ModelView):
    __string__ = "Vendor Rating"
    __name__ = 'lao.credit.rating'

    sale = fields.Many2One(
        'sale.sale', "Sale", required=True, ondelete='CASCADE',
        domain=[('shipment_state', '=', 'sent')],
        help="A delivered sale: only its buyer rates its vendor, once.")
    vendor = fields.Many2One('party.party', "Vendor", readonly=True)
    buyer = fields.Many2One('party.party', "Buyer", readonly=True)
    rating = fields.Integer(
        "Rating", required=True,
        domain=[('rating', '>=', 1), ('rating', '<=', 5)])
    comment = fields.Text("Comment")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('sale_unique', Unique(t, t.sale),
                'lao_credit.msg_rating_sale_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.vendor, Index.Range())))

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('sale'):
            sale = Pool().get('sale.sale')(values['sale'])
            values['vendor'] = sale.company.party.id
            values['buyer'] = sale.party.id
        return values

    @classmethod
    def validate_fields(cls, ratings, field_names):
        super().validate_fields(ratings, field_names)
        if field_names & {'sale'}:
            for rating in ratings:
                if rating.sale.shipment_state != 'sent':
                    raise RatingError(gettext(
                            'lao_credit.msg_rating_not_delivered',
                            sale=rating.sale.rec_name))

    @classmethod
    def on_modification(cls, mode, ratings, field_names=None):
        super().on_modification(mode, ratings, field_names=field_names)
        Pool().get('lao.credit.profile').queue_recompute(
            [r.vendor for r in ratings])

    @classmethod
    def rate(cls, party, sale, rating, comment=None):
        """Record the rating by the buyer party of its delivered sale

        The web action of the storefront: a buyer rates only its own
        sales."""
        if sale.party != party:
            raise RatingError(gettext(
                    'lao_credit.msg_rating_not_buyer', sale=sale.rec_name))
        if sale.shipment_state != 'sent':
            raise RatingError(gettext(
                    'lao_credit.msg_rating_not_delivered',
                    sale=sale.rec_name))
        with without_check_access():
            if cls.search([('sale', '=', sale.id)], limit=1):
                raise RatingError(gettext(
                        'lao_credit.msg_rating_sale_unique'))
        with without_check_access():
            record, = cls.create([{
                        'sale': sale.id,
                        'rating': rating,
                        'comment': comment,
                        }])
        return record


# A party's score before it is written, its factors those of the kernel
_Score = namedtuple('_Score', [
        'vendor', 'score', 'grade', 'little_history', 'factors', 'digest'])


def _digest(factors):
    """The digest of the kernel's factors, stored on the profile: the
    factors are written again only when it changes"""
    return hashlib.sha1(repr([(f.code, f.points, f.evidence, f.values)
                for f in factors]).encode()).hexdigest()


# json.dumps(values, default=str) without making an encoder each time
_encode = json.JSONEncoder(default=str).encode


def _factor_rows(factors):
    """The kernel's factors as the rows of lao.credit.factor:
    (sequence, code, points, message, values)"""
    return [(i, f.code, f.points, f.evidence,
            _encode(f.values) if f.values else '{}')
        for i, f in enumerate(factors)]


def _insert(cursor, table, columns, rows, extra_columns, extra_values,
        copy=False):
    """Insert the rows of values of the columns (name, SQL type)
    set-based, with the same extra values (create_uid, create_date) for
    every row: with copy (PostgreSQL), one COPY of every row; else each
    statement an INSERT ... SELECT of a list of at most
    backend.MAX_QUERY_PARAMS values cast to the columns' types (a column of
    NULLs only is no text)"""
    if copy:
        if rows:
            extra_values = list(extra_values)
            _copy(cursor, table,
                [n for n, _ in columns] + [c.name for c in extra_columns],
                [[*r, *extra_values] for r in rows])
        return
    for sub_rows in _slices(rows, len(columns)):
        values = Values(sub_rows)
        cursor.execute(*table.insert(
                [Column(table, n) for n, _ in columns] + extra_columns,
                values.select(*[
                        Cast(Column(values, 'column%s' % (i + 1)), type_)
                        for i, (_, type_) in enumerate(columns)]
                    + [v if isinstance(v, Expression) else Literal(v)
                        for v in extra_values])))


def _copies(cursor):
    "Whether the cursor writes rows with COPY (psycopg 3 on PostgreSQL)"
    return backend.name == 'postgresql' and hasattr(cursor, 'copy')


def _copy(cursor, table, names, rows):
    "COPY the rows of values of the columns named into the table"
    with cursor.copy('COPY "%s" (%s) FROM STDIN' % (
                table._name, ', '.join('"%s"' % n for n in names))) as copy:
        for row in rows:
            copy.write_row(row)


# At most this many parameters in a statement of values: psycopg splits
# a query for its parameters in a time that grows faster than their number
# (1.3 s for 14 statements of 30,000)
VALUES_PARAMS = 2_000


def _slices(items, parameters):
    """The items in slices of at most backend.MAX_QUERY_PARAMS parameters,
    each item taking that many; of at most VALUES_PARAMS for a list of
    values (more than one parameter an item)"""
    limit = backend.MAX_QUERY_PARAMS
    if parameters > 1:
        limit = min(limit, VALUES_PARAMS)
    size = max(1, limit // parameters)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _written(Model, ids=None, created=False):
    """Forget what the transaction holds of Model after raw SQL writes to
    the ids (all when None), as ModelStorage.write and delete do: the
    transaction counter refreshes every record's own cache, the records are
    dropped from the transaction's caches, the estimated count is reset
    when records were created or deleted (the history of a model with
    _history is the caller's: Model._insert_history)"""
    transaction = Transaction()
    transaction.counter += 1
    for cache in transaction.cache.values():
        if Model.__name__ in cache:
            if ids is None:
                cache.pop(Model.__name__)
            else:
                records = cache[Model.__name__]
                for id_ in ids:
                    records.pop(id_, None)
    if created:
        Model._count_cache.set(Model.__name__, None)


def _days(end, start):
    "The number of days from start to end, both dates"
    if backend.name == 'sqlite':
        return JulianDay(end) - JulianDay(start)
    return end - start


class JulianDay(Function):
    __slots__ = ()
    _function = 'JULIANDAY'


class ProfileFacts:
    """The facts of many parties, each gathered by one set-based query over
    all of them (or over party_ids when given)"""

    def __init__(self, party_ids=None, today=None):
        self.party_ids = party_ids
        self.today = today or Pool().get('ir.date').today()
        self.facts = {}

    def _where(self, column):
        if self.party_ids is None:
            return Literal(True)
        return reduce_ids(column, self.party_ids)

    def _rows(self, query):
        cursor = Transaction().connection.cursor()
        cursor.execute(*query)
        return cursor

    def _get(self, party):
        facts = self.facts.get(party)
        if facts is None:
            facts = self.facts[party] = scoring.Facts()
        return facts

    def collect(self):
        "Return {party id: scoring.Facts}"
        for step in [
                self._parties, self._vendors, self._shipments, self._sales,
                self._complaints, self._payments, self._ratings,
                self._sanctions, self._training]:
            step()
        return self.facts

    def _parties(self):
        Party = Pool().get('party.party')
        party = Party.__table__()
        query = party.select(party.id, party.create_date,
            where=self._where(party.id) & (party.active == Literal(True)))
        for id_, created in self._rows(query):
            facts = self._get(id_)
            if created:
                if isinstance(created, str):
                    created = dt.datetime.fromisoformat(created)
                facts.tenure_days = (self.today - created.date()).days

    def _vendors(self):
        pool = Pool()
        Company = pool.get('company.company')
        Application = pool.get('lao.vendor.application')
        Document = pool.get('lao.vendor.application.document')
        company = Company.__table__()
        application = Application.__table__()
        document = Document.__table__()
        unchecked = document.select(
            document.application,
            where=document.checked != Literal(True))
        query = company.join(application,
            condition=application.company == company.id
            ).select(company.party, company.id,
                Max(Case((application.state.in_(
                                ['approved', 'suspended', 'blacklisted']),
                            1), else_=0)),
                Max(Case((application.id.in_(unchecked), 1), else_=0)),
                where=self._where(company.party),
                group_by=[company.party, company.id])
        for party, company_id, verified, unchecked in self._rows(query):
            if party not in self.facts:
                continue
            facts = self._get(party)
            facts.is_vendor = True
            facts.company = company_id
            facts.verified = bool(verified)
            facts.documents_checked = not unchecked

    def _shipments(self):
        "Late dispatch: a shipment done after its planned date, or not done"
        pool = Pool()
        Company = pool.get('company.company')
        Shipment = pool.get('stock.shipment.out')
        company = Company.__table__()
        shipment = Shipment.__table__()
        Appeal = pool.get('lao.credit.appeal')
        today = Literal(self.today)
        corrected = Appeal.accepted_evidence(
            'stock.shipment.out', shipment.id)
        late = Case(
            (corrected, 0),
            ((shipment.state == 'done')
                & (shipment.effective_date > shipment.planned_date), 1),
            ((shipment.state != 'done') & (shipment.planned_date < today),
                1),
            else_=0)
        counted = ((shipment.state == 'done')
            | ((shipment.state.in_(['waiting', 'assigned', 'picked',
                            'packed']))
                & (shipment.planned_date < today)))
        query = shipment.join(company,
            condition=shipment.company == company.id
            ).select(company.party, Count(Literal(1)), Sum(late),
                where=counted & self._where(company.party),
                group_by=[company.party])
        for party, total, late in self._rows(query):
            if party in self.facts:
                facts = self._get(party)
                facts.shipments = total
                facts.late_shipments = int(late or 0)

    def _sales(self):
        """Sales confirmed by the vendor, and those it cancelled after
        confirming (a sale cancelled with a confirmation date)"""
        pool = Pool()
        Company = pool.get('company.company')
        Sale = pool.get('sale.sale')
        company = Company.__table__()
        sale = Sale.__table__()
        Appeal = pool.get('lao.credit.appeal')
        corrected = Appeal.accepted_evidence('sale.sale', sale.id)
        cancelled = Case(
            ((sale.state == 'cancelled') & ~corrected, 1), else_=0)
        query = sale.join(company,
            condition=sale.company == company.id
            ).select(company.party, Count(Literal(1)), Sum(cancelled),
                where=(sale.state.in_(
                        ['confirmed', 'processing', 'done'])
                    | ((sale.state == 'cancelled')
                        & (sale.sale_date != Null)))
                & self._where(company.party),
                group_by=[company.party])
        for party, total, cancelled in self._rows(query):
            if party in self.facts:
                facts = self._get(party)
                facts.sales = total
                facts.vendor_cancellations = int(cancelled or 0)

    def _complaints(self):
        "Complaints of buyers on a vendor's sales that were upheld"
        pool = Pool()
        Company = pool.get('company.company')
        Complaint = pool.get('sale.complaint')
        Appeal = pool.get('lao.credit.appeal')
        company = Company.__table__()
        complaint = Complaint.__table__()
        query = complaint.join(company,
            condition=complaint.company == company.id
            ).select(company.party, Count(Literal(1)),
                where=complaint.state.in_(['approved', 'done'])
                & ~Appeal.accepted_evidence('sale.complaint', complaint.id)
                & self._where(company.party),
                group_by=[company.party])
        for party, count in self._rows(query):
            if party in self.facts:
                self._get(party).complaints_upheld = count

    def _payments(self):
        """The buyers' receivable lines due by today or settled: paid on
        time when reconciled by their maturity date"""
        pool = Pool()
        Line = pool.get('account.move.line')
        Move = pool.get('account.move')
        Account = pool.get('account.account')
        AccountType = pool.get('account.account.type')
        Reconciliation = pool.get('account.move.reconciliation')
        line = Line.__table__()
        move = Move.__table__()
        account = Account.__table__()
        type_ = AccountType.__table__()
        reconciliation = Reconciliation.__table__()
        Appeal = pool.get('lao.credit.appeal')
        today = Literal(self.today)
        paid = reconciliation.id != Null
        # A line whose appeal was accepted counts as paid on time
        corrected = Appeal.accepted_evidence('account.move.line', line.id)
        on_time = Case(
            (corrected
                | (paid & (reconciliation.date <= line.maturity_date)), 1),
            else_=0)
        late_days = Case(
            (corrected, 0),
            (paid & (reconciliation.date > line.maturity_date),
                _days(reconciliation.date, line.maturity_date)),
            (~paid & (line.maturity_date < today),
                _days(today, line.maturity_date)),
            else_=0)
        overdue = ~corrected & ~paid & (line.maturity_date < today)
        query = (line
            .join(move, condition=line.move == move.id)
            .join(account, condition=line.account == account.id)
            .join(type_, condition=account.type == type_.id)
            .join(reconciliation, 'LEFT',
                condition=line.reconciliation == reconciliation.id)
            .select(line.party, Count(Literal(1)), Sum(on_time),
                Sum(late_days),
                Sum(Case((overdue, 1), else_=0)),
                Sum(Case((overdue, line.debit - line.credit), else_=0)),
                where=(move.state == 'posted')
                & (type_.receivable == Literal(True))
                & (line.maturity_date != Null)
                & (line.debit > 0)
                & (paid | (line.maturity_date <= today))
                & self._where(line.party),
                group_by=[line.party]))
        for party, total, on_time, days, open_, amount in self._rows(query):
            if party in self.facts:
                facts = self._get(party)
                facts.due_lines = total
                facts.paid_on_time = int(on_time or 0)
                facts.days_past_due = int(days or 0)
                facts.open_overdue = int(open_ or 0)
                facts.open_overdue_amount = Decimal(str(amount or 0)).quantize(
                    Decimal('0.01'))

    def _ratings(self):
        pool = Pool()
        Rating = pool.get('lao.credit.rating')
        Appeal = pool.get('lao.credit.appeal')
        rating = Rating.__table__()
        query = rating.select(rating.vendor, Count(Literal(1)),
            Sum(rating.rating),
            where=self._where(rating.vendor)
            & ~Appeal.accepted_evidence('lao.credit.rating', rating.id),
            group_by=[rating.vendor])
        for party, count, total in self._rows(query):
            if party in self.facts:
                facts = self._get(party)
                facts.ratings = count
                facts.rating_sum = int(total or 0)

    def _sanctions(self):
        "Sanctions in force today: the count of warnings and the worst"
        Sanction = Pool().get('lao.credit.sanction')
        sanction = Sanction.__table__()
        today = Literal(self.today)
        severity = Case(*((sanction.kind == k, i)
                for i, k in enumerate(scoring.SANCTION_KINDS)), else_=-1)
        query = sanction.select(sanction.party,
            Sum(Case((sanction.kind == 'warning', 1), else_=0)),
            Max(severity),
            where=(sanction.state == 'approved')
            & (sanction.start <= today)
            & ((sanction.expiry == Null) | (sanction.expiry >= today))
            & self._where(sanction.party),
            group_by=[sanction.party])
        for party, warnings, worst in self._rows(query):
            if party in self.facts:
                facts = self._get(party)
                facts.warnings = int(warnings or 0)
                if worst is not None and worst > 0:
                    facts.sanction = scoring.SANCTION_KINDS[worst]

    def _training(self):
        "The distinct training courses each party completed"
        Enrolment = Pool().get('lao.training.enrolment')
        for party, count in Enrolment.completed_courses(
                self.party_ids).items():
            if party in self.facts:
                self._get(party).courses_completed = count
