import datetime as dt
import json
import os
import random
import unittest

import jsonschema
from stdnum import ean

from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.lao_b2b.tests.cache import (
    UNVERSIONED, models_of, tables_read)
from trytond.modules.lao_trace import epcis, gs1
from trytond.modules.lao_trace.exceptions import (
    GenealogyCycleError, GS1Error, LotBlockedError, RecallError)
from trytond.modules.lao_trace.trace_page import TracePageMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from . import ChainBuilder, load_chains, pdf_objects

SCHEMA_PATH = os.path.join(os.path.dirname(__file__), 'EPCIS-JSON-Schema.json')


class GS1TestCase(unittest.TestCase):
    "Test GS1 check digits and identifiers"

    def test_check_digit_known_keys(self):
        "Check digits of published GS1 examples"
        self.assertTrue(gs1.is_valid_gtin('4006381333931'))
        self.assertTrue(gs1.is_valid_gtin('00012345600012'))
        self.assertTrue(gs1.is_valid_gtin('96385074'))
        self.assertFalse(gs1.is_valid_gtin('4006381333932'))
        self.assertTrue(gs1.is_valid_sscc('106141411234567897'))
        self.assertFalse(gs1.is_valid_sscc('106141411234567898'))
        self.assertFalse(gs1.is_valid_sscc('10614141123456789'))

    def test_check_digit_against_stdnum(self):
        "The check digit agrees with python-stdnum on random GTINs"
        rng = random.Random(42)
        for length in [8, 12, 13, 14]:
            for _ in range(200):
                body = ''.join(rng.choice('0123456789')
                    for _ in range(length - 1))
                code = body + gs1.check_digit(body)
                self.assertTrue(ean.is_valid(code), code)
                wrong = body + str((int(code[-1]) + 1) % 10)
                self.assertFalse(gs1.is_valid_gtin(wrong), wrong)

    def test_make_gtin_and_sscc(self):
        gtin = gs1.make_gtin('8850123', 45)
        self.assertEqual(gtin, '885012300045' + gs1.check_digit('885012300045'))
        self.assertTrue(gs1.is_valid_gtin(gtin))
        sscc = gs1.make_sscc('8850123', 7, '3')
        self.assertEqual(len(sscc), 18)
        self.assertTrue(sscc.startswith('38850123'))
        self.assertTrue(gs1.is_valid_sscc(sscc))
        with self.assertRaises(ValueError):
            gs1.make_sscc('8850123', 10 ** 10)

    def test_digital_link(self):
        self.assertEqual(
            gs1.digital_link('id.example.la', '4006381333931', 'H26/01'),
            'https://id.example.la/01/04006381333931/10/H26%2F01')
        with self.assertRaises(ValueError):
            gs1.digital_link('id.example.la', '4006381333932', 'A')


class ChainDatesTestCase(unittest.TestCase):
    "Test the seasons of the demo chains"

    def test_coffee_dates_seasons(self):
        "Whatever the day, the coffee was picked in the last finished season"
        from .chains import coffee_dates
        day = dt.date(2026, 1, 1)
        while day < dt.date(2028, 1, 1):
            dates = coffee_dates(day)
            for harvest in dates['harvests']:
                self.assertIn(harvest.month, {11, 12, 1})
                # from the last season: at most about sixteen months ago
                self.assertLess(day - harvest, dt.timedelta(days=500))
            self.assertGreater(dates['hulling'], max(dates['harvests']))
            self.assertGreaterEqual(
                (dates['roasting'] - dates['grading']).days, 14)
            self.assertLess(max(dates['deliveries']), day)
            # the next season's beans would not have rested enough
            later = dates['grading'].replace(
                year=dates['grading'].year + 1)
            self.assertLess(
                dates['roasting'], later + dt.timedelta(days=14))
            day += dt.timedelta(days=5)


class LaoTraceTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Lao Trace module"
    module = 'lao_trace'

    @property
    def _skip_company_rule(self):
        # Reviewers and the public trace pages read every vendor's lots: a
        # global rule limits the Cooperative Manager group only
        return super()._skip_company_rule | {('stock.lot', 'company')} | {
            # extended here only to bump the version of the trace pages
            # (trace_page.py): their rules are those of the modules that
            # give them a company
            ('party.party', 'company'),
            ('product.template', 'company'),
            ('stock.location', 'company'),
            }

    def builder(self):
        company = create_company()
        company.gs1_company_prefix = '8850123'
        company.save()
        return company, ChainBuilder(company)

    @with_transaction()
    def test_vendor_warehouse_can_produce(self):
        "An approved vendor's warehouse has a production location outside it"
        from trytond.modules.lao_b2b.tests import (
            create_application, create_user)
        pool = Pool()
        Application = pool.get('lao.vendor.application')
        Document = pool.get('lao.vendor.application.document')
        company = create_company()
        operator = create_user(
            'operator', 'lao_b2b.group_platform_operator', company)
        reviewer = create_user(
            'reviewer', 'lao_b2b.group_government_reviewer', company)
        application = create_application()
        with Transaction().set_user(operator.id):
            Application.submit([application])
        with Transaction().set_user(reviewer.id):
            Document.mark_checked(list(application.documents))
            Application.approve([application])
        production = application.warehouse.production_location
        self.assertEqual(production.type, 'production')
        self.assertIsNone(production.parent)

    @with_transaction()
    def test_gtin_identifier(self):
        "A GTIN with a wrong check digit is refused with the expected digit"
        pool = Pool()
        Identifier = pool.get('product.identifier')
        company, chain = self.builder()
        with set_company(company):
            product = chain.product("Green coffee", gtin='4006381333931')
            self.assertEqual(product.gtin, '04006381333931')
            with self.assertRaises(GS1Error) as cm:
                Identifier.create([{
                            'product': product.id, 'type': 'gtin',
                            'code': '8850123000455'}])
            self.assertIn('must end with %s' % gs1.check_digit(
                    '885012300045'), cm.exception.message)
            with self.assertRaises(GS1Error):
                Identifier.create([{
                            'product': product.id, 'type': 'gtin',
                            'code': '12345'}])
            other = chain.product("Roasted coffee")
            with self.assertRaises(GS1Error):
                Identifier.create([{
                            'product': other.id, 'type': 'gtin',
                            'code': '04006381333931'}])

    @with_transaction()
    def test_assign_gtins(self):
        "GTINs are given under the company prefix"
        Product = Pool().get('product.product')
        company, chain = self.builder()
        with set_company(company):
            first = chain.product("Green coffee")
            second = chain.product("Roasted coffee")
            Product.assign_gtins([first, second], company)
            self.assertEqual(first.gtin, '0' + gs1.make_gtin('8850123', 1))
            self.assertEqual(second.gtin, '0' + gs1.make_gtin('8850123', 2))

    @with_transaction()
    def test_company_prefix_validated(self):
        company, _ = self.builder()
        company.gs1_company_prefix = '88A'
        with self.assertRaises(GS1Error):
            company.save()

    @with_transaction()
    def test_package_sscc(self):
        "Each package gets a valid SSCC under the company prefix"
        Package = Pool().get('stock.package')
        company, chain = self.builder()
        with set_company(company):
            package_type = chain.package_type()
            first, second = Package.create([
                    {'company': company.id, 'type': package_type.id},
                    {'company': company.id, 'type': package_type.id},
                    ])
            for package in [first, second]:
                self.assertTrue(gs1.is_valid_sscc(package.sscc))
                self.assertTrue(package.sscc.startswith('08850123'))
            self.assertNotEqual(first.sscc, second.sscc)
            self.assertTrue(first.digital_link.endswith('/00/' + first.sscc))
            with self.assertRaises(ValidationError):
                Package.write([first], {'sscc': '088501230000000001'})
            # a serial too long for the prefix is refused, not truncated
            Configuration = Pool().get('lao.trace.configuration')
            Configuration(1).sscc_sequence.write(
                [Configuration(1).sscc_sequence], {'number_next': 10 ** 9})
            with self.assertRaises(GS1Error):
                Package.create([
                        {'company': company.id, 'type': package_type.id}])

    @with_transaction()
    def test_harvest_creates_lot(self):
        "Finishing a harvest creates its lot in stock, linked to the plot"
        pool = Pool()
        Lot = pool.get('stock.lot')
        company, chain = self.builder()
        with set_company(company):
            _, plot = chain.farm()
            product = chain.product("Cherry", gtin='4006381333931')
            lot = chain.harvest(plot, product, 500)
            self.assertEqual(lot.plot, plot)
            self.assertEqual(lot.harvest_date, chain.today)
            self.assertEqual(lot.product, product)
            with Transaction().set_context(
                    locations=[chain.warehouse.id]):
                self.assertEqual(Lot(lot.id).quantity, 500)
            self.assertEqual(
                lot.digital_link,
                'https://id.example.la/01/04006381333931/10/%s' % lot.number)
            self.assertEqual(
                Lot.by_digital_link('04006381333931', lot.number), lot)
            self.assertIsNone(Lot.by_digital_link('4006381333932', lot.number))

    @with_transaction()
    def test_harvest_number_year(self):
        "A harvest's number carries the year of its harvest date"
        company, chain = self.builder()
        with set_company(company):
            _, plot = chain.farm()
            product = chain.product("Cherry")
            last_season = chain.today.replace(year=chain.today.year - 1, day=1)
            lot = chain.harvest(plot, product, 100, date=last_season)
            self.assertTrue(
                lot.number.startswith(f'H{last_season.year}-'), lot.number)
            lot = chain.harvest(plot, product, 100)
            self.assertTrue(
                lot.number.startswith(f'H{chain.today.year}-'), lot.number)

    def _graph(self, chain):
        """Harvests A and B merge into C; C branches into D and E; D makes F

            A ─┐        ┌─ D ── F
               ├─ C ────┤
            B ─┘        └─ E
        """
        _, plot1 = chain.farm(code='PKS-001')
        _, plot2 = chain.farm(farmer='Noy Phommachanh', code='TTG-002')
        cherry = chain.product("Cherry")
        green = chain.product("Green bean")
        roasted = chain.product("Roasted bean")
        a = chain.harvest(plot1, cherry, 600)
        b = chain.harvest(plot2, cherry, 400)
        c, = chain.produce([(a, 600), (b, 400)], [(green, 'C', 200)])
        d, e = chain.produce(
            [(c, 200)], [(roasted, 'D', 100), (green, 'E', 60)])
        f, = chain.produce([(d, 100)], [(roasted, 'F', 90)])
        return a, b, c, d, e, f

    @with_transaction()
    def test_genealogy(self):
        "Upstream and downstream on a merging and branching graph"
        Lot = Pool().get('stock.lot')
        company, chain = self.builder()
        with set_company(company):
            a, b, c, d, e, f = self._graph(chain)
            self.assertEqual(set(Lot.upstream([f])), {a, b, c, d})
            self.assertEqual(set(Lot.upstream([e])), {a, b, c})
            self.assertEqual(set(Lot.upstream([a])), set())
            self.assertEqual(set(Lot.downstream([a])), {c, d, e, f})
            self.assertEqual(set(Lot.downstream([c])), {d, e, f})
            self.assertEqual(set(Lot.downstream([e, f])), set())
            self.assertEqual(set(Lot.downstream([b, d])), {c, d, e, f})
            # in the order of their ids, their fields readable
            self.assertEqual(
                [l.number for l in Lot.downstream([c])], ['D', 'E', 'F'])
            self.assertEqual(set(Lot(c.id).input_lots), {a, b})
            self.assertEqual(set(Lot(c.id).output_lots), {d, e})
            self.assertEqual(set(Lot(d.id).upstream_lots), {a, b, c})
            self.assertEqual(set(Lot(d.id).downstream_lots), {f})

    @with_transaction()
    def test_genealogy_indexes(self):
        "Covering indexes of moves for the genealogy replace the plain ones"
        Move = Pool().get('stock.move')
        indexed = [[str(e) for e, _ in i.expressions]
            for i in Move._sql_indexes]
        self.assertIn(
            ['"lot"', '"production_input"', '"production_output"',
                '"state"'], indexed)
        for column in ['"production_input"', '"production_output"']:
            self.assertIn([column, '"lot"', '"state"'], indexed)
            self.assertNotIn([column], indexed)

    @with_transaction()
    def test_genealogy_cycle_refused(self):
        "A production that would make a lot from itself is refused"
        company, chain = self.builder()
        with set_company(company):
            a, b, c, d, e, f = self._graph(chain)
            with self.assertRaises(GenealogyCycleError):
                chain.produce([(f, 10)], [(a.product, a, 10)], do=False)
            with self.assertRaises(GenealogyCycleError):
                chain.produce([(e, 10)], [(e.product, e, 10)], do=False)
            # A new lot from the same inputs is fine
            g, = chain.produce([(e, 10)], [(e.product, 'G', 10)])
            self.assertTrue(g.id)

    @with_transaction()
    def test_quality_failure_blocks_sale(self):
        "A failed inspection blocks the sale of the lot, not its processing"
        Lot = Pool().get('stock.lot')
        company, chain = self.builder()
        with set_company(company):
            _, plot = chain.farm()
            cherry = chain.product("Cherry")
            green = chain.product("Green bean")
            lot = chain.harvest(plot, cherry, 100)
            buyer = chain.customer("Vientiane Roastery")
            passed = chain.inspect(lot, 11.0, 2, True)
            self.assertEqual(passed.state, 'passed')
            self.assertFalse(Lot(lot.id).blocked)
            failed = chain.inspect(lot, 14.5, 2, True)
            self.assertEqual(failed.state, 'failed')
            self.assertTrue(Lot(lot.id).blocked)
            self.assertIn(lot, Lot.search([('blocked', '=', True)]))
            with self.assertRaises(LotBlockedError) as cm:
                chain.ship(lot, 10, buyer)
            self.assertIn(failed.rec_name, cm.exception.message)
            # Drying it again into a new lot is allowed
            dried, = chain.produce([(lot, 100)], [(green, 'DRY-1', 80)])
            self.assertFalse(Lot(dried.id).blocked)

    @with_transaction()
    def test_recall(self):
        "A recall finds every downstream lot and buyer and blocks them"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Recall = pool.get('lao.trace.recall')
        Notice = pool.get('lao.trace.recall.notice')
        Queue = pool.get('ir.queue')
        company, chain = self.builder()
        with set_company(company):
            a, b, c, d, e, f = self._graph(chain)
            bag = chain.package_type()
            cafe = chain.customer("Cafe Sinouk", email='buy@sinouk.example')
            hotel = chain.customer("Hotel Mekong")
            chain.ship(f, 30, cafe, package_type=bag)
            chain.ship(e, 20, hotel)
            chain.ship(f, 10, hotel)

            recall = Recall(company=company, lot=b, reason="Residue found")
            recall.save()
            Recall.open([recall])
            self.assertEqual(recall.state, 'open')
            lines = recall.lines
            self.assertEqual(
                {l.lot for l in lines}, {b, c, d, e, f})
            shipped = [l for l in lines if l.kind == 'shipped']
            self.assertEqual(
                sorted((l.buyer.name, l.lot.number, l.quantity)
                    for l in shipped),
                [("Cafe Sinouk", 'F', 30), ("Hotel Mekong", 'E', 20),
                    ("Hotel Mekong", 'F', 10)])
            self.assertEqual(
                len({l.package for l in shipped if l.package}), 1)
            stock = {l.lot.number: l.quantity for l in lines
                if l.kind == 'stock'}
            self.assertEqual(
                stock, {b.number: 0, 'C': 0, 'D': 0, 'E': 40, 'F': 50})
            self.assertEqual(
                sorted((n.buyer.name, n.state) for n in recall.notices),
                [("Cafe Sinouk", 'queued'), ("Hotel Mekong", 'queued')])
            tasks = [q.data for q in Queue.search([])
                if q.data['model'] == 'lao.trace.recall.notice']
            self.assertEqual(
                [(t['method'], sorted(t['instances'])) for t in tasks],
                [('send', sorted(n.id for n in recall.notices))])
            # What the queue worker runs
            Notice.send(list(recall.notices))
            self.assertEqual(
                sorted((n.buyer.name, n.state) for n in recall.notices),
                [("Cafe Sinouk", 'sent'), ("Hotel Mekong", 'no_email')])
            self.assertFalse(Lot(a.id).blocked)
            self.assertTrue(Lot(f.id).blocked)
            with self.assertRaises(LotBlockedError):
                chain.ship(f, 5, cafe)
            with self.assertRaises(LotBlockedError):
                chain.produce([(e, 5)], [(e.product, 'H', 5)])

            # the recalled goods may still come back and be written off
            Move = pool.get('stock.move')
            Location = pool.get('stock.location')
            lost_found, = Location.search([('type', '=', 'lost_found')])
            storage = chain.warehouse.storage_location
            comeback = Move(
                lot=f, shipment=pool.get('stock.shipment.out.return')(),
                from_location=chain.customer_location, to_location=storage)
            self.assertFalse(comeback._lot_block_applies('recall'))
            scrap = Move(lot=f, shipment=None, production_input=None,
                from_location=storage, to_location=lost_found)
            self.assertFalse(scrap._lot_block_applies('recall'))
            internal = Move(
                lot=f, shipment=pool.get('stock.shipment.internal')(),
                from_location=storage, to_location=storage)
            self.assertTrue(internal._lot_block_applies('recall'))
            self.assertFalse(internal._lot_block_applies('quality'))

            with self.assertRaises(RecallError):
                Recall.close([recall])
            recall.outcome = 'cleared'
            recall.outcome_note = "Laboratory found no residue."
            recall.save()
            Recall.close([recall])
            self.assertEqual(recall.state, 'closed')
            self.assertFalse(Lot(f.id).blocked)
            chain.ship(f, 5, cafe)

    @with_transaction()
    def test_recall_withdrawn_stays_blocked(self):
        Recall = Pool().get('lao.trace.recall')
        Lot = Pool().get('stock.lot')
        company, chain = self.builder()
        with set_company(company):
            _, plot = chain.farm()
            lot = chain.harvest(plot, chain.product("Banana"), 100)
            recall = Recall(company=company, lot=lot, reason="Pest")
            recall.save()
            Recall.open([recall])
            recall.outcome = 'withdrawn'
            recall.outcome_note = "Destroyed."
            recall.save()
            Recall.close([recall])
            self.assertTrue(Lot(lot.id).blocked)

    @with_transaction()
    def test_public_trace_data_privacy(self):
        "Public trace data never shows the farmer nor the GPS point"
        Lot = Pool().get('stock.lot')
        User = Pool().get('res.user')
        company, chain = self.builder()
        with set_company(company):
            a, b, c, d, e, f = self._graph(chain)
            buyer = chain.customer("Hotel Mekong")
            chain.ship(f, 10, buyer)
            chain.inspect(c, 11.0, 1, True)
            data = Lot.public_trace_data(f, 'en')
            text = json.dumps(data, default=str)
            for secret in ["Khamla", "Vongsa", "Noy", "Phommachanh",
                    "15.1817", "106.2253", "Hotel Mekong"]:
                self.assertNotIn(secret, text)
            self.assertEqual(
                sorted(o['plot'] for o in data['origins']),
                ['PKS-001', 'TTG-002'])
            origin = data['origins'][0]
            self.assertEqual(origin['province'], 'Champasak')
            self.assertEqual(origin['district'], 'Paksong')
            self.assertEqual(origin['plot_area_ha'], 1.5)
            self.assertEqual(len(data['processing']), 3)
            self.assertEqual(data['quality'][0]['state'], 'passed')
            self.assertEqual(data['recall'], [])

            # What the storefront resolver asks, as a user without rights
            gtin = chain.product("Roasted bean").gtin
            self.assertIsNone(gtin)
            Identifier = Pool().get('product.identifier')
            Identifier.create([{
                        'product': f.product.id, 'type': 'gtin',
                        'code': '4006381333931'}])
            with Transaction().set_user(User.create([{
                                'name': "Storefront", 'login': 'shop'}])[0].id
                        ), Transaction().set_context(_check_access=True):
                resolved = Lot.resolve_digital_link(
                    '04006381333931', 'F', 'en')
                self.assertEqual(resolved['lot'], 'F')
                self.assertEqual(resolved['origins'], data['origins'])
                document = Lot.resolve_digital_link(
                    '04006381333931', 'F', epcis=True)
                self.assertEqual(document['type'], 'EPCISDocument')
                self.assertIsNone(Lot.resolve_digital_link(
                        '04006381333931', 'NOPE', 'en'))

    @with_transaction()
    def test_lot_label(self):
        "The lot label is a PDF with the names in Lao, Chinese and English"
        pool = Pool()
        LotLabel = pool.get('stock.lot.label', type='report')
        Template = pool.get('product.template')
        company, chain = self.builder()
        with set_company(company):
            _, plot = chain.farm()
            product = chain.product("Green coffee", gtin='4006381333931')
            for language, name in [('lo', "ກາເຟດິບ"), ('zh_CN', "生咖啡豆")]:
                with Transaction().set_context(language=language):
                    Template.write([product.template], {'name': name})
            lot = chain.harvest(plot, product, 100)
            values = LotLabel.label_data(lot)
            self.assertEqual(values['names'], {
                    'lo': "ກາເຟດິບ", 'zh_CN': "生咖啡豆", 'en': "Green coffee"})
            self.assertEqual(values['provinces']['en'], "Champasak")
            self.assertEqual(values['link'], lot.digital_link)
            self.assertIn('<svg', values['qr'])
            self.assertNotIn("Khamla", str(values))
            action, = pool.get('ir.action.report').search([
                    ('report_name', '=', 'stock.lot.label')])
            html = LotLabel.render(
                action, LotLabel.get_context([lot], {}, {}))
            self.assertIn('<svg', html)
            self.assertNotIn('&lt;svg', html)
            for text in ["ກາເຟດິບ", "生咖啡豆", "Green coffee", lot.number]:
                self.assertIn(text, html)
            extension, content, _, _ = LotLabel.execute([lot.id], {})
            self.assertEqual(extension, 'pdf')
            self.assertTrue(bytes(content).startswith(b'%PDF'))
            # Without these fonts the Lao and Chinese names print as boxes
            # (Debian: fonts-noto-core, fonts-noto-cjk)
            objects = pdf_objects(bytes(content))
            for font in [b'Noto-Sans-Lao', b'Noto-Sans-CJK']:
                self.assertIn(font, objects)

    def _demo_chains(self):
        """The demo chains: the coffee in a roaster's company, the bananas
        in a grower's; (roaster, grower, coffee lot, banana lot)"""
        roaster, _ = self.builder()
        grower = create_company(name="Bokeo Banana Grower")
        grower.gs1_company_prefix = '8850124'
        grower.save()
        with set_company(roaster):
            coffee, banana = load_chains(roaster, banana_company=grower)
        return roaster, grower, coffee, banana

    @with_transaction()
    def test_demo_data(self):
        "The demo chains load and export valid EPCIS documents"
        Lot = Pool().get('stock.lot')
        roaster, _, coffee, banana = self._demo_chains()
        validator = self._epcis_validator()
        with set_company(roaster):
            self.assertEqual(len(Lot.upstream([coffee])), 4)
            data = Lot.public_trace_data(coffee, 'en')
            self.assertEqual(
                sorted(o['province'] for o in data['origins']),
                ['Champasak', 'Salavan', 'Sekong'])
            for lot in [coffee, banana]:
                document = Lot.epcis_document([lot], public=True)
                self.assertFalse(list(validator.iter_errors(document)))
            self.assertEqual(
                len(self._events(
                        Lot.epcis_document([coffee]), 'ObjectEvent',
                        'shipping')), 2)

    @with_transaction()
    def test_trace_page_version(self):
        """Every model whose table resolving a lot reads (its trace page
        and its EPCIS document) bumps the version of the trace pages: the
        web shop's cached copy follows every change of them"""
        pool = Pool()
        Lot = pool.get('stock.lot')
        Version = pool.get('lao.catalogue.version')
        roaster, _, coffee, banana = self._demo_chains()
        with set_company(roaster), tables_read() as tables:
            for lot in [coffee, banana]:
                Lot.resolve_digital_link(lot.gtin, lot.number, 'en')
                Lot.resolve_digital_link(lot.gtin, lot.number, epcis=True)
        models = models_of(tables)
        self.assertGreaterEqual(models, {
                'stock.lot', 'stock.move', 'lao.trace.harvest',
                'production', 'party.address', 'ir.translation'})
        self.assertEqual({m for m in models - UNVERSIONED
                if not issubclass(pool.get(m), TracePageMixin)}, set())
        self.assertIn('trace', Version.pending_bumps())

    @with_transaction()
    def test_demo_producers(self):
        """The producer of a lot is the company that made it: the roaster
        for the roasted coffee, the grower (not the roaster) for bananas"""
        Lot = Pool().get('stock.lot')
        roaster, grower, coffee, banana = self._demo_chains()
        self.assertEqual(
            Lot.public_trace_data(coffee, 'en')['producer'],
            roaster.rec_name)
        self.assertEqual(
            Lot.public_trace_data(banana, 'en')['producer'],
            grower.rec_name)
        self.assertEqual(banana.company, grower)

    @with_transaction()
    def test_demo_journeys(self):
        """Journey lines go from one party to another, the buyers named by
        their city only; no move inside a company is a line"""
        Lot = Pool().get('stock.lot')
        roaster, grower, coffee, banana = self._demo_chains()

        def lines(lot):
            return [(m['from'], m['to'], m['quantity'])
                for m in Lot.public_trace_data(lot, 'en')['journey']]

        def company(c):
            return {'kind': 'company', 'name': c.rec_name, 'place': None}

        def other(kind, place):
            return {'kind': kind, 'name': None, 'place': place}
        self.assertEqual(lines(banana), [
                (other('farm', "Ban Don Thin, Ton Pheung"), company(grower),
                    3000),
                (company(grower), other('buyer', "Kunming"), 2600),
                ])
        self.assertEqual(lines(coffee), [
                (other('farm', "Ban Nong Mek, Laongam"), company(roaster),
                    1100),
                (other('farm', "Ban Houay Kong, Thateng"), company(roaster),
                    600),
                (other('farm', "Ban Nong Luang, Paksong"), company(roaster),
                    900),
                (company(roaster), other('buyer', "Vientiane"), 120),
                (company(roaster), other('buyer', "Luang Prabang"), 60),
                ])
        journey = Lot.public_trace_data(coffee, 'en')['journey']
        self.assertEqual(journey[0]['product'], "Arabica cherry")
        self.assertEqual(journey[-1]['lot'], coffee.number)
        text = json.dumps(journey)
        for secret in ["Cafe Sinouk", "Mekong Riverside", "Khamla"]:
            self.assertNotIn(secret, text)

    @with_transaction()
    def test_public_party_fallback(self):
        "A move to a customer location without any party names the location"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        company, chain = self.builder()
        with set_company(company):
            _, plot = chain.farm()
            lot = chain.harvest(plot, chain.product("Cherry"), 100)
            customer, = Location.search([('code', '=', 'CUS')])
            move = Move(
                product=lot.product, lot=lot, quantity=10, unit=chain.kg,
                from_location=chain.warehouse.storage_location,
                to_location=customer, company=company,
                unit_price=1, currency=company.currency)
            move.save()
            with Transaction().set_context(_skip_warnings=True):
                Move.do([move])
            last = Lot.public_trace_data(lot, 'en')['journey'][-1]
            self.assertEqual(last['to'], {
                    'kind': 'location', 'name': customer.name,
                    'place': None})
            self.assertEqual(last['from']['kind'], 'company')

    @with_transaction()
    def test_demo_dates(self):
        """The demo chains' dates follow the seasons: the coffee picked from
        November to February, hulled after the last picking, roasted weeks
        later and delivered before today; the bananas cut days ago"""
        pool = Pool()
        Lot = pool.get('stock.lot')
        Date = pool.get('ir.date')
        _, _, coffee, banana = self._demo_chains()
        today = Date.today()
        data = Lot.public_trace_data(coffee, 'en')
        harvests = sorted(
            dt.date.fromisoformat(o['harvest_date'])
            for o in data['origins'])
        self.assertEqual(len(set(harvests)), 3)
        for day in harvests:
            self.assertIn(day.month, {11, 12, 1, 2})
        hulling, roasting = [
            dt.date.fromisoformat(s['date']) for s in data['processing']]
        self.assertGreater(hulling, harvests[-1])
        self.assertGreaterEqual((roasting - hulling).days, 14)
        grading = dt.date.fromisoformat(data['quality'][0]['date'])
        self.assertTrue(hulling <= grading < roasting)
        deliveries = [dt.date.fromisoformat(m['date'])
            for m in data['journey'] if m['to']['kind'] == 'buyer']
        self.assertEqual(len(deliveries), 2)
        self.assertTrue(roasting < deliveries[0] < deliveries[1] < today)
        self.assertLess(today - harvests[0], dt.timedelta(days=2 * 366))
        cut, shipped = [dt.date.fromisoformat(m['date'])
            for m in Lot.public_trace_data(banana, 'en')['journey']]
        self.assertTrue(today - dt.timedelta(days=30) < cut < shipped < today)

    @with_transaction()
    def test_demo_product_names_translated(self):
        "The trace page reads the product names in the reader's language"
        Lot = Pool().get('stock.lot')
        _, _, coffee, banana = self._demo_chains()
        for language, coffee_name, banana_name, cherry in [
                ('lo', "ກາເຟຄົ່ວ ອາຣາບິກາ ພູພຽງບໍລະເວນ", "ກ້ວຍຫອມ ຄາເວນດິຊ",
                    "ໝາກກາເຟ ອາຣາບິກາ"),
                ('zh_CN', "波罗芬高原阿拉比卡烘焙咖啡豆", "卡文迪什香蕉",
                    "阿拉比卡咖啡鲜果"),
                ('en', "Roasted coffee, Bolaven arabica", "Cavendish banana",
                    "Arabica cherry"),
                ]:
            data = Lot.public_trace_data(coffee, language)
            self.assertEqual(data['product'], coffee_name)
            self.assertEqual(data['origins'][0]['product'], cherry)
            self.assertIn(cherry, data['processing'][0]['inputs'])
            self.assertEqual(
                Lot.public_trace_data(banana, language)['product'],
                banana_name)

    @with_transaction()
    def test_chain_keeps_product_names(self):
        "A chain given an existing product (a listed one) keeps its names"
        pool = Pool()
        Template = pool.get('product.template')
        Product = pool.get('product.product')
        company, chain = self.builder()
        with set_company(company):
            template, = Template.create([{
                        'name': "Listed green", 'type': 'goods',
                        'default_uom': chain.kg.id,
                        'products': [('create', [{}])]}])
            listed, = template.products
            with Transaction().set_context(language='lo'):
                Template.write([template], {'name': "ກາເຟດິບ"})
            green = chain.product(
                "Green coffee, Bolaven arabica", product=listed,
                names={'lo': "ກາເຟ"})
            self.assertEqual(green, listed)
            self.assertTrue(Template(template.id).producible)
            with Transaction().set_context(language='lo'):
                self.assertEqual(Product(listed.id).name, "ກາເຟດິບ")

    @with_transaction()
    def test_traced_lots(self):
        """The lots a listing links to: those of its product with a GTIN
        that have moved, newest first, as many as asked"""
        Lot = Pool().get('stock.lot')
        company, chain = self.builder()
        with set_company(company):
            _, plot = chain.farm()
            cherry = chain.product("Cherry", gtin='4006381333931')
            other = chain.product("Other", gtin='96385074')
            untraced = chain.product("Untraced")
            lots = [chain.harvest(plot, cherry, 10) for _ in range(3)]
            chain.lot(cherry, 'NEVER-MOVED')
            chain.harvest(plot, other, 10)
            chain.harvest(plot, untraced, 10)
            found = Lot.traced_lots([cherry], limit=2)
            self.assertEqual(found, [{
                        'number': l.number, 'gtin': '04006381333931',
                        'harvest_date': l.harvest_date}
                    for l in reversed(lots[1:])])
            self.assertEqual(len(Lot.traced_lots([cherry, other])), 4)
            self.assertEqual(Lot.traced_lots([untraced]), [])
            self.assertEqual(Lot.traced_lots([]), [])

    def _epcis_validator(self):
        with open(SCHEMA_PATH) as fp:
            schema = json.load(fp)
        return jsonschema.Draft7Validator(
            schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)

    def _events(self, document, event_type, biz_step):
        return [e for e in document['epcisBody']['eventList']
            if e['type'] == event_type and e.get('bizStep') == biz_step]

    @with_transaction()
    def test_epcis_document(self):
        "The EPCIS document of a lot's history validates, one event a type"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Recall = pool.get('lao.trace.recall')
        company, chain = self.builder()
        validator = self._epcis_validator()
        with set_company(company):
            a, b, c, d, e, f = self._graph(chain)
            chain.inspect(c, 11.0, 1, True)
            bag = chain.package_type()
            buyer = chain.customer("Hotel Mekong")
            chain.ship(f, 10, buyer, package_type=bag)
            recall = Recall(company=company, lot=d, reason="Mould")
            recall.save()
            Recall.open([recall])

            document = Lot.epcis_document([f])
            errors = sorted(
                validator.iter_errors(document), key=lambda e: e.path)
            self.assertEqual(errors, [], [e.message for e in errors])
            for event in document['epcisBody']['eventList']:
                single = dict(document, epcisBody={'eventList': [event]})
                self.assertFalse(list(validator.iter_errors(single)))
                # the schema is really applied: a broken event fails
                broken = dict(event, eventTime='yesterday')
                broken.pop('eventTimeZoneOffset')
                self.assertTrue(list(validator.iter_errors(
                            dict(document, epcisBody={
                                    'eventList': [broken]}))))

            harvests = self._events(document, 'ObjectEvent', 'commissioning')
            self.assertEqual(len(harvests), 2)
            self.assertEqual(harvests[0]['action'], 'ADD')
            self.assertEqual(harvests[0]['disposition'], 'active')
            self.assertTrue(harvests[0]['readPoint']['id'].startswith('geo:'))
            inspections = self._events(document, 'ObjectEvent', 'inspecting')
            self.assertEqual(
                [i['disposition'] for i in inspections], ['conformant'])
            transformations = self._events(
                document, 'TransformationEvent', 'commissioning')
            self.assertEqual(len(transformations), 3)
            # the merge of A and B into C; the three happened the same day,
            # so in the order of their event ids, which the ids of the
            # records decide
            self.assertEqual(sorted(
                    len(t['inputQuantityList']) for t in transformations),
                [1, 1, 2])
            packing, = self._events(document, 'AggregationEvent', 'packing')
            self.assertTrue(packing['parentID'].startswith(
                    'https://id.example.la/00/08850123'))
            shipping, = self._events(document, 'ObjectEvent', 'shipping')
            self.assertEqual(shipping['disposition'], 'in_transit')
            self.assertEqual(shipping['sourceList'][0]['type'], 'owning_party')
            self.assertIn('destinationList', shipping)
            recalled, = self._events(document, 'ObjectEvent', 'holding')
            self.assertEqual(recalled['disposition'], 'recalled')

            today = chain.today
            period = epcis.period_document(today, today)
            self.assertFalse(list(validator.iter_errors(period)))
            self.assertEqual(
                {e['eventID'] for e in period['epcisBody']['eventList']},
                {e['eventID'] for e in document['epcisBody']['eventList']})
            self.assertEqual(epcis.period_document(
                    today - dt.timedelta(days=10),
                    today - dt.timedelta(days=1))['epcisBody']['eventList'],
                [])

            public = Lot.epcis_document([f], public=True)
            self.assertFalse(list(validator.iter_errors(public)))
            text = json.dumps(public)
            self.assertNotIn('geo:', text)
            shipping, = self._events(public, 'ObjectEvent', 'shipping')
            self.assertNotIn('destinationList', shipping)

    @with_transaction()
    def test_epcis_receiving_and_sale(self):
        "Receiving from a supplier and shipping a sale validate too"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Shipment = pool.get('stock.shipment.in')
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        company, chain = self.builder()
        validator = self._epcis_validator()
        with set_company(company):
            supplier = chain.customer("Salavan Cooperative")
            product = chain.product("Cassava chips", gtin='4006381333931')
            lot = chain.lot(product, 'CSV-1')
            supplier_location, = Location.search([('code', '=', 'SUP')])
            shipment = Shipment(
                company=company, supplier=supplier,
                warehouse=chain.warehouse,
                warehouse_input=chain.warehouse.input_location,
                warehouse_storage=chain.warehouse.storage_location)
            shipment.save()
            Move(
                shipment=shipment, product=product, lot=lot, quantity=50,
                unit=chain.kg, from_location=supplier_location,
                to_location=chain.warehouse.input_location,
                company=company, unit_price=1,
                currency=company.currency).save()
            shipment = Shipment(shipment.id)
            Shipment.receive([shipment])
            Shipment.do([shipment])
            document = Lot.epcis_document([lot])
            self.assertFalse(list(validator.iter_errors(document)))
            receiving, = self._events(document, 'ObjectEvent', 'receiving')
            self.assertEqual(receiving['disposition'], 'in_progress')
            self.assertEqual(
                receiving['quantityList'][0]['epcClass'],
                'https://id.example.la/01/04006381333931/10/CSV-1')
            self.assertEqual(receiving['quantityList'][0]['uom'], 'KGM')


del ModuleTestCase
