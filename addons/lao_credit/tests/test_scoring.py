"""The scoring kernel, without a database: each factor, the sum, and the
properties any scoring model must keep."""
import unittest

from hypothesis import given, settings
from hypothesis import strategies as st

from ..scoring import Facts, Parameters, SCORE_MAX, SCORE_MIN, grade, score

PARAMETERS = Parameters()
FAST = settings(max_examples=60, deadline=None)

counts = st.integers(min_value=0, max_value=500)


@st.composite
def facts(draw):
    shipments = draw(counts)
    sales = draw(counts)
    due = draw(counts)
    ratings = draw(st.integers(min_value=0, max_value=50))
    on_time = draw(st.integers(min_value=0, max_value=due))
    return Facts(
        is_vendor=draw(st.booleans()),
        verified=draw(st.booleans()),
        documents_checked=draw(st.booleans()),
        tenure_days=draw(st.integers(min_value=0, max_value=2000)),
        shipments=shipments,
        late_shipments=draw(st.integers(min_value=0, max_value=shipments)),
        sales=sales,
        vendor_cancellations=draw(st.integers(min_value=0, max_value=sales)),
        complaints_upheld=draw(st.integers(min_value=0, max_value=sales)),
        due_lines=due,
        paid_on_time=on_time,
        # only payments not made on time are past due
        days_past_due=draw(st.integers(
                min_value=0, max_value=200 * (due - on_time))),
        ratings=ratings,
        rating_sum=draw(st.integers(
                min_value=ratings, max_value=5 * ratings)),
        warnings=draw(st.integers(min_value=0, max_value=3)),
        sanction=draw(st.sampled_from([None, 'suspension', 'blacklist'])),
        )


def points(factors):
    return {f.code: f.points for f in factors}


class ScoringTestCase(unittest.TestCase):
    "Test the credit scoring kernel"

    def test_no_history_neutral(self):
        "A new buyer scores the neutral start, labelled too little history"
        value, factors = score(Facts(), PARAMETERS)
        self.assertEqual(value, PARAMETERS.base_score)
        self.assertEqual(factors[0].evidence,
            'msg_factor_start_little_history')
        self.assertEqual(sum(f.points for f in factors), value)

    def test_new_vendor_neutral_factors(self):
        "A new vendor's fulfilment and rating factors are all zero"
        value, factors = score(Facts(is_vendor=True), PARAMETERS)
        by_code = points(factors)
        for code in ['late_shipment', 'cancellation', 'complaint', 'rating']:
            self.assertEqual(by_code[code], 0, code)
        self.assertEqual(by_code['verification'], 0)

    def test_verification(self):
        "Verified with documents checked earns all points, unchecked half"
        full = points(score(Facts(is_vendor=True, verified=True,
                    documents_checked=True), PARAMETERS)[1])
        half = points(score(Facts(is_vendor=True, verified=True),
                PARAMETERS)[1])
        self.assertEqual(full['verification'],
            PARAMETERS.verification_points)
        self.assertEqual(half['verification'],
            PARAMETERS.verification_points // 2)

    def test_tenure(self):
        "Tenure grows to its full points in a year"
        half = points(score(Facts(tenure_days=365 // 2), PARAMETERS)[1])
        full = points(score(Facts(tenure_days=3000), PARAMETERS)[1])
        self.assertEqual(half['tenure'], 20)
        self.assertEqual(full['tenure'], PARAMETERS.tenure_points)

    def test_late_shipments(self):
        "Many on-time shipments earn points, many late ones lose them"
        good = points(score(Facts(shipments=200), PARAMETERS)[1])
        bad = points(score(Facts(shipments=200, late_shipments=40),
                PARAMETERS)[1])
        self.assertGreater(good['late_shipment'], 90)
        self.assertEqual(bad['late_shipment'],
            -PARAMETERS.late_shipment_points)
        _, factors = score(Facts(shipments=120, late_shipments=3),
            PARAMETERS)
        late, = [f for f in factors if f.code == 'late_shipment']
        self.assertEqual(late.values,
            {'late': 3, 'total': 120, 'rate': '2.5'})

    def test_cancellations_and_complaints(self):
        by_code = points(score(Facts(sales=100, vendor_cancellations=10,
                    complaints_upheld=5), PARAMETERS)[1])
        self.assertEqual(by_code['cancellation'],
            -PARAMETERS.cancellation_points)
        self.assertEqual(by_code['complaint'], -PARAMETERS.complaint_points)

    def test_payments(self):
        "Paying on time earns points, days past due cost them"
        good = points(score(Facts(due_lines=50, paid_on_time=50),
                PARAMETERS)[1])
        self.assertGreater(good['payment'], 0)
        self.assertEqual(good['days_past_due'], 0)
        bad = points(score(Facts(due_lines=10, paid_on_time=2,
                    days_past_due=1500, open_overdue=3), PARAMETERS)[1])
        self.assertEqual(bad['payment'], -PARAMETERS.payment_points)
        self.assertEqual(bad['days_past_due'],
            -PARAMETERS.days_past_due_points)

    def test_ratings(self):
        "Five stars raise, two stars lower, shrunk towards the neutral"
        high = points(score(Facts(ratings=30, rating_sum=150),
                PARAMETERS)[1])
        low = points(score(Facts(ratings=30, rating_sum=60), PARAMETERS)[1])
        self.assertEqual(high['rating'], 45)
        self.assertEqual(low['rating'], -PARAMETERS.rating_points)

    def test_sanctions(self):
        warned = points(score(Facts(warnings=2), PARAMETERS)[1])
        self.assertEqual(warned['warning'], -2 * PARAMETERS.warning_points)
        suspended = points(score(Facts(sanction='suspension'),
                PARAMETERS)[1])
        self.assertEqual(suspended['suspension'],
            -PARAMETERS.suspension_points)

    def test_bound(self):
        "A score below 0 is brought back to 0 by a factor that says so"
        value, factors = score(Facts(
                due_lines=20, days_past_due=5000, warnings=3,
                sanction='suspension', shipments=50, late_shipments=50),
            PARAMETERS)
        self.assertEqual(value, SCORE_MIN)
        self.assertEqual(factors[-1].code, 'bound')

    def test_grade_boundaries(self):
        self.assertEqual(grade(900, PARAMETERS.grades), 'AAA')
        self.assertEqual(grade(899, PARAMETERS.grades), 'AA')
        self.assertEqual(grade(0, PARAMETERS.grades), 'C')

    @FAST
    @given(facts())
    def test_sum(self, facts):
        "Contributions add up exactly to the score, within 0-1000"
        value, factors = score(facts, PARAMETERS)
        self.assertEqual(sum(f.points for f in factors), value)
        self.assertTrue(SCORE_MIN <= value <= SCORE_MAX)

    @FAST
    @given(facts(), st.integers(min_value=1, max_value=50))
    def test_more_late_shipments(self, facts, more):
        "More late shipments never raise a score"
        before, _ = score(facts, PARAMETERS)
        facts.shipments += more
        facts.late_shipments += more
        after, _ = score(facts, PARAMETERS)
        self.assertLessEqual(after, before)

    @FAST
    @given(facts(), st.integers(min_value=0, max_value=50))
    def test_late_instead_of_on_time(self, facts, late):
        "Of the same shipments, more of them late never raises a score"
        late = min(late, facts.shipments - facts.late_shipments)
        before, _ = score(facts, PARAMETERS)
        facts.late_shipments += late
        after, _ = score(facts, PARAMETERS)
        self.assertLessEqual(after, before)

    @FAST
    @given(facts(), st.integers(min_value=1, max_value=50))
    def test_paying_on_time(self, facts, more):
        "Paying on time never lowers a score"
        before, _ = score(facts, PARAMETERS)
        facts.due_lines += more
        facts.paid_on_time += more
        after, _ = score(facts, PARAMETERS)
        self.assertGreaterEqual(after, before)

    @FAST
    @given(facts())
    def test_blacklist_lowest(self, facts):
        "A blacklist always gives the lowest grade"
        facts.sanction = 'blacklist'
        value, _ = score(facts, PARAMETERS)
        self.assertEqual(value, SCORE_MIN)
        self.assertEqual(grade(value, PARAMETERS.grades), 'C')

    @FAST
    @given(
        st.lists(st.integers(min_value=1, max_value=1000), min_size=1,
            max_size=8, unique=True),
        st.integers(min_value=0, max_value=1000),
        st.integers(min_value=0, max_value=1000))
    def test_grades_monotone(self, minimums, a, b):
        "Grades are monotone in score, whatever the boundaries"
        grades = [(f'G{i}', m) for i, m in enumerate(
                sorted(minimums, reverse=True))] + [('C', 0)]
        rank = {code: i for i, (code, _) in enumerate(grades)}
        low, high = sorted([a, b])
        self.assertGreaterEqual(
            rank[grade(low, grades)], rank[grade(high, grades)])
