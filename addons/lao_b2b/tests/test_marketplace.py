"""Unit tests of the marketplace: listings, orders, quotations, board and
commissions.  Every test builds its own vendors through the real vendor
application approval."""
import datetime as dt
import json
import os
from decimal import Decimal

import unittest
from unittest.mock import patch

from trytond import backend
from trytond.exceptions import UserError
from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    TestCase, activate_module, with_transaction)
from trytond.transaction import Transaction, TransactionError


def lao_province(code):
    Subdivision = Pool().get('country.subdivision')
    province, = Subdivision.search([('code', '=', f'LA-{code}')])
    return province


def create_vendor(name, registration_number, province='CH', vat_number=None):
    """Approve a vendor application (registered for VAT with vat_number)
    and return the vendor's company"""
    pool = Pool()
    Application = pool.get('lao.vendor.application')
    Document = pool.get('lao.vendor.application.document')
    application, = Application.create([{
                'name': name,
                'vendor_type': 'cooperative',
                'province': lao_province(province).id,
                'district': "Paksong",
                'phone': "+856 20 5555 0000",
                'email': f'{registration_number.lower()}@example.la',
                'registration_number': registration_number,
                'commodities': "Coffee",
                'vat_registered': bool(vat_number),
                'vat_number': vat_number,
                'documents': [('create', [{
                                'kind': 'registration_certificate',
                                'data': b'%PDF-1.4 registration',
                                }, {
                                'kind': 'payment_service_certificate',
                                'data': b'%PDF-1.4 payment',
                                }])],
                }])
    # submitted by the applicant's side, decided by a reviewer (user 1)
    with Transaction().set_user(0):
        Application.submit([application])
    Document.mark_checked(application.documents)
    Application.approve([application])
    return application.company


def account_category(company):
    "The vendor's accounting category, with its revenue account"
    pool = Pool()
    Account = pool.get('account.account')
    Category = pool.get('product.category')
    with Transaction().set_context(company=company.id):
        revenue, = Account.search([
                ('company', '=', company.id),
                ('type.revenue', '=', True),
                ('closed', '!=', True),
                ], limit=1)
        category, = Category.create([{
                    'name': f"Sales of {company.rec_name}",
                    'accounting': True,
                    'account_revenue': revenue.id,
                    }])
    return category


def create_product(name, company, category=None, unit='uom_kilogram'):
    pool = Pool()
    Template = pool.get('product.template')
    ModelData = pool.get('ir.model.data')
    uom = ModelData.get_id('product', unit)
    accounting = account_category(company)
    with Transaction().set_context(company=company.id):
        template, = Template.create([{
                    'name': name,
                    'type': 'goods',
                    'salable': True,
                    'default_uom': uom,
                    'sale_uom': uom,
                    'list_price': Decimal('50000'),
                    'account_category': accounting.id,
                    'categories': [('add', [category.id])] if category else [],
                    'products': [('create', [{}])],
                    }])
    return template.products[0]


def category(code):
    ModelData = Pool().get('ir.model.data')
    Category = Pool().get('product.category')
    return Category(ModelData.get_id('lao_b2b', f'category_{code}'))


def create_listing(company, product=None, cat='coffee_arabica_green',
        photo=True, **values):
    "A complete draft listing: below 1 t 42,000 LAK/kg, from 1 t 39,000"
    pool = Pool()
    Date = pool.get('ir.date')
    Listing = pool.get('lao.listing')
    ModelData = pool.get('ir.model.data')
    if product is None:
        product = create_product("Green Arabica", company, category(cat))
    data = {
        'company': company.id,
        'product': product.id,
        'title': "Bolaven green arabica",
        'description': "Washed arabica, grade 1, screen 16+.",
        'category': category(cat).id,
        'grade': "G1",
        'origin_province': lao_province('CH').id,
        'origin_district': "Paksong",
        'harvest_season': "2025/26",
        'unit': ModelData.get_id('product', 'uom_kilogram'),
        'availability': 'declared',
        'declared_quantity': 5000,
        'minimum_quantity': 100,
        'quantity_multiple': 50,
        'lead_time': dt.timedelta(days=3),
        'price_tiers': [('create', [
                    {'quantity': 0, 'unit_price': Decimal('42000')},
                    {'quantity': 1000, 'unit_price': Decimal('39000')},
                    ])],
        'certifications': [('create', [{
                        'kind': 'geographical_indication',
                        'name': "Bolaven Plateau Coffee",
                        'number': "GI-LA-0001",
                        'valid_to': Date.today() + dt.timedelta(days=365),
                        }])],
        }
    if photo:
        data['photos'] = [('create', [{'image': b'\x89PNG fake photo'}])]
    data.update(values)
    with Transaction().set_context(company=company.id):
        listing, = Listing.create([data])
    return listing


def publish(listings):
    "Submit as the vendor (user 0 here), publish as a reviewer (user 1)"
    Listing = Pool().get('lao.listing')
    with Transaction().set_user(0):
        Listing.submit(listings)
    Listing.publish(listings)


def create_buyer(name="Vientiane Coffee Roasters"):
    Party = Pool().get('party.party')
    buyer, = Party.create([{
                'name': name,
                'buyer_type': 'domestic',
                'buyer_business_name': name + " Co., Ltd",
                'buyer_registration_number': 'VT-TAX-0001',
                'addresses': [('create', [{
                                'street': "Thanon Samsenthai",
                                'city': "Vientiane",
                                }])],
                }])
    return buyer


def create_order(buyer, lines):
    Order = Pool().get('lao.marketplace.order')
    order, = Order.create([{
                'buyer': buyer.id,
                'lines': [('create', [{
                                'listing': listing.id,
                                'quantity': quantity,
                                } for listing, quantity in lines])],
                }])
    return order


def _attempt(extras, action, record):
    "Run action on record; False when it must be restarted with its locks"
    try:
        action(record)
    except TransactionError as e:
        Transaction().rollback()
        e.fix(extras)
        return False
    return True


def run_with_locks(transaction, action, record):
    "Run action on record in a new transaction holding its locks, commit"
    extras = {}
    while True:
        with transaction.new_transaction(**extras) as new:
            if _attempt(extras, action, record):
                new.commit()
                return


def hold_locks(test, transaction, action, first, second):
    """Run action on first in a transaction holding its locks and check
    that, until it commits, action on second cannot take them"""
    extras1 = {}
    while True:
        with transaction.new_transaction(**extras1) as t1:
            if not _attempt(extras1, action, first):
                continue
            extras2 = {}
            with test.assertRaises(backend.DatabaseOperationalError):
                while True:
                    with transaction.new_transaction(**extras2):
                        if _attempt(extras2, action, second):
                            break
            t1.commit()
        return


def place(orders):
    "Place as the platform would, retrying once the listings are locked"
    Order = Pool().get('lao.marketplace.order')
    Order.place(orders)


class MarketplaceTestCase(TestCase):
    "Test the Lao B2B marketplace"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('lao_b2b')

    @with_transaction()
    def test_commodity_choices(self):
        "Every commodity choice lists commodities only"
        pool = Pool()
        Category = pool.get('product.category')
        Listing = pool.get('lao.listing')
        ModelData = pool.get('ir.model.data')
        company = create_vendor("Paksong Coffee Cooperative", 'REG-001')
        sales = company.sales_account_category()
        wildlife = Category(ModelData.get_id(
                'lao_b2b', 'category_protected_wildlife'))
        # A kind of a prohibited commodity is prohibited too
        pangolin, = Category.create([{
                    'name': "Pangolin", 'parent': wildlife.id}])
        coffee = category('coffee')
        arabica = category('coffee_arabica')

        commodities = Category.search(Category.commodity_domain())
        catalogue = [i for i, _ in Listing.catalogue_commodities()]
        web = [c.id for c in Listing.web_commodities()]
        for ids in [[c.id for c in commodities], catalogue, web]:
            self.assertIn(coffee.id, ids)
            self.assertIn(arabica.id, ids)
            self.assertNotIn(sales.id, ids)
            self.assertNotIn(wildlife.id, ids)
            self.assertNotIn(pangolin.id, ids)
        self.assertEqual(set(catalogue), set(web))

    @with_transaction()
    def test_catalogue_search_commodity_names(self):
        """A search finds the listings of a commodity and of the kinds under
        it by its name in English, Lao or Chinese, whatever the vendor
        wrote in the title"""
        pool = Pool()
        Listing = pool.get('lao.listing')
        Translation = pool.get('ir.translation')
        # The names of the commodity tree that the module ships
        locale = os.path.join(os.path.dirname(__file__), '..', 'locale')
        for language in ['lo', 'zh_CN']:
            Translation.translation_import(language, 'lao_b2b',
                [os.path.join(locale, f'{language}.po')])
        coffee = create_vendor("Search Coffee Cooperative", 'REG-017')
        rice = create_vendor("Search Rice Group", 'REG-018', 'SV')
        listings = {
            'arabica': create_listing(coffee),
            'robusta': create_listing(coffee, cat='coffee_robusta_green',
                title="Robusta green beans", description="Natural."),
            'rice': create_listing(rice, cat='rice', title="Sticky rice",
                description="Khao niao from Savannakhet."),
            }
        publish(list(listings.values()))
        ours = {l.id: name for name, l in listings.items()}

        def found(text):
            return {ours[l.id] for l in Listing.search_catalogue(text=text)
                if l.id in ours}
        for text in ["coffee", "COFFEE", "ກາເຟ", "咖啡"]:
            self.assertEqual(found(text), {'arabica', 'robusta'}, text)
        for text in ["robusta", "ໂຣບັສຕ້າ", "罗布斯塔"]:
            self.assertEqual(found(text), {'robusta'}, text)
        for text in ["ເຂົ້າ", "大米", "khao niao"]:
            self.assertEqual(found(text), {'rice'}, text)
        self.assertEqual(found("tea"), set())
        self.assertEqual(Listing.count_catalogue(text="咖啡"), 2)

    @with_transaction()
    def test_catalogue_search_short_words(self):
        """A text shorter than a trigram ("茶", "咖啡") is looked up in the
        titles, as written or translated, and the commodity names, not in
        the descriptions; a longer one in the descriptions too"""
        pool = Pool()
        Listing = pool.get('lao.listing')
        company = create_vendor("Short Words Cooperative", 'REG-019')
        listings = {
            'titled': create_listing(company, title="Green beans 咖啡"),
            'described': create_listing(company, cat='rice',
                title="Sticky rice", description="Not 咖啡 but 咖啡色 rice"),
            'translated': create_listing(company, cat='rice',
                title="Jasmine rice", description="Fragrant."),
            }
        with Transaction().set_context(language='zh_CN'):
            Listing.write([Listing(listings['translated'].id)], {
                    'title': "香米 XQ", 'description': "香米 ZK"})
        publish(list(listings.values()))
        ours = {l.id: name for name, l in listings.items()}

        def found(text):
            return {ours[l.id] for l in Listing.search_catalogue(text=text)
                if l.id in ours}
        self.assertEqual(found("咖啡"), {'titled'})
        self.assertEqual(found("咖啡色"), {'described'})
        self.assertEqual(found("香米"), {'translated'})
        self.assertEqual(found("XQ"), {'translated'})
        self.assertEqual(found("ZK"), set())
        self.assertEqual(found("香米 ZK"), {'translated'})

    @with_transaction()
    def test_catalogue_count_bounded(self):
        "The count of the catalogue stops at its limit"
        pool = Pool()
        Listing = pool.get('lao.listing')
        company = create_vendor("Bounded Count Cooperative", 'REG-020')
        publish([create_listing(company, title=f"Bounded arabica {i}")
                for i in range(3)])
        self.assertEqual(Listing.count_catalogue(text="Bounded arabica"), 3)
        self.assertEqual(
            Listing.count_catalogue(limit=2, text="Bounded arabica"), 2)
        self.assertEqual(
            Listing.count_catalogue(limit=4, text="Bounded arabica"), 3)
        self.assertEqual(
            Listing.count_catalogue(limit=2, text="Bounded arabica 1"), 1)

    @with_transaction()
    def test_listing_vetting(self):
        "A complete listing is submitted, published and priced by tiers"
        pool = Pool()
        Listing = pool.get('lao.listing')
        Decision = pool.get('lao.decision')
        company = create_vendor("Paksong Coffee Cooperative", 'REG-001')
        listing = create_listing(company)

        with Transaction().set_user(0):
            Listing.submit([listing])
        self.assertEqual(listing.state, 'submitted')
        Listing.publish([listing])
        self.assertEqual(listing.state, 'published')
        self.assertTrue(listing.published_at)

        self.assertEqual(listing.price_list.company, company)
        self.assertEqual(listing.compute_unit_price(999), Decimal('42000'))
        self.assertEqual(listing.compute_unit_price(1000), Decimal('39000'))
        self.assertEqual(listing.price, Decimal('42000'))
        template = listing.product.template
        self.assertEqual(template.sale_quantity_minimal, 100)
        self.assertEqual(template.sale_quantity_rounding, 50)
        self.assertEqual(
            [d.to_state for d in Decision.search(
                    [('resource', '=', str(listing))], order=[('id', 'ASC')])],
            ['submitted', 'published'])

    @with_transaction()
    def test_listing_publish_own_submission(self):
        "A reviewer cannot publish a listing they submitted"
        Listing = Pool().get('lao.listing')
        company = create_vendor("Thateng Coffee Group", 'REG-002')
        listing = create_listing(company)
        Listing.submit([listing])
        with self.assertRaisesRegex(UserError, "another reviewer"):
            Listing.publish([listing])

    @with_transaction()
    def test_listing_submit_prechecks(self):
        "Submitting names every problem of an incomplete listing"
        Listing = Pool().get('lao.listing')
        company = create_vendor("Laongam Farmers", 'REG-003')
        listing = create_listing(
            company, photo=False, description=None, origin_district=None,
            minimum_quantity=120,
            price_tiers=[('create', [
                        {'quantity': 200, 'unit_price': Decimal('30000')},
                        {'quantity': 1000, 'unit_price': Decimal('35000')},
                        ])])
        with self.assertRaises(UserError) as cm:
            Listing.submit([listing])
        message = cm.exception.message
        for text in ["photo", "description", "district",
                "first price tier", "higher unit price",
                "multiple of the quantity multiple"]:
            self.assertIn(text, message)
        self.assertEqual(listing.state, 'draft')

    @with_transaction()
    def test_listing_prohibited_category(self):
        "A listing of protected wildlife is refused"
        Listing = Pool().get('lao.listing')
        company = create_vendor("Forest Traders", 'REG-004')
        listing = create_listing(company, cat='protected_wildlife')
        with self.assertRaisesRegex(UserError, "may not be sold"):
            Listing.submit([listing])

    @with_transaction()
    def test_listing_expired_certification(self):
        "An expired certification is refused"
        Listing = Pool().get('lao.listing')
        company = create_vendor("Old Certificates Co", 'REG-005')
        listing = create_listing(company, certifications=[('create', [{
                            'kind': 'organic',
                            'name': "Organic",
                            'number': "ORG-1",
                            'valid_to': dt.date.today() - dt.timedelta(1),
                            }])])
        with self.assertRaisesRegex(UserError, "expired"):
            Listing.submit([listing])

    @with_transaction()
    def test_listing_suspended_vendor(self):
        "A suspended vendor cannot submit listings"
        pool = Pool()
        Listing = pool.get('lao.listing')
        Application = pool.get('lao.vendor.application')
        company = create_vendor("Suspended Cooperative", 'REG-006')
        listing = create_listing(company)
        application, = Application.search([('company', '=', company.id)])
        Application.suspend([application], "Fraudulent documents")
        with self.assertRaisesRegex(UserError, "good standing"):
            Listing.submit([listing])

    @with_transaction()
    def test_listing_reject_reason(self):
        "Rejecting needs a reason, which is logged"
        pool = Pool()
        Listing = pool.get('lao.listing')
        company = create_vendor("Reject Cooperative", 'REG-007')
        listing = create_listing(company)
        with Transaction().set_user(0):
            Listing.submit([listing])
        with self.assertRaisesRegex(UserError, "reason"):
            Listing.reject([listing], " ")
        Listing.reject([listing], "Photos show robusta, not arabica.")
        self.assertEqual(listing.state, 'rejected')
        self.assertEqual(
            listing.decisions[0].reason, "Photos show robusta, not arabica.")

    @with_transaction()
    def test_rejected_revision_corrected_by_vendor(self):
        """In the back office the vendor reads the reasons of the decisions
        on its own listing, revision and application (not another
        vendor's), corrects the rejected revision and submits it again"""
        pool = Pool()
        Listing = pool.get('lao.listing')
        Tier = pool.get('lao.listing.price_tier')
        Decision = pool.get('lao.decision')
        Application = pool.get('lao.vendor.application')
        company = create_vendor("Corrected Cooperative", 'REG-015')
        other = create_vendor("Other Cooperative", 'REG-016')
        listing, theirs = create_listing(company), create_listing(other)
        publish([listing, theirs])
        revision, = Listing.create_revisions([listing])
        own_revision, = Listing.create_revisions([theirs])
        Listing.write([revision, own_revision], {'minimum_quantity': 200})
        with Transaction().set_user(0):
            Listing.submit([revision, own_revision])
        Listing.reject([revision, own_revision], "The 200 kg minimum "
            "needs the quantity multiple of 100 kg.")
        application, = Application.search([('company', '=', company.id)])

        with Transaction().set_user(application.manager.id), \
                Transaction().set_context(_check_access=True,
                    company=company.id, companies=[company.id]):
            revision = Listing(revision.id)
            decision = revision.decisions[0]
            self.assertEqual((decision.to_state, decision.reason), (
                    'rejected', "The 200 kg minimum needs the quantity "
                    "multiple of 100 kg."))
            # What the back office's list of decisions reads
            self.assertTrue(Decision.read([decision.id],
                    ['reason', 'user.rec_name', 'resource.rec_name']))
            self.assertEqual(
                [d.to_state for d in Listing(listing.id).decisions],
                ['published', 'submitted'])
            self.assertEqual(
                [d.to_state for d in Application(application.id).decisions],
                ['approved', 'submitted'])
            seen = Decision.search([])
            self.assertTrue(seen)
            self.assertFalse({str(d.resource) for d in seen} & {
                    str(theirs), str(own_revision)})
            self.assertFalse(Decision.search([('resource.company', '=',
                            other.id, 'lao.vendor.application')]))

            # The rejected revision is corrected and submitted again
            Listing.write([revision], {'quantity_multiple': 100})
            Tier.write([t for t in revision.price_tiers if t.quantity == 0],
                {'unit_price': Decimal('43000')})
            Listing.submit([revision])
        Listing.publish([revision])
        listing = Listing(listing.id)
        self.assertEqual((listing.minimum_quantity, listing.quantity_multiple,
                listing.price), (200, 100, Decimal('43000')))
        # The decision history is kept
        self.assertEqual(
            [(d.from_state, d.to_state) for d in reversed(
                    Listing(revision.id).decisions)], [
                ('draft', 'submitted'), ('submitted', 'rejected'),
                ('rejected', 'submitted'), ('submitted', 'merged')])

    @with_transaction()
    def test_listing_suspend_and_archive(self):
        "A reviewer suspends a published listing with a reason; archive"
        Listing = Pool().get('lao.listing')
        company = create_vendor("Suspend Listing Coop", 'REG-008')
        listing = create_listing(company)
        publish([listing])
        with self.assertRaisesRegex(UserError, "reason"):
            Listing.suspend([listing], "")
        Listing.suspend([listing], "Mould found at inspection.")
        self.assertEqual(listing.state, 'suspended')
        Listing.reinstate([listing])
        self.assertEqual(listing.state, 'published')
        Listing.archive([listing])
        self.assertEqual(listing.state, 'archived')

    @with_transaction()
    def test_listing_published_terms_need_revision(self):
        "The terms of a published listing change only through a revision"
        pool = Pool()
        Listing = pool.get('lao.listing')
        Tier = pool.get('lao.listing.price_tier')
        company = create_vendor("Revision Cooperative", 'REG-009')
        listing = create_listing(company)
        publish([listing])

        with self.assertRaisesRegex(UserError, "revision"):
            Listing.write([listing], {'minimum_quantity': 50})
        with self.assertRaisesRegex(UserError, "revision"):
            Tier.write(list(listing.price_tiers),
                {'unit_price': Decimal('1')})
        # free fields may change
        Listing.write([listing], {'title': "Bolaven green arabica G1"})

        revision, = Listing.create_revisions([listing])
        self.assertEqual(revision.revision_of, listing)
        self.assertEqual(revision.state, 'draft')
        with self.assertRaisesRegex(UserError, "already has a revision"):
            Listing.revise([listing])
        Tier.write([t for t in revision.price_tiers if t.quantity == 1000],
            {'unit_price': Decimal('38000')})
        Listing.write([revision], {'minimum_quantity': 200})
        with Transaction().set_user(0):
            Listing.submit([revision])
        # the live listing stays on sale with its terms during the review
        listing = Listing(listing.id)
        self.assertEqual(listing.state, 'published')
        self.assertEqual(listing.compute_unit_price(1000), Decimal('39000'))

        Listing.publish([revision])
        self.assertEqual(revision.state, 'merged')
        listing = Listing(listing.id)
        self.assertEqual(listing.state, 'published')
        self.assertEqual(listing.minimum_quantity, 200)
        self.assertEqual(listing.compute_unit_price(1000), Decimal('38000'))
        self.assertEqual(listing.compute_unit_price(200), Decimal('42000'))
        self.assertEqual(len(listing.price_tiers), 2)
        self.assertEqual(len(listing.certifications), 1)
        self.assertEqual(listing.product.template.sale_quantity_minimal, 200)
        self.assertEqual(listing.decisions[0].reason,
            "Revised terms published.")

    @with_transaction()
    def test_listing_product_unique(self):
        "A product has one live listing"
        from trytond.model.exceptions import ValidationError
        company = create_vendor("Unique Cooperative", 'REG-010')
        listing = create_listing(company)
        with self.assertRaises(ValidationError):
            create_listing(company, product=listing.product)

    @with_transaction()
    def test_listing_quantity_problems(self):
        "Quantities below the minimum or off the multiple are named"
        company = create_vendor("Quantity Cooperative", 'REG-011')
        listing = create_listing(company)
        self.assertEqual(listing.quantity_problems(150), [])
        below, = listing.quantity_problems(50)
        self.assertIn("below the minimum", below)
        multiple, = listing.quantity_problems(175)
        self.assertIn("not a multiple", multiple)

    @with_transaction()
    def test_listing_format_quantity(self):
        "Quantities are written with the unit, grouped, without zero decimals"
        company = create_vendor("Format Cooperative", 'REG-014')
        listing = create_listing(company, minimum_quantity=1000.0)
        for quantity, text in [
                (1000.0, '1,000\xa0kg'),
                (77000, '77,000\xa0kg'),
                (0.5, '0.5\xa0kg'),
                (1250.126, '1,250.13\xa0kg'),
                (0.1 + 0.2, '0.3\xa0kg'),
                ]:
            self.assertEqual(listing.format_quantity(quantity), text)
        below, = listing.quantity_problems(500.0)
        self.assertIn(
            "500\xa0kg is below the minimum order quantity of 1,000\xa0kg",
            below)

    @with_transaction()
    def test_listing_company_rule(self):
        """A vendor sees only its own listings; reviewers see those of every
        vendor company they are given"""
        pool = Pool()
        Listing = pool.get('lao.listing')
        Application = pool.get('lao.vendor.application')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        company_a = create_vendor("Vendor A", 'REG-012')
        company_b = create_vendor("Vendor B", 'REG-013')
        listing_a = create_listing(company_a)
        listing_b = create_listing(company_b)
        manager_a = Application.search(
            [('company', '=', company_a.id)])[0].manager
        reviewer, = User.create([{
                    'name': "Reviewer", 'login': 'reviewer',
                    'groups': [('add', [ModelData.get_id(
                                    'lao_b2b', 'group_government_reviewer')])],
                    'companies': [('add', [company_a.id, company_b.id])],
                    'company': company_a.id,
                    'company_filter': 'all',
                    }])
        ids = {listing_a.id, listing_b.id}
        with Transaction().set_user(manager_a.id), \
                Transaction().set_context(
                    _check_access=True, company=company_a.id):
            found = Listing.search([('id', 'in', list(ids))])
            self.assertEqual({l.id for l in found}, {listing_a.id})
        with Transaction().set_user(reviewer.id), \
                Transaction().set_context(_check_access=True):
            found = Listing.search([('id', 'in', list(ids))])
            self.assertEqual({l.id for l in found}, ids)

    @with_transaction()
    def test_order_split_per_vendor(self):
        "One order buys from two vendors: one confirmed sale in each"
        pool = Pool()
        Listing = pool.get('lao.listing')
        company_a = create_vendor("Paksong Cooperative", 'REG-101')
        company_b = create_vendor("Thateng Cooperative", 'REG-102', 'XE')
        listing_a = create_listing(company_a)
        listing_b = create_listing(company_b, product=create_product(
                "Robusta green", company_b, category('coffee_robusta_green')),
            cat='coffee_robusta_green')
        publish([listing_a, listing_b])
        buyer = create_buyer()
        order = create_order(buyer, [(listing_a, 1000), (listing_b, 200)])

        place([order])

        self.assertEqual(order.state, 'placed')
        self.assertEqual(len(order.sales), 2)
        sales = {s.company: s for s in order.sales}
        self.assertEqual(set(sales), {company_a, company_b})
        for sale in order.sales:
            self.assertEqual(sale.state, 'confirmed')
            self.assertEqual(sale.party, buyer)
        line_a, = sales[company_a].lines
        self.assertEqual(line_a.unit_price, Decimal('39000'))
        self.assertEqual(line_a.amount, Decimal('39000000'))
        self.assertEqual(line_a.marketplace_listing, listing_a)
        line_b, = sales[company_b].lines
        self.assertEqual(line_b.unit_price, Decimal('42000'))
        self.assertEqual(
            [l.sale_line for l in order.lines], [line_a, line_b])
        self.assertEqual(Listing(listing_a.id).declared_quantity, 4000)
        self.assertEqual(Listing(listing_b.id).declared_quantity, 4800)
        self.assertEqual(order.status, 'confirmed')

    def assert_refused(self, order, text):
        "The order is refused with text and nothing is created"
        Sale = Pool().get('sale.sale')
        sales = Sale.search([], count=True)
        with self.assertRaises(UserError) as cm:
            place([order])
        self.assertIn(text, cm.exception.message)
        self.assertIn(order.lines[0].listing.title, cm.exception.message)
        self.assertEqual(order.state, 'draft')
        self.assertEqual(Sale.search([], count=True), sales)
        return cm.exception.message

    @with_transaction()
    def test_order_refusals(self):
        "Orders that break a listing's terms are refused and create nothing"
        pool = Pool()
        Application = pool.get('lao.vendor.application')
        company = create_vendor("Refusing Cooperative", 'REG-103')
        listing = create_listing(company)
        publish([listing])
        buyer = create_buyer()

        self.assert_refused(
            create_order(buyer, [(listing, 50)]), "below the minimum")
        self.assert_refused(
            create_order(buyer, [(listing, 120)]), "not a multiple")
        self.assert_refused(
            create_order(buyer, [(listing, 3000), (listing, 2500)]),
            "5,500\xa0kg ordered but only 5,000\xa0kg available")

        # a suspended vendor stops the whole order, its other vendor too
        other = create_vendor("Good Cooperative", 'REG-104')
        other_listing = create_listing(other, product=create_product(
                "Jasmine rice", other, category('rice_jasmine')),
            cat='rice_jasmine', title="Jasmine rice")
        publish([other_listing])
        application, = Application.search([('company', '=', company.id)])
        Application.suspend([application], "Unpaid taxes")
        message = self.assert_refused(
            create_order(buyer, [(listing, 100), (other_listing, 100)]),
            "suspended")
        self.assertNotIn(other_listing.title, message)

    @with_transaction()
    def test_order_unpublished_listing(self):
        "A listing suspended after it was put in an order cannot be bought"
        Listing = Pool().get('lao.listing')
        company = create_vendor("Suspended Listing Cooperative", 'REG-105')
        listing = create_listing(company)
        publish([listing])
        order = create_order(create_buyer(), [(listing, 100)])
        Listing.suspend([listing], "Aflatoxin above the limit.")
        self.assert_refused(order, "not on sale")

    @with_transaction()
    def test_order_last_stock_sequential(self):
        "The second of two orders for the last stock is refused"
        company = create_vendor("Last Stock Cooperative", 'REG-106')
        listing = create_listing(company, declared_quantity=100)
        publish([listing])
        first = create_order(create_buyer("Buyer One"), [(listing, 100)])
        second = create_order(create_buyer("Buyer Two"), [(listing, 100)])
        place([first])
        with self.assertRaisesRegex(UserError, "only 0"):
            place([second])
        self.assertEqual(second.state, 'draft')

    @with_transaction()
    def test_order_stock_availability(self):
        "A listing sold from stock offers the warehouse's forecast"
        pool = Pool()
        Listing = pool.get('lao.listing')
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        company = create_vendor("Stock Cooperative", 'REG-107')
        warehouse = Listing.company_warehouse(company)
        listing = create_listing(
            company, availability='stock', declared_quantity=None,
            warehouse=warehouse.id)
        publish([listing])
        self.assertEqual(listing.available_quantity, 0)
        supplier, = Location.search([('code', '=', 'SUP')])
        with Transaction().set_context(company=company.id):
            move, = Move.create([{
                        'product': listing.product.id,
                        'unit': listing.unit.id,
                        'quantity': 300,
                        'from_location': supplier.id,
                        'to_location': warehouse.storage_location.id,
                        'company': company.id,
                        'unit_price': Decimal('30000'),
                        'currency': company.currency.id,
                        }])
            Move.do([move])
        self.assertEqual(Listing(listing.id).available_quantity, 300)
        buyer = create_buyer()
        order = create_order(buyer, [(listing, 200)])
        place([order])
        # the confirmed sale is not processed yet: it still reserves
        self.assertEqual(Listing(listing.id).available_quantity, 100)
        # once processed, its shipment's move reserves instead
        sale, = order.sales
        with Transaction().set_context(company=company.id):
            pool.get('sale.sale').process([sale])
        self.assertEqual(sale.state, 'processing')
        self.assertEqual(len(sale.moves), 1)
        self.assertEqual(Listing(listing.id).available_quantity, 100)
        with self.assertRaisesRegex(UserError, "only 100"):
            place([create_order(buyer, [(listing, 150)])])

    @unittest.skipIf(backend.name == 'sqlite',
        "SQLite locks the whole database file, not rows")
    @with_transaction()
    def test_order_concurrency(self):
        "Two buyers ordering the last stock at once cannot both succeed"
        pool = Pool()
        Order = pool.get('lao.marketplace.order')
        transaction = Transaction()
        company = create_vendor("Concurrent Cooperative", 'REG-CC-1')
        listing = create_listing(company, declared_quantity=100)
        publish([listing])
        first = create_order(create_buyer("Buyer One"), [(listing, 100)])
        second = create_order(create_buyer("Buyer Two"), [(listing, 100)])
        transaction.commit()

        def place_in(order):
            Order.place([Order(order.id)])

        # the first holds the listing's row until it commits
        hold_locks(self, transaction, place_in, first, second)
        # once the first committed, the second sees the stock is gone
        with self.assertRaisesRegex(UserError, "only 0"):
            run_with_locks(transaction, place_in, second)
        with transaction.new_transaction():
            self.assertEqual(Order(first.id).state, 'placed')
            self.assertEqual(Order(second.id).state, 'draft')
            self.assertEqual(len(Order(first.id).sales), 1)
            self.assertEqual(Order(second.id).sales, ())



def create_request(buyer, **values):
    pool = Pool()
    Request = pool.get('lao.rfq')
    data = {
        'buyer': buyer.id,
        'title': "Cassava chips for Kunming",
        'category': category('cassava_chips').id,
        'quantity': 20,
        'unit': Pool().get('ir.model.data').get_id('lao_b2b', 'uom_tonne'),
        'border_point': "Boten",
        'target_price': Decimal('2500000'),
        'wanted_date': dt.date.today() + dt.timedelta(days=30),
        'expiry_date': dt.date.today() + dt.timedelta(days=7),
        }
    data.update(values)
    request, = Request.create([data])
    return request


def create_quote(request, company, unit_price, product=None, **values):
    "A draft quote of the vendor's own product, listed by it"
    Quote = Pool().get('lao.rfq.quote')
    if product is None:
        product = create_product("Cassava chips", company,
            category('cassava_chips'), 'uom_kilogram')
        create_listing(company, product=product, cat='cassava_chips',
            title="Cassava chips", declared_quantity=50000)
    data = {
        'request': request.id,
        'company': company.id,
        'product': product.id,
        'quantity': request.quantity,
        'unit_price': unit_price,
        'valid_until': dt.date.today() + dt.timedelta(days=5),
        }
    data.update(values)
    with Transaction().set_context(company=company.id):
        quote, = Quote.create([data])
    return quote


class QuotationTestCase(TestCase):
    "Test requests for quotation and the board"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('lao_b2b')

    @with_transaction()
    def test_rfq_accept_creates_sale(self):
        "Accepting a quote confirms a sale in the vendor's company"
        pool = Pool()
        Request = pool.get('lao.rfq')
        Quote = pool.get('lao.rfq.quote')
        buyer = create_buyer("Yunnan Starch Importer")
        request = create_request(buyer)
        Request.publish([request])
        self.assertEqual(request.state, 'open')
        vendor_a = create_vendor("Savannakhet Cassava Group", 'REG-201', 'SV')
        vendor_b = create_vendor("Bokeo Cassava Traders", 'REG-202', 'BK')
        quote_a = create_quote(request, vendor_a, Decimal('2400000'))
        quote_b = create_quote(request, vendor_b, Decimal('2450000'))
        Quote.submit([quote_a, quote_b])

        Quote.accept([quote_a])

        self.assertEqual(quote_a.state, 'accepted')
        sale = quote_a.sale
        self.assertEqual(sale.company, vendor_a)
        self.assertEqual(sale.party, buyer)
        self.assertEqual(sale.state, 'confirmed')
        line, = sale.lines
        self.assertEqual(line.unit.symbol, 't')
        self.assertEqual(line.quantity, 20)
        self.assertEqual(line.amount, Decimal('48000000'))
        self.assertEqual(Quote(quote_b.id).state, 'declined')
        self.assertEqual(Request(request.id).state, 'closed')
        self.assertEqual(Request(request.id).sale, sale)
        # Paid as the request says: by bank transfer unless told otherwise
        self.assertEqual(request.payment_method, 'bank_transfer')
        self.assertEqual(sale.invoice_method, 'order')
        self.assertEqual(sale.payment_term.lines[0].relativedeltas[0].days, 14)

    @with_transaction()
    def test_rfq_paid_on_delivery(self):
        "The sale of a request paid on delivery is invoiced on shipment"
        Quote = Pool().get('lao.rfq.quote')
        Request = Pool().get('lao.rfq')
        request = create_request(create_buyer("Yunnan Starch Importer"),
            payment_method='cash_on_delivery')
        Request.publish([request])
        quote = create_quote(request,
            create_vendor("Savannakhet Cassava Group", 'REG-201', 'SV'),
            Decimal('2400000'))
        Quote.submit([quote])
        Quote.accept([quote])
        self.assertEqual(quote.sale.invoice_method, 'fulfillment')
        self.assertEqual(quote.sale.payment_term.rec_name, "Cash on delivery")

    @with_transaction()
    def test_rfq_notifies_matching_vendors(self):
        "Publishing a request notifies the vendors of that commodity only"
        pool = Pool()
        Request = pool.get('lao.rfq')
        Notification = pool.get('res.notification')
        User = pool.get('res.user')
        Lang = pool.get('ir.lang')
        cassava = create_vendor("Savannakhet Cassava Group", 'REG-211', 'SV')
        coffee = create_vendor("Paksong Coffee Group", 'REG-212', 'CH')
        publish([
                create_listing(cassava, cat='cassava_chips'),
                create_listing(coffee),
                ])
        cassava_manager, = User.search([('companies', '=', cassava.id)])
        coffee_manager, = User.search([('companies', '=', coffee.id)])
        Message = pool.get('ir.message')
        ModelData = pool.get('ir.model.data')
        lao, = Lang.search([('code', '=', 'lo')])
        lao.translatable = True
        lao.save()
        User.write([cassava_manager], {'language': lao.id})
        Translation = pool.get('ir.translation')
        label = Message(ModelData.get_id(
                'lao_b2b', 'msg_rfq_notification_label'))
        Translation.create([{
                    'name': 'ir.message,text', 'type': 'model',
                    'res_id': label.id, 'lang': 'lo', 'module': 'lao_b2b',
                    'src': label.text,
                    'value': "ຄຳຂໍໃບສະເໜີລາຄາໃໝ່: %(commodity)s",
                    }])
        request = create_request(create_buyer("Yunnan Starch Importer"))

        Request.publish([request])

        notification, = Notification.search([
                ('user', '=', cassava_manager.id)])
        self.assertEqual(notification.model, 'lao.rfq')
        self.assertEqual(json.loads(notification.records), [request.id])
        self.assertTrue(notification.unread)
        # in the manager's language
        self.assertTrue(
            notification.label.startswith("ຄຳຂໍໃບສະເໜີລາຄາໃໝ່: "))
        self.assertIn("Cassava chips for Kunming", notification.description)
        self.assertFalse(Notification.search([
                    ('user', '=', coffee_manager.id)]))

    @with_transaction()
    def test_rfq_refusals(self):
        "Quotes on closed requests, out of validity or by suspended vendors"
        pool = Pool()
        Request = pool.get('lao.rfq')
        Quote = pool.get('lao.rfq.quote')
        Application = pool.get('lao.vendor.application')
        Date = pool.get('ir.date')
        buyer = create_buyer()
        with self.assertRaisesRegex(UserError, "expiry date has passed"):
            Request.publish([create_request(
                        buyer, expiry_date=dt.date.today() - dt.timedelta(1))])
        vendor = create_vendor("Refused Cassava Group", 'REG-203', 'SV')
        expired = create_request(buyer)
        Request.publish([expired])
        late_quote = create_quote(expired, vendor, Decimal('2400000'))
        Request.expire([expired])
        with self.assertRaisesRegex(UserError, "not open"):
            Quote.submit([late_quote])
        request = create_request(buyer)
        Request.publish([request])
        with self.assertRaisesRegex(UserError, "validity date has passed"):
            Quote.submit([create_quote(request, vendor, Decimal('2400000'),
                        valid_until=dt.date.today() - dt.timedelta(1))])
        quote = create_quote(request, vendor, Decimal('2400000'))
        Quote.submit([quote])
        later = dt.date.today() + dt.timedelta(days=6)
        with patch.object(Date, 'today', return_value=later):
            with self.assertRaisesRegex(UserError, "has expired"):
                Quote.accept([quote])
        application, = Application.search([('company', '=', vendor.id)])
        Application.suspend([application], "Under investigation")
        with self.assertRaisesRegex(UserError, "good standing"):
            Quote.accept([quote])
        self.assertEqual(quote.state, 'submitted')
        self.assertIsNone(quote.sale)

    @with_transaction()
    def test_close_expired(self):
        "The scheduled task expires requests, quotes and board posts"
        pool = Pool()
        Request = pool.get('lao.rfq')
        Quote = pool.get('lao.rfq.quote')
        Post = pool.get('lao.board.post')
        Date = pool.get('ir.date')
        buyer = create_buyer()
        request = create_request(buyer)
        later_request = create_request(
            buyer, expiry_date=dt.date.today() + dt.timedelta(days=30))
        Request.publish([request, later_request])
        vendor = create_vendor("Expiring Cassava Group", 'REG-204', 'SV')
        quote = create_quote(request, vendor, Decimal('2400000'))
        Quote.submit([quote])
        post, = Post.create([{
                    'kind': 'sell',
                    'party': buyer.id,
                    'title': "Dried cassava chips, 30 t",
                    'category': category('cassava_chips').id,
                    'province': lao_province('SV').id,
                    'expiry_date': dt.date.today() + dt.timedelta(days=2),
                    }])
        Post.publish([post])

        Request.close_expired()
        self.assertEqual(request.state, 'open')

        later = dt.date.today() + dt.timedelta(days=10)
        with patch.object(Date, 'today', return_value=later):
            Request.close_expired()
        self.assertEqual(Request(request.id).state, 'expired')
        self.assertEqual(Request(later_request.id).state, 'open')
        self.assertEqual(Quote(quote.id).state, 'expired')
        self.assertEqual(Post(post.id).state, 'expired')

    @with_transaction()
    def test_board(self):
        "The board lists published posts by commodity and province"
        pool = Pool()
        Post = pool.get('lao.board.post')
        party = create_buyer("Village of Ban Nong")
        values = {
            'party': party.id,
            'province': lao_province('SV').id,
            'expiry_date': dt.date.today() + dt.timedelta(days=10),
            }
        chips, starch, durian = Post.create([{
                    'kind': 'sell', 'title': "Cassava chips",
                    'category': category('cassava_chips').id, **values}, {
                    'kind': 'buy', 'title': "Cassava starch wanted",
                    'category': category('cassava_starch').id, **values}, {
                    'kind': 'sell', 'title': "Durian",
                    'category': category('durian').id, **values}])
        Post.publish([chips, starch, durian])
        self.assertEqual(
            set(Post.board(category=category('cassava'))), {chips, starch})
        self.assertEqual(Post.board(kind='buy'), [starch])
        self.assertEqual(
            Post.board(province=lao_province('CH')), [])
        wildlife, = Post.create([{
                    'kind': 'sell', 'title': "Pangolin scales",
                    'category': category('protected_wildlife').id,
                    **values}])
        with self.assertRaisesRegex(UserError, "may not be traded"):
            Post.publish([wildlife])


def setup_platform():
    "The platform company in kip, provisioned as the module does it"
    pool = Pool()
    Currency = pool.get('currency.currency')
    Configuration = pool.get('lao.commission.configuration')
    lak, = Currency.search([('code', '=', 'LAK')])
    platform = create_company(
        name="Lao Rural E-Commerce Platform", currency=lak)
    platform.timezone = 'Asia/Vientiane'
    platform.save()
    with set_company(platform):
        platform.provision_books()
    Configuration.set_platform(platform)
    return platform


def set_commission_date(sales, date):
    "Date the marketplace lines of sales as confirmed on date"
    SaleLine = Pool().get('sale.line')
    SaleLine.write([l for s in sales for l in s.lines], {
            'commission_date': date,
            })


class CommissionTestCase(TestCase):
    "Test the platform's commission"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('lao_b2b')

    @with_transaction()
    def test_commission_invoiced_once_per_vendor(self):
        "The month's commission is invoiced to each vendor, once"
        pool = Pool()
        Run = pool.get('lao.commission.run')
        Date = pool.get('ir.date')
        platform = setup_platform()
        company_a = create_vendor("Commission Coffee A", 'REG-301')
        company_b = create_vendor("Commission Rice B", 'REG-302', 'LP')
        listing_a = create_listing(company_a)
        listing_b = create_listing(company_b, product=create_product(
                "Glutinous rice", company_b, category('rice_glutinous')),
            cat='rice_glutinous', title="Glutinous rice")
        publish([listing_a, listing_b])
        order = create_order(
            create_buyer(), [(listing_a, 1000), (listing_b, 200)])
        place([order])
        sales = {s.company: s for s in order.sales}
        line_a, = sales[company_a].lines
        self.assertEqual(line_a.commission_rate, Decimal('0.03'))
        self.assertEqual(sales[company_a].commission_amount,
            Decimal('1170000'))
        self.assertEqual(sales[company_b].commission_amount,
            Decimal('168000'))

        # confirmed on a day of their own, away from other tests' sales
        first = Date.today().replace(day=1) - dt.timedelta(days=400)
        set_commission_date(order.sales, first)

        # a next month's run does not take them
        with set_company(platform):
            runs = Run.create([{
                        'start_date': first,
                        'end_date': first + dt.timedelta(days=40),
                        }, {
                        'start_date': first + dt.timedelta(days=45),
                        'end_date': first + dt.timedelta(days=70),
                        }])
            Run.process(runs)
        run, later = runs
        self.assertEqual(later.invoices, ())
        self.assertEqual(run.state, 'done')
        invoices = {i.party: i for i in run.invoices}
        self.assertEqual(
            set(invoices), {company_a.party, company_b.party})
        for invoice in run.invoices:
            self.assertEqual(invoice.company, platform)
            self.assertEqual(invoice.state, 'posted')
        # with the platform's VAT of 10%
        self.assertEqual(
            invoices[company_a.party].untaxed_amount, Decimal('1170000'))
        self.assertEqual(
            invoices[company_a.party].tax_amount, Decimal('117000'))
        self.assertEqual(run.total, Decimal('1471800'))
        self.assertTrue(line_a.commission_invoice_line)

        with set_company(platform):
            again, = Run.create([{
                        'start_date': first,
                        'end_date': first + dt.timedelta(days=40),
                        }])
            Run.process([again])
        self.assertEqual(again.invoices, ())

    @with_transaction()
    def test_commission_run_monthly(self):
        "The monthly task invoices last month's sales in the platform"
        pool = Pool()
        Run = pool.get('lao.commission.run')
        Date = pool.get('ir.date')
        platform = setup_platform()
        company = create_vendor("Monthly Coffee", 'REG-303')
        listing = create_listing(company)
        publish([listing])
        order = create_order(create_buyer(), [(listing, 100)])
        place([order])
        sale, = order.sales
        today = Date.today()
        last_month = today.replace(day=1) - dt.timedelta(days=1)
        set_commission_date([sale], last_month)

        # the task set for a vendor company does nothing there
        with set_company(company):
            self.assertIsNone(Run.run_monthly())
        # the task runs in the configured platform company
        run, = Run.run_monthly()
        self.assertEqual(run.company, platform)
        self.assertEqual(run.start_date, last_month.replace(day=1))
        self.assertEqual(run.end_date, last_month)
        invoice, = run.invoices
        self.assertEqual(invoice.untaxed_amount, Decimal('126000'))
        self.assertEqual(
            sale.lines[0].commission_invoice_line, invoice.lines[0])
