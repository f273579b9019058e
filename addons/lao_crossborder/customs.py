"""Customs declarations of a cross-border shipment.

One declaration follows the goods from the Lao export declaration in the
National Single Window to the Chinese import clearance: its lines (HS code,
descriptions in Chinese, Lao and English, origin, quantities, weights,
value) are generated from the shipment, its documents from the export
requirements per consignment of the destination.  Its steps are taken in
order, never skipped; the customs may hold it (with a reason, then it
resumes where it stopped) or refuse it.  Every step is logged with its user
and time in lao.decision.
"""
from decimal import Decimal
from functools import wraps

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.rpc import RPC
from trytond.modules.currency.fields import Monetary
from trytond.modules.lao_b2b.common import state_button
from trytond.modules.lao_b2b.vendor import (
    DecideWithReason, WorkflowDecisionMixin)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import DeclarationError

# The steps in the order they are taken
STEPS = [
    'draft', 'documents_complete', 'export_lodged', 'export_released',
    'border_crossed', 'import_lodged', 'inspected', 'cleared', 'delivered',
    ]
STATES = [
    ('draft', "Draft"),
    ('documents_complete', "Documents Complete"),
    ('export_lodged', "Export Lodged"),
    ('export_released', "Export Released"),
    ('border_crossed', "Border Crossed"),
    ('import_lodged', "Import Lodged"),
    ('inspected', "Inspected"),
    ('cleared', "Cleared"),
    ('delivered', "Delivered"),
    ('held', "Held"),
    ('refused', "Refused"),
    ]
# The customs hold or refuse a declaration they are examining
HOLDABLE = ['export_lodged', 'export_released', 'border_crossed',
    'import_lodged', 'inspected']
REFUSABLE = ['export_lodged', 'import_lodged', 'inspected']

DECLARANT_TYPES = [
    (None, ""),
    ('general_declarant', "General Declarant"),
    ('clearance_broker', "Clearance Broker"),
    ]

LANGUAGES = [('en', 'description_en'), ('lo', 'description_lo'),
    ('zh_CN', 'description_zh')]

_draft = {'readonly': Eval('state') != 'draft'}


def step(to_state):
    """A step of the declaration: Workflow's transition, refused with an
    error (not ignored) from a state other than the step before"""
    def decorator(func):
        transition = Workflow.transition(to_state)(func)

        @wraps(func)
        def wrapper(cls, declarations, *args, **kwargs):
            cls.check_step(declarations, to_state)
            return transition(cls, declarations, *args, **kwargs)
        return wrapper
    return decorator


class Decision(metaclass=PoolMeta):
    __name__ = 'lao.decision'

    @classmethod
    def _resource_models(cls):
        return super()._resource_models() + ['lao.customs.declaration']


class Declaration(WorkflowDecisionMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Customs Declaration"
    __name__ = 'lao.customs.declaration'

    company = fields.Many2One(
        'company.company', "Exporter", required=True, states=_draft)
    shipment = fields.Many2One(
        'stock.shipment.out', "Shipment", readonly=True,
        domain=[('company', '=', Eval('company', -1))])
    importer = fields.Many2One(
        'party.party', "Importer", required=True, states=_draft,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    origin_country = fields.Many2One(
        'country.country', "Country of Export", required=True,
        states=_draft)
    destination = fields.Many2One(
        'country.country', "Country of Import", required=True,
        states=_draft)
    incoterm = fields.Many2One(
        'incoterm.incoterm', "Incoterm", states=_draft)
    incoterm_location = fields.Char("Incoterm Location", states=_draft)
    currency = fields.Many2One(
        'currency.currency', "Currency", required=True, states=_draft)
    declarant_type = fields.Selection(
        DECLARANT_TYPES, "Declarant Type", states=_draft,
        help="Registered with Lao Customs as general declarant or "
        "clearance broker (Decision 3009/MOF).")
    declarant_number = fields.Char("Declarant Number", states=_draft)
    manifest_reference = fields.Char(
        "Manifest Reference",
        states={'readonly': ~Eval('state').in_(
                ['draft', 'documents_complete'])})
    export_reference = fields.Char(
        "Single Window Reference",
        states={'readonly': ~Eval('state').in_(
                ['draft', 'documents_complete'])},
        help="The reference of the export declaration in the Lao "
        "National Single Window.")
    import_reference = fields.Char(
        "Import Declaration Number",
        states={'readonly': Eval('state').in_(
                ['import_lodged', 'inspected', 'cleared', 'delivered',
                    'refused'])})
    lines = fields.One2Many(
        'lao.customs.declaration.line', 'declaration', "Lines",
        states=_draft)
    documents = fields.One2Many(
        'lao.customs.declaration.document', 'declaration', "Documents",
        states={'readonly': Eval('state') != 'draft'})
    total_value = fields.Function(
        Monetary("Total Value", currency='currency', digits='currency'),
        'get_totals')
    total_net_weight = fields.Function(
        fields.Float("Total Net Weight (kg)", digits=(16, 3)),
        'get_totals')
    total_gross_weight = fields.Function(
        fields.Float("Total Gross Weight (kg)", digits=(16, 3)),
        'get_totals')
    state = fields.Selection(
        STATES, "State", readonly=True, required=True, sort=False)
    held_from = fields.Selection(
        [(None, "")] + STATES, "Held From", readonly=True, sort=False)
    submitted_by = fields.Many2One('res.user', "Submitted By", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.state, Index.Equality(cardinality='low'))))
        cls._order.insert(0, ('id', 'DESC'))
        cls._transitions |= set(zip(STEPS, STEPS[1:]))
        cls._transitions |= {(s, 'held') for s in HOLDABLE}
        # a held declaration resumes only at the step where it stopped
        # (resume), never at another one
        cls._transitions |= {(s, 'refused') for s in REFUSABLE}
        cls._transitions |= {('held', 'refused')}
        buttons = {}
        for step, next_step in zip(STEPS, STEPS[1:]):
            buttons[next_step] = state_button(step, 'tryton-forward')
        buttons['hold'] = state_button(HOLDABLE, 'tryton-pause')
        buttons['resume'] = state_button('held', 'tryton-forward')
        buttons['refuse'] = state_button(
            REFUSABLE + ['held'], 'tryton-cancel')
        cls._buttons.update(buttons)
        cls.__rpc__.update({
                'from_shipments': RPC(
                    readonly=False, instantiate=0,
                    result=lambda declarations: [d.id for d in declarations]),
                })

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_currency(cls):
        Company = Pool().get('company.company')
        company = Transaction().context.get('company')
        if company:
            return Company(company).currency.id

    def get_rec_name(self, name):
        return gettext('lao_crossborder.msg_declaration_name',
            id=self.id, importer=self.importer.rec_name)

    @classmethod
    def get_totals(cls, declarations, names):
        result = {n: {} for n in names}
        for declaration in declarations:
            values = {
                'total_value': sum(
                    (l.value or Decimal(0) for l in declaration.lines),
                    Decimal(0)),
                'total_net_weight': sum(
                    l.net_weight or 0 for l in declaration.lines),
                'total_gross_weight': sum(
                    l.gross_weight or 0 for l in declaration.lines),
                }
            for name in names:
                result[name][declaration.id] = values[name]
        return result

    @classmethod
    def from_shipments(cls, shipments, destination, incoterm=None,
            incoterm_location=None):
        """Create a draft declaration for each customer shipment, with a
        line per outgoing move and the documents the destination asks per
        consignment"""
        pool = Pool()
        Country = pool.get('country.country')
        Incoterm = pool.get('incoterm.incoterm')
        Line = pool.get('lao.customs.declaration.line')
        if isinstance(destination, int):
            destination = Country(destination)
        if isinstance(incoterm, int):
            incoterm = Incoterm(incoterm)
        declarations = []
        for shipment in shipments:
            address = shipment.company.party.address_get()
            if not address or not address.country:
                raise DeclarationError(gettext(
                        'lao_crossborder.msg_declaration_no_origin',
                        company=shipment.company.rec_name))
            moves = shipment.outgoing_moves or shipment.moves
            currency = next(
                (m.currency for m in moves if m.currency),
                shipment.company.currency)
            declaration = cls(
                company=shipment.company,
                shipment=shipment,
                importer=shipment.customer,
                origin_country=address.country,
                destination=destination,
                incoterm=incoterm,
                incoterm_location=incoterm_location,
                currency=currency)
            declaration.lines = [
                Line.from_move(move, declaration) for move in moves]
            declaration.documents = declaration.required_documents()
            declarations.append(declaration)
        cls.save(declarations)
        return declarations

    def required_documents(self):
        "The documents the destination asks per consignment of the lines"
        pool = Pool()
        Requirement = pool.get('lao.export.requirement')
        Document = pool.get('lao.customs.declaration.document')
        requirements = [r for r in Requirement.search([
                    ('destination', '=', self.destination.id),
                    ]) if r.per_consignment]
        categories = Requirement.commodity_categories(requirements)
        documents = []
        for requirement in requirements:
            cats = categories[requirement.id]
            for line in self.lines:
                product_cats = {c.id for c in line.product.categories_all}
                if cats is not None and not (cats & product_cats):
                    continue
                if requirement.hs_code_from and not (
                        requirement.matches_hs_code(line.hs_code)):
                    continue
                documents.append(Document(
                        requirement=requirement, kind=requirement.kind))
                break
        return documents

    @property
    def form_e(self):
        "The received certificate of origin, which makes ACFTA rates apply"
        for document in self.documents:
            if (document.kind == 'certificate_of_origin'
                    and document.received and document.number):
                return document

    @classmethod
    def check_step(cls, declarations, to_state):
        """Refuse to take a step from any step but the one before it: a
        held declaration resumes first, a refused one stops"""
        previous = STEPS[STEPS.index(to_state) - 1]
        states = dict(cls.fields_get(['state'])['state']['selection'])
        for declaration in declarations:
            if declaration.state not in {previous, to_state}:
                raise DeclarationError(gettext(
                        'lao_crossborder.msg_declaration_step_skipped',
                        declaration=declaration.rec_name,
                        state=states[declaration.state],
                        step=states[to_state],
                        previous=states[previous]))

    @classmethod
    def _step(cls, declarations, to_state):
        cls._log_transition(declarations, to_state)

    @classmethod
    @ModelView.button
    @step('documents_complete')
    def documents_complete(cls, declarations):
        for declaration in declarations:
            if not declaration.lines:
                raise DeclarationError(gettext(
                        'lao_crossborder.msg_declaration_no_lines',
                        declaration=declaration.rec_name))
            missing = [d.rec_name for d in declaration.documents
                if not d.received or not d.number]
            if missing:
                raise DeclarationError(gettext(
                        'lao_crossborder.msg_declaration_documents_missing',
                        declaration=declaration.rec_name,
                        documents=', '.join(missing)))
        cls._step(declarations, 'documents_complete')
        cls.write(declarations, {'submitted_by': Transaction().user or None})

    @classmethod
    @ModelView.button
    @step('export_lodged')
    def export_lodged(cls, declarations):
        cls._require(declarations, 'export_reference')
        cls._step(declarations, 'export_lodged')

    @classmethod
    @ModelView.button
    @step('export_released')
    def export_released(cls, declarations):
        cls._step(declarations, 'export_released')

    @classmethod
    @ModelView.button
    @step('border_crossed')
    def border_crossed(cls, declarations):
        cls._step(declarations, 'border_crossed')

    @classmethod
    @ModelView.button
    @step('import_lodged')
    def import_lodged(cls, declarations):
        cls._require(declarations, 'import_reference')
        cls._step(declarations, 'import_lodged')

    @classmethod
    @ModelView.button
    @step('inspected')
    def inspected(cls, declarations):
        cls._step(declarations, 'inspected')

    @classmethod
    @ModelView.button
    @step('cleared')
    def cleared(cls, declarations):
        cls._step(declarations, 'cleared')

    @classmethod
    @ModelView.button
    @step('delivered')
    def delivered(cls, declarations):
        cls._step(declarations, 'delivered')

    @classmethod
    def _require(cls, declarations, field):
        for declaration in declarations:
            if not getattr(declaration, field):
                raise DeclarationError(gettext(
                        'lao_crossborder.msg_declaration_field_required',
                        declaration=declaration.rec_name,
                        field=cls.fields_get([field])[field]['string']))

    @classmethod
    @ModelView.button_action('lao_crossborder.wizard_declaration_hold')
    def hold(cls, declarations):
        pass

    @classmethod
    @ModelView.button_action('lao_crossborder.wizard_declaration_refuse')
    def refuse(cls, declarations):
        pass

    @classmethod
    def hold_with_reason(cls, declarations, reason):
        "Hold the declarations at their step, with the customs' reason"
        reason = cls._check_reason(reason)
        for declaration in declarations:
            if declaration.state not in HOLDABLE:
                raise DeclarationError(gettext(
                        'lao_crossborder.msg_declaration_not_holdable',
                        declaration=declaration.rec_name))
        cls._log_transition(declarations, 'held', reason)
        for declaration in declarations:
            declaration.held_from = declaration.state
            declaration.state = 'held'
        cls.save(declarations)

    @classmethod
    @ModelView.button
    def resume(cls, declarations):
        "Resume the held declarations at the step where they stopped"
        Decision = Pool().get('lao.decision')
        for declaration in declarations:
            if declaration.state != 'held':
                raise DeclarationError(gettext(
                        'lao_crossborder.msg_declaration_not_held',
                        declaration=declaration.rec_name))
        for declaration in declarations:
            Decision.log([declaration], {declaration: 'held'},
                declaration.held_from)
            declaration.state = declaration.held_from
            declaration.held_from = None
        cls.save(declarations)

    @classmethod
    def refuse_with_reason(cls, declarations, reason):
        reason = cls._check_reason(reason)
        for declaration in declarations:
            if declaration.state not in REFUSABLE + ['held']:
                raise DeclarationError(gettext(
                        'lao_crossborder.msg_declaration_not_refusable',
                        declaration=declaration.rec_name))
        cls._log_transition(declarations, 'refused', reason)
        cls.write(declarations, {'state': 'refused', 'held_from': None})

    def journey(self):
        """The steps taken, as (state label, user, date, reason), oldest
        first, for the buyer's order page"""
        states = dict(self.fields_get(['state'])['state']['selection'])
        return [
            (states.get(d.to_state, d.to_state),
                d.user.rec_name if d.user else '', d.date, d.reason)
            for d in sorted(self.decisions, key=lambda d: (d.date, d.id))]


class DeclarationLine(ModelSQL, ModelView):
    __string__ = "Customs Declaration Line"
    __name__ = 'lao.customs.declaration.line'

    declaration = fields.Many2One(
        'lao.customs.declaration', "Declaration", required=True,
        ondelete='CASCADE')
    product = fields.Many2One('product.product', "Product", required=True)
    lot = fields.Many2One('stock.lot', "Lot",
        domain=[('product', '=', Eval('product', -1))])
    hs_code = fields.Char("HS Code", required=True)
    description_zh = fields.Char("Description in Chinese", required=True)
    description_lo = fields.Char("Description in Lao", required=True)
    description_en = fields.Char("Description in English", required=True)
    origin = fields.Many2One('country.country', "Origin", required=True)
    quantity = fields.Float("Quantity", digits='unit', required=True)
    unit = fields.Many2One('product.uom', "Unit", required=True)
    net_weight = fields.Float(
        "Net Weight (kg)", digits=(16, 3), required=True)
    gross_weight = fields.Float(
        "Gross Weight (kg)", digits=(16, 3), required=True,
        domain=[('gross_weight', '>=', Eval('net_weight', 0))])
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"),
        'on_change_with_currency')
    value = Monetary(
        "Value", currency='currency', digits='currency', required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.declaration, Index.Equality())))

    @fields.depends('declaration', '_parent_declaration.currency')
    def on_change_with_currency(self, name=None):
        if self.declaration and self.declaration.currency:
            return self.declaration.currency.id

    @classmethod
    def from_move(cls, move, declaration):
        "A line of the declaration for the goods of the stock move"
        pool = Pool()
        Product = pool.get('product.product')
        Uom = pool.get('product.uom')
        ModelData = pool.get('ir.model.data')
        kilogram = Uom(ModelData.get_id('product', 'uom_kilogram'))
        product = move.product
        tariff_code = product.get_tariff_code({
                'country': declaration.destination.id,
                'date': move.effective_date or move.planned_date,
                })
        descriptions = {}
        for language, field in LANGUAGES:
            with Transaction().set_context(language=language):
                descriptions[field] = Product(product.id).name
        if move.unit.category == kilogram.category:
            net_weight = Uom.compute_qty(
                move.unit, move.quantity, kilogram, round=False)
        else:
            net_weight = 0
        unit_price = move.unit_price or Decimal(0)
        origin = (product.country_of_origin
            or declaration.origin_country)
        return cls(
            product=product,
            lot=getattr(move, 'lot', None),
            hs_code=tariff_code.code if tariff_code else None,
            origin=origin,
            quantity=move.quantity,
            unit=move.unit,
            net_weight=net_weight,
            gross_weight=net_weight,
            value=declaration.currency.round(
                unit_price * Decimal(str(move.quantity))),
            **descriptions)


class DeclarationDocument(ModelSQL, ModelView):
    __string__ = "Customs Declaration Document"
    __name__ = 'lao.customs.declaration.document'

    declaration = fields.Many2One(
        'lao.customs.declaration', "Declaration", required=True,
        ondelete='CASCADE')
    requirement = fields.Many2One(
        'lao.export.requirement', "Requirement", readonly=True)
    kind = fields.Selection('get_kinds', "Kind", required=True)
    number = fields.Char("Number")
    issued_on = fields.Date("Issued On")
    received = fields.Boolean("Received")
    data = fields.Binary("File", filename='filename')
    filename = fields.Char("File Name")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.declaration, Index.Equality())))

    @classmethod
    def get_kinds(cls):
        Requirement = Pool().get('lao.export.requirement')
        return Requirement.fields_get(['kind'])['kind']['selection']

    def get_rec_name(self, name):
        kinds = dict(self.get_kinds())
        name = kinds.get(self.kind, self.kind)
        if self.number:
            name += ' ' + self.number
        return name


class HoldDeclaration(DecideWithReason):
    __string__ = "Hold Customs Declaration"
    __name__ = 'lao.customs.declaration.hold'
    _decision = 'hold_with_reason'


class RefuseDeclaration(DecideWithReason):
    __string__ = "Refuse Customs Declaration"
    __name__ = 'lao.customs.declaration.refuse'
    _decision = 'refuse_with_reason'
