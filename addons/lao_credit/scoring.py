"""The scoring kernel: facts of one party and a scoring model's parameters
in, factors with their points out, without a database.

Every factor says how many points it adds or takes away, and the score is
exactly the sum of the points of its factors.  Rates of bad events (late
shipments, cancellations by the vendor, complaints upheld, late payments)
are shrunk towards the model's expected rate by a number of pseudo-events,
so a party with little history sits at the neutral start instead of being
judged on two orders, and one more bad event can never raise a score nor one
more good event lower it.
"""
from dataclasses import dataclass, field
from decimal import Decimal

SCORE_MIN = 0
SCORE_MAX = 1000

# Severity order of sanctions, the worst last
SANCTION_KINDS = ['warning', 'suspension', 'blacklist']


@dataclass
class Parameters:
    "The weights and thresholds of a scoring model"
    base_score: int = 500
    min_history: int = 5
    prior_weight: int = 10
    verification_points: int = 80
    tenure_points: int = 40
    tenure_full_days: int = 365
    late_shipment_points: int = 100
    late_shipment_rate: float = 0.04
    cancellation_points: int = 60
    cancellation_rate: float = 0.025
    complaint_points: int = 60
    complaint_rate: float = 0.01
    payment_points: int = 100
    late_payment_rate: float = 0.10
    days_past_due_points: int = 60
    days_past_due_full: int = 60
    rating_points: int = 60
    rating_neutral: float = 4.0
    warning_points: int = 50
    suspension_points: int = 300
    training_points: int = 40
    training_full_courses: int = 4
    # (grade, minimum score), from the best grade down
    grades: list = field(default_factory=lambda: [
            ('AAA', 900), ('AA', 800), ('A', 700), ('BBB', 600),
            ('BB', 500), ('B', 400), ('CCC', 300), ('CC', 200), ('C', 0)])


@dataclass
class Facts:
    "What the platform knows of one party"
    # The id of the party's vendor company, if any
    company: int = None
    is_vendor: bool = False
    verified: bool = False
    documents_checked: bool = False
    tenure_days: int = 0
    shipments: int = 0
    late_shipments: int = 0
    sales: int = 0
    vendor_cancellations: int = 0
    complaints_upheld: int = 0
    due_lines: int = 0
    paid_on_time: int = 0
    days_past_due: int = 0
    open_overdue: int = 0
    open_overdue_amount: Decimal = Decimal(0)
    ratings: int = 0
    rating_sum: int = 0
    warnings: int = 0
    sanction: str = None
    # Distinct training courses completed (passed in a done session)
    courses_completed: int = 0

    @property
    def history(self):
        "The number of events the score can learn from"
        return self.shipments + self.sales + self.due_lines + self.ratings


@dataclass
class Factor:
    code: str
    points: int
    # The message id of the evidence and its values
    evidence: str
    values: dict = field(default_factory=dict)


def bad_rate_points(events, bad, expected, weight, prior_weight):
    """Points for a rate of bad events: +weight for none, 0 at the expected
    rate (or without history), -weight at twice the expected rate or worse

    The rate is shrunk towards the expected one by prior_weight pseudo
    events, which keeps the points monotone in both events and bad."""
    estimate = (bad + expected * prior_weight) / (events + prior_weight)
    points = weight * (expected - estimate) / expected
    return max(-weight, min(weight, round(points)))


def score(facts, parameters):
    "Return the score and its factors, whose points add up to the score"
    p = parameters
    factors = []
    few = facts.history < p.min_history
    factors.append(Factor(
            'start', p.base_score,
            'msg_factor_start_little_history' if few
            else 'msg_factor_start',
            {'events': facts.history, 'minimum': p.min_history}))
    if facts.is_vendor:
        if facts.verified and facts.documents_checked:
            points, evidence = p.verification_points, 'msg_factor_verified'
        elif facts.verified:
            points = p.verification_points // 2
            evidence = 'msg_factor_verified_documents_unchecked'
        else:
            points, evidence = 0, 'msg_factor_not_verified'
        factors.append(Factor('verification', points, evidence))
    tenure = min(max(facts.tenure_days, 0), p.tenure_full_days)
    factors.append(Factor(
            'tenure', round(p.tenure_points * tenure / p.tenure_full_days),
            'msg_factor_tenure', {'days': max(facts.tenure_days, 0)}))
    if facts.shipments or facts.is_vendor:
        factors.append(Factor(
                'late_shipment', bad_rate_points(
                    facts.shipments, facts.late_shipments,
                    p.late_shipment_rate, p.late_shipment_points,
                    p.prior_weight),
                'msg_factor_late_shipment', {
                    'late': facts.late_shipments,
                    'total': facts.shipments,
                    'rate': _percent(facts.late_shipments, facts.shipments),
                    }))
    if facts.sales or facts.is_vendor:
        factors.append(Factor(
                'cancellation', bad_rate_points(
                    facts.sales, facts.vendor_cancellations,
                    p.cancellation_rate, p.cancellation_points,
                    p.prior_weight),
                'msg_factor_cancellation', {
                    'cancelled': facts.vendor_cancellations,
                    'total': facts.sales,
                    'rate': _percent(facts.vendor_cancellations, facts.sales),
                    }))
        factors.append(Factor(
                'complaint', bad_rate_points(
                    facts.sales, facts.complaints_upheld,
                    p.complaint_rate, p.complaint_points, p.prior_weight),
                'msg_factor_complaint', {
                    'upheld': facts.complaints_upheld,
                    'total': facts.sales,
                    'rate': _percent(facts.complaints_upheld, facts.sales),
                    }))
    if facts.due_lines:
        late = facts.due_lines - facts.paid_on_time
        factors.append(Factor(
                'payment', bad_rate_points(
                    facts.due_lines, late, p.late_payment_rate,
                    p.payment_points, p.prior_weight),
                'msg_factor_payment', {
                    'on_time': facts.paid_on_time,
                    'total': facts.due_lines,
                    'rate': _percent(facts.paid_on_time, facts.due_lines),
                    }))
        # Average days past due over every due payment, on time ones
        # counting zero, shrunk like the rates
        average = facts.days_past_due / (facts.due_lines + p.prior_weight)
        factors.append(Factor(
                'days_past_due', -round(p.days_past_due_points * min(
                        1, average / p.days_past_due_full)),
                'msg_factor_days_past_due', {
                    'days': facts.days_past_due,
                    'open': facts.open_overdue,
                    'amount': facts.open_overdue_amount,
                    }))
    if facts.ratings or facts.is_vendor:
        average = ((facts.rating_sum + p.rating_neutral * p.prior_weight)
            / (facts.ratings + p.prior_weight))
        points = p.rating_points * (average - p.rating_neutral)
        factors.append(Factor(
                'rating', max(-p.rating_points, min(p.rating_points,
                        round(points))),
                'msg_factor_rating', {
                    'count': facts.ratings,
                    'average': (round(facts.rating_sum / facts.ratings, 1)
                        if facts.ratings else 0),
                    }))
    if facts.courses_completed or facts.is_vendor:
        courses = min(max(facts.courses_completed, 0),
            p.training_full_courses)
        factors.append(Factor(
                'training',
                round(p.training_points * courses / p.training_full_courses)
                if p.training_full_courses > 0 else 0,
                'msg_factor_training',
                {'count': max(facts.courses_completed, 0)}))
    if facts.warnings:
        factors.append(Factor(
                'warning', -p.warning_points * facts.warnings,
                'msg_factor_warning', {'count': facts.warnings}))
    if facts.sanction == 'suspension':
        factors.append(Factor(
                'suspension', -p.suspension_points, 'msg_factor_suspension'))
    total = sum(f.points for f in factors)
    if facts.sanction == 'blacklist':
        factors.append(Factor('blacklist', SCORE_MIN - total,
                'msg_factor_blacklist'))
    elif not SCORE_MIN <= total <= SCORE_MAX:
        bounded = max(SCORE_MIN, min(SCORE_MAX, total))
        factors.append(Factor('bound', bounded - total, 'msg_factor_bound'))
    return sum(f.points for f in factors), factors


def grade(value, grades):
    "The best grade whose minimum the score reaches, else the lowest"
    return grade_of(value, ordered_grades(grades))


def ordered_grades(grades):
    "The grades (code, minimum), the best first, as grade_of takes them"
    return sorted(grades, key=lambda g: g[1], reverse=True)


def grade_of(value, ordered):
    """The best grade of the ordered ones (ordered_grades) whose minimum
    the score reaches, else the lowest"""
    for code, minimum in ordered:
        if value >= minimum:
            return code
    return ordered[-1][0]


def _percent(part, whole):
    if not whole:
        return '0'
    return '%.1f' % (100 * part / whole)
