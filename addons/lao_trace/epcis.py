"""EPCIS 2.0 JSON-LD documents of lots' histories.

Each step of a lot's life becomes the event GS1's Core Business Vocabulary
(CBV 2.0) names for it:

- harvest: ObjectEvent ADD, bizStep commissioning, disposition active;
- quality inspection: ObjectEvent OBSERVE, bizStep inspecting, disposition
  conformant or non_conformant;
- processing (production): TransformationEvent, bizStep commissioning;
- packing into a package: AggregationEvent ADD, bizStep packing, parentID
  the SSCC of the package;
- receiving from a supplier: ObjectEvent OBSERVE, bizStep receiving;
- shipping to a buyer: ObjectEvent OBSERVE, bizStep shipping, disposition
  in_transit, with source and destination and the sale in
  bizTransactionList;
- an open or withdrawn recall: ObjectEvent OBSERVE, bizStep holding,
  disposition recalled.

Lots are identified by class (quantityList) with their GS1 Digital Link URI.
The public variant of a document leaves out every party but the seller and
gives plots by their public code instead of their GPS point.
"""
import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from trytond.pool import Pool
from trytond.transaction import Transaction

CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'

# UN/CEFACT Recommendation 20 codes of Tryton's units, by symbol
UOM_CODES = {
    'kg': 'KGM', 'g': 'GRM', 't': 'TNE', 'l': 'LTR', 'm³': 'MTQ',
    'u': 'H87', 'lb': 'LBR',
    }


class EPCISDocument:
    "Collects the events of lots into an EPCIS 2.0 JSON-LD document"

    def __init__(self, host, public=False, timezone=None):
        self.host = host
        self.public = public
        # like Tryton's dates: the company's time zone, else UTC
        self.timezone = ZoneInfo(timezone or 'UTC')
        self.events = []

    # Identifiers

    def uri(self, kind, key):
        return f'https://{self.host}/{kind}/{key}'

    def event_id(self, *key):
        "A stable event identifier: the same fact always gets the same id"
        name = '/'.join(str(k) for k in (self.host,) + key)
        return 'urn:uuid:%s' % uuid.uuid5(uuid.NAMESPACE_URL, name)

    def quantity(self, lot, quantity=None, unit=None):
        Lot = Pool().get('stock.lot')
        element = {'epcClass': Lot.epc_class(lot, self.host)}
        if quantity is not None:
            element['quantity'] = quantity
            code = UOM_CODES.get(unit.symbol) if unit else None
            if code:
                element['uom'] = code
        return element

    def party(self, party):
        return self.uri('party', party.id)

    # Times

    def _local_time(self, value):
        "The local time of a date (at midnight) or of a UTC timestamp"
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=dt.timezone.utc).astimezone(
                self.timezone)
        return dt.datetime.combine(value, dt.time(), self.timezone)

    def add(self, event_type, when, key, **values):
        when = self._local_time(when)
        offset = when.strftime('%z')
        event = {
            'type': event_type,
            'eventID': self.event_id(*key),
            'eventTime': when.isoformat(),
            'eventTimeZoneOffset': f'{offset[:3]}:{offset[3:]}',
            }
        event.update((k, v) for k, v in values.items() if v)
        self.events.append((when, event))
        return event

    # Events

    def add_harvest(self, harvest):
        plot = harvest.plot
        if self.public:
            read_point = self.uri('plot', plot.code)
        else:
            read_point = plot.geo_uri
        self.add(
            'ObjectEvent', harvest.date, ('harvest', harvest.id),
            action='ADD', bizStep='commissioning', disposition='active',
            quantityList=[self.quantity(
                    harvest.lot, harvest.quantity, harvest.unit)],
            readPoint={'id': read_point},
            ilmd={
                'cbvmda:countryOfOrigin': 'LA',
                'cbvmda:harvestStartDate': harvest.date.isoformat(),
                'cbvmda:harvestEndDate': harvest.date.isoformat(),
                })

    def add_inspection(self, inspection):
        self.add(
            'ObjectEvent', inspection.processed_at or inspection.create_date,
            ('inspection', inspection.id),
            action='OBSERVE', bizStep='inspecting',
            disposition=(
                'conformant' if inspection.state == 'passed'
                else 'non_conformant'),
            quantityList=[self.quantity(inspection.origin)],
            **{'lao:inspection': {
                    'control': inspection.control.name,
                    'points': {
                        k: v for k, v in (inspection.points or {}).items()},
                    }})

    def add_production(self, production, inputs, outputs):
        self.add(
            'TransformationEvent',
            production.effective_date or production.effective_start_date,
            ('production', production.id),
            transformationID=self.uri('production', production.id),
            bizStep='commissioning', disposition='active',
            inputQuantityList=[
                self.quantity(m.lot, m.quantity, m.unit) for m in inputs],
            outputQuantityList=[
                self.quantity(m.lot, m.quantity, m.unit) for m in outputs],
            readPoint={'id': self.uri('location', production.location.id)})

    def add_package(self, package, moves):
        self.add(
            'AggregationEvent', package.create_date, ('package', package.id),
            action='ADD', bizStep='packing', disposition='container_closed',
            parentID=package.digital_link or self.uri(
                'package', package.id),
            childQuantityList=[
                self.quantity(m.lot, m.quantity, m.unit) for m in moves])

    def add_shipping(self, shipment, moves, company):
        date = shipment.effective_date or moves[0].effective_date
        values = {
            'sourceList': [{
                    'type': 'owning_party',
                    'source': self.party(company.party),
                    }],
            }
        if not self.public:
            values['destinationList'] = [{
                    'type': 'owning_party',
                    'destination': self.party(shipment.customer),
                    }]
            sales = sorted({m.sale for m in moves if m.sale}, key=lambda s: s.id)
            values['bizTransactionList'] = [{
                    'type': 'po',
                    'bizTransaction': self.uri('sale', s.number or s.id),
                    } for s in sales]
        self.add(
            'ObjectEvent', date, ('shipping', str(shipment)),
            action='OBSERVE', bizStep='shipping', disposition='in_transit',
            quantityList=[
                self.quantity(m.lot, m.quantity, m.unit) for m in moves],
            **values)

    def add_receiving(self, shipment, moves, company):
        values = {
            'destinationList': [{
                    'type': 'owning_party',
                    'destination': self.party(company.party),
                    }],
            }
        if not self.public:
            values['sourceList'] = [{
                    'type': 'owning_party',
                    'source': self.party(shipment.supplier),
                    }]
        self.add(
            'ObjectEvent', shipment.effective_date or moves[0].effective_date,
            ('receiving', str(shipment)),
            action='OBSERVE', bizStep='receiving', disposition='in_progress',
            quantityList=[
                self.quantity(m.lot, m.quantity, m.unit) for m in moves],
            **values)

    def add_recall(self, recall, lots):
        self.add(
            'ObjectEvent', recall.opened_at, ('recall', recall.id),
            action='OBSERVE', bizStep='holding', disposition='recalled',
            quantityList=[self.quantity(l) for l in lots])

    # Document

    def as_dict(self, start=None, end=None):
        """The document of the events that happened between the dates start
        and end (local dates), in time order"""
        events = [
            e for when, e in sorted(
                self.events, key=lambda x: (x[0], x[1]['eventID']))
            if (start is None or when.date() >= start)
            and (end is None or when.date() <= end)]
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        return {
            '@context': [CONTEXT, {
                    'lao': f'https://{self.host}/ns/epcis/',
                    }],
            'type': 'EPCISDocument',
            'schemaVersion': '2.0',
            'creationDate': now.isoformat().replace('+00:00', 'Z'),
            'epcisBody': {'eventList': events},
            }


def collect(document, lots):
    "Add to document every event of lots"
    pool = Pool()
    Harvest = pool.get('lao.trace.harvest')
    Inspection = pool.get('quality.inspection')
    Move = pool.get('stock.move')
    RecallLine = pool.get('lao.trace.recall.line')
    lot_ids = {l.id for l in lots}
    if not lot_ids:
        return document

    for harvest in Harvest.search([
                ('lot', 'in', list(lot_ids)), ('state', '=', 'done')],
            order=[('id', 'ASC')]):
        document.add_harvest(harvest)

    for inspection in Inspection.search([
                ('origin', 'in', [f'stock.lot,{i}' for i in lot_ids]),
                ('state', 'in', ['passed', 'failed']),
                ], order=[('id', 'ASC')]):
        document.add_inspection(inspection)

    moves = Move.search([
            ('lot', 'in', list(lot_ids)),
            ('state', '=', 'done'),
            ], order=[('effective_date', 'ASC'), ('id', 'ASC')])
    productions = {}
    for move in moves:
        production = move.production_input or move.production_output
        if production and production.state == 'done':
            productions[production] = None
    for production in sorted(productions, key=lambda p: p.id):
        document.add_production(
            production,
            [m for m in production.inputs if m.lot and m.state == 'done'],
            [m for m in production.outputs if m.lot and m.state == 'done'])

    packages, shipped, received = {}, {}, {}
    for move in moves:
        if move.package:
            packages.setdefault(move.package, []).append(move)
        shipment = move.shipment
        if (shipment and shipment.__name__ == 'stock.shipment.out'
                and move.to_location.type == 'customer'):
            shipped.setdefault(shipment, []).append(move)
        elif (shipment and shipment.__name__ == 'stock.shipment.in'
                and move.from_location.type == 'supplier'):
            received.setdefault(shipment, []).append(move)
    for package, package_moves in sorted(
            packages.items(), key=lambda i: i[0].id):
        document.add_package(package, package_moves)
    for shipment, shipment_moves in sorted(
            received.items(), key=lambda i: i[0].id):
        document.add_receiving(shipment, shipment_moves, shipment.company)
    for shipment, shipment_moves in sorted(
            shipped.items(), key=lambda i: i[0].id):
        document.add_shipping(shipment, shipment_moves, shipment.company)

    recalls = {}
    for line in RecallLine.search([
                ('lot', 'in', list(lot_ids)),
                ('recall.blocking', '=', True),
                ], order=[('id', 'ASC')]):
        recalls.setdefault(line.recall, set()).add(line.lot)
    for recall, recalled in sorted(recalls.items(), key=lambda i: i[0].id):
        document.add_recall(recall, sorted(recalled, key=lambda l: l.id))
    return document


def _document(public):
    "An empty document for the resolver host, in the company's time zone"
    pool = Pool()
    Configuration = pool.get('lao.trace.configuration')
    Company = pool.get('company.company')
    company_id = Transaction().context.get('company')
    timezone = Company(company_id).timezone if company_id else None
    return EPCISDocument(
        Configuration(1).resolver_host, public=public, timezone=timezone)


def lot_document(lots, public=False, start=None, end=None):
    "The EPCIS document of the whole history of lots, up- and downstream"
    Lot = Pool().get('stock.lot')
    chain = set(lots) | set(Lot.upstream(lots)) | set(Lot.downstream(lots))
    document = _document(public)
    collect(document, sorted(chain, key=lambda l: l.id))
    return document.as_dict(start=start, end=end)


def period_document(start, end, public=False):
    "The EPCIS document of every lot event between start and end"
    pool = Pool()
    Lot = pool.get('stock.lot')
    Move = pool.get('stock.move')
    moves = Move.search([
            ('lot', '!=', None),
            ('state', '=', 'done'),
            ('effective_date', '>=', start),
            ('effective_date', '<=', end),
            ])
    document = _document(public)
    collect(document, Lot.browse(sorted({m.lot.id for m in moves})))
    return document.as_dict(start=start, end=end)
