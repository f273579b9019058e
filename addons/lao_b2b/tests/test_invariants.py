"""The invariants of money and stock, checked after every step of random
sequences of events (a hypothesis state machine): checkout, accept a quote,
cancel a part, refuse a delivery, ship, return, invoice, post, run the
commission, a new month, a new year.

After every step, for every listing: declared = available + sold - given
back, and never negative; every confirmed, not cancelled marketplace line
confirmed up to the last run is charged exactly once, and a charged then
cancelled line credited exactly once; each order's state follows its parts.
"""
import datetime as dt
import itertools
from decimal import Decimal
from unittest.mock import patch

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine, initialize, invariant, precondition, rule,
    run_state_machine_as_test)

from trytond.exceptions import UserError
from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    TestCase, activate_module, with_transaction)
from trytond.transaction import Transaction

from .test_marketplace import (
    category, create_buyer, create_listing, create_order, create_product,
    create_quote, create_request, create_vendor, place, publish,
    setup_platform)
from .test_money import refuse_delivery

SETTINGS = settings(
    max_examples=3, stateful_step_count=8, derandomize=True, deadline=None,
    database=None, print_blob=False,
    suppress_health_check=list(HealthCheck))
DECLARED = 2000
_serial = itertools.count(1)


def next_month(date):
    return (date.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


class MoneyMachine(RuleBasedStateMachine):
    "Events on two vendors' listings, orders, quotes and commission runs"

    clock = None

    @initialize()
    def setup(self):
        n = next(_serial)
        self.platform = MoneyMachine.platform
        self.vendors = [create_vendor(f"Invariant Cooperative {n}-{i}",
                f'REG-INV-{n}-{i}') for i in range(2)]
        self.listings = []
        for vendor in self.vendors:
            listing = create_listing(vendor, product=create_product(
                    "Green Arabica", vendor,
                    category('coffee_arabica_green')),
                declared_quantity=DECLARED)
            self.listings.append(listing)
        publish(self.listings)
        self.buyer = create_buyer(f"Invariant Buyer {n}")
        self.orders = []
        self.sales = []
        self.returned = set()
        self.last_run_end = None

    # Events

    @rule(quantities=st.lists(
            st.sampled_from([0, 100, 500, 1000, 1500]), min_size=2,
            max_size=2))
    def checkout(self, quantities):
        lines = [(l, q) for l, q in zip(self.listings, quantities) if q]
        if not lines:
            return
        order = create_order(self.buyer, lines)
        try:
            place([order])
        except UserError:
            # refused: more than available; nothing is created
            Order = Pool().get('lao.marketplace.order')
            self.assertTrue(Order(order.id).state == 'draft')
            return
        self.orders.append(order)
        self.sales.extend(order.sales)

    def assertTrue(self, value):
        assert value

    @rule(index=st.integers(0, 1), tonnes=st.sampled_from([0.5, 1, 2.5]))
    def accept_quote(self, index, tonnes):
        pool = Pool()
        Request = pool.get('lao.rfq')
        Quote = pool.get('lao.rfq.quote')
        listing = self.listings[index]
        request = create_request(self.buyer,
            category=category('coffee_arabica').id, quantity=tonnes,
            expiry_date=self.clock + dt.timedelta(days=7),
            wanted_date=None)
        Request.publish([request])
        quote = create_quote(request, listing.company, Decimal('40000000'),
            product=listing.product, quantity=tonnes,
            valid_until=self.clock + dt.timedelta(days=5))
        Quote.submit([quote])
        try:
            Quote.accept([quote])
        except UserError:
            return
        self.sales.append(quote.sale)

    def _sales_in(self, *states):
        Sale = Pool().get('sale.sale')
        return [s for s in Sale.browse([s.id for s in self.sales])
            if s.state in states]

    @precondition(lambda self: self._sales_in('confirmed'))
    @rule(data=st.data())
    def cancel_part(self, data):
        Sale = Pool().get('sale.sale')
        sale = data.draw(st.sampled_from(self._sales_in('confirmed')))
        with set_company(sale.company):
            Sale.draft([sale])
            Sale.cancel([sale])

    @precondition(lambda self: self._sales_in('confirmed'))
    @rule(data=st.data())
    def refuse(self, data):
        sale = data.draw(st.sampled_from(self._sales_in('confirmed')))
        refuse_delivery(sale)

    @precondition(lambda self: self._sales_in('confirmed'))
    @rule(data=st.data())
    def ship(self, data):
        pool = Pool()
        Sale = pool.get('sale.sale')
        Shipment = pool.get('stock.shipment.out')
        sale = data.draw(st.sampled_from(self._sales_in('confirmed')))
        with set_company(sale.company):
            Sale.process([sale])
            shipments = list(Sale(sale.id).shipments)
            Shipment.assign(shipments)
            Shipment.pick(shipments)
            Shipment.pack(shipments)
            Shipment.ship(shipments)
            Shipment.do(shipments)
            Sale.process([sale])

    def _shipped(self):
        return [s for s in self._sales_in('processing', 'done')
            if s.shipment_state == 'sent' and s.id not in self.returned]

    @precondition(lambda self: self._shipped())
    @rule(data=st.data())
    def give_back(self, data):
        "The buyer returns what was shipped: a return sale is confirmed"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Line = pool.get('sale.line')
        sale = data.draw(st.sampled_from(self._shipped()))
        self.returned.add(sale.id)
        with set_company(sale.company):
            returned, = Sale.copy([sale], default={
                    'origin': str(sale),
                    'lines': None,
                    })
            Line.copy(list(sale.lines), default={
                    'sale': returned.id,
                    'quantity': lambda data: -data['quantity'],
                    })
            Sale.quote([returned])
            Sale.confirm([returned])

    @precondition(lambda self: self._sales_in('processing'))
    @rule(data=st.data())
    def post_invoice(self, data):
        Invoice = Pool().get('account.invoice')
        sale = data.draw(st.sampled_from(self._sales_in('processing')))
        drafts = [i for i in sale.invoices if i.state == 'draft']
        with set_company(sale.company):
            Invoice.post(drafts)

    @rule()
    def run_commission(self):
        Run = Pool().get('lao.commission.run')
        start = self.clock.replace(day=1)
        with set_company(self.platform):
            run, = Run.create([{'start_date': start, 'end_date': self.clock}])
            Run.process([run])
        self.last_run_end = self.clock

    @rule()
    def new_month(self):
        pool = Pool()
        Company = pool.get('company.company')
        Run = pool.get('lao.commission.run')
        MoneyMachine.clock = next_month(self.clock)
        # as the daily task does: the year after the new month's is open
        Company.open_next_fiscal_years()
        Run.run_monthly()
        self.last_run_end = self.clock - dt.timedelta(days=1)

    @rule()
    def new_year(self):
        pool = Pool()
        Company = pool.get('company.company')
        Run = pool.get('lao.commission.run')
        MoneyMachine.clock = dt.date(self.clock.year + 1, 1, 5)
        Company.open_next_fiscal_years()
        Run.run_monthly()
        self.last_run_end = self.clock.replace(day=1) - dt.timedelta(days=1)

    # Invariants

    @invariant()
    def listings_add_up(self):
        pool = Pool()
        Listing = pool.get('lao.listing')
        Line = pool.get('sale.line')
        for listing in Listing.browse([l.id for l in self.listings]):
            lines = Line.search([('reserved_listing', '=', listing.id)])
            taken = sum(l.reserved_quantity or 0 for l in lines)
            assert listing.declared_quantity >= 0, listing.declared_quantity
            assert listing.declared_quantity + taken == DECLARED, (
                listing.declared_quantity, taken)
            for line in lines:
                assert line.reserved_quantity == line.listing_due(listing)

    @invariant()
    def charged_once(self):
        pool = Pool()
        Line = pool.get('sale.line')
        Sale = pool.get('sale.sale')
        InvoiceLine = pool.get('account.invoice.line')
        sales = Sale.browse([s.id for s in self.sales])
        for sale in sales:
            for line in sale.lines:
                line = Line(line.id)
                charged = line.commission_invoice_line
                if charged:
                    assert charged.quantity == 1
                    assert InvoiceLine.search([
                            ('id', '=', charged.id),
                            ('invoice.state', '=', 'posted'),
                            ], count=True) == 1
                    assert Line.search([
                            ('commission_invoice_line', '=', charged.id),
                            ], count=True) == 1
                credited = line.commission_credit_line
                if credited:
                    assert charged and line.is_cancelled
                    assert credited.quantity == -1
                confirmed = (sale.state in {'confirmed', 'processing', 'done'}
                    and not line.is_cancelled)
                if (confirmed and self.last_run_end
                        and line.commission_date
                        and line.commission_date <= self.last_run_end
                        and line.commission_amount):
                    assert charged, line

    @invariant()
    def order_follows_parts(self):
        Order = Pool().get('lao.marketplace.order')
        for order in Order.browse([o.id for o in self.orders]):
            statuses = [s.marketplace_status for s in order.sales]
            live = [s for s in statuses if s != 'cancelled']
            if not live:
                assert order.status == 'cancelled'
            elif len(live) < len(statuses):
                assert order.status == 'partly_cancelled'
            else:
                assert order.status in live


class InvariantTestCase(TestCase):
    "Test the invariants of money and stock under random events"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('lao_b2b')

    @with_transaction()
    def test_state_machine(self):
        "Every event keeps listings, commissions and orders consistent"
        pool = Pool()
        Date = pool.get('ir.date')
        # Take the locks at the start: hypothesis cannot restart a
        # transaction in the middle of an example
        pool.get('lao.listing').lock()
        pool.get('lao.commission.run').lock()
        MoneyMachine.clock = Date.today()
        MoneyMachine.platform = setup_platform()

        def today(timezone=None):
            return MoneyMachine.clock
        with patch.object(Date, 'today', side_effect=today), \
                Transaction().set_context(_skip_warnings=True):
            run_state_machine_as_test(MoneyMachine, settings=SETTINGS)
