"""Provisioning of an approved vendor as its own Tryton company.

Each vendor gets the pieces a separate business needs to manage its stock,
orders and invoices in the back office: its party, a company in LAK on
Vientiane time, a warehouse, a chart of accounts, the current fiscal year
with its periods, and its own sale and invoice sequences.
"""
import datetime as dt

from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

TIMEZONE = 'Asia/Vientiane'


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'

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
        with Transaction().set_context(company=company.id):
            warehouse = company._provision_warehouse()
            company._provision_chart()
            company._provision_fiscal_year()
            company._provision_sale_sequence()
        return company, warehouse

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
                {'name': f"{name} {label}", 'type': type_}
                for _, label, type_ in roles])
        warehouse, = Location.create([{
                    'name': f"{name} Warehouse",
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
        "The (warehouse field, name, type) of each location of a warehouse"
        return [
            ('input_location', "Input", 'storage'),
            ('output_location', "Output", 'storage'),
            ('storage_location', "Storage", 'storage'),
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

    def _provision_fiscal_year(self):
        pool = Pool()
        FiscalYear = pool.get('account.fiscalyear')
        InvoiceSequence = pool.get('account.fiscalyear.invoice_sequence')
        SequenceStrict = pool.get('ir.sequence.strict')
        ModelData = pool.get('ir.model.data')
        Date = pool.get('ir.date')

        year = Date.today().year
        move_type = ModelData.get_id('account', 'sequence_type_account_move')
        invoice_type = ModelData.get_id(
            'account_invoice', 'sequence_type_account_invoice')
        move_sequence, customer_sequence, supplier_sequence = (
            SequenceStrict.create([{
                        'name': f"{year} Moves",
                        'sequence_type': move_type,
                        'company': self.id,
                        }, {
                        'name': f"{year} Customer Invoices",
                        'sequence_type': invoice_type,
                        'prefix': f"INV/{year}/",
                        'company': self.id,
                        }, {
                        'name': f"{year} Supplier Invoices",
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
            name="Sales",
            sequence_type=ModelData.get_id('sale', 'sequence_type_sale'),
            prefix="SO/",
            company=self)
        sequence.save()
        configuration = SaleConfiguration(1)
        configuration.sale_sequence = sequence
        configuration.save()
        return sequence

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
