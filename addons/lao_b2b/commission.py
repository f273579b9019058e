"""The platform's commission on marketplace sales.

Each line of a sale made through the marketplace (an order or an accepted
quote) records the commission rate of its commodity category when it is
created, so that a later change of rate does not alter past sales.  A
commission run invoices, from the platform company to each vendor, the
commission of the vendor's confirmed marketplace sales of a period; a
scheduled task runs the previous month, and operators can run any period
by hand.  A sale is invoiced for commission once.
"""
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from sql import Null

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSingleton, ModelSQL, ModelView, Workflow, fields)
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .common import state_button
from .exceptions import CommissionError

MARKETPLACE_ORIGINS = ['lao.marketplace.order', 'lao.rfq.quote']


class Configuration(ModelSingleton, ModelSQL, ModelView):
    __string__ = "Marketplace Commission Configuration"
    __name__ = 'lao.commission.configuration'

    product = fields.Many2One(
        'product.product', "Commission Product",
        domain=[('type', '=', 'service')],
        help="The service invoiced; its accounting category gives the "
        "revenue account.")


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    commission_amount = fields.Function(Monetary(
            "Commission", currency='currency', digits='currency'),
        'get_commission_amount')
    commission_invoice_line = fields.Many2One(
        'account.invoice.line', "Commission Invoice Line", readonly=True,
        ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(
                t, (t.sale_date, Index.Range()),
                where=t.commission_invoice_line == Null))

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + MARKETPLACE_ORIGINS

    def get_commission_amount(self, name):
        return self.currency.round(
            sum((l.commission_amount or Decimal(0) for l in self.lines),
                Decimal(0)))

    @classmethod
    def copy(cls, sales, default=None):
        "A copy is no longer a marketplace sale"
        default = default.copy() if default is not None else {}
        for name in ['marketplace_order', 'commission_invoice_line']:
            default.setdefault(name, None)
        return super().copy(sales, default=default)


class SaleLine(metaclass=PoolMeta):
    __name__ = 'sale.line'

    commission_rate = fields.Numeric(
        "Commission Rate", digits=(1, 4), readonly=True,
        help="The platform's share, recorded when the marketplace sale was "
        "made.")
    commission_amount = fields.Function(Monetary(
            "Commission", currency='currency', digits='currency'),
        'get_commission_amount')

    def get_commission_amount(self, name):
        if self.commission_rate and self.amount:
            return self.sale.currency.round(
                self.amount * self.commission_rate)

    @classmethod
    def copy(cls, lines, default=None):
        "A copy is no longer a marketplace sale line"
        default = default.copy() if default is not None else {}
        for name in ['marketplace_listing', 'commission_rate']:
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
    def pending_sales(cls, start_date, end_date):
        """The confirmed marketplace sales of the period whose commission is
        not invoiced yet"""
        Sale = Pool().get('sale.sale')
        return Sale.search([
                ['OR'] + [('origin', 'like', f'{m},%')
                    for m in MARKETPLACE_ORIGINS],
                ('state', 'in', ['confirmed', 'processing', 'done']),
                ('sale_date', '>=', start_date),
                ('sale_date', '<=', end_date),
                ('commission_invoice_line', '=', None),
                ], order=[('company', 'ASC'), ('id', 'ASC')])

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def process(cls, runs):
        """Invoice each vendor the commission of its sales of the period,
        one posted invoice per vendor and currency"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Sale = pool.get('sale.sale')
        for run in runs:
            with Transaction().set_context(_check_access=False):
                sales = [s for s in cls.pending_sales(
                        run.start_date, run.end_date) if s.commission_amount]
                groups = defaultdict(list)
                for sale in sales:
                    groups[(sale.company, sale.currency)].append(sale)
                invoices = []
                for (vendor, currency), v_sales in groups.items():
                    if vendor == run.company:
                        continue
                    with Transaction().set_context(company=run.company.id):
                        invoices.append(
                            run.get_invoice(vendor, currency, v_sales))
                Invoice.save(invoices)
                to_write = []
                for invoice in invoices:
                    for line in invoice.lines:
                        to_write.extend(([line.origin], {
                                    'commission_invoice_line': line.id,
                                    }))
                if to_write:
                    Sale.write(*to_write)
                with Transaction().set_context(company=run.company.id):
                    Invoice.post(invoices)

    def get_invoice(self, vendor, currency, sales):
        "The commission invoice of the vendor's sales"
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Line = pool.get('account.invoice.line')
        party = vendor.party
        invoice = Invoice(
            company=self.company, type='out', party=party,
            currency=currency, commission_run=self,
            description=gettext('lao_b2b.msg_commission_invoice',
                start=self.start_date, end=self.end_date))
        invoice.on_change_type()
        invoice.on_change_party()
        if not invoice.invoice_address:
            raise CommissionError(gettext(
                    'lao_b2b.msg_commission_vendor_address',
                    vendor=vendor.rec_name))
        invoice.lines = []
        for sale in sales:
            line = Line(
                invoice=invoice, company=self.company, currency=currency,
                type='line', product=self.product, quantity=1,
                origin=sale)
            line.on_change_product()
            line.unit_price = sale.commission_amount
            line.description = gettext('lao_b2b.msg_commission_line',
                sale=sale.rec_name, date=sale.sale_date,
                amount=sale.untaxed_amount)
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
        if not company_id or not config.product:
            return
        end_date = Date.today().replace(day=1) - dt.timedelta(days=1)
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


class InvoiceLine(metaclass=PoolMeta):
    __name__ = 'account.invoice.line'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['sale.sale']
