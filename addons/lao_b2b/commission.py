"""The platform's commission on marketplace sales.

Each line of a sale made through the marketplace (an order or an accepted
quote) freezes the commission rate of its commodity when it is confirmed,
so that a later change of rate does not alter past sales, and records the
day of its confirmation in Vientiane.  A commission run invoices, from the
platform company to each vendor, with VAT, the commission of every
confirmed, not cancelled line of the period not charged yet, records the
invoice line on the sale line (so each line is charged once, whatever
happens to its sale), and credits the charged lines cancelled since.  Runs
are serialised by a table lock.  A scheduled task runs the previous month
in the configured platform company; operators can run any period by hand.
"""
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

from sql import Null

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSingleton, ModelSQL, ModelView, Workflow, fields)
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .common import state_button
from .company import TIMEZONE
from .exceptions import CommissionError

MARKETPLACE_ORIGINS = ['lao.marketplace.order', 'lao.rfq.quote']


class Configuration(ModelSingleton, ModelSQL, ModelView):
    __string__ = "Marketplace Commission Configuration"
    __name__ = 'lao.commission.configuration'

    platform_company = fields.Many2One(
        'company.company', "Platform Company",
        help="The operator's company, which invoices the commissions.")
    product = fields.Many2One(
        'product.product', "Commission Product",
        domain=[('type', '=', 'service')],
        context={
            'company': Eval('platform_company', -1),
            },
        depends={'platform_company'},
        help="The service invoiced; its accounting category gives the "
        "revenue account.")

    @classmethod
    def default_product(cls):
        ModelData = Pool().get('ir.model.data')
        try:
            return ModelData.get_id('lao_b2b', 'product_commission')
        except KeyError:
            return None

    @classmethod
    def set_platform(cls, company):
        """Make company the platform that invoices the commissions, on the
        revenue account of its chart"""
        pool = Pool()
        Account = pool.get('account.account')
        Category = pool.get('product.category')
        ModelData = pool.get('ir.model.data')
        config = cls(1)
        config.platform_company = company
        config.save()
        category = Category(
            ModelData.get_id('lao_b2b', 'category_commission_accounting'))
        with Transaction().set_context(company=company.id):
            revenue, = Account.search([
                    ('company', '=', company.id),
                    ('type.revenue', '=', True),
                    ('closed', '!=', True),
                    ], order=[('code', 'ASC'), ('id', 'ASC')], limit=1)
            category = Category(category.id)
            category.account_revenue = revenue
            category.save()
        # The platform owns its commission service: the service's
        # company-dependent values are read in the platform's books
        Template = pool.get('product.template')
        template = Template(
            ModelData.get_id('lao_b2b', 'product_template_commission'))
        template.company = company
        template.save()


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    commission_amount = fields.Function(Monetary(
            "Commission", currency='currency', digits='currency'),
        'get_commission_amount')

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + MARKETPLACE_ORIGINS

    @property
    def is_marketplace(self):
        return bool(self.origin
            and str(self.origin).split(',')[0] in MARKETPLACE_ORIGINS)

    def get_commission_amount(self, name):
        return self.currency.round(
            sum((l.commission_amount or Decimal(0) for l in self.lines),
                Decimal(0)))

    @classmethod
    def confirm(cls, sales):
        super().confirm(sales)
        cls.record_commission(sales)

    @classmethod
    def record_commission(cls, sales):
        """Freeze the commission rate of the marketplace lines that have
        none and date every line not charged yet by its confirmation, in
        the platform's time zone"""
        pool = Pool()
        Line = pool.get('sale.line')
        Date = pool.get('ir.date')
        today = Date.today(timezone=ZoneInfo(TIMEZONE))
        to_write = []
        for sale in sales:
            if not sale.is_marketplace:
                continue
            for line in sale.lines:
                if line.type != 'line' or line.commission_invoice_line:
                    continue
                values = {'commission_date': today}
                if line.commission_rate is None:
                    values['commission_rate'] = line.marketplace_rate()
                to_write.extend(([line], values))
        if to_write:
            with Transaction().set_context(_check_access=False):
                Line.write(*to_write)

    @classmethod
    def copy(cls, sales, default=None):
        "A copy is no longer a marketplace sale"
        default = default.copy() if default is not None else {}
        default.setdefault('marketplace_order', None)
        return super().copy(sales, default=default)


class SaleLine(metaclass=PoolMeta):
    __name__ = 'sale.line'

    commission_rate = fields.Numeric(
        "Commission Rate", digits=(1, 4), readonly=True,
        help="The platform's share, frozen when the marketplace sale was "
        "confirmed.")
    commission_amount = fields.Function(Monetary(
            "Commission", currency='currency', digits='currency'),
        'get_commission_amount')
    commission_date = fields.Date(
        "Commission Date", readonly=True,
        help="The day, in Vientiane, the line was confirmed: the commission "
        "run of its month charges it.")
    commission_invoice_line = fields.Many2One(
        'account.invoice.line', "Commission Invoice Line", readonly=True,
        ondelete='RESTRICT')
    commission_credit_line = fields.Many2One(
        'account.invoice.line', "Commission Credit Line", readonly=True,
        ondelete='RESTRICT',
        help="The credit note line of a charged line cancelled later.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.commission_date, Index.Range()),
                    where=t.commission_invoice_line == Null),
                Index(t, (t.commission_invoice_line, Index.Range()),
                    where=t.commission_credit_line == Null),
                })

    def get_commission_amount(self, name):
        if self.commission_rate and self.amount:
            return self.sale.currency.round(
                self.amount * self.commission_rate)

    def marketplace_rate(self):
        "The commission rate of the line's commodity today"
        if self.marketplace_listing:
            return self.marketplace_listing.category.effective_commission_rate
        origin = self.sale.origin
        request = getattr(origin, 'request', None)
        if request:
            return request.category.effective_commission_rate
        if self.product:
            for category in self.product.categories:
                rate = category.effective_commission_rate
                if rate is not None:
                    return rate

    @property
    def is_cancelled(self):
        """Whether the line was cancelled: its sale, or every move of the
        line cancelled and not to be shipped again (a refused delivery)"""
        if self.sale.state == 'cancelled':
            return True
        ignored = set(self.moves_ignored)
        return bool(self.moves and all(
                m.state == 'cancelled' and m in ignored for m in self.moves))

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if mode == 'delete':
            for line in lines:
                if line.commission_invoice_line:
                    raise CommissionError(gettext(
                            'lao_b2b.msg_commission_line_delete',
                            line=line.rec_name))

    @classmethod
    def copy(cls, lines, default=None):
        "A copy is no longer a marketplace sale line"
        default = default.copy() if default is not None else {}
        for name in ['marketplace_listing', 'commission_rate',
                'commission_date', 'commission_invoice_line',
                'commission_credit_line']:
            default.setdefault(name, None)
        return super().copy(lines, default=default)


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    commission_run = fields.Many2One(
        'lao.commission.run', "Commission Run", readonly=True,
        ondelete='RESTRICT')

    @classmethod
    def copy(cls, invoices, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('commission_run', None)
        return super().copy(invoices, default=default)


class CommissionRun(Workflow, ModelSQL, ModelView):
    __string__ = "Commission Run"
    __name__ = 'lao.commission.run'
    _states = {'readonly': Eval('state') != 'draft'}

    company = fields.Many2One(
        'company.company', "Platform Company", required=True,
        states=_states)
    product = fields.Many2One(
        'product.product', "Commission Product", required=True,
        domain=[('type', '=', 'service')], states=_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    start_date = fields.Date("Start Date", required=True, states=_states)
    end_date = fields.Date(
        "End Date", required=True, states=_states,
        domain=[('end_date', '>=', Eval('start_date'))])
    invoices = fields.One2Many(
        'account.invoice', 'commission_run', "Invoices", readonly=True)
    total = fields.Function(Monetary(
            "Total", currency='currency', digits='currency'),
        'get_total')
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"),
        'on_change_with_currency')
    state = fields.Selection([
            ('draft', "Draft"),
            ('done', "Done"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('start_date', 'DESC'))
        cls._transitions |= {('draft', 'done')}
        cls._buttons.update({
                'process': state_button('draft', 'tryton-ok'),
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_product(cls):
        product = Pool().get('lao.commission.configuration')(1).product
        return product.id if product else None

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        return self.company.currency if self.company else None

    def get_total(self, name):
        return sum((i.total_amount for i in self.invoices), Decimal(0))

    def get_rec_name(self, name):
        return f'{self.start_date} - {self.end_date}'

    @classmethod
    def pending_lines(cls, end_date):
        """The confirmed, not cancelled marketplace sale lines confirmed up
        to end_date whose commission is not charged yet: a line of an
        earlier period that no run took is caught up"""
        Line = Pool().get('sale.line')
        lines = Line.search([
                ['OR'] + [('sale.origin', 'like', f'{m},%')
                    for m in MARKETPLACE_ORIGINS],
                ('type', '=', 'line'),
                ('sale.state', 'in', ['confirmed', 'processing', 'done']),
                ('commission_date', '<=', end_date),
                ('commission_invoice_line', '=', None),
                ], order=[('sale.company', 'ASC'), ('id', 'ASC')])
        return [l for l in lines if l.commission_amount and not l.is_cancelled]

    @classmethod
    def lines_to_credit(cls):
        "The charged lines cancelled since, not credited yet"
        Line = Pool().get('sale.line')
        lines = Line.search([
                ('commission_invoice_line', '!=', None),
                ('commission_credit_line', '=', None),
                ['OR',
                    ('sale.state', '=', 'cancelled'),
                    ('moves_ignored.state', '=', 'cancelled'),
                    ],
                ], order=[('sale.company', 'ASC'), ('id', 'ASC')])
        return [l for l in lines if l.is_cancelled]

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def process(cls, runs):
        """Invoice each vendor the commission of its lines of the period and
        credit the charged lines cancelled since, one posted invoice per
        vendor and currency for each"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Line = pool.get('sale.line')
        # One run at a time: a concurrent run waits and then sees the lines
        # this one charged
        cls.lock()
        for run in sorted(runs, key=lambda r: r.end_date):
            with Transaction().set_context(_check_access=False):
                charges = defaultdict(list)
                for line in cls.pending_lines(run.end_date):
                    charges[(line.sale.company, line.sale.currency)].append(
                        line)
                credits = defaultdict(list)
                for line in cls.lines_to_credit():
                    credits[(line.sale.company, line.sale.currency)].append(
                        line)
                invoices, fields, sources = [], [], []
                for groups, field, sign in [
                        (charges, 'commission_invoice_line', 1),
                        (credits, 'commission_credit_line', -1)]:
                    for (vendor, currency), lines in groups.items():
                        if vendor == run.company:
                            continue
                        with Transaction().set_context(
                                company=run.company.id):
                            invoices.append(run.get_invoice(
                                    vendor, currency, lines, sign))
                        fields.append(field)
                        sources.append(lines)
                Invoice.save(invoices)
                to_write = []
                for invoice, field, lines in zip(invoices, fields, sources):
                    for line, sale_line in zip(invoice.lines, lines):
                        to_write.extend(([sale_line], {field: line.id}))
                if to_write:
                    Line.write(*to_write)
                with Transaction().set_context(company=run.company.id):
                    Invoice.post(invoices)

    def get_invoice(self, vendor, currency, lines, sign=1):
        """The commission invoice (sign 1) or credit note (sign -1) of the
        vendor's sale lines, with the platform's VAT (InvoiceLine)"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Line = pool.get('account.invoice.line')
        party = vendor.party
        message = ('lao_b2b.msg_commission_invoice' if sign > 0
            else 'lao_b2b.msg_commission_credit_note')
        invoice = Invoice(
            company=self.company, type='out', party=party,
            currency=currency, commission_run=self,
            description=gettext(message,
                start=self.start_date, end=self.end_date))
        invoice.on_change_type()
        invoice.on_change_party()
        if not invoice.invoice_address:
            raise CommissionError(gettext(
                    'lao_b2b.msg_commission_vendor_address',
                    vendor=vendor.rec_name))
        invoice.lines = []
        for sale_line in lines:
            line = Line(
                invoice=invoice, company=self.company, currency=currency,
                type='line', product=self.product, quantity=sign)
            line.on_change_product()
            line.unit_price = sale_line.commission_amount
            line.description = gettext('lao_b2b.msg_commission_line',
                sale=sale_line.sale.rec_name, date=sale_line.commission_date,
                amount=sale_line.amount)
            if not line.account:
                raise CommissionError(gettext(
                        'lao_b2b.msg_commission_no_account',
                        product=self.product.rec_name))
            invoice.lines += (line,)
        return invoice

    @classmethod
    def run_monthly(cls):
        """Invoice the commissions of the previous month (scheduled task, run
        in the platform company that the task is set for)"""
        pool = Pool()
        Configuration = pool.get('lao.commission.configuration')
        Date = pool.get('ir.date')
        config = Configuration(1)
        company_id = Transaction().context.get('company')
        if not config.platform_company or not config.product:
            return
        if company_id is None or company_id < 0:
            company_id = config.platform_company.id
        elif company_id != config.platform_company.id:
            # a task set for several companies runs in the platform's only
            return
        with Transaction().set_context(company=company_id):
            today = Date.today()
        end_date = today.replace(day=1) - dt.timedelta(days=1)
        start_date = end_date.replace(day=1)
        runs = cls.search([
                ('company', '=', company_id),
                ('start_date', '=', start_date),
                ('end_date', '=', end_date),
                ])
        if not runs:
            runs = cls.create([{
                        'company': company_id,
                        'product': config.product.id,
                        'start_date': start_date,
                        'end_date': end_date,
                        }])
        cls.process(runs)
        return runs

