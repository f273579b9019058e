"""Platform-wide traceability settings.

The resolver host is where GS1 Digital Link URIs point (the storefront's
resolver); each vendor's own GS1 company prefix is kept on its company.
"""
import re

from trytond.i18n import gettext
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.modules.lao_b2b.common import xml_id
from trytond.pool import PoolMeta
from trytond.pyson import Id

from . import gs1
from .exceptions import GS1Error


class Configuration(ModelSingleton, ModelSQL, ModelView):
    __string__ = "Traceability Configuration"
    __name__ = 'lao.trace.configuration'

    resolver_host = fields.Char(
        "Resolver Host", required=True,
        help="The host name of the GS1 Digital Link resolver, "
        "e.g. id.example.la (no scheme, no path).")
    harvest_location = fields.Many2One(
        'stock.location', "Harvest Location", required=True,
        domain=[('type', '=', 'supplier')],
        help="Where harvested goods come from when they enter stock.")
    harvest_sequence = fields.Many2One(
        'ir.sequence', "Harvest Sequence", required=True,
        domain=[('sequence_type', '=',
                Id('lao_trace', 'sequence_type_harvest'))],
        help="Numbers harvests and the lots they create.")
    recall_sequence = fields.Many2One(
        'ir.sequence', "Recall Sequence", required=True,
        domain=[('sequence_type', '=',
                Id('lao_trace', 'sequence_type_recall'))])
    sscc_sequence = fields.Many2One(
        'ir.sequence', "SSCC Serial Sequence", required=True,
        domain=[('sequence_type', '=',
                Id('lao_trace', 'sequence_type_sscc'))],
        help="Gives the serial reference of each new SSCC.")
    sscc_extension_digit = fields.Char(
        "SSCC Extension Digit", size=1, required=True)

    @classmethod
    def default_resolver_host(cls):
        return 'id.example.la'

    @classmethod
    def default_sscc_extension_digit(cls):
        return '0'

    @classmethod
    def default_harvest_location(cls):
        return xml_id('stock', 'location_supplier')

    @classmethod
    def default_harvest_sequence(cls):
        return xml_id('lao_trace', 'sequence_harvest')

    @classmethod
    def default_recall_sequence(cls):
        return xml_id('lao_trace', 'sequence_recall')

    @classmethod
    def default_sscc_sequence(cls):
        return xml_id('lao_trace', 'sequence_sscc')

    @classmethod
    def validate_fields(cls, configurations, field_names):
        super().validate_fields(configurations, field_names)
        for configuration in configurations:
            host = configuration.resolver_host or ''
            if ('resolver_host' in field_names and not re.fullmatch(
                        r'[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?'
                        r'(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*'
                        r'(:\d+)?', host)):
                raise GS1Error(gettext(
                        'lao_trace.msg_invalid_resolver_host', host=host))
            digit = configuration.sscc_extension_digit or ''
            if ('sscc_extension_digit' in field_names
                    and not (len(digit) == 1 and digit.isdigit())):
                raise GS1Error(gettext(
                        'lao_trace.msg_invalid_sscc_extension',
                        digit=digit))


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'

    gs1_company_prefix = fields.Char(
        "GS1 Company Prefix", strip=True,
        help="The prefix GS1 licensed to this company (4 to 12 digits); "
        "its GTINs and SSCCs start with it.")

    @classmethod
    def validate_fields(cls, companies, field_names):
        super().validate_fields(companies, field_names)
        if 'gs1_company_prefix' in field_names:
            for company in companies:
                prefix = company.gs1_company_prefix
                if prefix and not gs1.is_valid_company_prefix(prefix):
                    raise GS1Error(gettext(
                            'lao_trace.msg_invalid_company_prefix',
                            prefix=prefix, company=company.rec_name))
