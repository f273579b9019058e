"""Builders of traceability data (server side, in a transaction with the
pool): ``ChainBuilder`` creates farms, harvests, productions and shipments
through the module's own models, and ``load_chains(company)`` builds with
it a coffee chain on the Bolaven Plateau and a banana chain for export, for
the tests of this module and the modules on it, the web shop's tests and
the demo (scripts/demo).

The chains' dates follow the seasons, counted back from the day they are
loaded so that a demo stays current: the coffee was picked over the last
harvest of the Bolaven Plateau (November to February), dried and hulled
after it, and is roasted and delivered in the last weeks; bananas, picked
all year round, were cut and shipped a few days ago.
"""
import datetime as dt
from decimal import Decimal

from trytond.pool import Pool
from trytond.transaction import Transaction


class ChainBuilder:
    "Creates farms, harvests, productions and shipments of one company"

    def __init__(self, company, warehouse=None, today=None):
        pool = Pool()
        Location = pool.get('stock.location')
        Uom = pool.get('product.uom')
        Date = pool.get('ir.date')
        self.company = company
        if warehouse is None:
            warehouse, = Location.search(
                [('code', '=', 'WH')], limit=1)
        self.warehouse = warehouse
        self.customer_location, = Location.search(
            [('code', '=', 'CUS')], limit=1)
        self.kg, = Uom.search([('name', '=', 'Kilogram')])
        self.champasak = self.province('CH')
        if today is None:
            with Transaction().set_context(company=company.id):
                today = Date.today()
        self.today = today
        self._products = {}

    @staticmethod
    def province(code):
        "The Lao province of ISO 3166-2 code suffix"
        Subdivision = Pool().get('country.subdivision')
        province, = Subdivision.search([('code', '=', f'LA-{code}')])
        return province

    def product(self, name, gtin=None, names=None, product=None):
        """The product called name, created on first use with the
        translations names {language code: name}, or product (an existing
        one, such as a listing's, keeping its own names) from then on"""
        pool = Pool()
        Template = pool.get('product.template')
        Product = pool.get('product.product')
        if name not in self._products:
            if product is None:
                template = Template(
                    name=name, type='goods', default_uom=self.kg,
                    sale_uom=self.kg, list_price=Decimal(10), salable=True,
                    producible=True)
                template.save()
                product = Product(template=template)
                if gtin:
                    product.identifiers = [{'type': 'gtin', 'code': gtin}]
                product.save()
                self.translate(product, names or {})
            elif not product.producible:
                # made by the chain's productions
                Template.write([product.template], {'producible': True})
            self._products[name] = product
        return self._products[name]

    @staticmethod
    def translate(product, names):
        "Give the template of product its names {language code: name}"
        pool = Pool()
        Lang = pool.get('ir.lang')
        Template = pool.get('product.template')
        languages = {l.code for l in Lang.search(
                [('code', 'in', list(names))])}
        for language, name in names.items():
            if language in languages:
                with Transaction().set_context(language=language):
                    Template.write([product.template], {'name': name})

    def farm(self, farmer='Khamla Vongsa', village='Ban Lak 35',
            district='Paksong', code='PKS-001', latitude=15.1817,
            longitude=106.2253, area=1.5, province=None, altitude=1200):
        pool = Pool()
        Party = pool.get('party.party')
        Farm = pool.get('lao.trace.farm')
        Plot = pool.get('lao.trace.plot')
        farmer = Party(name=farmer)
        farmer.save()
        farm = Farm(
            name=f"{farmer.name}'s farm", company=self.company, farmer=farmer,
            province=province or self.champasak, district=district,
            village=village)
        farm.save()
        plot = Plot(
            farm=farm, code=code, latitude=latitude, longitude=longitude,
            area=area, altitude=altitude)
        plot.save()
        return farm, plot

    def harvest(self, plot, product, quantity, date=None, unit_price=None):
        Harvest = Pool().get('lao.trace.harvest')
        harvest = Harvest(
            company=self.company, plot=plot, product=product,
            date=date or self.today, quantity=quantity, unit=self.kg,
            unit_price=Decimal('1.5') if unit_price is None else unit_price,
            warehouse=self.warehouse)
        harvest.save()
        Harvest.do([harvest])
        return harvest.lot

    def lot(self, product, number):
        Lot = Pool().get('stock.lot')
        lot = Lot(product=product, number=number)
        lot.save()
        return lot

    def produce(self, inputs, outputs, do=True, date=None):
        """Run a production consuming inputs [(lot, quantity)] and making
        outputs [(product, number or lot, quantity)] on date (today); return
        the output lots"""
        pool = Pool()
        Production = pool.get('production')
        Move = pool.get('stock.move')
        storage = self.warehouse.storage_location
        location = self.warehouse.production_location
        output_lots = []
        for product, lot, quantity in outputs:
            if isinstance(lot, str):
                lot = self.lot(product, lot)
            output_lots.append(lot)
        date = date or self.today
        production = Production(
            company=self.company, warehouse=self.warehouse,
            location=location, planned_date=date, planned_start_date=date,
            effective_date=date, effective_start_date=date)
        production.inputs = [Move(
                product=l.product, lot=l, quantity=q, unit=self.kg,
                from_location=storage, to_location=location,
                company=self.company) for l, q in inputs]
        production.outputs = [Move(
                product=l.product, lot=l, quantity=q, unit=self.kg,
                from_location=location, to_location=storage,
                company=self.company, unit_price=Decimal(1),
                currency=self.company.currency)
            for l, (_, _, q) in zip(output_lots, outputs)]
        production.save()
        if do:
            Production.wait([production])
            Production.assign_force([production])
            Production.run([production])
            Production.do([production])
        return output_lots

    def customer(self, name, email=None, city=None, country=None):
        "A customer party; its address in city of country (a code)"
        pool = Pool()
        Party = pool.get('party.party')
        Country = pool.get('country.country')
        address = {'city': city} if city else {}
        if country:
            address['country'], = [c.id for c in Country.search(
                    [('code', '=', country)], limit=1)]
        party = Party(name=name, addresses=[address])
        if email:
            party.contact_mechanisms = [{'type': 'email', 'value': email}]
        party.save()
        return party

    def ship(self, lot, quantity, customer, package_type=None, do=True,
            date=None):
        """Ship quantity of lot to customer on date (today), packed if
        package_type; the shipment is not from a sale order, so its moves
        have no origin"""
        pool = Pool()
        Shipment = pool.get('stock.shipment.out')
        Move = pool.get('stock.move')
        Package = pool.get('stock.package')
        date = date or self.today
        shipment = Shipment(
            company=self.company, customer=customer,
            planned_date=date, effective_date=date if do else None,
            warehouse=self.warehouse,
            warehouse_output=self.warehouse.output_location,
            warehouse_storage=self.warehouse.storage_location,
            delivery_address=customer.addresses[0])
        shipment.save()
        Move(
            shipment=shipment, product=lot.product, lot=lot,
            quantity=quantity, unit=self.kg, planned_date=date,
            from_location=self.warehouse.output_location,
            to_location=self.customer_location, company=self.company,
            unit_price=Decimal(10), currency=self.company.currency).save()
        shipment = Shipment(shipment.id)
        Shipment.wait([shipment])
        for move in shipment.inventory_moves:
            move.lot = lot
        Move.save(shipment.inventory_moves)
        Shipment.assign_force([shipment])
        Shipment.pick([shipment])
        if package_type:
            package = Package(
                company=self.company, type=package_type, shipment=shipment,
                moves=list(shipment.outgoing_moves))
            package.save()
        if do:
            # a shipment without sale: its moves have no origin, on purpose
            with Transaction().set_context(_skip_warnings=True):
                Shipment.pack([shipment])
                Shipment.do([shipment])
        return shipment

    def package_type(self, name='Jute bag 60 kg'):
        Type = Pool().get('stock.package.type')
        package_type = Type(name=name)
        package_type.save()
        return package_type

    def inspect(self, lot, moisture, defects, residue_ok, control=None,
            date=None):
        "Process a grading inspection of lot (on date: now); return it"
        Inspection = Pool().get('quality.inspection')
        control = control or self.grading_control()
        inspection = Inspection(
            company=self.company, origin=lot, control=control,
            processed_at=(dt.datetime.combine(date, dt.time(10))
                if date else None),
            points={'moisture': moisture, 'defects': defects,
                'residue_below_mrl': residue_ok})
        inspection.save()
        Inspection.process([inspection])
        return inspection

    def grading_control(self):
        Control = Pool().get('quality.control')
        controls = Control.search([('name', '=', 'Lot grading')])
        if controls:
            return controls[0]
        control = Control(name='Lot grading', frequency=1, points=[
                {'name': 'moisture', 'string': 'Moisture (%)',
                    'type_': 'float', 'tolerance_upper': 12.5},
                {'name': 'defects', 'string': 'Defects per 300 g',
                    'type_': 'integer', 'tolerance_upper': 5},
                {'name': 'residue_below_mrl',
                    'string': 'Residue below MRL', 'type_': 'boolean'},
                ])
        control.save()
        return control


# The names of the chains' products in Lao and Chinese
NAMES = {
    "Arabica cherry": {
        'lo': "ໝາກກາເຟ ອາຣາບິກາ", 'zh_CN': "阿拉比卡咖啡鲜果"},
    "Green coffee, Bolaven arabica": {
        'lo': "ກາເຟດິບ ອາຣາບິກາ ພູພຽງບໍລະເວນ",
        'zh_CN': "波罗芬高原阿拉比卡生咖啡豆"},
    "Roasted coffee, Bolaven arabica": {
        'lo': "ກາເຟຄົ່ວ ອາຣາບິກາ ພູພຽງບໍລະເວນ",
        'zh_CN': "波罗芬高原阿拉比卡烘焙咖啡豆"},
    "Cavendish banana": {
        'lo': "ກ້ວຍຫອມ ຄາເວນດິຊ", 'zh_CN': "卡文迪什香蕉"},
    }

DAY = dt.timedelta(days=1)


def coffee_dates(today):
    """The days of the coffee chain, counted back from today: the roasting
    24 days ago, the deliveries 18 and 7 days ago, and before them the
    last harvest of the Bolaven Plateau whose green beans rested two weeks
    before the roasting.  The cherry is picked lowest first (Laongam at
    900 m in late November, Thateng in December, Paksong at 1,250 m in
    January), the washed parchment dried and hulled into green beans in
    February, then graded."""
    roast = today - 24 * DAY
    # the year in which the harvest ends (November to February)
    end = roast.year if dt.date(roast.year, 2, 23) <= roast else (
        roast.year - 1)
    return {
        'harvests': [dt.date(end, 1, 8), dt.date(end - 1, 12, 10),
            dt.date(end - 1, 11, 24)],
        'hulling': dt.date(end, 2, 6),
        'grading': dt.date(end, 2, 9),
        'roasting': roast,
        'deliveries': [roast + 6 * DAY, roast + 17 * DAY],
        'season': dt.date(end - 1, 10, 1),
        }


def load_coffee_chain(chain, green=None):
    """Three plots on the Bolaven Plateau, their cherry processed into green
    beans, graded, roasted, packed in bags and delivered to two buyers over
    the season (coffee_dates); green: the product of the green beans, if
    not the chain's own"""
    dates = coffee_dates(chain.today)
    plots = [
        chain.farm("Khamla Vongsa", "Ban Nong Luang", "Paksong", 'PKS-014',
            15.1817, 106.2253, 1.2, chain.province('CH'), 1250)[1],
        chain.farm("Noy Phommachanh", "Ban Houay Kong", "Thateng",
            'TTG-007', 15.4301, 106.3912, 0.8, chain.province('XE'),
            1050)[1],
        chain.farm("Bounmy Sisouk", "Ban Nong Mek", "Laongam", 'LNG-021',
            15.4872, 106.1569, 2.0, chain.province('SL'), 900)[1],
        ]
    season = dates['season']
    Certification = Pool().get('lao.trace.certification')
    Certification.create([{
                'farm': plots[0].farm.id, 'type': 'organic',
                'number': 'LAO-ORG-2291',
                'issuer': "Lao Organic Certification Body",
                'valid_from': season.replace(month=8, day=1),
                'valid_to': season.replace(year=season.year + 2, month=7,
                    day=31),
                }, {
                'farm': plots[1].farm.id, 'type': 'gi',
                'number': 'GI-BOLAVEN-COFFEE',
                'issuer': "Department of Intellectual Property",
                'valid_from': season.replace(month=1, day=1),
                'valid_to': season.replace(year=season.year + 10, month=1,
                    day=1),
                }])
    product = chain.product
    cherry = product("Arabica cherry", names=NAMES["Arabica cherry"])
    green = product("Green coffee, Bolaven arabica", product=green,
        names=NAMES["Green coffee, Bolaven arabica"])
    roasted = product("Roasted coffee, Bolaven arabica",
        names=NAMES["Roasted coffee, Bolaven arabica"])
    quantities = [900, 600, 1100]
    harvests = [chain.harvest(p, cherry, q, date=d, unit_price=Decimal(4000))
        for p, q, d in zip(plots, quantities, dates['harvests'])]
    green_lot, = chain.produce(
        list(zip(harvests, quantities)),
        [(green, 'GRN-%s-01' % dates['hulling'].strftime('%y%m'), 440)],
        date=dates['hulling'])
    chain.inspect(green_lot, 11.4, 3, True, date=dates['grading'])
    roasted_lot, = chain.produce(
        [(green_lot, 240)],
        [(roasted, 'RST-%s-01' % dates['roasting'].strftime('%y%m'), 200)],
        date=dates['roasting'])
    bag = chain.package_type("Valve bag 20 kg")
    cafe = chain.customer("Cafe Sinouk", 'orders@cafe-sinouk.example',
        city="Vientiane", country='LA')
    hotel = chain.customer("Mekong Riverside Hotel", city="Luang Prabang",
        country='LA')
    for customer, quantity, date in zip(
            [cafe, hotel], [120, 60], dates['deliveries']):
        chain.ship(roasted_lot, quantity, customer, package_type=bag,
            date=date)
    return roasted_lot


def load_banana_chain(chain, banana=None):
    """A banana plot in Bokeo, its bunches cut 12 days ago (bananas are
    picked all year round) and packed in cartons for an importer in Kunming
    two days later; banana: the product, if not the chain's own"""
    _, plot = chain.farm(
        "Sengphet Keomany", "Ban Don Thin", "Ton Pheung", 'TPH-003',
        20.3061, 100.0992, 4.5, chain.province('BK'), 380)
    banana = chain.product("Cavendish banana", product=banana,
        names=NAMES["Cavendish banana"])
    lot = chain.harvest(plot, banana, 3000, date=chain.today - 12 * DAY,
        unit_price=Decimal(1800))
    carton = chain.package_type("Banana carton 13 kg")
    importer = chain.customer(
        "Kunming Fruit Import Co.", 'import@kunming-fruit.example',
        city="Kunming", country='CN')
    chain.ship(lot, 2600, importer, package_type=carton,
        date=chain.today - 10 * DAY)
    return lot


def load_chains(company, warehouse=None, banana_company=None,
        banana_warehouse=None, green=None, banana=None):
    """Load the coffee chain for company and the banana chain for
    banana_company (the grower; company if None); return their last lots.
    green and banana are the products to trace, if not the chains' own
    (the demo's listed ones).  Run inside a transaction."""
    Product = Pool().get('product.product')
    lots = []
    for company, warehouse, load, product in [
            (company, warehouse, load_coffee_chain, green),
            (banana_company or company,
                banana_warehouse if banana_company else warehouse,
                load_banana_chain, banana)]:
        with Transaction().set_context(company=company.id):
            chain = ChainBuilder(company, warehouse=warehouse)
            lots.append(load(chain, product))
            if company.gs1_company_prefix:
                # so that the QR codes of the lots resolve
                Product.assign_gtins(
                    list(chain._products.values()), company)
    return tuple(lots)
