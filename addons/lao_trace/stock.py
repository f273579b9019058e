"""Lots with their origin, GS1 identifiers, genealogy and sale blocks.

Genealogy: production moves link lots.  A production consumes input lots and
makes output lots, so each pair (input lot, output lot) of one production is
an edge of the lot graph.  Everything upstream or downstream of a set of lots
is computed by one recursive SQL query (WITH RECURSIVE) over those edges, on
SQLite and PostgreSQL alike; a production that would close a cycle in the
graph is refused.
"""
import datetime
from collections import defaultdict

from sql import Column, Literal, Null, With
from sql.aggregate import Min
from sql.operators import Exists

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelView, Unique, fields
from trytond.model.modelstorage import local_cache
from trytond.modules.lao_b2b.common import keep_company_context
from trytond.pool import Pool, PoolMeta
from trytond.rpc import RPC
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction, without_check_access

from . import epcis, gs1
from .exceptions import GenealogyCycleError, GS1Error, LotBlockedError
from .product import GTIN_TYPES


class Lot(metaclass=PoolMeta):
    __name__ = 'stock.lot'

    company = fields.Many2One(
        'company.company', "Company", ondelete='RESTRICT',
        help="The company that made or received the lot: only its users "
        "may see and change it in the back office.")
    plot = fields.Many2One(
        'lao.trace.plot', "Plot", readonly=True, ondelete='RESTRICT',
        help="The plot where this lot was harvested.")
    harvest_date = fields.Date("Harvest Date", readonly=True)
    gtin = fields.Function(fields.Char("GTIN"), 'get_gtin')
    digital_link = fields.Function(
        fields.Char("GS1 Digital Link"), 'get_digital_link')
    quality_inspections = fields.One2Many(
        'quality.inspection', 'origin', "Quality Inspections", readonly=True)
    input_lots = fields.Function(fields.Many2Many(
            'stock.lot', None, None, "Input Lots",
            help="The lots processed into this lot."),
        'get_neighbour_lots')
    output_lots = fields.Function(fields.Many2Many(
            'stock.lot', None, None, "Output Lots",
            help="The lots made from this lot."),
        'get_neighbour_lots')
    upstream_lots = fields.Function(fields.Many2Many(
            'stock.lot', None, None, "Upstream Lots"),
        'get_genealogy_lots')
    downstream_lots = fields.Function(fields.Many2Many(
            'stock.lot', None, None, "Downstream Lots"),
        'get_genealogy_lots')
    blocked = fields.Function(
        fields.Boolean("Blocked"), 'get_blocks', searcher='search_blocked')
    block_reasons = fields.Function(
        fields.Text("Block Reasons"), 'get_blocks')

    @classmethod
    def __post_setup__(cls):
        super().__post_setup__()
        keep_company_context(cls)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.plot, Index.Range())),
                Index(t, (t.company, Index.Range())),
                })
        cls._buttons.update({
                'open_upstream_tree': {},
                'open_downstream_tree': {},
                })
        cls.__rpc__.update({
                'public_trace_data': RPC(instantiate=0),
                'epcis_document': RPC(instantiate=0),
                })

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    def get_gtin(self, name):
        return self.product.gtin

    def get_digital_link(self, name):
        Configuration = Pool().get('lao.trace.configuration')
        if self.product.gtin:
            return gs1.digital_link(
                Configuration(1).resolver_host, self.product.gtin,
                self.number)

    @classmethod
    def epc_class(cls, lot, host):
        "A URI for the class of items in lot: its Digital Link if possible"
        if lot.product.gtin:
            return gs1.digital_link(host, lot.product.gtin, lot.number)
        return f'https://{host}/lot/{lot.id}'

    @classmethod
    def by_digital_link(cls, gtin, number):
        "The lot of number whose product has gtin, or None"
        try:
            gtin = gs1.gtin14(gtin)
        except ValueError:
            return None
        lots = cls.search([
                ('number', '=', number),
                ('product.identifiers', 'where', [
                        ('type', 'in', ['gtin', 'ean']),
                        ('code', 'in', list({
                                    gtin, gtin.lstrip('0'), gtin[1:],
                                    gtin[2:]})),
                        ]),
                ], limit=1)
        return lots[0] if lots else None

    # Genealogy

    @classmethod
    def _genealogy_edges(cls):
        "Query of (parent, child) lot pairs linked by a production"
        Move = Pool().get('stock.move')
        input_, output = Move.__table__(), Move.__table__()
        # The production conditions are redundant with the join but let
        # PostgreSQL put them in the index conditions of each step
        return input_.join(output, condition=(
                input_.production_input == output.production_output)
            ).select(
                input_.lot.as_('parent'), output.lot.as_('child'),
                where=(input_.lot != Null) & (output.lot != Null)
                & (input_.production_input != Null)
                & (output.production_output != Null)
                & (input_.state != 'cancelled')
                & (output.state != 'cancelled'))

    @classmethod
    def _genealogy_ends(cls, edges, direction):
        "The (near, far) columns of edges walked 'upstream' or 'downstream'"
        assert direction in {'upstream', 'downstream'}
        if direction == 'upstream':
            return edges.child, edges.parent
        return edges.parent, edges.child

    @classmethod
    def _genealogy_query(cls, seeds, direction):
        """The recursive query of the rows reached from the seeds query
        going 'upstream' or 'downstream', and its with list.  The last
        column of seeds is a lot; the others (the root a lot was reached
        from) are carried along.  Every seed is in it."""
        edges = With('parent', 'child', query=cls._genealogy_edges())
        near, far = cls._genealogy_ends(edges, direction)
        names = [c.output_name for c in seeds.columns]
        graph = With(*names, recursive=True)
        carried = [Column(graph, n) for n in names[:-1]]
        # UNION (not UNION ALL) stops on rows already reached
        graph.query = seeds | graph.join(
            edges, condition=Column(graph, names[-1]) == near
            ).select(*carried, far)
        return graph, [edges, graph]

    @classmethod
    def _genealogy_select(cls, ids, direction):
        """The query of the lots upstream or downstream of any of ids.  It
        starts from their neighbours, so a lot of ids is in it only when
        another one reaches it."""
        edges = cls._genealogy_edges()
        near, far = cls._genealogy_ends(edges, direction)
        graph, with_ = cls._genealogy_query(
            edges.select(far.as_('lot'), where=reduce_ids(near, ids)),
            direction)
        return graph.select(graph.lot, with_=with_)

    @classmethod
    def _genealogy(cls, lots, direction):
        "Map each lot id to the set of lot ids upstream or downstream of it"
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        result = defaultdict(set)
        for sub_ids in grouped_slice(
                [l.id for l in lots], backend.MAX_QUERY_PARAMS):
            seeds = table.select(
                table.id.as_('root'), table.id.as_('lot'),
                where=reduce_ids(table.id, sub_ids))
            graph, with_ = cls._genealogy_query(seeds, direction)
            cursor.execute(*graph.select(
                    graph.root, graph.lot,
                    where=graph.root != graph.lot, with_=with_))
            for root, lot in cursor:
                result[root].add(lot)
        return result

    @classmethod
    def _genealogy_ids(cls, lots, direction):
        "The ids of the lots upstream or downstream of any of lots"
        cursor = Transaction().connection.cursor()
        ids = set()
        for sub_ids in grouped_slice(
                [l.id for l in lots], backend.MAX_QUERY_PARAMS):
            cursor.execute(*cls._genealogy_select(sub_ids, direction))
            ids.update(lot for lot, in cursor)
        return ids

    @classmethod
    def upstream(cls, lots):
        "Every lot that went into lots, down to the harvested lots"
        return cls._browse_many(cls._genealogy_ids(lots, 'upstream'))

    @classmethod
    def downstream(cls, lots):
        "Every lot made from lots, through every processing step"
        return cls._browse_many(cls._genealogy_ids(lots, 'downstream'))

    @classmethod
    def _browse_many(cls, ids):
        """The instances of ids in order, as browse() makes them: sharing the
        list of ids, so that reading a field reads the lots by batches.
        browse() checks for each instance that its id is in the list, which
        is quadratic on the thousands of lots of a genealogy; these are made
        alone, then given the list."""
        ids = sorted(ids)
        transaction = Transaction()
        records = local_cache(cls, transaction)
        cache = transaction.get_cache()
        lots = [cls(i, _local_cache=records, _transaction_cache=cache,
                _transaction=transaction) for i in ids]
        for lot in lots:
            lot._ids = ids
        return lots

    @classmethod
    def get_genealogy_lots(cls, lots, names):
        result = {}
        for name in names:
            direction = name[:-len('_lots')]
            genealogy = cls._genealogy(lots, direction)
            result[name] = {l.id: sorted(genealogy[l.id]) for l in lots}
        return result

    @classmethod
    def get_neighbour_lots(cls, lots, names):
        cursor = Transaction().connection.cursor()
        edges = cls._genealogy_edges()
        result = {n: {l.id: [] for l in lots} for n in names}
        for sub_ids in grouped_slice(
                [l.id for l in lots], backend.MAX_QUERY_PARAMS):
            sub_ids = list(sub_ids)
            for name, key, other in [
                    ('input_lots', 'child', 'parent'),
                    ('output_lots', 'parent', 'child')]:
                if name not in names:
                    continue
                query = edges.select(
                    getattr(edges, key), getattr(edges, other),
                    where=reduce_ids(getattr(edges, key), sub_ids),
                    group_by=[getattr(edges, key), getattr(edges, other)])
                cursor.execute(*query)
                for lot, neighbour in cursor:
                    result[name][lot].append(neighbour)
        return result

    @classmethod
    def check_production_cycles(cls, productions):
        """Refuse productions whose output lot is one of their input lots or
        upstream of them: the lot graph must stay acyclic"""
        pool = Pool()
        Move = pool.get('stock.move')
        Production = pool.get('production')
        cursor = Transaction().connection.cursor()
        move = Move.__table__()
        output = Move.__table__()
        for sub_ids in grouped_slice(
                [p.id for p in productions], backend.MAX_QUERY_PARAMS):
            seeds = move.select(
                move.production_input.as_('root'), move.lot.as_('lot'),
                where=reduce_ids(move.production_input, sub_ids)
                & (move.lot != Null) & (move.state != 'cancelled'))
            graph, with_ = cls._genealogy_query(seeds, 'upstream')
            query = graph.join(output, condition=(
                    (output.production_output == graph.root)
                    & (output.lot == graph.lot))
                ).select(
                    graph.root, graph.lot,
                    where=output.state != 'cancelled',
                    with_=with_, limit=1)
            cursor.execute(*query)
            row = cursor.fetchone()
            if row:
                production_id, lot_id = row
                raise GenealogyCycleError(gettext(
                        'lao_trace.msg_genealogy_cycle',
                        production=Production(production_id).rec_name,
                        lot=cls(lot_id).rec_name))

    @classmethod
    @ModelView.button_action('lao_trace.act_lot_upstream_tree')
    def open_upstream_tree(cls, lots):
        pass

    @classmethod
    @ModelView.button_action('lao_trace.act_lot_downstream_tree')
    def open_downstream_tree(cls, lots):
        pass

    # Blocks on sale and shipment

    @classmethod
    def block_messages(cls, lots):
        """Map the id of each blocked lot to the list of (kind, message) that
        explain why; kind is 'quality' or 'recall'"""
        pool = Pool()
        Inspection = pool.get('quality.inspection')
        RecallLine = pool.get('lao.trace.recall.line')
        blocks = defaultdict(list)
        if not lots:
            return blocks
        for sub_lots in grouped_slice(lots, backend.MAX_QUERY_PARAMS):
            sub_lots = list(sub_lots)
            inspections = Inspection.search([
                    ('origin', 'in', [str(l) for l in sub_lots]),
                    ('state', '=', 'failed'),
                    ], order=[('id', 'ASC')])
            for inspection in inspections:
                if inspection.alerts and not any(
                        a.state in {'open', 'processing'}
                        for a in inspection.alerts):
                    continue
                blocks[inspection.origin.id].append(('quality', gettext(
                            'lao_trace.msg_lot_block_quality',
                            lot=inspection.origin.rec_name,
                            inspection=inspection.rec_name)))
            lines = RecallLine.search([
                    ('lot', 'in', [l.id for l in sub_lots]),
                    ('recall.blocking', '=', True),
                    ], order=[('id', 'ASC')])
            seen = set()
            for line in lines:
                if (line.lot.id, line.recall.id) in seen:
                    continue
                seen.add((line.lot.id, line.recall.id))
                blocks[line.lot.id].append(('recall', gettext(
                            'lao_trace.msg_lot_block_recall',
                            lot=line.lot.rec_name,
                            recall=line.recall.rec_name)))
        return blocks

    @classmethod
    def get_blocks(cls, lots, names):
        blocks = cls.block_messages(lots)
        result = {}
        if 'blocked' in names:
            result['blocked'] = {l.id: bool(blocks.get(l.id)) for l in lots}
        if 'block_reasons' in names:
            result['block_reasons'] = {
                l.id: '\n'.join(m for _, m in blocks.get(l.id, [])) or None
                for l in lots}
        return result

    @classmethod
    def search_blocked(cls, name, clause):
        pool = Pool()
        Inspection = pool.get('quality.inspection')
        RecallLine = pool.get('lao.trace.recall.line')
        _, operator, value = clause
        candidates = {i.origin.id for i in Inspection.search([
                    ('origin', 'like', 'stock.lot,%'),
                    ('state', '=', 'failed'),
                    ])}
        candidates |= {l.lot.id for l in RecallLine.search([
                    ('recall.blocking', '=', True)])}
        blocked = list(cls.block_messages(cls.browse(candidates)))
        positive = (operator == '=') == bool(value)
        return [('id', 'in' if positive else 'not in', blocked)]

    @classmethod
    def epcis_document(cls, lots, public=False, start=None, end=None):
        "The EPCIS 2.0 JSON-LD document of the history of lots"
        return epcis.lot_document(lots, public=public, start=start, end=end)

    @classmethod
    def resolve_digital_link(cls, gtin, number, language=None, epcis=False):
        """What the public GS1 Digital Link resolver shows for
        /01/<gtin>/10/<number>: the public trace data of the lot in language,
        or its public EPCIS document; None for an unknown lot.  Safe to call
        as the storefront's user: it reads only public data."""
        with without_check_access():
            lot = cls.by_digital_link(gtin, number)
            if lot is None:
                return None
            if epcis:
                return cls.epcis_document([lot], public=True)
            return cls.public_trace_data(lot, language)

    @classmethod
    def public_trace_data(cls, lot, language=None):
        """The public trace data of lot, as plain values for the storefront.

        Origin stops at the village and district: no farmer, no GPS point,
        no buyer ever appears here."""
        pool = Pool()
        Date = pool.get('ir.date')
        Inspection = pool.get('quality.inspection')
        Harvest = pool.get('lao.trace.harvest')
        Move = pool.get('stock.move')
        with Transaction().set_context(language=language), \
                without_check_access():
            lot = cls(lot.id)
            today = Date.today()
            chain = [lot] + list(cls.upstream([lot]))
            origins = []
            for harvest in Harvest.search([
                        ('lot', 'in', [l.id for l in chain]),
                        ('state', '=', 'done'),
                        ], order=[('date', 'ASC'), ('id', 'ASC')]):
                farm = harvest.plot.farm
                origins.append({
                        'lot': harvest.lot.number,
                        'product': harvest.product.name,
                        'province': farm.province.name,
                        'district': farm.district,
                        'village': farm.village,
                        'plot': harvest.plot.code,
                        'plot_area_ha': harvest.plot.area,
                        'altitude_m': harvest.plot.altitude,
                        'harvest_date': harvest.date.isoformat(),
                        'certifications': [{
                                'type': c.type,
                                'name': c.type_string,
                                'number': c.number,
                                'issuer': c.issuer,
                                'valid_to': c.valid_to.isoformat(),
                                } for c in farm.valid_certifications(today)],
                        })
            productions = {}
            made_by = None
            for move in Move.search([
                        ('lot', 'in', [l.id for l in chain]),
                        ('production_output', '!=', None),
                        ('state', '=', 'done'),
                        ]):
                productions[move.production_output] = None
                if move.lot == lot:
                    made_by = move.production_output
            steps = []
            for production in sorted(productions, key=lambda p: (
                        p.effective_date or today, p.id)):
                steps.append({
                        'date': (production.effective_date
                            and production.effective_date.isoformat()),
                        'inputs': sorted({
                                m.product.name for m in production.inputs}),
                        'outputs': sorted({
                                m.product.name for m in production.outputs}),
                        'company': production.company.rec_name,
                        })
            inspections = [{
                    'lot': i.origin.number,
                    'control': i.control.name,
                    'state': i.state,
                    'date': (i.processed_at.date().isoformat()
                        if i.processed_at else None),
                    'points': dict(i.points or {}),
                    } for i in Inspection.search([
                        ('origin', 'in', [str(l) for l in chain]),
                        ('state', 'in', ['passed', 'failed']),
                        ], order=[('id', 'ASC')])]
            recalls = [kind_message[1]
                for kind_message in cls.block_messages([lot]).get(lot.id, [])
                if kind_message[0] == 'recall']
            # The producer made the lot: the company of the production that
            # made it or, for a harvested lot, of the farm's company
            if made_by:
                producer = made_by.company.rec_name
            elif lot.plot:
                producer = lot.plot.farm.company.rec_name
            else:
                producer = None
            return {
                'lot': lot.number,
                'gtin': lot.gtin,
                'digital_link': lot.digital_link,
                'product': lot.product.name,
                'producer': producer,
                'origins': origins,
                'processing': steps,
                'quality': inspections,
                'journey': cls.public_journey(lot, chain),
                'recall': recalls,
                }

    @classmethod
    def public_journey(cls, lot, chain):
        """The public journey of lot: the moves of lot from one party to
        another (moves inside a company are not steps of it) and the moves
        that brought the lots of chain (upstream of lot) in from outside,
        by date.  Each end names a party without giving away a private one:
        a company by its name; a buyer, a supplier or a farm only by its
        place (see public_party)."""
        Move = Pool().get('stock.move')
        moves = Move.search([
                ('state', '=', 'done'),
                ['OR', [
                        ('lot', '=', lot.id),
                        ], [
                        ('lot', 'in', [l.id for l in chain if l != lot]),
                        ('from_location.type', '=', 'supplier'),
                        ]],
                ], order=[('effective_date', 'ASC'), ('id', 'ASC')])
        journey = []
        for move in moves:
            from_ = cls.public_party(move, move.from_location)
            to = cls.public_party(move, move.to_location)
            if from_ == to:
                continue
            journey.append({
                    'date': (move.effective_date
                        and move.effective_date.isoformat()),
                    'lot': move.lot.number,
                    'product': move.product.name,
                    'from': from_,
                    'to': to,
                    'quantity': move.quantity,
                    'unit': move.unit.symbol,
                    })
        return journey

    @classmethod
    def public_party(cls, move, location):
        """Who holds the goods of move at location (its from or to
        location), as public data {'kind', 'name', 'place'}: kind 'company'
        (name: the company owning the location), 'buyer' or 'supplier'
        (place: the city of its address), 'farm' (place: village and
        district), 'written_off' or, when no party is known, 'location'
        (name: the location's name)."""
        Harvest = Pool().get('lao.trace.harvest')
        if location.type == 'lost_found':
            return {'kind': 'written_off', 'name': None, 'place': None}
        elif location.type in {'customer', 'supplier'}:
            kind = 'buyer' if location.type == 'customer' else 'supplier'
            origin = move.origin
            if location.type == 'supplier' and isinstance(origin, Harvest):
                farm = origin.plot.farm
                return {'kind': 'farm', 'name': None,
                    'place': ', '.join(
                        filter(None, [farm.village, farm.district]))}
            shipment = move.shipment
            party = getattr(shipment, 'customer', None) or getattr(
                shipment, 'supplier', None)
            address = getattr(shipment, 'delivery_address', None)
            document = getattr(origin, 'sale', None) or getattr(
                origin, 'purchase', None)
            if not party and document:
                party = document.party
            if party:
                address = address or party.address_get()
                return {'kind': kind, 'name': None,
                    'place': cls._public_place(address)}
        else:
            # a warehouse belongs to the party of its address (a vendor's
            # is at the vendor's address); else to the company of the move
            warehouse = location.warehouse or location
            party = (warehouse.address.party if warehouse.address
                else move.company.party)
            return {'kind': 'company', 'name': party.rec_name,
                'place': None}
        return {'kind': 'location', 'name': location.name, 'place': None}

    @staticmethod
    def _public_place(address):
        "The city of address, else its province or country; or None"
        if not address:
            return None
        if address.city:
            return address.city
        for place in [address.subdivision, address.country]:
            if place:
                return place.name

    @classmethod
    def traced_lots(cls, products, limit=5):
        """The newest lots of products that the GS1 Digital Link resolver
        traces (their product has a GTIN and they have moved), at most limit
        of them, in one query: [{'number', 'gtin', 'harvest_date'}]"""
        pool = Pool()
        Move = pool.get('stock.move')
        Identifier = pool.get('product.identifier')
        product_ids = [getattr(p, 'id', p) for p in products]
        if not product_ids:
            return []
        lot = cls.__table__()
        move = Move.__table__()
        identifier = Identifier.__table__()
        codes = identifier.select(
            identifier.product, Min(identifier.code).as_('code'),
            where=reduce_ids(identifier.product, product_ids)
            & identifier.type.in_(list(GTIN_TYPES)),
            group_by=[identifier.product])
        moved = move.select(move.id,
            where=(move.lot == lot.id) & (move.state == 'done'), limit=1)
        query = lot.join(codes, condition=codes.product == lot.product
            ).select(lot.number, codes.code, lot.harvest_date,
                where=reduce_ids(lot.product, product_ids)
                & (lot.active == Literal(True)) & Exists(moved),
                order_by=[lot.id.desc], limit=limit)
        cursor = Transaction().connection.cursor()
        cursor.execute(*query)
        lots = []
        for number, code, harvest_date in cursor:
            try:
                gtin = gs1.gtin14(code)
            except ValueError:
                continue
            if isinstance(harvest_date, str):
                harvest_date = datetime.date.fromisoformat(harvest_date)
            lots.append({
                    'number': number, 'gtin': gtin,
                    'harvest_date': harvest_date})
        return lots


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # Each step of the genealogy query goes from lots to their
        # production moves, then from productions to their other moves'
        # lots: with these three indexes both are index-only scans.  The
        # first one also serves every search of the moves of a lot.
        low = Index.Equality(cardinality='low')
        cls._sql_indexes.update({
                Index(
                    t,
                    (t.lot, Index.Range()),
                    (t.production_input, Index.Range()),
                    (t.production_output, Index.Range()),
                    (t.state, low),
                    where=t.lot != Null),
                Index(
                    t,
                    (t.production_input, Index.Range()),
                    (t.lot, Index.Range()),
                    (t.state, low),
                    where=t.production_input != Null),
                Index(
                    t,
                    (t.production_output, Index.Range()),
                    (t.lot, Index.Range()),
                    (t.state, low),
                    where=t.production_output != Null),
                })

    @classmethod
    def __setup_indexes__(cls):
        super().__setup_indexes__()
        # The plain indexes of the production Many2One fields are prefixes
        # of the covering ones above
        t = cls.__table__()
        for column in [t.production_input, t.production_output]:
            cls._sql_indexes.discard(
                Index(t, (column, Index.Range()), where=column != Null))

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['lao.trace.harvest']

    @classmethod
    def validate(cls, moves):
        pool = Pool()
        Lot = pool.get('stock.lot')
        super().validate(moves)
        productions = {
            m.production_input or m.production_output for m in moves
            if m.lot and (m.production_input or m.production_output)}
        if productions:
            Lot.check_production_cycles(list(productions))

    def _lot_block_applies(self, kind):
        """Whether a block of kind on the lot forbids this move: a quality
        failure forbids selling; a recall also forbids any shipment and
        further processing.  Returns from customers, receipts and write-offs
        stay possible: they are how blocked goods come back or go away."""
        if (self.from_location.type in {'customer', 'supplier'}
                or self.to_location.type == 'lost_found'):
            return False
        to_customer = self.to_location.type == 'customer'
        shipment_out = (self.shipment
            and self.shipment.__name__ == 'stock.shipment.out')
        if kind == 'quality':
            return bool(to_customer or shipment_out)
        return bool(to_customer or self.shipment or self.production_input)

    @classmethod
    def check_lot_blocks(cls, moves):
        Lot = Pool().get('stock.lot')
        moves = [m for m in moves if m.lot]
        blocks = Lot.block_messages(list({m.lot for m in moves}))
        for move in moves:
            for kind, message in blocks.get(move.lot.id, []):
                if move._lot_block_applies(kind):
                    raise LotBlockedError(message)

    @classmethod
    def assign(cls, moves):
        cls.check_lot_blocks(moves)
        super().assign(moves)

    @classmethod
    def do(cls, moves):
        cls.check_lot_blocks(moves)
        super().do(moves)


class Package(metaclass=PoolMeta):
    __name__ = 'stock.package'

    sscc = fields.Char(
        "SSCC", readonly=True, strip=True,
        help="The Serial Shipping Container Code (GS1 AI 00) of the package.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('sscc_unique', Unique(t, t.sscc),
                'lao_trace.msg_package_sscc_unique'),
            ]

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Company = pool.get('company.company')
        Configuration = pool.get('lao.trace.configuration')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('sscc'):
            company_id = values.get('company', cls.default_company())
            if company_id is not None:
                prefix = Company(company_id).gs1_company_prefix
                if prefix:
                    configuration = Configuration(1)
                    serial = configuration.sscc_sequence.get()
                    try:
                        values['sscc'] = gs1.make_sscc(
                            prefix, serial,
                            configuration.sscc_extension_digit)
                    except ValueError:
                        raise GS1Error(gettext(
                                'lao_trace.msg_sscc_serial_invalid',
                                serial=serial, prefix=prefix))
        return values

    @classmethod
    def validate_fields(cls, packages, field_names):
        super().validate_fields(packages, field_names)
        if 'sscc' in field_names:
            for package in packages:
                if package.sscc and not gs1.is_valid_sscc(package.sscc):
                    raise GS1Error(gettext(
                            'lao_trace.msg_invalid_sscc',
                            sscc=package.sscc, package=package.rec_name))

    @classmethod
    def copy(cls, packages, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('sscc', None)
        return super().copy(packages, default=default)

    @property
    def digital_link(self):
        Configuration = Pool().get('lao.trace.configuration')
        if self.sscc:
            return gs1.sscc_link(Configuration(1).resolver_host, self.sscc)
