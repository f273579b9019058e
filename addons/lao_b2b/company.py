"""Provisioning of an approved vendor as its own Tryton company.

Each vendor gets the pieces a separate business needs to manage its stock,
orders and invoices in the back office: its party, a company in LAK on
Vientiane time, a warehouse, a chart of accounts with the Lao VAT, the
current and the next fiscal year with their periods and invoice sequences,
and its own sequences of sales and shipments.  A scheduled task opens each
company's next fiscal year before the current one ends.
"""
import datetime as dt

from sql import Literal, Null
from sql.conditionals import Case, Coalesce

from trytond import backend
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

from .catalogue_version import CatalogueVersionMixin

TIMEZONE = 'Asia/Vientiane'

# (stock.configuration field, sequence type XML id, name, prefix)
STOCK_SEQUENCES = [
    ('shipment_out_sequence', 'sequence_type_shipment_out',
        "Customer Shipments", "CS/"),
    ('shipment_out_return_sequence', 'sequence_type_shipment_out_return',
        "Customer Returns", "CR/"),
    ('shipment_in_sequence', 'sequence_type_shipment_in',
        "Supplier Shipments", "SS/"),
    ('shipment_in_return_sequence', 'sequence_type_shipment_in_return',
        "Supplier Returns", "SR/"),
    ('shipment_internal_sequence', 'sequence_type_shipment_internal',
        "Internal Shipments", "IS/"),
    ('inventory_sequence', 'sequence_type_inventory',
        "Inventories", "INV-ST/"),
    ]

VENDOR_STATES = [
    (None, ""),
    ('active', "Active"),
    ('suspended', "Suspended"),
    ('blacklisted', "Blacklisted"),
    ]
# The vendor states in which the vendor's back office is read-only
FROZEN_VENDOR_STATES = ['suspended', 'blacklisted']


class Company(CatalogueVersionMixin, metaclass=PoolMeta):
    __name__ = 'company.company'

    vat_registered = fields.Function(
        fields.Boolean("VAT Registered"), 'get_vat_registered')

    @classmethod
    def get_vat_registered(cls, companies, name):
        """A vendor as its profile says; a company that is no vendor (the
        platform) is registered"""
        Application = Pool().get('lao.vendor.application')
        registered = {c.id: True for c in companies}
        table = Application.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.company, table.vat_registered,
                where=table.company.in_(list(registered))))
        for company_id, vat_registered in cursor:
            registered[company_id] = bool(vat_registered)
        return registered

    vendor_state = fields.Function(fields.Selection(
            VENDOR_STATES, "Vendor State",
            help="The state of the company as a vendor of the marketplace, "
            "empty when it is not a vendor.\n"
            "A suspended vendor keeps read-only access to its back office; "
            "a blacklisted one cannot log in."),
        'get_vendor_state', searcher='search_vendor_state')
    vendor_application = fields.Function(fields.Many2One(
            'lao.vendor.application', "Vendor Application",
            help="The approved application that made the company a vendor."),
        'get_vendor_state')

    @classmethod
    def _vendor_state_query(cls):
        """A query of (company, vendor_state) for every company

        The single answer to "is this vendor active, suspended or
        blacklisted": the state of its approved application."""
        Application = Pool().get('lao.vendor.application')
        company = cls.__table__()
        application = Application.__table__()
        state = Case(
            (application.state == 'approved', Literal('active')),
            (application.state.in_(FROZEN_VENDOR_STATES), application.state),
            else_=Null)
        query = company.join(application, 'LEFT',
            condition=application.company == company.id
            ).select(company.id.as_('company'), state.as_('vendor_state'),
                application.id.as_('application'))
        return query

    @classmethod
    def _vendor_states(cls, company_ids):
        """The (vendor state, application id) of each of company_ids, read
        without access checks: whether a vendor may trade is public"""
        cursor = Transaction().connection.cursor()
        query = cls._vendor_state_query()
        states = {i: (None, None) for i in company_ids}
        for sub_ids in grouped_slice(
                list(company_ids), backend.MAX_QUERY_PARAMS):
            cursor.execute(*query.select(
                    query.company, query.vendor_state, query.application,
                    where=reduce_ids(query.company, sub_ids)
                    & (query.vendor_state != Null)))
            for company, state, application in cursor:
                states[company] = (state, application)
        return states

    @classmethod
    def vendor_states(cls, company_ids):
        "The vendor state of each of company_ids"
        return {c: s for c, (s, _) in cls._vendor_states(company_ids).items()}

    @classmethod
    def get_vendor_state(cls, companies, names):
        states = cls._vendor_states([c.id for c in companies])
        result = {}
        if 'vendor_state' in names:
            result['vendor_state'] = {
                c: s for c, (s, _) in states.items()}
        if 'vendor_application' in names:
            result['vendor_application'] = {
                c: a for c, (_, a) in states.items()}
        return result

    @classmethod
    def search_vendor_state(cls, name, clause):
        _, operator, value = clause[:3]
        if operator in {'=', '!='}:
            values = [value]
        elif operator in {'in', 'not in'}:
            values = list(value)
        else:
            raise ValueError(f"vendor_state does not support {operator}")
        query = cls._vendor_state_query()
        # Not a vendor is the empty string, so that NOT IN keeps it
        state = Coalesce(query.vendor_state, '')
        where = state.in_([v or '' for v in values])
        if operator in {'!=', 'not in'}:
            where = ~where
        return [('id', 'in', query.select(query.company, where=where))]

    @classmethod
    def active_vendors(cls, company_ids):
        "The ids among company_ids of active vendors"
        return {c for c, s in cls.vendor_states(company_ids).items()
            if s == 'active'}

    @classmethod
    def provision_vendor(cls, application):
        """Create the company of an approved vendor application

        Return the company and its warehouse."""
        pool = Pool()
        Currency = pool.get('currency.currency')
        lak, = Currency.search([('code', '=', 'LAK')], limit=1)
        party = cls._provision_party(application)
        company = cls(party=party, currency=lak, timezone=TIMEZONE)
        company.save()
        # The vendor owns its party: it may change its addresses
        party.company = company
        party.save()
        with Transaction().set_context(company=company.id):
            warehouse = company._provision_warehouse()
            company.provision_books()
        return company, warehouse

    def provision_books(self):
        """Give the company its chart, its current and next fiscal years and
        its own sequences (run in the company's context)"""
        self._provision_chart()
        year = self._today().year
        self._provision_fiscal_year(year)
        self._provision_fiscal_year(year + 1)
        self._provision_sale_sequence()
        self._provision_stock_sequences()

    def _today(self):
        Date = Pool().get('ir.date')
        with Transaction().set_context(company=self.id):
            return Date.today()

    @classmethod
    def open_next_fiscal_years(cls):
        """Create the next fiscal year, with its periods and sequences, of
        every company that has books, so that it exists before the current
        one ends (scheduled task)"""
        pool = Pool()
        FiscalYear = pool.get('account.fiscalyear')
        company_id = Transaction().context.get('company')
        if company_id is not None and company_id >= 0:
            companies = [cls(company_id)]
        else:
            companies = cls.search([])
        created = []
        for company in companies:
            years = {y.start_date.year for y in FiscalYear.search([
                        ('company', '=', company.id),
                        ])}
            if not years:
                continue
            year = company._today().year
            with Transaction().set_context(company=company.id):
                for wanted in [year, year + 1]:
                    if wanted not in years:
                        created.append(company._provision_fiscal_year(wanted))
        return created

    @classmethod
    def _provision_party(cls, application):
        pool = Pool()
        Party = pool.get('party.party')
        Address = pool.get('party.address')
        ContactMechanism = pool.get('party.contact_mechanism')
        party = Party(
            name=application.name,
            addresses=[Address(
                    street=application.village,
                    city=application.district,
                    country=application.province.country,
                    subdivision=application.province)],
            contact_mechanisms=[
                ContactMechanism(type='phone', value=application.phone),
                ContactMechanism(type='email', value=application.email),
                ])
        party.save()
        return party

    def _provision_warehouse(self):
        Location = Pool().get('stock.location')
        name = self.party.name
        roles = self._warehouse_location_roles()
        locations = Location.create([
                {'name': gettext(message, company=name), 'type': type_}
                for _, message, type_ in roles])
        warehouse, = Location.create([{
                    'name': gettext(
                        'lao_b2b.msg_provision_warehouse', company=name),
                    'type': 'warehouse',
                    'address': self.party.addresses[0].id,
                    **{field: location.id for (field, _, _), location
                        in zip(roles, locations)},
                    }])
        # Only storage belongs inside the warehouse: the stock of a
        # production location is not the warehouse's
        Location.write(
            [l for l in locations if l.type == 'storage'],
            {'parent': warehouse.id})
        return warehouse

    @classmethod
    def _warehouse_location_roles(cls):
        """The (warehouse field, message of the name, type) of each location
        of a warehouse"""
        return [
            ('input_location', 'lao_b2b.msg_provision_location_input',
                'storage'),
            ('output_location', 'lao_b2b.msg_provision_location_output',
                'storage'),
            ('storage_location', 'lao_b2b.msg_provision_location_storage',
                'storage'),
            ]

    def _provision_chart(self):
        "Create the accounts from the configured template, as the wizard does"
        pool = Pool()
        Configuration = pool.get('lao.b2b.configuration')
        Account = pool.get('account.account')
        AccountConfiguration = pool.get('account.configuration')
        TaxTemplate = pool.get('account.tax.template')
        TaxCodeTemplate = pool.get('account.tax.code.template')
        TaxCodeLineTemplate = pool.get('account.tax.code.line.template')
        TaxRuleTemplate = pool.get('account.tax.rule.template')
        TaxRuleLineTemplate = pool.get('account.tax.rule.line.template')

        template = Configuration(1).vendor_chart_template
        template2type = {}
        template.type.create_type(self.id, template2type=template2type)
        template2account = {}
        template.create_account(
            self.id, template2account=template2account,
            template2type=template2type)
        template2tax = {}
        TaxTemplate.create_tax(
            template.id, self.id, template2account=template2account,
            template2tax=template2tax)
        template2tax_code = {}
        TaxCodeTemplate.create_tax_code(
            template.id, self.id, template2tax_code=template2tax_code)
        TaxCodeLineTemplate.create_tax_code_line(
            template.id, template2tax=template2tax,
            template2tax_code=template2tax_code,
            template2tax_code_line={})
        template.update_account2(template2account, template2tax)
        template2rule = {}
        TaxRuleTemplate.create_rule(
            template.id, self.id, template2rule=template2rule)
        TaxRuleLineTemplate.create_rule_line(
            template.id, template2tax, template2rule,
            template2rule_line={})

        receivable, = Account.search([
                ('company', '=', self.id),
                ('type.receivable', '=', True),
                ('party_required', '=', True),
                ('closed', '!=', True),
                ], limit=1)
        payable, = Account.search([
                ('company', '=', self.id),
                ('type.payable', '=', True),
                ('party_required', '=', True),
                ('closed', '!=', True),
                ], limit=1)
        configuration = AccountConfiguration(1)
        configuration.default_account_receivable = receivable
        configuration.default_account_payable = payable
        configuration.save()

    def _provision_fiscal_year(self, year=None):
        "Create the fiscal year (by default the current one) with its periods"
        pool = Pool()
        FiscalYear = pool.get('account.fiscalyear')
        InvoiceSequence = pool.get('account.fiscalyear.invoice_sequence')
        SequenceStrict = pool.get('ir.sequence.strict')
        ModelData = pool.get('ir.model.data')

        if year is None:
            year = self._today().year
        move_type = ModelData.get_id('account', 'sequence_type_account_move')
        invoice_type = ModelData.get_id(
            'account_invoice', 'sequence_type_account_invoice')
        move_sequence, customer_sequence, supplier_sequence = (
            SequenceStrict.create([{
                        'name': gettext(
                            'lao_b2b.msg_provision_sequence_moves', year=year),
                        'sequence_type': move_type,
                        'company': self.id,
                        }, {
                        'name': gettext(
                            'lao_b2b.msg_provision_sequence_customer_invoices',
                            year=year),
                        'sequence_type': invoice_type,
                        'prefix': f"INV/{year}/",
                        'company': self.id,
                        }, {
                        'name': gettext(
                            'lao_b2b.msg_provision_sequence_supplier_invoices',
                            year=year),
                        'sequence_type': invoice_type,
                        'prefix': f"SUP/{year}/",
                        'company': self.id,
                        }]))
        fiscal_year = FiscalYear(
            name=str(year),
            start_date=dt.date(year, 1, 1),
            end_date=dt.date(year, 12, 31),
            company=self,
            move_sequence=move_sequence,
            invoice_sequences=[InvoiceSequence(
                    company=self,
                    out_invoice_sequence=customer_sequence,
                    out_credit_note_sequence=customer_sequence,
                    in_invoice_sequence=supplier_sequence,
                    in_credit_note_sequence=supplier_sequence)])
        fiscal_year.save()
        FiscalYear.create_period([fiscal_year])
        return fiscal_year

    def _provision_sale_sequence(self):
        pool = Pool()
        Sequence = pool.get('ir.sequence')
        SaleConfiguration = pool.get('sale.configuration')
        ModelData = pool.get('ir.model.data')
        sequence = Sequence(
            name=gettext('lao_b2b.msg_provision_sequence_sales'),
            sequence_type=ModelData.get_id('sale', 'sequence_type_sale'),
            prefix="SO/",
            company=self)
        sequence.save()
        configuration = SaleConfiguration(1)
        configuration.sale_sequence = sequence
        configuration.save()
        return sequence

    def _provision_stock_sequences(self):
        "The company's own numbering of shipments, returns and inventories"
        pool = Pool()
        Sequence = pool.get('ir.sequence')
        StockConfiguration = pool.get('stock.configuration')
        ModelData = pool.get('ir.model.data')
        sequences = Sequence.create([{
                    'name': name,
                    'sequence_type': ModelData.get_id('stock', type_),
                    'prefix': prefix,
                    'company': self.id,
                    } for _, type_, name, prefix in STOCK_SEQUENCES])
        configuration = StockConfiguration(1)
        for (field, _, _, _), sequence in zip(STOCK_SEQUENCES, sequences):
            setattr(configuration, field, sequence)
        configuration.save()
        return sequences

    def apply_vat(self, product, taxes):
        """The taxes of a sale of product by the company: taxes without the
        Lao VAT, then the VAT if the company is registered and the
        product's category is not exempt"""
        Tax = Pool().get('account.tax')
        vat = self.vat_taxes()
        taxes = [t for t in Tax.browse(taxes) if t not in vat]
        exempt = product and any(
            c.is_vat_exempt for c in product.categories)
        if self.vat_registered and not exempt:
            taxes.extend(vat)
        return taxes

    def vat_taxes(self):
        "The company's Lao VAT, created from the chart's template"
        pool = Pool()
        Tax = pool.get('account.tax')
        ModelData = pool.get('ir.model.data')
        return Tax.search([
                ('company', '=', self.id),
                ('template', '=', ModelData.get_id('lao_b2b', 'tax_vat')),
                ])

    def sales_account_category(self):
        """The accounting category of the vendor's goods: one that has a
        revenue account of the company, else a new one on the revenue
        account of its chart, so that its sales can be invoiced"""
        pool = Pool()
        Account = pool.get('account.account')
        Category = pool.get('product.category')
        CategoryAccount = pool.get('product.category.account')
        with Transaction().set_context(company=self.id):
            accounts = CategoryAccount.search([
                    ('company', '=', self.id),
                    ('account_revenue', '!=', None),
                    ('category.accounting', '=', True),
                    ], order=[('id', 'ASC')], limit=1)
            if accounts:
                return accounts[0].category
            revenue, = Account.search([
                    ('company', '=', self.id),
                    ('type.revenue', '=', True),
                    ('closed', '!=', True),
                    ], order=[('code', 'ASC'), ('id', 'ASC')], limit=1)
            category = Category(
                name=gettext('lao_b2b.msg_company_sales_category',
                    company=self.rec_name),
                accounting=True, account_revenue=revenue)
            category.save()
        return category
