"""Builders of traceability data (server side, in a transaction with the
pool): ``ChainBuilder`` creates farms, harvests, productions and shipments
through the module's own models, and ``load_chains(company)`` builds with
it a coffee chain on the Bolaven Plateau and a banana chain for export, for
the tests of this module and the modules on it, the web shop's tests and
the demo (scripts/demo).
"""
from decimal import Decimal

from trytond.pool import Pool
from trytond.transaction import Transaction


class ChainBuilder:
    "Creates farms, harvests, productions and shipments of one company"

    def __init__(self, company, warehouse=None):
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
        with Transaction().set_context(company=company.id):
            self.today = Date.today()
        self._products = {}

    @staticmethod
    def province(code):
        "The Lao province of ISO 3166-2 code suffix"
        Subdivision = Pool().get('country.subdivision')
        province, = Subdivision.search([('code', '=', f'LA-{code}')])
        return province

    def product(self, name, gtin=None):
        pool = Pool()
        Template = pool.get('product.template')
        Product = pool.get('product.product')
        if name not in self._products:
            template = Template(
                name=name, type='goods', default_uom=self.kg, sale_uom=self.kg,
                list_price=Decimal(10), salable=True, producible=True)
            template.save()
            product = Product(template=template)
            if gtin:
                product.identifiers = [{'type': 'gtin', 'code': gtin}]
            product.save()
            self._products[name] = product
        return self._products[name]

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

    def produce(self, inputs, outputs, do=True):
        """Run a production consuming inputs [(lot, quantity)] and making
        outputs [(product, number or lot, quantity)]; return the output lots
        """
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
        production = Production(
            company=self.company, warehouse=self.warehouse,
            location=location, effective_date=self.today,
            effective_start_date=self.today)
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

    def customer(self, name, email=None):
        Party = Pool().get('party.party')
        party = Party(name=name, addresses=[{}])
        if email:
            party.contact_mechanisms = [{'type': 'email', 'value': email}]
        party.save()
        return party

    def ship(self, lot, quantity, customer, package_type=None, do=True):
        """Ship quantity of lot to customer, packed if package_type; the
        shipment is not from a sale order, so its moves have no origin"""
        pool = Pool()
        Shipment = pool.get('stock.shipment.out')
        Move = pool.get('stock.move')
        Package = pool.get('stock.package')
        shipment = Shipment(
            company=self.company, customer=customer,
            warehouse=self.warehouse,
            warehouse_output=self.warehouse.output_location,
            warehouse_storage=self.warehouse.storage_location,
            delivery_address=customer.addresses[0])
        shipment.save()
        Move(
            shipment=shipment, product=lot.product, lot=lot,
            quantity=quantity, unit=self.kg,
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

    def inspect(self, lot, moisture, defects, residue_ok, control=None):
        "Process a grading inspection of lot; return it"
        Inspection = Pool().get('quality.inspection')
        control = control or self.grading_control()
        inspection = Inspection(
            company=self.company, origin=lot, control=control,
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


def load_coffee_chain(chain):
    """Three plots on the Bolaven Plateau, their cherry processed into green
    beans, graded, roasted, packed in bags and delivered to two buyers"""
    plots = [
        chain.farm("Khamla Vongsa", "Ban Nong Luang", "Paksong", 'PKS-014',
            15.1817, 106.2253, 1.2, chain.province('CH'), 1250)[1],
        chain.farm("Noy Phommachanh", "Ban Houay Kong", "Thateng",
            'TTG-007', 15.4301, 106.3912, 0.8, chain.province('XE'),
            1050)[1],
        chain.farm("Bounmy Sisouk", "Ban Nong Mek", "Laongam", 'LNG-021',
            15.4872, 106.1569, 2.0, chain.province('SL'), 900)[1],
        ]
    Certification = Pool().get('lao.trace.certification')
    Certification.create([{
                'farm': plots[0].farm.id, 'type': 'organic',
                'number': 'LAO-ORG-2291',
                'issuer': "Lao Organic Certification Body",
                'valid_from': chain.today.replace(month=1, day=1),
                'valid_to': chain.today.replace(month=12, day=31),
                }, {
                'farm': plots[1].farm.id, 'type': 'gi',
                'number': 'GI-BOLAVEN-COFFEE',
                'issuer': "Department of Intellectual Property",
                'valid_from': chain.today.replace(month=1, day=1),
                'valid_to': chain.today.replace(year=chain.today.year + 5),
                }])
    cherry = chain.product("Arabica cherry")
    green = chain.product("Green coffee, Bolaven arabica")
    roasted = chain.product("Roasted coffee, Bolaven arabica")
    quantities = [900, 600, 1100]
    harvests = [chain.harvest(p, cherry, q, unit_price=Decimal(4000))
        for p, q in zip(plots, quantities)]
    green_lot, = chain.produce(
        list(zip(harvests, quantities)),
        [(green, 'GRN-%s-01' % chain.today.strftime('%y%m'), 440)])
    chain.inspect(green_lot, 11.4, 3, True)
    roasted_lot, = chain.produce(
        [(green_lot, 240)],
        [(roasted, 'RST-%s-01' % chain.today.strftime('%y%m'), 200)])
    bag = chain.package_type("Valve bag 20 kg")
    cafe = chain.customer("Cafe Sinouk", 'orders@cafe-sinouk.example')
    hotel = chain.customer("Mekong Riverside Hotel")
    chain.ship(roasted_lot, 120, cafe, package_type=bag)
    chain.ship(roasted_lot, 60, hotel, package_type=bag)
    return roasted_lot


def load_banana_chain(chain):
    "A banana plot in Bokeo, its harvest packed in cartons for an importer"
    _, plot = chain.farm(
        "Sengphet Keomany", "Ban Don Thin", "Ton Pheung", 'TPH-003',
        20.3061, 100.0992, 4.5, chain.province('BK'), 380)
    banana = chain.product("Cavendish banana")
    lot = chain.harvest(plot, banana, 3000, unit_price=Decimal(1800))
    carton = chain.package_type("Banana carton 13 kg")
    importer = chain.customer(
        "Kunming Fruit Import Co.", 'import@kunming-fruit.example')
    chain.ship(lot, 2600, importer, package_type=carton)
    return lot


def load_chains(company, warehouse=None):
    """Load the coffee and banana chains for company; return their last
    lots.  Run inside a transaction, with company in the context."""
    Product = Pool().get('product.product')
    chain = ChainBuilder(company, warehouse=warehouse)
    lots = load_coffee_chain(chain), load_banana_chain(chain)
    if company.gs1_company_prefix:
        # so that the QR codes of the lots resolve
        Product.assign_gtins(list(chain._products.values()), company)
    return lots
