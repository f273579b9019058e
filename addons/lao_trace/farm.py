"""Farms, their plots and certifications, and the harvests of the plots.

A farm belongs to a farmer (a party) and lies in a village and district of a
Lao province.  Its plots carry a GPS point, an area and the crops grown.
Certifications (organic, GAP, geographical indication) are valid between two
dates.  Finishing a harvest of a plot creates the lot of what was picked and
moves it into the warehouse, where processing, packing and sale follow it.

The farmer and the GPS point are personal data: public trace data never shows
more than the village and the district (see stock.lot.public_trace_data).
"""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.modules.lao_b2b.country import Subdivision
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from . import gs1
from .common import NumberedDocumentMixin, state_button
from .exceptions import HarvestError, PlotError

CERTIFICATION_TYPES = [
    ('organic', "Organic"),
    ('gap', "Good Agricultural Practices (GAP)"),
    ('gi', "Geographical Indication (GI)"),
    ]

HARVEST_STATES = [
    ('draft', "Draft"),
    ('done', "Done"),
    ('cancelled', "Cancelled"),
    ]


class Farm(DeactivableMixin, ModelSQL, ModelView):
    __string__ = "Farm"
    __name__ = 'lao.trace.farm'

    name = fields.Char("Name", required=True)
    company = fields.Many2One(
        'company.company', "Company", required=True,
        help="The cooperative or company that buys from this farm.")
    farmer = fields.Many2One(
        'party.party', "Farmer", required=True, ondelete='RESTRICT',
        context={'company': Eval('company', -1)}, depends={'company'},
        help="Personal data: never shown in public trace data.")
    province = fields.Many2One(
        'country.subdivision', "Province", required=True,
        domain=Subdivision.lao_provinces())
    district = fields.Char("District", required=True)
    village = fields.Char("Village", required=True)
    plots = fields.One2Many('lao.trace.plot', 'farm', "Plots")
    certifications = fields.One2Many(
        'lao.trace.certification', 'farm', "Certifications")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.company, Index.Range())))

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    def valid_certifications(self, date=None):
        "The certifications of the farm valid on date (today by default)"
        Date = Pool().get('ir.date')
        date = date or Date.today()
        return [c for c in self.certifications if c.is_valid_on(date)]


class Plot(DeactivableMixin, ModelSQL, ModelView):
    __string__ = "Plot"
    __name__ = 'lao.trace.plot'

    farm = fields.Many2One(
        'lao.trace.farm', "Farm", required=True, ondelete='CASCADE')
    code = fields.Char(
        "Code", required=True,
        help="A public code of the plot, without personal data.")
    latitude = fields.Float(
        "Latitude", digits=(8, 6), required=True,
        domain=[('latitude', '>=', -90), ('latitude', '<=', 90)])
    longitude = fields.Float(
        "Longitude", digits=(9, 6), required=True,
        domain=[('longitude', '>=', -180), ('longitude', '<=', 180)])
    altitude = fields.Integer("Altitude (m)")
    area = fields.Float(
        "Area (ha)", digits=(16, 4), required=True,
        domain=[('area', '>', 0)])
    crops = fields.Many2Many(
        'lao.trace.plot-product.template', 'plot', 'template', "Crops",
        context={'company': Eval('company', -1)}, depends={'company'})
    company = fields.Function(
        fields.Many2One('company.company', "Company"),
        'on_change_with_company', searcher='search_company')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('farm')
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code), 'lao_trace.msg_plot_code_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.farm, Index.Range())))

    @fields.depends('farm', '_parent_farm.company')
    def on_change_with_company(self, name=None):
        return self.farm.company if self.farm else None

    @classmethod
    def search_company(cls, name, clause):
        return [('farm.' + clause[0], *clause[1:])]

    def get_rec_name(self, name):
        return f'{self.code} ({self.farm.rec_name})'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('code', operator, operand, *extra),
            ('farm.rec_name', operator, operand, *extra),
            ]

    @classmethod
    def validate_fields(cls, plots, field_names):
        super().validate_fields(plots, field_names)
        if 'code' in field_names:
            for plot in plots:
                if not gs1.is_valid_lot(plot.code):
                    raise PlotError(gettext(
                            'lao_trace.msg_plot_code_invalid', code=plot.code))

    @property
    def geo_uri(self):
        "RFC 5870 geo URI of the plot (personal data)"
        return f'geo:{self.latitude:.6f},{self.longitude:.6f}'


class PlotCrop(ModelSQL):
    __string__ = "Plot Crop"
    __name__ = 'lao.trace.plot-product.template'

    plot = fields.Many2One(
        'lao.trace.plot', "Plot", required=True, ondelete='CASCADE')
    template = fields.Many2One(
        'product.template', "Crop", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('plot')


class Certification(ModelSQL, ModelView):
    __string__ = "Farm Certification"
    __name__ = 'lao.trace.certification'

    farm = fields.Many2One(
        'lao.trace.farm', "Farm", required=True, ondelete='CASCADE')
    type = fields.Selection(CERTIFICATION_TYPES, "Type", required=True)
    type_string = type.translated('type')
    number = fields.Char("Number", required=True)
    issuer = fields.Char("Issuer", required=True)
    valid_from = fields.Date("Valid From", required=True)
    valid_to = fields.Date(
        "Valid To", required=True,
        domain=[If(Bool(Eval('valid_from')),
                ('valid_to', '>=', Eval('valid_from')), ())])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('farm')
        cls._order.insert(0, ('valid_to', 'DESC'))

    def is_valid_on(self, date):
        return self.valid_from <= date <= self.valid_to

    def get_rec_name(self, name):
        return f'{self.type_string} {self.number}'


class Harvest(NumberedDocumentMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Harvest"
    __name__ = 'lao.trace.harvest'
    _rec_name = 'number'
    _number_sequence = 'harvest_sequence'
    _number_date = 'date'

    _states = {'readonly': Eval('state') != 'draft'}

    plot = fields.Many2One(
        'lao.trace.plot', "Plot", required=True, states=_states,
        domain=[('farm.company', '=', Eval('company', -1))])
    product = fields.Many2One(
        'product.product', "Product", required=True, states=_states,
        domain=[('type', '=', 'goods')],
        context={'company': Eval('company', -1)}, depends={'company'})
    date = fields.Date("Harvest Date", required=True, states=_states)
    quantity = fields.Float(
        "Quantity", digits='unit', required=True, states=_states,
        domain=[('quantity', '>', 0)])
    unit = fields.Many2One(
        'product.uom', "Unit", required=True, states=_states,
        domain=[('category', '=', Eval('product_uom_category', -1))])
    product_uom_category = fields.Function(
        fields.Many2One('product.uom.category', "Product UoM Category"),
        'on_change_with_product_uom_category')
    unit_price = fields.Numeric(
        "Unit Price", digits=(16, 4), required=True, states=_states,
        help="The price paid to the farmer per unit.")
    warehouse = fields.Many2One(
        'stock.location', "Warehouse", required=True, states=_states,
        domain=[('type', '=', 'warehouse')])
    lot = fields.Many2One('stock.lot', "Lot", readonly=True)
    move = fields.Many2One('stock.move', "Move", readonly=True)
    state = fields.Selection(
        HARVEST_STATES, "State", required=True, readonly=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                Index(t, (t.lot, Index.Range())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'done')}
        cls._buttons.update({'do': state_button('draft', 'tryton-ok')})

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_unit_price(cls):
        return Decimal(0)

    @classmethod
    def default_warehouse(cls):
        return Pool().get('stock.location').get_default_warehouse()

    @fields.depends('product', 'unit')
    def on_change_product(self):
        if self.product and (
                not self.unit
                or self.unit.category != self.product.default_uom.category):
            self.unit = self.product.default_uom

    @fields.depends('product')
    def on_change_with_product_uom_category(self, name=None):
        return self.product.default_uom.category if self.product else None

    @classmethod
    def check_modification(cls, mode, harvests, values=None, external=False):
        super().check_modification(
            mode, harvests, values=values, external=external)
        if mode == 'delete':
            for harvest in harvests:
                if harvest.state == 'done':
                    raise HarvestError(gettext(
                            'lao_trace.msg_harvest_delete_done',
                            harvest=harvest.rec_name))

    @classmethod
    def copy(cls, harvests, default=None):
        default = default.copy() if default is not None else {}
        for name in ['number', 'lot', 'move']:
            default.setdefault(name, None)
        return super().copy(harvests, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def do(cls, harvests):
        "Create the lot of each harvest and move it into the warehouse"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Move = pool.get('stock.move')
        for harvest in harvests:
            if not harvest.plot.farm.active or not harvest.plot.active:
                raise HarvestError(gettext(
                        'lao_trace.msg_harvest_inactive_plot',
                        harvest=harvest.rec_name, plot=harvest.plot.code))
            if not gs1.is_valid_lot(harvest.number):
                raise HarvestError(gettext(
                        'lao_trace.msg_harvest_lot_number',
                        number=harvest.number))
        lots = [h._get_lot() for h in harvests]
        Lot.save(lots)
        moves = [h._get_move(l) for h, l in zip(harvests, lots)]
        Move.save(moves)
        Move.do(moves)
        for harvest, lot, move in zip(harvests, lots, moves):
            harvest.lot = lot
            harvest.move = move
        cls.save(harvests)

    def _get_lot(self):
        Lot = Pool().get('stock.lot')
        return Lot(
            number=self.number, product=self.product, plot=self.plot,
            harvest_date=self.date)

    def _get_move(self, lot):
        pool = Pool()
        Move = pool.get('stock.move')
        Configuration = pool.get('lao.trace.configuration')
        return Move(
            company=self.company, product=self.product, lot=lot,
            quantity=self.quantity, unit=self.unit,
            from_location=Configuration(1).harvest_location,
            to_location=self.warehouse.storage_location,
            planned_date=self.date, effective_date=self.date,
            unit_price=self.unit_price, currency=self.company.currency,
            origin=self)
