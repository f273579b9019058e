"""GTINs of products, kept as product identifiers of type GTIN.

Tryton's identifiers already know EAN codes (validated by python-stdnum);
the GTIN type adds GS1's own wording, GTIN-8/12/13/14 and an error that says
which check digit was expected.  The GTIN of a variant, padded to 14 digits,
is what GS1 Digital Link URIs and EPCIS class identifiers use.
"""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta

from . import gs1
from .exceptions import GS1Error

GTIN_TYPES = {'gtin', 'ean'}


class Identifier(metaclass=PoolMeta):
    __name__ = 'product.identifier'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        selection = ('gtin', "GS1 Global Trade Item Number (GTIN)")
        if selection not in cls.type.selection:
            cls.type.selection.append(selection)

    @fields.depends('type', 'code')
    def on_change_with_code(self):
        if self.type == 'gtin':
            return gs1.compact(self.code)
        return super().on_change_with_code()

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('type') == 'gtin' and values.get('code'):
            values['code'] = gs1.compact(values['code'])
        return values

    @fields.depends('type', 'code', 'product')
    def check_code(self):
        if self.type == 'gtin':
            self.check_gtin(self.code, self.product)
        else:
            super().check_code()

    @classmethod
    def check_gtin(cls, code, product=None):
        "Raise a GS1Error explaining what is wrong with code as a GTIN"
        code = gs1.compact(code)
        name = product.rec_name if product and product.id >= 0 else ''
        if (not code.isdigit() or len(code) not in gs1.GTIN_LENGTHS):
            raise GS1Error(gettext(
                    'lao_trace.msg_gtin_format', code=code, product=name))
        expected = gs1.check_digit(code[:-1])
        if code[-1] != expected:
            raise GS1Error(gettext(
                    'lao_trace.msg_gtin_check_digit', code=code,
                    expected=expected, product=name))

    @classmethod
    def validate(cls, identifiers):
        super().validate(identifiers)
        for identifier in identifiers:
            if identifier.type == 'gtin':
                cls.check_gtin(identifier.code, identifier.product)
        cls.check_gtin_unique(identifiers)

    @classmethod
    def check_gtin_unique(cls, identifiers):
        "A GTIN identifies one product only"
        gtins = {}
        for identifier in identifiers:
            if identifier.type in GTIN_TYPES:
                try:
                    gtins[gs1.gtin14(identifier.code)] = identifier
                except ValueError:
                    continue
        if not gtins:
            return
        others = cls.search([
                ('type', 'in', list(GTIN_TYPES)),
                ('id', 'not in', [i.id for i in identifiers]),
                ('code', 'in', list(
                        {g[i:] for g in gtins for i in range(0, 7)})),
                ])
        for other in others:
            try:
                identifier = gtins.get(gs1.gtin14(other.code))
            except ValueError:
                continue
            if identifier and identifier.product != other.product:
                raise GS1Error(gettext(
                        'lao_trace.msg_gtin_not_unique',
                        code=identifier.code,
                        product=other.product.rec_name))


class Product(metaclass=PoolMeta):
    __name__ = 'product.product'

    gtin = fields.Function(
        fields.Char("GTIN", help="The GTIN-14 of the variant."), 'get_gtin')

    def get_gtin(self, name=None):
        for identifier in self.identifiers:
            if identifier.type in GTIN_TYPES:
                try:
                    return gs1.gtin14(identifier.code)
                except ValueError:
                    continue

    @classmethod
    def assign_gtins(cls, products, company):
        """Give each product without GTIN a GTIN-13 under the GS1 company
        prefix of company, numbered after the highest item reference in use"""
        pool = Pool()
        Identifier = pool.get('product.identifier')
        prefix = company.gs1_company_prefix
        if not prefix:
            raise GS1Error(gettext(
                    'lao_trace.msg_company_without_prefix',
                    company=company.rec_name))
        used = Identifier.search([
                ('type', '=', 'gtin'),
                ('code', 'like', prefix + '%'),
                ])
        width = 12 - len(prefix)
        items = [int(i.code[len(prefix):12]) for i in used
            if len(i.code) == 13 and i.code[len(prefix):12].isdigit()]
        item = max(items, default=0)
        identifiers = []
        for product in products:
            if product.gtin:
                continue
            item += 1
            if len(str(item)) > width:
                raise GS1Error(gettext(
                        'lao_trace.msg_gtin_prefix_full', prefix=prefix))
            identifiers.append(Identifier(
                    product=product, type='gtin',
                    code=gs1.make_gtin(prefix, item)))
        Identifier.save(identifiers)
        return identifiers
