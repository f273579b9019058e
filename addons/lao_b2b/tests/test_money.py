"""Unit tests of the money and stock rules: books that open the next year,
own sequences, Lao VAT, payment terms, commission that cannot escape or
double-charge, quotes checked when submitted, and one reservation path."""
import datetime as dt
import unittest
from decimal import Decimal
from unittest.mock import patch
from zoneinfo import ZoneInfo

from trytond import backend
from trytond.exceptions import UserError
from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    TestCase, activate_module, with_transaction)
from trytond.transaction import Transaction

from .test_marketplace import (
    category, create_buyer, create_listing, create_order, create_product,
    create_quote, create_request, create_vendor, hold_locks, place, publish,
    run_with_locks, set_commission_date, setup_platform)


def vientiane_today():
    "The day of the commission dates"
    return Pool().get('ir.date').today(timezone=ZoneInfo('Asia/Vientiane'))


def vendor_system(company):
    "The vendor's company as its back office acts in it"
    return Transaction().set_context(company=company.id)


def vendor_invoices(run, company):
    """The run's invoices to the vendor (on PostgreSQL, the concurrency tests
    leave committed sales of other vendors)"""
    return [i for i in run.invoices if i.party == company.party]


def placed_sale(name, registration_number, quantity=100):
    "The platform, and a vendor's listing and sale placed by a buyer"
    platform = setup_platform()
    company = create_vendor(name, registration_number)
    listing = create_listing(company)
    publish([listing])
    order = create_order(create_buyer(), [(listing, quantity)])
    place([order])
    return platform, company, listing, order, order.sales[0]


def refuse_delivery(sale):
    """The buyer refuses the delivery: the shipment is cancelled and the
    vendor does not ship again (its moves are ignored)"""
    pool = Pool()
    Sale = pool.get('sale.sale')
    Shipment = pool.get('stock.shipment.out')
    Line = pool.get('sale.line')
    with vendor_system(sale.company):
        Sale.process([sale])
        sale = Sale(sale.id)
        Shipment.cancel(list(sale.shipments))
        for line in sale.lines:
            Line.write([line], {
                    'moves_ignored': [('add', [m.id for m in line.moves])],
                    })
        Sale.process([sale])
    return Sale(sale.id)


class BooksTestCase(TestCase):
    "Test the books of a provisioned company"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('lao_b2b')

    @with_transaction()
    def test_fiscal_years_ahead(self):
        "A vendor has this year and the next; the task opens the one after"
        pool = Pool()
        FiscalYear = pool.get('account.fiscalyear')
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        company = create_vendor("Books Cooperative", 'REG-BK-1')
        year = Date.today().year
        years = FiscalYear.search([('company', '=', company.id)])
        self.assertEqual(
            sorted(y.start_date.year for y in years), [year, year + 1])
        for fiscal_year in years:
            self.assertEqual(len(fiscal_year.periods), 12)
            self.assertEqual(len(fiscal_year.invoice_sequences), 1)

        self.assertEqual(Company.open_next_fiscal_years(), [])
        with patch.object(Date, 'today',
                return_value=dt.date(year + 1, 1, 5)):
            created = Company.open_next_fiscal_years()
        self.assertIn(company, [y.company for y in created])
        self.assertIn(year + 2, [y.start_date.year for y in created
                if y.company == company])

    @with_transaction()
    def test_january_postings(self):
        """On 5 January of the next year a vendor invoice posts and the
        December commission run invoices"""
        pool = Pool()
        Sale = pool.get('sale.sale')
        Invoice = pool.get('account.invoice')
        Run = pool.get('lao.commission.run')
        Date = pool.get('ir.date')
        platform, company, listing, order, sale = placed_sale(
            "January Cooperative", 'REG-BK-2')
        year = Date.today().year
        set_commission_date([sale], dt.date(year, 12, 20))

        with patch.object(Date, 'today',
                return_value=dt.date(year + 1, 1, 5)):
            with vendor_system(company):
                Sale.process([sale])
                invoice, = Sale(sale.id).invoices
                Invoice.post([invoice])
            self.assertEqual(invoice.state, 'posted')
            self.assertEqual(invoice.invoice_date, dt.date(year + 1, 1, 5))
            self.assertEqual(invoice.move.period.fiscalyear.name,
                str(year + 1))
            run, = Run.run_monthly()
        self.assertEqual(run.company, platform)
        self.assertEqual(run.start_date, dt.date(year, 12, 1))
        self.assertEqual(run.end_date, dt.date(year, 12, 31))
        commission, = vendor_invoices(run, company)
        self.assertEqual(commission.state, 'posted')
        self.assertEqual(commission.untaxed_amount, Decimal('126000'))

    @with_transaction()
    def test_own_sequences(self):
        "Each vendor numbers its own sales and shipments from 1"
        pool = Pool()
        Sale = pool.get('sale.sale')
        vendors = [create_vendor(f"Sequence Cooperative {i}", f'REG-SQ-{i}')
            for i in range(3)]
        shipments = []
        for vendor in vendors:
            listing = create_listing(vendor, product=create_product(
                    "Green Arabica", vendor, category('coffee_arabica_green')))
            publish([listing])
            order = create_order(create_buyer(), [(listing, 100)])
            place([order])
            sale, = order.sales
            self.assertEqual(sale.number, 'SO/1')
            with vendor_system(vendor):
                Sale.process([sale])
            shipment, = Sale(sale.id).shipments
            shipments.append(shipment)
        self.assertEqual([s.number for s in shipments], ['CS/1'] * 3)

    @with_transaction()
    def test_vat(self):
        """A registered vendor charges the VAT in force on goods that are not
        exempt; an unregistered vendor charges none"""
        pool = Pool()
        registered = create_vendor(
            "VAT Cooperative", 'REG-VAT-1', vat_number='123456789')
        small = create_vendor("Small Cooperative", 'REG-VAT-2')
        green = create_listing(registered)
        cherry = create_listing(registered, product=create_product(
                "Arabica cherry", registered,
                category('coffee_arabica_cherry')),
            cat='coffee_arabica_cherry', title="Arabica cherry")
        other = create_listing(small)
        publish([green, cherry, other])
        order = create_order(create_buyer(),
            [(green, 1000), (cherry, 100), (other, 100)])
        place([order])
        sales = {s.company: s for s in order.sales}
        sale = sales[registered]
        by_listing = {l.marketplace_listing: l for l in sale.lines}
        self.assertEqual(len(by_listing[green].taxes), 1)
        self.assertEqual(by_listing[cherry].taxes, ())
        # 10% on 39,000,000 LAK of green coffee, none on the cherries
        self.assertEqual(sale.tax_amount, Decimal('3900000'))
        self.assertEqual(sales[small].tax_amount, Decimal('0'))
        self.assertEqual(sales[small].lines[0].taxes, ())

        # the rate in force on the day of the tax
        Tax = pool.get('account.tax')
        vat = registered.vat_taxes()
        for date, rate in [
                (dt.date(2021, 12, 31), '10'), (dt.date(2022, 1, 1), '7'),
                (dt.date(2024, 4, 9), '7'), (dt.date(2024, 4, 10), '10')]:
            tax, = Tax.compute(vat, Decimal(100), 1, date)
            self.assertEqual(tax['amount'], Decimal(rate), date)

    @with_transaction()
    def test_buyer_amounts(self):
        """The cart shows the VAT of the sales its checkout creates, the
        buyer sees each part's amounts, shipments and posted invoices, and
        downloads the PDF of its own invoice only"""
        pool = Pool()
        Listing = pool.get('lao.listing')
        Order = pool.get('lao.marketplace.order')
        Sale = pool.get('sale.sale')
        Invoice = pool.get('account.invoice')
        WebUser = pool.get('web.user')
        registered = create_vendor(
            "Cart VAT Cooperative", 'REG-VAT-3', vat_number='987654321')
        small = create_vendor("Cart Small Cooperative", 'REG-VAT-4')
        green, other = create_listing(registered), create_listing(small)
        publish([green, other])
        buyer = create_buyer()
        user = WebUser(email='cart-vat@example.com', party=buyer)
        user.save()
        items = [(green.id, 1000), (other.id, 100)]

        amounts = dict(Listing.cart_vendor_amounts(
                Listing.price_cart(items), buyer))
        self.assertEqual(amounts[registered][:4], (Decimal('39000000'),
                [("VAT 10%", Decimal('3900000'))], Decimal('3900000'),
                Decimal('42900000')))
        self.assertEqual(amounts[small][:4], (
                Decimal('4200000'), [], Decimal('0'), Decimal('4200000')))
        # A guest sees the same
        self.assertEqual(dict(Listing.cart_vendor_amounts(
                    Listing.price_cart(items))), amounts)

        order = Order.web_place(user, items)
        parts = {p.vendor: p for p in Order(order.id).vendor_parts}
        self.assertEqual(parts[registered.rec_name].amounts,
            amounts[registered])
        self.assertEqual(parts[small.rec_name].amounts, amounts[small])

        sale, = [s for s in order.sales if s.company == registered]
        with vendor_system(registered):
            Sale.process([sale])
            invoice, = Sale(sale.id).invoices
            self.assertRaises(UserError, Invoice.web_buyer_report,
                user, invoice.id)
            Invoice.post([invoice])
        part = {p.vendor: p for p in Order(order.id).vendor_parts}[
            registered.rec_name]
        self.assertEqual([s.is_return for s in part.shipments], [False])
        (view,) = part.invoices
        self.assertEqual(view.amounts[:4], amounts[registered][:4])
        format_, data, name = Invoice.web_buyer_report(user, invoice.id)
        self.assertEqual(format_, 'pdf')
        self.assertTrue(data.startswith(b'%PDF'))
        self.assertTrue(name.endswith('.pdf'))

        stranger = WebUser(email='cart-stranger@example.com',
            party=create_buyer("Pakse Traders"))
        stranger.save()
        self.assertRaises(UserError, Invoice.web_buyer_report,
            stranger, invoice.id)
        self.assertEqual(Order.web_orders(stranger), [])
        listed, = Order.web_orders(user)
        self.assertEqual(listed.order, order)

    @with_transaction()
    def test_payment_terms(self):
        "The buyer's payment method gives the sale its payment term"
        pool = Pool()
        Order = pool.get('lao.marketplace.order')
        ModelData = pool.get('ir.model.data')
        company = create_vendor("Terms Cooperative", 'REG-PT-1')
        listing = create_listing(company)
        publish([listing])
        transfer = create_order(create_buyer(), [(listing, 100)])
        cod = create_order(create_buyer(), [(listing, 100)])
        Order.write([cod], {'payment_method': 'cash_on_delivery'})
        place([transfer, cod])
        sale, = transfer.sales
        self.assertEqual(sale.payment_term.id, ModelData.get_id(
                'lao_b2b', 'payment_term_bank_transfer'))
        self.assertEqual(sale.invoice_method, 'order')
        sale, = Order(cod.id).sales
        self.assertEqual(sale.payment_term.id, ModelData.get_id(
                'lao_b2b', 'payment_term_cash_on_delivery'))
        self.assertEqual(sale.invoice_method, 'fulfillment')


class CommissionRulesTestCase(TestCase):
    "Test that a commission cannot escape or be charged twice"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('lao_b2b')

    def run_period(self, platform, start, end):
        Run = Pool().get('lao.commission.run')
        with set_company(platform):
            run, = Run.create([{'start_date': start, 'end_date': end}])
            Run.process([run])
        return run

    @with_transaction()
    def test_cancelled_after_run_is_credited(self):
        "A charged sale cancelled later is credited once"
        pool = Pool()
        Sale = pool.get('sale.sale')
        platform, company, listing, order, sale = placed_sale(
            "Credit Cooperative", 'REG-CM-1')
        today = vientiane_today()
        run = self.run_period(platform, today.replace(day=1), today)
        invoice, = vendor_invoices(run, company)
        self.assertEqual(invoice.untaxed_amount, Decimal('126000'))

        with vendor_system(company):
            Sale.draft([sale])
            Sale.cancel([sale])
        self.assertEqual(Sale(sale.id).state, 'cancelled')
        run = self.run_period(platform, today.replace(day=1), today)
        credit, = vendor_invoices(run, company)
        self.assertEqual(credit.untaxed_amount, Decimal('-126000'))
        self.assertEqual(credit.state, 'posted')
        line, = Sale(sale.id).lines
        self.assertEqual(line.commission_credit_line, credit.lines[0])
        # credited once
        run = self.run_period(platform, today.replace(day=1), today)
        self.assertEqual(vendor_invoices(run, company), [])
        self.assertEqual(order.status, 'cancelled')

    @with_transaction()
    def test_refused_delivery_is_credited(self):
        "A sale ending done with its delivery refused is credited"
        pool = Pool()
        Listing = pool.get('lao.listing')
        platform, company, listing, order, sale = placed_sale(
            "Refused Cooperative", 'REG-CM-2')
        self.assertEqual(Listing(listing.id).declared_quantity, 4900)
        today = vientiane_today()
        self.run_period(platform, today.replace(day=1), today)

        sale = refuse_delivery(sale)
        # the quantity comes back to the listing
        self.assertEqual(Listing(listing.id).declared_quantity, 5000)
        self.assertEqual(sale.marketplace_status, 'cancelled')
        run = self.run_period(platform, today.replace(day=1), today)
        credit, = vendor_invoices(run, company)
        self.assertEqual(credit.untaxed_amount, Decimal('-126000'))
        self.assertEqual(order.status, 'cancelled')

    @with_transaction()
    def test_reconfirmed_after_run(self):
        "A sale re-confirmed after its month's run is charged by the next"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Line = pool.get('sale.line')
        platform, company, listing, order, sale = placed_sale(
            "Reconfirmed Cooperative", 'REG-CM-3')
        today = vientiane_today()
        last_month_end = today.replace(day=1) - dt.timedelta(days=1)
        last_month = last_month_end.replace(day=1)
        set_commission_date([sale], last_month)
        # back to draft before last month's run, its line deleted, re-added
        with vendor_system(company):
            Sale.draft([sale])
            line, = sale.lines
            new, = Line.copy([line], default={
                    'marketplace_listing': listing.id,
                    })
            Line.delete([line])
        self.assertEqual(vendor_invoices(
                self.run_period(platform, last_month, last_month_end),
                company), [])
        with vendor_system(company):
            Sale.quote([sale])
            Sale.confirm([sale])
        line, = Sale(sale.id).lines
        self.assertEqual(line.commission_date, today)
        self.assertEqual(line.commission_rate, Decimal('0.03'))
        run = self.run_period(platform, today.replace(day=1), today)
        invoice, = vendor_invoices(run, company)
        self.assertEqual(invoice.untaxed_amount, Decimal('126000'))
        self.assertEqual(Line(line.id).commission_invoice_line,
            invoice.lines[0])

        # a charged line may not be deleted to escape its charge
        with vendor_system(company):
            Sale.draft([sale])
            with self.assertRaisesRegex(UserError, "charged a commission"):
                Line.delete([line])
            Sale.quote([sale])
            Sale.confirm([sale])
        # and is not charged again
        run = self.run_period(platform, today.replace(day=1), today)
        self.assertEqual(vendor_invoices(run, company), [])

    @with_transaction()
    def test_rate_frozen(self):
        "The rate of a confirmed line does not follow the category's"
        pool = Pool()
        Category = pool.get('product.category')
        company = create_vendor("Frozen Rate Cooperative", 'REG-CM-4')
        listing = create_listing(company)
        publish([listing])
        order = create_order(create_buyer(), [(listing, 100)])
        place([order])
        coffee = category('coffee')
        Category.write([coffee], {'commission_rate': Decimal('0.05')})
        line, = order.sales[0].lines
        self.assertEqual(line.commission_rate, Decimal('0.03'))
        self.assertEqual(line.commission_amount, Decimal('126000'))

    @unittest.skipIf(backend.name == 'sqlite',
        "SQLite locks the whole database file, not tables")
    @with_transaction()
    def test_concurrent_runs(self):
        "A run waits for a concurrent run and charges nothing twice"
        pool = Pool()
        Run = pool.get('lao.commission.run')
        transaction = Transaction()
        platform = setup_platform()
        company = create_vendor("Concurrent Run Cooperative", 'REG-CM-5')
        listing = create_listing(company)
        publish([listing])
        place([create_order(create_buyer(), [(listing, 100)])])
        today = vientiane_today()
        with set_company(platform):
            first, second = Run.create([
                    {'start_date': today.replace(day=1), 'end_date': today},
                    {'start_date': today.replace(day=1), 'end_date': today},
                    ])
        transaction.commit()

        # in the platform's context, without set_company: writing the user
        # in both transactions would make the second wait for the first
        def process_in(run):
            with Transaction().set_context(company=platform.id):
                Run.process([Run(run.id)])

        hold_locks(self, transaction, process_in, first, second)
        run_with_locks(transaction, process_in, second)
        with transaction.new_transaction():
            self.assertEqual(
                len(vendor_invoices(Run(first.id), company)), 1)
            self.assertEqual(Run(second.id).invoices, ())


class QuoteRulesTestCase(TestCase):
    "Test that quotes are checked when submitted"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('lao_b2b')

    @with_transaction()
    def test_quote_product_checks(self):
        "Another vendor's product, another commodity, terms and quantity"
        pool = Pool()
        Request = pool.get('lao.rfq')
        Quote = pool.get('lao.rfq.quote')
        request = create_request(create_buyer())
        Request.publish([request])
        vendor = create_vendor("Quoting Cassava Group", 'REG-QT-1', 'SV')
        other = create_vendor("Other Cassava Group", 'REG-QT-2', 'SV')
        others_quote = create_quote(request, other, Decimal('2400000'))
        with self.assertRaisesRegex(UserError, "not a product that the"):
            Quote.submit([create_quote(request, vendor, Decimal('2400000'),
                        product=others_quote.product)])
        coffee = create_product(
            "Green Arabica", vendor, category('coffee_arabica_green'))
        create_listing(vendor, product=coffee)
        with self.assertRaisesRegex(UserError, "requested commodity"):
            Quote.submit([create_quote(
                        request, vendor, Decimal('2400000'), product=coffee)])
        with self.assertRaisesRegex(UserError, "more than the requested"):
            Quote.submit([create_quote(
                        request, vendor, Decimal('2400000'), quantity=21)])
        # 20.01 t is not a multiple of the listing's 50 kg
        with self.assertRaisesRegex(UserError, "not a multiple"):
            Quote.submit([create_quote(
                        request, vendor, Decimal('2400000'),
                        quantity=19.99)])
        quote = create_quote(request, vendor, Decimal('2400000'))
        Quote.submit([quote])
        self.assertEqual(quote.state, 'submitted')

    @with_transaction()
    def test_quote_expired_request(self):
        "Nothing is submitted or accepted on a request past its expiry"
        pool = Pool()
        Request = pool.get('lao.rfq')
        Quote = pool.get('lao.rfq.quote')
        Date = pool.get('ir.date')
        request = create_request(create_buyer())
        Request.publish([request])
        vendor = create_vendor("Late Cassava Group", 'REG-QT-3', 'SV')
        quote = create_quote(request, vendor, Decimal('2400000'),
            valid_until=request.expiry_date + dt.timedelta(days=5))
        Quote.submit([quote])
        later = request.expiry_date + dt.timedelta(days=1)
        # the task has not expired it yet
        with patch.object(Date, 'today', return_value=later):
            with self.assertRaisesRegex(UserError, "not open"):
                Quote.accept([quote])
        self.assertEqual(quote.state, 'submitted')

    @with_transaction()
    def test_dates_in_vientiane(self):
        "Near midnight in Vientiane, the day is Vientiane's, not UTC's"
        from ..rfq import today
        pool = Pool()
        Date = pool.get('ir.date')
        calls = []

        def fake_today(timezone=None):
            calls.append(timezone)
            return dt.date(2026, 12, 2)
        with patch.object(Date, 'today', side_effect=fake_today):
            self.assertEqual(today(), dt.date(2026, 12, 2))
        self.assertEqual(str(calls[0]), 'Asia/Vientiane')


class ReservationTestCase(TestCase):
    "Test the one reservation and release path of listings"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('lao_b2b')

    @with_transaction()
    def test_no_oversell_across_channels(self):
        "A quote and a checkout cannot together sell more than declared"
        pool = Pool()
        Request = pool.get('lao.rfq')
        Quote = pool.get('lao.rfq.quote')
        Listing = pool.get('lao.listing')
        ModelData = pool.get('ir.model.data')
        vendor = create_vendor("Channel Cassava Group", 'REG-RS-1', 'SV')
        product = create_product("Cassava chips", vendor,
            category('cassava_chips'))
        listing = create_listing(vendor, product=product, cat='cassava_chips',
            title="Cassava chips", declared_quantity=9500)
        publish([listing])
        request = create_request(create_buyer(), quantity=9.5)
        Request.publish([request])
        quote = create_quote(request, vendor, Decimal('2400000'),
            product=product, quantity=9.5)
        Quote.submit([quote])
        Quote.accept([quote])
        self.assertEqual(Listing(listing.id).declared_quantity, 0)
        line, = quote.sale.lines
        self.assertEqual(line.reserved_listing, listing)
        self.assertEqual(line.reserved_quantity, 9500)
        self.assertEqual(line.unit.id,
            ModelData.get_id('lao_b2b', 'uom_tonne'))
        with self.assertRaisesRegex(UserError, "only 0"):
            place([create_order(create_buyer(), [(listing, 9500)])])

    @with_transaction()
    def test_stock_listing_quote(self):
        "A quote cannot take a stock-based listing below zero"
        pool = Pool()
        Request = pool.get('lao.rfq')
        Quote = pool.get('lao.rfq.quote')
        Listing = pool.get('lao.listing')
        vendor = create_vendor("Stock Cassava Group", 'REG-RS-2', 'SV')
        product = create_product("Cassava chips", vendor,
            category('cassava_chips'))
        listing = create_listing(vendor, product=product, cat='cassava_chips',
            title="Cassava chips", availability='stock',
            declared_quantity=None,
            warehouse=Listing.company_warehouse(vendor).id)
        publish([listing])
        request = create_request(create_buyer(), quantity=6.1)
        Request.publish([request])
        quote = create_quote(request, vendor, Decimal('2400000'),
            product=product, quantity=6.1)
        Quote.submit([quote])
        with self.assertRaisesRegex(UserError, "more than the listings"):
            Quote.accept([quote])

    @with_transaction()
    def test_back_office_sale_reserves(self):
        "A back-office sale of a listed product takes from its listing"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Listing = pool.get('lao.listing')
        from ..marketplace import new_sale_line, new_vendor_sale
        vendor = create_vendor("Back Office Cooperative", 'REG-RS-3')
        listing = create_listing(vendor, declared_quantity=300)
        publish([listing])
        with vendor_system(vendor):
            sale = new_vendor_sale(vendor, create_buyer())
            sale.lines = [new_sale_line(sale, listing.product, listing.unit,
                    200, Decimal('42000'))]
            sale.save()
            Sale.quote([sale])
            Sale.confirm([sale])
        self.assertEqual(Listing(listing.id).declared_quantity, 100)
        with self.assertRaisesRegex(UserError, "only 100"):
            place([create_order(create_buyer(), [(listing, 150)])])
        # drafted, it gives back
        with vendor_system(vendor):
            Sale.draft([sale])
        self.assertEqual(Listing(listing.id).declared_quantity, 300)

    @with_transaction()
    def test_order_partly_cancelled(self):
        "The order follows its parts; a cancelled part gives back"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Listing = pool.get('lao.listing')
        vendor_a = create_vendor("Part A Cooperative", 'REG-RS-4')
        vendor_b = create_vendor("Part B Cooperative", 'REG-RS-5')
        listing_a = create_listing(vendor_a)
        listing_b = create_listing(vendor_b, product=create_product(
                "Robusta green", vendor_b, category('coffee_robusta_green')),
            cat='coffee_robusta_green')
        publish([listing_a, listing_b])
        order = create_order(
            create_buyer(), [(listing_a, 1000), (listing_b, 200)])
        place([order])
        self.assertEqual(order.status, 'confirmed')
        sales = {s.company: s for s in order.sales}
        with vendor_system(vendor_b):
            Sale.draft([sales[vendor_b]])
            Sale.cancel([sales[vendor_b]])
        self.assertEqual(Listing(listing_b.id).declared_quantity, 5000)
        self.assertEqual(Listing(listing_a.id).declared_quantity, 4000)
        order = pool.get('lao.marketplace.order')(order.id)
        self.assertEqual(order.status, 'partly_cancelled')
        self.assertEqual(
            {s.company: s.marketplace_status for s in order.sales},
            {vendor_a: 'confirmed', vendor_b: 'cancelled'})
