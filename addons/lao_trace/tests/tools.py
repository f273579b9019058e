"""Builders of traceability data for the unit tests (server side, Pool)."""
import datetime as dt
from decimal import Decimal

from trytond.pool import Pool
from trytond.transaction import Transaction


class ChainBuilder:
    "Creates farms, harvests, productions and shipments of one company"

    def __init__(self, company):
        pool = Pool()
        Location = pool.get('stock.location')
        Uom = pool.get('product.uom')
        Subdivision = pool.get('country.subdivision')
        self.company = company
        self.warehouse, = Location.search([('code', '=', 'WH')])
        self.customer_location, = Location.search([('code', '=', 'CUS')])
        self.kg, = Uom.search([('name', '=', 'Kilogram')])
        self.champasak, = Subdivision.search([('code', '=', 'LA-CH')])
        self.today = dt.date.today()
        self._products = {}

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
            longitude=106.2253, area=1.5):
        pool = Pool()
        Party = pool.get('party.party')
        Farm = pool.get('lao.trace.farm')
        Plot = pool.get('lao.trace.plot')
        farmer = Party(name=farmer)
        farmer.save()
        farm = Farm(
            name=f"{farmer.name}'s farm", company=self.company, farmer=farmer,
            province=self.champasak, district=district, village=village)
        farm.save()
        plot = Plot(
            farm=farm, code=code, latitude=latitude, longitude=longitude,
            area=area, altitude=1200)
        plot.save()
        return farm, plot

    def harvest(self, plot, product, quantity, date=None):
        Harvest = Pool().get('lao.trace.harvest')
        harvest = Harvest(
            company=self.company, plot=plot, product=product,
            date=date or self.today, quantity=quantity, unit=self.kg,
            unit_price=Decimal('1.5'), warehouse=self.warehouse)
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
        "Ship quantity of lot to customer, packed if package_type"
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
