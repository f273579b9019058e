"""Buyer profiles: the parties that order on the marketplace, and which
parties a vendor may see."""
from sql import Literal, Null, Union

from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction

from .catalogue_version import CatalogueVersionMixin
from .common import VendorOwnedMixin

BUYER_TYPES = [
    (None, ""),
    ('domestic', "Domestic"),
    ('cross_border', "Cross-Border"),
    ]


class Party(CatalogueVersionMixin, VendorOwnedMixin, metaclass=PoolMeta):
    __name__ = 'party.party'

    @classmethod
    def _catalogue_bump_areas(cls, mode, parties, field_names):
        "The pages show a vendor by the name of its party"
        if mode == 'write' and 'name' not in field_names:
            return ()
        return ('catalogue',) if mode != 'create' else ()

    buyer_type = fields.Selection(
        BUYER_TYPES, "Buyer Type",
        help="Set to let the party order on the marketplace.")
    buyer_business_name = fields.Char(
        "Business Name",
        states={
            'invisible': ~Bool(Eval('buyer_type')),
            'required': Bool(Eval('buyer_type')),
            })
    buyer_registration_number = fields.Char(
        "Registration or Tax Number",
        states={
            'invisible': ~Bool(Eval('buyer_type')),
            'required': Bool(Eval('buyer_type')),
            })
    company = fields.Many2One(
        'company.company', "Company", ondelete='RESTRICT',
        help="The company that owns the party and may change it.\n"
        "Empty for a party of the platform, such as a buyer of the web shop.")
    trading_companies = fields.Function(fields.Many2Many(
            'company.company', None, None, "Trading Companies",
            help="The companies whose documents name the party."),
        'get_trading_companies', searcher='search_trading_companies')


    @classmethod
    def _trading_queries(cls):
        """Queries of (party, company): the parties each company deals with
        as far as its own documents need them"""
        pool = Pool()
        Company = pool.get('company.company')
        Employee = pool.get('company.employee')
        Sale = pool.get('sale.sale')
        Invoice = pool.get('account.invoice')
        party = cls.__table__()
        company = Company.__table__()
        employee = Employee.__table__()
        sale = Sale.__table__()
        invoice = Invoice.__table__()
        queries = [
            party.select(party.id.as_('party'), party.company.as_('company'),
                where=party.company != Null),
            company.select(company.party, company.id),
            employee.select(employee.party, employee.company),
            invoice.select(invoice.party, invoice.company),
            ]
        for name in ['party', 'invoice_party', 'shipment_party']:
            column = getattr(sale, name)
            queries.append(
                sale.select(column, sale.company, where=column != Null))
        for model, name in [
                ('stock.shipment.out', 'customer'),
                ('stock.shipment.out.return', 'customer'),
                ('stock.shipment.in', 'supplier'),
                ('stock.shipment.in.return', 'supplier'),
                ]:
            shipment = pool.get(model).__table__()
            queries.append(shipment.select(
                    getattr(shipment, name), shipment.company))
        return queries

    @classmethod
    def _public_party_queries(cls):
        """Queries of the parties every vendor may read: the companies'
        own parties and the buyers of open requests for quotation"""
        pool = Pool()
        Company = pool.get('company.company')
        Request = pool.get('lao.rfq')
        company = Company.__table__()
        request = Request.__table__()
        return [
            company.select(company.party),
            request.select(request.buyer, where=request.state == 'open'),
            ]

    @classmethod
    def _trading_query(cls, company_ids=None):
        union = Union(*cls._trading_queries(), all_=True)
        where = Literal(True)
        if company_ids is not None:
            where = union.company.in_(company_ids or [-1])
        return union.select(union.party, union.company, where=where)

    @classmethod
    def get_trading_companies(cls, parties, name):
        cursor = Transaction().connection.cursor()
        query = cls._trading_query()
        result = {p.id: set() for p in parties}
        cursor.execute(*query.select(query.party, query.company,
                where=query.party.in_(list(result))))
        for party, company in cursor:
            result[party].add(company)
        return {p: sorted(c) for p, c in result.items()}

    @classmethod
    def search_trading_companies(cls, name, clause):
        _, operator, value = clause[:3]
        if operator not in {'=', 'in'}:
            raise ValueError(
                f"trading_companies does not support {operator}")
        companies = [value] if operator == '=' else list(value)
        companies = [c for c in companies if c is not None]
        query = cls._trading_query(companies)
        parties = Union(
            query.select(query.party), *cls._public_party_queries())
        return [('id', 'in', parties)]
