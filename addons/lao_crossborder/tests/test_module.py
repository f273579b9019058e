import datetime as dt
import io
from decimal import Decimal

import pypdf

from trytond.exceptions import UserError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.lao_b2b.tests.cache import (
    UNVERSIONED, models_of, tables_read)
from trytond.modules.lao_b2b.tests.test_marketplace import (
    create_buyer, create_listing, create_order, create_product, create_vendor,
    category, publish)
from trytond.modules.lao_crossborder.exceptions import (
    CrossBorderOrderError, DeclarationError, DutyEstimateError,
    RailEventError, RequirementValidationError)
from trytond.modules.lao_trace.tests import pdf_objects
from trytond.modules.lao_trace.trace_page import TracePageMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from .tools import add_tariff_code, country, create_registration


def setup_platform():
    company = create_company(name="Lao Rural E-Commerce Platform")
    set_company(company)
    return company


def coffee_listing(vendor):
    "A listing of green arabica (HS 0901.11) of the vendor"
    product = create_product(
        "Green Arabica", vendor, category('coffee_arabica_green'))
    add_tariff_code(product, '09011100')
    return create_listing(vendor, product=product)


class LaoCrossborderTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Lao cross-border trade module"
    module = 'lao_crossborder'

    @property
    def _skip_company_rule(self):
        # As lao_b2b: vendor-owned records that reviewers and operators see
        return super()._skip_company_rule | {
            ('lao.vendor.application', 'company'),
            ('lao.listing', 'company'),
            ('lao.rfq.quote', 'company'),
            # the same for this module's vendor-owned records
            ('lao.export.registration', 'company'),
            ('lao.customs.declaration', 'company'),
            ('lao.rail.booking', 'company'),
            # as lao_trace: Tryton's lot (extended for its trace page)
            ('stock.lot', 'company'),
            }

    @with_transaction()
    def test_requirement_scope(self):
        "A requirement needs a commodity or a valid HS code range"
        Requirement = Pool().get('lao.export.requirement')
        values = {
            'name': "Test", 'destination': country('CN').id,
            'kind': 'phytosanitary_certificate', 'source': "test",
            }
        with self.assertRaises(RequirementValidationError):
            Requirement.create([values])
        with self.assertRaises(RequirementValidationError):
            Requirement.create([{**values, 'hs_code_from': '09.01'}])
        requirement, = Requirement.create([{
                    **values, 'hs_code_from': '07', 'hs_code_to': '10'}])
        self.assertTrue(requirement.matches_hs_code('0901.11.00'))
        self.assertTrue(requirement.matches_hs_code('1008.90'))
        self.assertFalse(requirement.matches_hs_code('1106.20'))
        self.assertFalse(requirement.matches_hs_code(None))

    @with_transaction()
    def test_seed_requirements_name_sources(self):
        "Every seed requirement names its source"
        Requirement = Pool().get('lao.export.requirement')
        requirements = Requirement.search([])
        self.assertGreaterEqual(len(requirements), 15)
        self.assertEqual(
            {r.destination.code for r in requirements}, {'CN', 'TH'})
        self.assertTrue(all(r.source for r in requirements))

    @with_transaction()
    def test_readiness_each_missing_item(self):
        "Readiness lists the HS code, registrations and protocol missing"
        pool = Pool()
        Requirement = pool.get('lao.export.requirement')
        Listing = pool.get('lao.listing')
        setup_platform()
        china = country('CN')
        vendor = create_vendor("Paksong Coffee", 'CH-1001')

        no_code = create_listing(vendor)
        coffee = coffee_listing(vendor)
        banana_product = create_product(
            "Cavendish Banana", vendor, category('banana'))
        add_tariff_code(banana_product, '08039000')
        banana = create_listing(
            vendor, product=banana_product, cat='banana')
        durian_product = create_product(
            "Durian", vendor, category('durian'))
        add_tariff_code(durian_product, '08106000')
        durian = create_listing(
            vendor, product=durian_product, cat='durian')
        listings = [no_code, coffee, banana, durian]

        missing = Requirement.missing(listings, china)
        # without HS code only the commodity's CIFER applies, and the code
        # itself is missing
        self.assertEqual(len(missing[no_code.id]), 2)
        self.assertIn("HS", missing[no_code.id][0])
        self.assertEqual(len(missing[coffee.id]), 1)
        self.assertIn("CIFER", missing[coffee.id][0])
        self.assertEqual(len(missing[banana.id]), 2)
        self.assertTrue(any("plantation" in m for m in missing[banana.id]))
        self.assertTrue(any("packhouse" in m for m in missing[banana.id]))
        # durian: no protocol date recorded, and two registrations
        self.assertEqual(len(missing[durian.id]), 3)
        self.assertTrue(any("protocol" in m for m in missing[durian.id]))

        cifer = create_registration(vendor, 'cifer_registration')
        create_registration(vendor, 'orchard_registration')
        create_registration(vendor, 'packhouse_registration')
        missing = Requirement.missing(listings, china)
        self.assertEqual(missing[coffee.id], [])
        self.assertEqual(missing[banana.id], [])
        self.assertEqual(len(missing[durian.id]), 1)

        # a registration for Thailand does not count for China
        Registration = pool.get('lao.export.registration')
        Registration.write([cifer], {'destination': country('TH').id})
        self.assertEqual(
            len(Requirement.missing([coffee], china)[coffee.id]), 1)
        # Thailand asks no producer registration: ready with an HS code
        self.assertEqual(
            Requirement.missing([coffee], country('TH'))[coffee.id], [])

        checklist = Listing(banana.id).export_checklist
        self.assertIn("✓", checklist)
        self.assertIn("needed for each consignment", checklist)

    @with_transaction()
    def test_readiness_expiry(self):
        "Expired, not yet valid or too soon expiring registrations miss"
        pool = Pool()
        Requirement = pool.get('lao.export.requirement')
        Registration = pool.get('lao.export.registration')
        setup_platform()
        china = country('CN')
        vendor = create_vendor("Paksong Coffee", 'CH-1001')
        coffee = coffee_listing(vendor)
        today = dt.date.today()
        registration = create_registration(
            vendor, 'cifer_registration',
            valid_to=today - dt.timedelta(days=1))

        def missing():
            return Requirement.missing([coffee], china)[coffee.id]
        self.assertEqual(len(missing()), 1)
        # the CIFER requirement asks 30 days of validity left
        Registration.write([registration], {
                'valid_to': today + dt.timedelta(days=29)})
        self.assertEqual(len(missing()), 1)
        self.assertEqual(
            Requirement.missing(
                [coffee], china, today - dt.timedelta(days=1))[coffee.id],
            [])
        Registration.write([registration], {
                'valid_to': today + dt.timedelta(days=30)})
        self.assertEqual(missing(), [])
        Registration.write([registration], {
                'valid_from': today + dt.timedelta(days=1)})
        self.assertEqual(len(missing()), 1)
        Registration.write([registration], {
                'valid_from': today, 'active': False})
        self.assertEqual(len(missing()), 1)

    @with_transaction()
    def test_readiness_agrees_with_checklist(self):
        "The set-based readiness misses what each listing's checklist does"
        pool = Pool()
        Requirement = pool.get('lao.export.requirement')
        Registration = pool.get('lao.export.registration')
        setup_platform()
        today = dt.date.today()
        day = dt.timedelta(days=1)
        china, thailand = country('CN'), country('TH')
        # a commodity and an HS range together, an HS range alone with a
        # first code only, and a protocol that comes in force later
        Requirement.create([{
                    'name': "Coffee exporter", 'destination': china.id,
                    'kind': 'exporter_registration', 'source': "test",
                    'commodity': category('coffee').id,
                    'hs_code_from': '0901', 'hs_code_to': '0901',
                    'minimum_remaining_days': 10,
                    }, {
                    'name': "Banana import permit", 'destination': china.id,
                    'kind': 'import_permit', 'source': "test",
                    'hs_code_from': '0803',
                    }, {
                    'name': "Rubber protocol", 'destination': china.id,
                    'kind': 'market_access', 'source': "test",
                    'commodity': category('natural_rubber').id,
                    'protocol_date': today + 10 * day,
                    }])
        goods = [
            ('coffee_arabica_green', '09011100', None),
            ('coffee_robusta_roasted', '0901.21.00', None),
            ('coffee_arabica_green', None, None),
            ('banana', '08039000', None),
            ('banana', '0803 90 00', 'TH'),
            ('durian', '08106000', None),
            ('cassava_flour', '11062000', None),
            ('natural_rubber', '40012200', None),
            ('mango', '08045000', None),
            ]
        # kind, valid from, valid to (None: in four years, False: without
        # end), destination, active
        registrations = [
            [],
            [('cifer_registration', None, None, 'CN', True),
                ('exporter_registration', None, today + 5 * day, 'CN',
                    True)],
            [('cifer_registration', None, today + 29 * day, 'CN', True),
                ('orchard_registration', None, False, 'CN', True),
                ('packhouse_registration', None, today - day, 'CN', True),
                ('import_permit', None, None, 'CN', True)],
            [('cifer_registration', today + day, None, 'CN', True),
                ('cifer_registration', None, None, 'TH', True),
                ('orchard_registration', None, None, 'CN', True),
                ('packhouse_registration', None, None, 'CN', True)],
            [('cifer_registration', None, None, 'CN', False),
                ('orchard_registration', None, None, 'CN', True),
                ('packhouse_registration', None, None, 'CN', True),
                ('import_permit', None, None, 'CN', True),
                ('exporter_registration', None, None, 'CN', True)],
            ]
        listings = []
        for n, held in enumerate(registrations):
            vendor = create_vendor(f"Cooperative {n}", f'CH-{2001 + n}')
            for i, (kind, valid_from, valid_to, destination, active) in (
                    enumerate(held)):
                registration = create_registration(vendor, kind,
                    destination=destination, number=f'R-{n}-{i}',
                    valid_from=valid_from, valid_to=valid_to or None,
                    active=active)
                if valid_to is False:
                    # open-ended
                    Registration.write([registration], {'valid_to': None})
            for code, hs_code, tariff_country in goods:
                product = create_product(code, vendor, category(code))
                if hs_code:
                    tariff_code = add_tariff_code(product, hs_code)
                    if tariff_country:
                        tariff_code.country = country(tariff_country)
                        tariff_code.save()
                listings.append(
                    create_listing(vendor, product=product, cat=code))
        self.assertEqual(
            Registration.search_count([('valid_to', '=', None)]), 1)

        seen = set()
        for destination in [china, thailand]:
            for date in [today - day, today, today + 40 * day]:
                with self.subTest(destination=destination.code, date=date):
                    checklist = Requirement.checklist(
                        listings, destination, date)
                    readiness = Requirement.readiness(
                        listings, destination, date)
                    expected = {
                        l.id: tuple(r.id if r else None
                            for r, _, ok in checklist[l.id] if ok is False)
                        for l in listings}
                    self.assertEqual(readiness, expected)
                    # every listing at once, in one query
                    self.assertEqual(
                        {i: m for i, m in Requirement.readiness(
                                    None, destination, date).items()
                            if i in expected},
                        expected)
                    missing = Requirement.missing(
                        listings, destination, date)
                    self.assertEqual(missing, {
                            l.id: [Requirement.missing_text(r)
                                for r, _, ok in checklist[l.id]
                                if ok is False]
                            for l in listings})
                    for items in readiness.values():
                        seen.update(items)
                    seen.add(bool([i for i, m in readiness.items()
                                if not m]))
        # the data cover each kind of missing item, and ready listings
        kinds = {Requirement(i).kind if i else None
            for i in seen if not isinstance(i, bool)}
        self.assertEqual(kinds, {None, 'market_access',
                'cifer_registration', 'orchard_registration',
                'packhouse_registration', 'exporter_registration',
                'import_permit'})
        self.assertIn(True, seen)

    @with_transaction()
    def test_cross_border_order_refused(self):
        "A cross-border order of a not-ready listing names what it lacks"
        pool = Pool()
        Order = pool.get('lao.marketplace.order')
        Party = pool.get('party.party')
        setup_platform()
        vendor = create_vendor("Paksong Coffee", 'CH-1001')
        coffee = coffee_listing(vendor)
        publish([coffee])
        buyer = create_buyer("Kunming Yunnan Coffee Import Co.")
        Party.write([buyer], {'buyer_type': 'cross_border'})
        order = create_order(buyer, [(coffee, 200)])

        with self.assertRaises(CrossBorderOrderError) as cm:
            Order.check_export_readiness([order])
        self.assertIn("destination", cm.exception.message)

        Order.write([order], {'destination': country('CN').id})
        with self.assertRaises(CrossBorderOrderError) as cm:
            Order.place([order])
        self.assertIn(coffee.rec_name, cm.exception.message)
        self.assertIn("CIFER", cm.exception.message)
        self.assertEqual(order.state, 'draft')

        create_registration(vendor, 'cifer_registration')
        Order.check_export_readiness([order])

        # domestic buyers are not checked
        domestic = create_buyer("Vientiane Roasters")
        Order.check_export_readiness([create_order(domestic, [(coffee, 200)])])

    @with_transaction()
    def test_warn_expiring_registrations(self):
        "The cron notifies the vendor's users once per registration"
        pool = Pool()
        Registration = pool.get('lao.export.registration')
        Notification = pool.get('res.notification')
        User = pool.get('res.user')
        setup_platform()
        vendor = create_vendor("Paksong Coffee", 'CH-1001')
        manager, = User.create([{
                    'name': "Manager", 'login': 'manager',
                    'companies': [('add', [vendor.id])],
                    'company': vendor.id,
                    }])
        today = dt.date.today()
        soon = create_registration(
            vendor, 'cifer_registration',
            valid_to=today + dt.timedelta(days=60))
        create_registration(
            vendor, 'packhouse_registration',
            valid_to=today + dt.timedelta(days=200))

        Registration.warn_expiring()
        notifications = Notification.search([('user', '=', manager.id)])
        self.assertEqual(len(notifications), 1)
        self.assertIn(soon.number, notifications[0].label)
        self.assertEqual(soon.warned_on, today)
        self.assertEqual(soon.status, 'expiring')

        Registration.warn_expiring()
        self.assertEqual(
            Notification.search_count([('user', '=', manager.id)]), 1)
        # renewed, it is warned again before its new end
        Registration.write([soon], {'valid_to': today + dt.timedelta(days=5)})
        self.assertIsNone(soon.warned_on)
        Registration.warn_expiring()
        self.assertEqual(
            Notification.search_count([('user', '=', manager.id)]), 2)

    def create_declaration(self, vendor):
        pool = Pool()
        Declaration = pool.get('lao.customs.declaration')
        Requirement = pool.get('lao.export.requirement')
        ModelData = pool.get('ir.model.data')
        product = create_product(
            "Green Arabica", vendor, category('coffee_arabica_green'))
        form_e, = Requirement.search([
                ('destination.code', '=', 'CN'),
                ('kind', '=', 'certificate_of_origin'),
                ])
        with Transaction().set_context(company=vendor.id):
            declaration, = Declaration.create([{
                        'company': vendor.id,
                        'importer': create_buyer("Kunming Importer").id,
                        'origin_country': country('LA').id,
                        'destination': country('CN').id,
                        'currency': vendor.currency.id,
                        'lines': [('create', [{
                                        'product': product.id,
                                        'hs_code': '0901.11.00',
                                        'description_zh': "生咖啡豆",
                                        'description_lo': "ເມັດກາເຟດິບ",
                                        'description_en': "Green coffee",
                                        'origin': country('LA').id,
                                        'quantity': 1000,
                                        'unit': ModelData.get_id(
                                            'product', 'uom_kilogram'),
                                        'net_weight': 1000,
                                        'gross_weight': 1012.5,
                                        'value': Decimal('39000000'),
                                        }])],
                        'documents': [('create', [{
                                        'requirement': form_e.id,
                                        'kind': 'certificate_of_origin',
                                        }])],
                        }])
        return declaration

    @with_transaction()
    def test_declaration_steps(self):
        "Steps are taken in order, held and resumed, each logged"
        pool = Pool()
        Declaration = pool.get('lao.customs.declaration')
        Document = pool.get('lao.customs.declaration.document')
        setup_platform()
        vendor = create_vendor("Paksong Coffee", 'CH-1001')
        declaration = self.create_declaration(vendor)
        self.assertEqual(declaration.total_net_weight, 1000)

        # a step cannot be skipped: refused naming the step before
        with self.assertRaises(DeclarationError) as cm:
            Declaration.export_released([declaration])
        self.assertIn("Export Lodged", cm.exception.message)
        self.assertEqual(declaration.state, 'draft')
        with self.assertRaises(DeclarationError) as cm:
            Declaration.documents_complete([declaration])
        self.assertIn("Form E", cm.exception.message)
        self.assertIsNone(declaration.form_e)
        Document.write(list(declaration.documents), {
                'received': True, 'number': 'E-2026-LA-0001'})
        Declaration.documents_complete([declaration])
        self.assertEqual(declaration.form_e.number, 'E-2026-LA-0001')
        with self.assertRaises(DeclarationError):
            Declaration.export_lodged([declaration])
        Declaration.write([declaration], {'export_reference': 'LNSW-0001'})
        Declaration.export_lodged([declaration])
        Declaration.export_released([declaration])
        Declaration.border_crossed([declaration])

        with self.assertRaises(UserError):
            Declaration.hold_with_reason([declaration], " ")
        Declaration.hold_with_reason(
            [declaration], "Quarantine sample at Mohan")
        self.assertEqual(declaration.state, 'held')
        with self.assertRaises(DeclarationError) as cm:
            Declaration.import_lodged([declaration])
        self.assertIn("Held", cm.exception.message)
        self.assertEqual(declaration.state, 'held')
        Declaration.resume([declaration])
        self.assertEqual(declaration.state, 'border_crossed')

        Declaration.write([declaration], {'import_reference': 'CN-5300-01'})
        for step in ['import_lodged', 'inspected', 'cleared', 'delivered']:
            getattr(Declaration, step)([declaration])
            self.assertEqual(declaration.state, step)

        journey = declaration.journey()
        self.assertEqual(
            [s for s, _, _, _ in journey],
            ["Documents Complete", "Export Lodged", "Export Released",
                "Border Crossed", "Held", "Border Crossed", "Import Lodged",
                "Inspected", "Cleared", "Delivered"])
        self.assertEqual(journey[4][3], "Quarantine sample at Mohan")
        self.assertTrue(all(d.user for d in declaration.decisions))

    @with_transaction()
    def test_declaration_refused(self):
        "The customs refuse a lodged declaration with a reason"
        pool = Pool()
        Declaration = pool.get('lao.customs.declaration')
        Document = pool.get('lao.customs.declaration.document')
        setup_platform()
        vendor = create_vendor("Paksong Coffee", 'CH-1001')
        declaration = self.create_declaration(vendor)
        with self.assertRaises(DeclarationError):
            Declaration.refuse_with_reason([declaration], "Too early")
        Document.write(list(declaration.documents), {
                'received': True, 'number': 'E-1'})
        Declaration.write([declaration], {'export_reference': 'LNSW-2'})
        Declaration.documents_complete([declaration])
        Declaration.export_lodged([declaration])
        Declaration.refuse_with_reason([declaration], "HS code disputed")
        self.assertEqual(declaration.state, 'refused')
        self.assertEqual(declaration.decisions[0].reason, "HS code disputed")


    @with_transaction()
    def test_trade_documents_pdf(self):
        "Invoice, packing list and Form E sheet print Lao and Chinese"
        pool = Pool()
        Booking = pool.get('lao.rail.booking')
        Station = pool.get('lao.rail.station')
        Document = pool.get('lao.customs.declaration.document')
        setup_platform()
        vendor = create_vendor("Paksong Coffee", 'CH-1001')
        declaration = self.create_declaration(vendor)
        Document.write(list(declaration.documents), {
                'received': True, 'number': 'E-2026-LA-0007'})
        vts, = Station.search([('code', '=', 'VTS')])
        kms, = Station.search([('code', '=', 'KMS')])
        Booking.create([{
                    'company': vendor.id,
                    'declaration': declaration.id,
                    'number': 'CLRU7654321',
                    'seals': 'LA-000777',
                    'stops': [('create', [
                                {'station': vts.id, 'planned_departure':
                                    dt.datetime(2026, 12, 1, 4)},
                                {'station': kms.id, 'planned_arrival':
                                    dt.datetime(2026, 12, 3, 12)},
                                ])],
                    }])
        expected = {
            'lao.customs.declaration.commercial_invoice': [
                "商业发票", "ໃບເກັບເງິນການຄ້າ", "1,000.0 kg", "39,000",
                "39,000,000"],
            'lao.customs.declaration.packing_list': [
                "装箱单", "1,000.000", "1,012.500", "CLRU7654321",
                "LA-000777"],
            'lao.customs.declaration.form_e_sheet': [
                "原产地标准", "WO", "1,012.500", "E-2026-LA-0007",
                "CLRU7654321"],
            }
        for name, texts in expected.items():
            Report = pool.get(name, type='report')
            extension, content, _, _ = Report.execute([declaration.id], {})
            self.assertEqual(extension, 'pdf')
            content = bytes(content)
            reader = pypdf.PdfReader(io.BytesIO(content))
            text = '\n'.join(page.extract_text() for page in reader.pages)
            for string in texts + [
                    "0901.11.00", "生咖啡豆", "ເມັດກາເຟດິບ", "Green coffee",
                    "Paksong Coffee", "Kunming Importer"]:
                self.assertIn(string, text, msg=name)
            # the Lao and Chinese glyphs come from the embedded Noto fonts
            objects = pdf_objects(content)
            for font in [b'Noto-Sans-Lao', b'Noto-Sans-CJK']:
                self.assertIn(font, objects, msg=name)


    @with_transaction()
    def test_duty_estimate(self):
        "Duty and VAT in CNY against a hand-computed example"
        pool = Pool()
        Currency = pool.get('currency.currency')
        Rate = pool.get('currency.currency.rate')
        Declaration = pool.get('lao.customs.declaration')
        Line = pool.get('lao.customs.declaration.line')
        Document = pool.get('lao.customs.declaration.document')
        setup_platform()
        vendor = create_vendor("Paksong Coffee", 'CH-1001')
        usd, = Currency.search([('code', '=', 'USD')])
        cny, = Currency.search([('code', '=', 'CNY')])
        yesterday = dt.date.today() - dt.timedelta(days=1)
        Rate.create([
                {'currency': usd.id, 'date': yesterday, 'rate': Decimal(1)},
                {'currency': cny.id, 'date': yesterday,
                    'rate': Decimal('7.1')},
                ])
        declaration = self.create_declaration(vendor)
        Declaration.write([declaration], {
                'currency': usd.id,
                'freight': Decimal('300'),
                'insurance': Decimal('20'),
                })
        Line.write(list(declaration.lines), {'value': Decimal('5000')})

        # MFN without Form E: CIF 5,320 USD x 7.1 = 37,772.00 CNY,
        # duty 8% = 3,021.76, VAT 9% x 40,793.76 = 3,671.44
        estimate = declaration.estimate_duties()
        self.assertEqual(estimate['regime'], 'mfn')
        self.assertEqual(estimate['currency'], cny)
        self.assertEqual(estimate['cif'], Decimal('37772.00'))
        self.assertEqual(estimate['duty'], Decimal('3021.76'))
        self.assertEqual(estimate['vat'], Decimal('3671.44'))
        text = declaration.duty_estimate
        self.assertIn("8% of the CIF value", text)
        self.assertIn("3671.44", text)

        # ACFTA with a received Form E: no duty, VAT 9% x 37,772 = 3,399.48
        Document.write(list(declaration.documents), {
                'received': True, 'number': 'E-2026-LA-0001'})
        estimate = declaration.estimate_duties()
        self.assertEqual(estimate['regime'], 'acfta')
        self.assertEqual(estimate['duty'], Decimal('0.00'))
        self.assertEqual(estimate['vat'], Decimal('3399.48'))

    @with_transaction()
    def test_duty_estimate_lower_of(self):
        "Natural rubber pays the lower of ad valorem and per tonne"
        pool = Pool()
        Currency = pool.get('currency.currency')
        Declaration = pool.get('lao.customs.declaration')
        Line = pool.get('lao.customs.declaration.line')
        DutyRate = pool.get('lao.customs.duty.rate')
        setup_platform()
        vendor = create_vendor("Bokeo Rubber", 'BK-1001', province='BK')
        cny, = Currency.search([('code', '=', 'CNY')])
        declaration = self.create_declaration(vendor)
        Declaration.write([declaration], {'currency': cny.id})
        Line.write(list(declaration.lines), {
                'hs_code': '4001.22', 'net_weight': 20000,
                'gross_weight': 20100, 'value': Decimal('200000')})
        in_2019 = dt.date(2019, 6, 1)
        with self.assertRaises(DutyEstimateError) as cm:
            declaration.estimate_duties(in_2019)
        self.assertIn("VAT", cm.exception.message)
        DutyRate.create([{
                    'destination': country('CN').id, 'tax': 'vat',
                    'hs_code_from': '4001', 'computation': 'ad_valorem',
                    'rate': Decimal('0.13'), 'currency': cny.id,
                    'start_date': dt.date(2019, 4, 1), 'source': "test",
                    }])
        # 20% x 200,000 = 40,000 > 1,500 x 20 t = 30,000
        estimate = declaration.estimate_duties(in_2019)
        self.assertEqual(estimate['duty'], Decimal('30000.00'))
        self.assertEqual(estimate['vat'], Decimal('29900.00'))
        self.assertIn("per tonne", Declaration.format_estimate(estimate))
        # after the provisional rates, the MFN 20% applies
        estimate = declaration.estimate_duties(dt.date(2022, 1, 1))
        self.assertEqual(estimate['duty'], Decimal('40000.00'))


    @with_transaction()
    def test_rail_eta_and_delay_warning(self):
        "The latest event shifts every later estimate; a long delay warns"
        pool = Pool()
        Booking = pool.get('lao.rail.booking')
        Station = pool.get('lao.rail.station')
        Notification = pool.get('res.notification')
        User = pool.get('res.user')
        setup_platform()
        vendor = create_vendor("Bokeo Bananas", 'BK-1001', province='BK')
        manager, = User.create([{
                    'name': "Manager", 'login': 'manager',
                    'companies': [('add', [vendor.id])],
                    'company': vendor.id,
                    }])
        self.assertEqual(Station.search_count([]), 11)
        day = dt.datetime(2026, 12, 1)
        h = dt.timedelta(hours=1)
        booking, = self.create_bookings(vendor, ['CLRU1234567'], day,
            seals='LA-000123, LA-000124')
        vts, btn, mhn, kms = booking.stops
        self.assertIsNone(booking.latest_delay())

        Booking.record_events([(vts, 'departure', day + 5 * h)])
        self.assertEqual(booking.delay, h)
        self.assertEqual(booking.eta, day + 61 * h)
        self.assertEqual(mhn.eta, day + 45 * h)
        self.assertEqual(vts.eta, day + 5 * h)
        self.assertFalse(booking.delay_warned)

        Booking.record_events([(btn, 'arrival', day + 14 * h)])
        self.assertEqual(booking.delay, 4 * h)
        self.assertEqual(booking.eta, day + 64 * h)
        self.assertTrue(booking.delay_warned)
        notification, = Notification.search([('user', '=', manager.id)])
        self.assertIn("CLRU1234567", notification.label)
        Booking.record_events([(mhn, 'arrival', day + 49 * h)])
        self.assertEqual(booking.eta, day + 65 * h)
        self.assertEqual(
            Notification.search_count([('user', '=', manager.id)]), 1)
        journey = booking.journey()
        self.assertEqual([a for _, _, _, a in journey],
            [True, True, True, False])
        with self.assertRaises(RailEventError):
            Booking.record_events([(kms, 'passed', day)])

        # an actual time typed in the client moves the estimates too
        Stop = pool.get('lao.rail.stop')
        Stop.write([mhn], {'actual_arrival': day + 46 * h})
        self.assertEqual(booking.delay, 2 * h)
        self.assertEqual(booking.eta, day + 62 * h)


    def create_bookings(self, vendor, numbers, day, seals=None):
        "Bookings of the numbers from Vientiane South to Kunming South"
        pool = Pool()
        Booking = pool.get('lao.rail.booking')
        Station = pool.get('lao.rail.station')
        stations = {s.code: s for s in Station.search([])}
        h = dt.timedelta(hours=1)
        return Booking.create([{
                    'company': vendor.id,
                    'number': number,
                    'seals': seals,
                    'stops': [('create', [
                                {'station': stations['VTS'].id,
                                    'planned_departure': day + 4 * h},
                                {'station': stations['BTN'].id,
                                    'planned_arrival': day + 10 * h},
                                {'station': stations['MHN'].id,
                                    'planned_arrival': day + 44 * h},
                                {'station': stations['KMS'].id,
                                    'planned_arrival': day + 60 * h},
                                ])],
                    } for number in numbers])

    @with_transaction()
    def test_trace_page_version(self):
        """Every model whose table the railway part of a lot's trace page
        reads (the declaration lines of the lot, their bookings' stops and
        stations) bumps the version of the trace pages"""
        pool = Pool()
        Booking = pool.get('lao.rail.booking')
        Line = pool.get('lao.customs.declaration.line')
        setup_platform()
        vendor = create_vendor("Bokeo Bananas", 'BK-1001', province='BK')
        bookings = self.create_bookings(
            vendor, ['CLRU1234567'], dt.datetime(2026, 12, 1))
        # What Booking.lot_journeys reads: the lot's declaration lines,
        # then its bookings as the pages show them
        with tables_read() as tables:
            Line.search([])
            self.assertTrue(Booking.web_journeys(bookings))
        models = models_of(tables)
        self.assertGreaterEqual(models, {
                'lao.customs.declaration.line', 'lao.rail.booking',
                'lao.rail.stop', 'lao.rail.station'})
        self.assertEqual({m for m in models - UNVERSIONED
                if not issubclass(pool.get(m), TracePageMixin)}, set())

    @with_transaction()
    def test_rail_events_batch_as_one_by_one(self):
        "A batch of events gives the estimates and warnings of one by one"
        pool = Pool()
        Booking = pool.get('lao.rail.booking')
        Notification = pool.get('res.notification')
        User = pool.get('res.user')
        setup_platform()
        vendor = create_vendor("Bokeo Bananas", 'BK-1001', province='BK')
        manager, = User.create([{
                    'name': "Manager", 'login': 'manager',
                    'companies': [('add', [vendor.id])],
                    'company': vendor.id,
                    }])
        day = dt.datetime(2026, 12, 1)
        h = dt.timedelta(hours=1)
        numbers = ['ON-TIME', 'LATE', 'LATER', 'EARLY']
        batch = self.create_bookings(vendor, [f'B-{n}' for n in numbers], day)
        single = self.create_bookings(
            vendor, [f'S-{n}' for n in numbers], day)

        def plan(bookings):
            on_time, late, later, early = [b.stops for b in bookings]
            return [
                (on_time[0], 'departure', day + 4 * h),
                (late[0], 'departure', day + 6 * h),
                (late[1], 'arrival', day + 15 * h),
                (later[0], 'departure', day + 9 * h),
                (early[0], 'departure', day + 3 * h),
                (early[1], 'arrival', day + 9 * h),
                ]
        Booking.record_events(plan(batch))
        for event in plan(single):
            Booking.record_events([event])

        def state(bookings):
            bookings = Booking.browse([b.id for b in bookings])
            return [(b.delay, b.eta, bool(b.delay_warned),
                    [(s.actual_arrival, s.actual_departure, s.eta)
                        for s in b.stops],
                    Notification.search_count([
                            ('user', '=', manager.id),
                            ('records', '=', str([b.id])),
                            ]))
                for b in bookings]
        self.assertEqual(state(batch), state(single))
        late = state(batch)[1]
        self.assertEqual(late[:3], (5 * h, day + 65 * h, True))
        self.assertEqual([s[2] for s in late[3]],
            [day + 6 * h, day + 15 * h, day + 49 * h, day + 65 * h])
        self.assertEqual([w for *_, w in state(batch)], [0, 1, 1, 0])
        self.assertEqual(state(batch)[3][0], -h)

        # the warning is created once, however many late events follow
        late_stops = Booking(batch[1].id).stops
        Booking.record_events([
                (late_stops[2], 'arrival', day + 50 * h),
                (late_stops[3], 'arrival', day + 67 * h)])
        notification, = Notification.search([
                ('user', '=', manager.id),
                ('records', '=', str([batch[1].id])),
                ])
        self.assertIn("B-LATE", notification.label)
        self.assertIn("5.0", notification.label)
        self.assertEqual(notification.model, 'lao.rail.booking')
        self.assertTrue(notification.unread)
        self.assertEqual(Booking(batch[1].id).eta, day + 67 * h)

        # the last time given for a stop in a batch wins
        on_time = Booking(batch[0].id).stops
        Booking.record_events([
                (on_time[1], 'arrival', day + 12 * h),
                (on_time[1], 'arrival', day + 11 * h)])
        self.assertEqual(Booking(batch[0].id).stops[1].actual_arrival,
            day + 11 * h)
        self.assertEqual(Booking(batch[0].id).delay, h)

    @with_transaction()
    def test_rail_events_deleted_stop(self):
        "An event on a stop that no longer exists is refused"
        pool = Pool()
        Booking = pool.get('lao.rail.booking')
        Stop = pool.get('lao.rail.stop')
        setup_platform()
        vendor = create_vendor("Bokeo Bananas", 'BK-1001', province='BK')
        day = dt.datetime(2026, 12, 1)
        booking, = self.create_bookings(vendor, ['GONE'], day)
        vts, btn, *_ = booking.stops
        Stop.delete([btn])
        with self.assertRaises(UserError):
            Booking.record_events([
                    (vts, 'departure', day + dt.timedelta(hours=5)),
                    (btn, 'arrival', day)])
        self.assertIsNone(Stop(vts.id).actual_departure)


del ModuleTestCase
