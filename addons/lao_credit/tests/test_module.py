import datetime as dt
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.modules.lao_credit import credit
from trytond.modules.company.tests import CompanyTestMixin, set_company
from trytond.modules.lao_b2b.tests.test_marketplace import (
    create_buyer, create_vendor)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


def post_receivable(company, party, amount, date, maturity_date):
    "Post a move of the vendor with the buyer's receivable line"
    pool = Pool()
    Account = pool.get('account.account')
    Journal = pool.get('account.journal')
    Move = pool.get('account.move')
    Period = pool.get('account.period')
    with set_company(company):
        receivable, = Account.search([
                ('company', '=', company.id),
                ('type.receivable', '=', True),
                ('party_required', '=', True),
                ], limit=1)
        revenue = company.sales_account_category().account_revenue
        journal, = Journal.search([('type', '=', 'revenue')], limit=1)
        move, = Move.create([{
                    'journal': journal.id,
                    'period': Period.find(company, date=date).id,
                    'date': date,
                    'lines': [('create', [{
                                    'account': receivable.id,
                                    'party': party.id,
                                    'debit': max(amount, 0),
                                    'credit': max(-amount, 0),
                                    'maturity_date': maturity_date,
                                    }, {
                                    'account': revenue.id,
                                    'debit': max(-amount, 0),
                                    'credit': max(amount, 0),
                                    }])],
                    }])
        Move.post([move])
    line, = [l for l in move.lines if l.account == receivable]
    return line


def pay(company, line, date):
    "Pay the receivable line on the date"
    Line = Pool().get('account.move.line')
    with set_company(company):
        payment = post_receivable(
            company, line.party, -line.debit, date, None)
        Line.reconcile([line, payment], date=date)


def late_shipments(company, buyer, count, late):
    """Shipments of the vendor to the buyer planned ten days ago, done, the
    first late of them two days late"""
    pool = Pool()
    Shipment = pool.get('stock.shipment.out')
    today = pool.get('ir.date').today()
    warehouse = company.vendor_application.warehouse
    shipments = Shipment.create([{
                'company': company.id,
                'customer': buyer.id,
                'delivery_address': buyer.addresses[0].id,
                'warehouse': warehouse.id,
                'warehouse_output': warehouse.output_location.id,
                'warehouse_storage': warehouse.storage_location.id,
                'planned_date': today - dt.timedelta(days=10),
                } for _ in range(count)])
    shipment = Shipment.__table__()
    cursor = Transaction().connection.cursor()
    for i, record in enumerate(shipments):
        cursor.execute(*shipment.update(
                [shipment.state, shipment.effective_date],
                ['done', today - dt.timedelta(days=8 if i < late else 10)],
                where=shipment.id == record.id))
    return shipments


def credit_state():
    """The profiles, factors and snapshots by party, without their ids and
    dates: {party: (profile values, factors, snapshots)}"""
    Profile = Pool().get('lao.credit.profile')
    return {p.party.id: (
            (p.vendor.id if p.vendor else None, p.score, p.grade,
                p.little_history, p.scoring_model.id, p.factors_digest),
            [(f.sequence, f.code, f.points, f.message, f.values)
                for f in p.factors],
            sorted((s.score, s.grade, s.scoring_model.id)
                for s in p.snapshots))
        for p in Profile.search([])}


def factor(profile, code):
    factors = [f for f in profile.factors if f.code == code]
    return factors[0] if factors else None


class LaoCreditTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Lao Credit module"
    module = 'lao_credit'

    @property
    def _skip_company_rule(self):
        # The vendor of a profile, sanction or appeal is the company whose
        # party it is about, not its owner: their rules are per group
        return super()._skip_company_rule | {
            ('lao.credit.profile', 'vendor'),
            ('lao.credit.sanction', 'vendor'),
            ('lao.credit.appeal', 'vendor'),
            ('lao.training.enrolment', 'vendor'),
            # Shared with the buyers, limited per group (see lao_b2b's test)
            ('party.party', 'company'),
            # Public once published, limited per group (see lao_b2b's test)
            ('lao.listing', 'company'),
            }

    def profile(self, party):
        Profile = Pool().get('lao.credit.profile')
        profile, = Profile.recompute([party.id])
        return profile

    @with_transaction()
    def test_profile_vendor_and_buyer(self):
        "Profiles of a new vendor and a new buyer: neutral, explained"
        company = create_vendor("Paksong Coffee", 'CH-0101')
        buyer = create_buyer()
        vendor = self.profile(company.party)
        self.assertEqual(vendor.vendor, company)
        self.assertTrue(vendor.little_history)
        self.assertEqual(sum(f.points for f in vendor.factors), vendor.score)
        self.assertEqual(factor(vendor, 'verification').points, 80)
        self.assertIn("Too little history", vendor.factors[0].evidence)
        self.assertEqual(vendor.scoring_model.version, 1)
        profile = self.profile(buyer)
        self.assertEqual(profile.score, 500)
        self.assertEqual(profile.grade, 'BB')
        self.assertIsNone(factor(profile, 'verification'))

    @with_transaction()
    def test_recompute_all_snapshots(self):
        "A full recompute scores every party, a snapshot only on change"
        pool = Pool()
        Profile = pool.get('lao.credit.profile')
        Party = pool.get('party.party')
        company = create_vendor("Paksong Coffee", 'CH-0101')
        Profile.recompute_all()
        self.assertEqual(
            Profile.search_count([]),
            Party.search_count([]))
        profile, = Profile.search([('party', '=', company.party.id)])
        self.assertEqual(len(profile.snapshots), 1)
        Profile.recompute_all()
        self.assertEqual(len(Profile(profile.id).snapshots), 1)

    @with_transaction()
    def test_late_shipments(self):
        "Late dispatches count against the vendor, with their evidence"
        pool = Pool()
        company = create_vendor("Paksong Coffee", 'CH-0101')
        buyer = create_buyer()
        # Done: three two days late, one on the day
        shipments = late_shipments(company, buyer, 4, 3)
        profile = self.profile(company.party)
        late = factor(profile, 'late_shipment')
        self.assertEqual(
            late.evidence, "Late dispatch: 3 of 4 shipments (75.0%).")
        self.assertLess(late.points, 0)

        # The vendor contests one: accepted, it no longer counts
        Appeal = pool.get('lao.credit.appeal')
        with self.assertRaises(UserError):
            Appeal.contest(buyer, shipments[1], "Not mine")
        with Transaction().set_user(0):
            appeal, other = [Appeal.contest(
                    company.party, s, "The buyer moved the delivery date")
                for s in shipments[1:3]]
        self.assertEqual(appeal.state, 'submitted')
        Appeal.accept([appeal])
        Appeal.reject([other], "The planned date was the buyer's")
        self.assertEqual(other.state, 'rejected')
        late = factor(self.profile(company.party), 'late_shipment')
        self.assertEqual(
            late.evidence, "Late dispatch: 2 of 4 shipments (50.0%).")

    @with_transaction()
    def test_payments(self):
        "Buyers' payments: by the due date, days past due, open overdue"
        pool = Pool()
        today = pool.get('ir.date').today()
        company = create_vendor("Paksong Coffee", 'CH-0101')
        buyer = create_buyer()
        days = dt.timedelta
        on_time = post_receivable(
            company, buyer, Decimal(100), today, today)
        late = post_receivable(
            company, buyer, Decimal(200), today, today - days(10))
        post_receivable(company, buyer, Decimal(300), today, today - days(5))
        # not due yet: does not count
        post_receivable(company, buyer, Decimal(400), today, today + days(5))
        pay(company, on_time, today)
        pay(company, late, today)
        profile = self.profile(buyer)
        self.assertEqual(factor(profile, 'payment').evidence,
            "Paid by the due date: 1 of 3 payments due (33.3%).")
        self.assertEqual(factor(profile, 'days_past_due').evidence,
            "15 days past due in all; 1 payments overdue and open, 300.00.")
        self.assertLess(factor(profile, 'payment').points, 0)

    @with_transaction()
    def test_scoring_model_versions(self):
        "A used scoring model cannot change; a new version scores anew"
        pool = Pool()
        ScoringModel = pool.get('lao.credit.scoring_model')
        buyer = create_buyer()
        first = self.profile(buyer).scoring_model
        with self.assertRaises(UserError):
            ScoringModel.write([first], {'base_score': 600})
        second, = ScoringModel.copy([first], {'version': 2})
        ScoringModel.write([second], {'base_score': 600})
        ScoringModel.activate([second])
        profile = self.profile(buyer)
        self.assertEqual(profile.score, 600)
        self.assertEqual(first.state, 'archived')
        self.assertEqual(
            [(s.score, s.scoring_model.version) for s in profile.snapshots],
            [(600, 2), (500, 1)])

    @with_transaction()
    def test_sanctions(self):
        "A blacklist sets the vendor state and the lowest grade; lifted, "
        "the vendor is reinstated"
        pool = Pool()
        Sanction = pool.get('lao.credit.sanction')
        Decision = pool.get('lao.decision')
        company = create_vendor("Paksong Coffee", 'CH-0101')
        warning, blacklist = Sanction.create([{
                    'party': company.party.id,
                    'kind': kind,
                    'reason': "Sold mould-damaged beans",
                    } for kind in ['warning', 'blacklist']])
        self.assertEqual(warning.vendor, company)
        with Transaction().set_user(0):
            Sanction.submit([warning, blacklist])
        Sanction.approve([warning, blacklist])
        self.assertEqual(company.vendor_state, 'blacklisted')
        profile = self.profile(company.party)
        self.assertEqual((profile.score, profile.grade), (0, 'C'))
        self.assertEqual(factor(profile, 'warning').points, -50)
        Sanction.lift([blacklist], "Appeal upheld by the ministry")
        self.assertEqual(company.vendor_state, 'active')
        self.assertEqual(blacklist.state, 'lifted')
        self.assertGreater(self.profile(company.party).score, 0)
        self.assertEqual(
            [d.to_state for d in Decision.search(
                    [('resource', '=', str(blacklist))],
                    order=[('id', 'ASC')])],
            ['submitted', 'approved', 'lifted'])

    @with_transaction()
    def test_sanction_decide_own(self):
        "A reviewer cannot approve the sanction they proposed"
        Sanction = Pool().get('lao.credit.sanction')
        buyer = create_buyer()
        sanction, = Sanction.create([{
                    'party': buyer.id, 'kind': 'warning', 'reason': "Spam"}])
        Sanction.submit([sanction])
        with self.assertRaises(UserError):
            Sanction.approve([sanction])

    @with_transaction()
    def test_rating_requires_delivery(self):
        "Only the buyer of a delivered sale rates it"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Rating = pool.get('lao.credit.rating')
        company = create_vendor("Paksong Coffee", 'CH-0101')
        buyer = create_buyer()
        other = create_buyer("Luang Prabang Cafe")
        with Transaction().set_context(company=company.id):
            sale, = Sale.create([{
                        'company': company.id,
                        'party': buyer.id,
                        'invoice_address': buyer.addresses[0].id,
                        'shipment_address': buyer.addresses[0].id,
                        }])
        with self.assertRaises(UserError):
            Rating.rate(buyer, sale, 5, "Great beans")
        Sale.write([sale], {'shipment_state': 'sent'})
        with self.assertRaises(UserError):
            Rating.rate(other, sale, 5)
        rating = Rating.rate(buyer, sale, 5, "Great beans")
        self.assertEqual(rating.vendor, company.party)
        with self.assertRaises(UserError):
            Rating.rate(buyer, sale, 4)
        profile = self.profile(company.party)
        self.assertIn("Buyer ratings: 1, average 5", factor(
                profile, 'rating').evidence)

    @with_transaction()
    def test_credit_limit(self):
        "The buyer's limit comes from its profile, the refusal says why"
        pool = Pool()
        Party = pool.get('party.party')
        company = create_vendor("Paksong Coffee", 'CH-0101')
        buyer = create_buyer()
        # Not scored yet: the limit of parties with too little history
        Party.check_credit_limit(buyer, Decimal(900_000), company)
        with self.assertRaises(UserError) as cm:
            Party.check_credit_limit(buyer, Decimal(1_500_000), company)
        self.assertIn("not been scored yet", cm.exception.message)
        self.assertIn("1,000,000", cm.exception.message)
        self.profile(buyer)
        buyer = Party(buyer.id)
        Party.check_credit_limit(buyer, Decimal(900_000), company)
        with self.assertRaises(UserError) as cm:
            Party.check_credit_limit(buyer, Decimal(1_500_000), company)
        message = cm.exception.message
        self.assertIn("too little history", message)
        self.assertNotIn("not been scored yet", message)
        self.assertIn("1,500,000", message)
        self.assertIn("1,000,000", message)

    @with_transaction()
    def test_unscored_policy_of_active_model(self):
        """A party not scored yet has the amounts of parties with too little
        history of the active scoring model, the kernel's before any"""
        pool = Pool()
        Profile = pool.get('lao.credit.profile')
        ScoringModel = pool.get('lao.credit.scoring_model')
        company = create_vendor("Paksong Coffee", 'CH-0101')
        buyer = create_buyer()
        self.assertEqual(
            Profile.protected_amount(company.party)[0], Decimal(50_000_000))
        self.assertEqual(Profile.credit_limit(buyer)[0], Decimal(1_000_000))
        model = ScoringModel.get_active()
        new, = ScoringModel.copy([model], default={
                'new_party_credit_limit': Decimal(3_000_000),
                'new_party_protected_amount': Decimal(80_000_000),
                })
        ScoringModel.activate([new])
        limit, reason = Profile.credit_limit(buyer)
        self.assertEqual(limit, Decimal(3_000_000))
        self.assertIn("not been scored yet", reason)
        amount, reason = Profile.protected_amount(company.party)
        self.assertEqual(amount, Decimal(80_000_000))
        self.assertIn("not been scored yet", reason)

    @with_transaction()
    def test_protected_amount(self):
        "A vendor's sale above its protected amount is refused, explained"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Profile = pool.get('lao.credit.profile')
        company = create_vendor("Paksong Coffee", 'CH-0101')
        buyer = create_buyer()
        self.profile(company.party)
        amount, reason = Profile.protected_amount(company.party)
        self.assertEqual(amount, Decimal(50_000_000))
        with Transaction().set_context(company=company.id):
            small, big = Sale.create([{
                        'company': company.id,
                        'party': buyer.id,
                        'invoice_address': buyer.addresses[0].id,
                        'shipment_address': buyer.addresses[0].id,
                        'lines': [('create', [{
                                        'description': "Green beans",
                                        'quantity': quantity,
                                        'unit_price': Decimal(50_000),
                                        }])],
                        } for quantity in [100, 1100]])
        Sale.check_protected_amount([small])
        with self.assertRaises(UserError) as cm:
            Sale.check_protected_amount([big])
        self.assertIn("55,000,000", cm.exception.message)
        self.assertIn("too little history", cm.exception.message)

    def assert_same_paths(self):
        """From the same data and profiles, the per-party path (the records,
        one party at a time) and the set-based full recompute write the
        same profiles, factors and snapshots; the full recompute stays"""
        pool = Pool()
        Profile = pool.get('lao.credit.profile')
        Factor = pool.get('lao.credit.factor')
        Snapshot = pool.get('lao.credit.snapshot')
        Party = pool.get('party.party')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        # What the transaction records of the records it created and
        # deleted is not rolled back with the savepoint
        created = {k: list(v) for k, v in transaction.create_records.items()}
        deleted = {k: set(v) for k, v in transaction.delete_records.items()}
        cursor.execute('SAVEPOINT lao_credit_paths')
        for party in Party.search([]):
            Profile.recompute([party.id], set_based=False)
        per_party = credit_state()
        cursor.execute('ROLLBACK TO SAVEPOINT lao_credit_paths')
        cursor.execute('RELEASE SAVEPOINT lao_credit_paths')
        transaction.create_records.clear()
        transaction.create_records.update(created)
        transaction.delete_records.clear()
        transaction.delete_records.update(deleted)
        for Model in [Profile, Factor, Snapshot]:
            credit._written(Model, created=True)
        Profile.recompute_all()
        full = credit_state()
        self.maxDiff = None
        self.assertEqual(full, per_party)
        self.assertEqual(set(full), {p.id for p in Party.search([])})
        for profile in Profile.search([]):
            self.assertEqual(
                sum(f.points for f in profile.factors), profile.score)
        return full

    @with_transaction()
    def test_recompute_paths_identical(self):
        "The set-based full recompute writes what the per-party path does"
        pool = Pool()
        Profile = pool.get('lao.credit.profile')
        Factor = pool.get('lao.credit.factor')
        Snapshot = pool.get('lao.credit.snapshot')
        Sanction = pool.get('lao.credit.sanction')
        ScoringModel = pool.get('lao.credit.scoring_model')
        today = pool.get('ir.date').today()
        company = create_vendor("Paksong Coffee", 'CH-0101')
        buyer = create_buyer()
        late_shipments(company, buyer, 20, 0)
        line = post_receivable(company, buyer, Decimal(200), today,
            today - dt.timedelta(days=10))
        pay(company, line, today)
        post_receivable(company, buyer, Decimal(300), today,
            today - dt.timedelta(days=5))
        ScoringModel.get_active()

        # New profiles
        first = self.assert_same_paths()
        vendor, = Profile.search([('party', '=', company.party.id)])
        buyer_profile, = Profile.search([('party', '=', buyer.id)])
        self.assertEqual(len(vendor.snapshots), 1)
        factor_ids = {p.id: [f.id for f in p.factors]
            for p in Profile.search([])}

        # Changed facts: the vendor's late shipments, a warning of the
        # buyer, a new buyer; the other profiles unchanged
        score = vendor.score
        late_shipments(company, buyer, 2, 2)
        other = create_buyer("Luang Prabang Cafe")
        warning, = Sanction.create([{
                    'party': buyer.id, 'kind': 'warning',
                    'reason': "Spam"}])
        with Transaction().set_user(0):
            Sanction.submit([warning])
        Sanction.approve([warning])
        second = self.assert_same_paths()
        # the record read before sees the new score in the same transaction
        self.assertLess(vendor.score, score)
        self.assertEqual(len(vendor.snapshots), 2)
        self.assertEqual(len(buyer_profile.snapshots), 2)
        self.assertIn(other.id, second)
        unchanged = [p for p in first if p not in {
                company.party.id, buyer.id}]
        self.assertTrue(unchanged)
        for party in unchanged:
            self.assertEqual(second[party], first[party])
            profile, = Profile.search([('party', '=', party)])
            # neither its factors nor its snapshots written again
            self.assertEqual(
                [f.id for f in profile.factors], factor_ids[profile.id])
            self.assertEqual(len(profile.snapshots), 1)

        # A new version of the scoring model scores everyone anew
        new, = ScoringModel.copy([vendor.scoring_model], {'version': 2})
        ScoringModel.write([new], {'base_score': 600})
        ScoringModel.activate([new])
        third = self.assert_same_paths()
        self.assertEqual({v[0][4] for v in third.values()}, {new.id})
        for party, (_, _, snapshots) in third.items():
            self.assertEqual(
                len(snapshots), len(second[party][2]) + 1)

        # Every row keeps who wrote it and when
        for Model in [Profile, Factor, Snapshot]:
            for record in Model.search([]):
                self.assertIsNotNone(record.create_uid)
                self.assertIsNotNone(record.create_date)
        for profile in Profile.search([]):
            self.assertIsNotNone(profile.computed_at)
            self.assertIsNotNone(profile.write_uid)
            self.assertIsNotNone(profile.write_date)
        self.assertEqual(
            len({p.computed_at for p in Profile.search([])}), 1)


del ModuleTestCase
