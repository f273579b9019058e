"""Reference data of Laos and its trading neighbours, loaded on activation.

Countries, the 18 first-level subdivisions of Laos and the platform's
currencies come from pycountry's bundled ISO data (no network needed), with
the common English spelling and the Lao and Chinese names added.
"""
from decimal import Decimal

import pycountry

from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .catalogue_version import CatalogueVersionMixin

COUNTRIES = ['LA', 'CN', 'TH', 'VN']
# Their names in Lao and Chinese
COUNTRY_NAMES = {
    'LA': ("ລາວ", "老挝"),
    'CN': ("ຈີນ", "中国"),
    'TH': ("ໄທ", "泰国"),
    'VN': ("ຫວຽດນາມ", "越南"),
    }

# ISO 3166-2:LA code suffix: (English, Lao, Chinese)
LAO_SUBDIVISIONS = {
    'AT': ("Attapeu", "ອັດຕະປື", "阿速坡省"),
    'BK': ("Bokeo", "ບໍ່ແກ້ວ", "博胶省"),
    'BL': ("Bolikhamxai", "ບໍລິຄຳໄຊ", "波里坎塞省"),
    'CH': ("Champasak", "ຈຳປາສັກ", "占巴塞省"),
    'HO': ("Houaphanh", "ຫົວພັນ", "华潘省"),
    'KH': ("Khammouane", "ຄຳມ່ວນ", "甘蒙省"),
    'LM': ("Luang Namtha", "ຫຼວງນ້ຳທາ", "琅南塔省"),
    'LP': ("Luang Prabang", "ຫຼວງພະບາງ", "琅勃拉邦省"),
    'OU': ("Oudomxay", "ອຸດົມໄຊ", "乌多姆赛省"),
    'PH': ("Phongsaly", "ຜົ້ງສາລີ", "丰沙里省"),
    'SL': ("Salavan", "ສາລະວັນ", "沙拉湾省"),
    'SV': ("Savannakhet", "ສະຫວັນນະເຂດ", "沙湾拿吉省"),
    'VI': ("Vientiane Province", "ແຂວງວຽງຈັນ", "万象省"),
    'VT': ("Vientiane Capital", "ນະຄອນຫຼວງວຽງຈັນ", "万象市"),
    'XA': ("Xayaboury", "ໄຊຍະບູລີ", "沙耶武里省"),
    'XE': ("Sekong", "ເຊກອງ", "色贡省"),
    'XI': ("Xiangkhouang", "ຊຽງຂວາງ", "川圹省"),
    'XS': ("Xaisomboun", "ໄຊສົມບູນ", "赛宋本省"),
    }

# code: (symbol, digits)
CURRENCIES = {
    'LAK': ("₭", 0),
    'CNY': ("¥", 2),
    'THB': ("฿", 2),
    'USD': ("$", 2),
    'VND': ("₫", 0),
    }


class Subdivision(CatalogueVersionMixin, metaclass=PoolMeta):
    __name__ = 'country.subdivision'

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        cls.load_lao_reference_data()

    @staticmethod
    def lao_provinces():
        "The domain of the provinces of Laos: its first-level subdivisions"
        return [('country.code', '=', 'LA'), ('parent', '=', None)]

    @property
    def short_code(self):
        "The code without its country prefix: 'CH' for 'LA-CH'"
        return (self.code or '').split('-', 1)[-1]

    @classmethod
    def load_lao_reference_data(cls):
        "Create or update the countries, Lao provinces and currencies"
        pool = Pool()
        Country = pool.get('country.country')
        Currency = pool.get('currency.currency')

        countries = {c.code: c for c in Country.search(
                [('code', 'in', COUNTRIES)])}
        to_create = []
        for code in COUNTRIES:
            if code not in countries:
                data = pycountry.countries.get(alpha_2=code)
                to_create.append(Country(
                        code=code, code3=data.alpha_3,
                        code_numeric=data.numeric,
                        name=getattr(data, 'common_name', data.name)))
        Country.save(to_create)
        countries = Country.search([('code', 'in', COUNTRIES)])
        for index, language in [(0, 'lo'), (1, 'zh_CN')]:
            with Transaction().set_context(language=language):
                for country in Country.browse(countries):
                    name = COUNTRY_NAMES[country.code][index]
                    if country.name != name:
                        Country.write([country], {'name': name})
        laos, = Country.search([('code', '=', 'LA')])

        existing = {s.code: s for s in cls.search(
                [('country', '=', laos.id)])}
        subdivisions = []
        for iso in pycountry.subdivisions.get(country_code='LA'):
            suffix = iso.code.split('-', 1)[1]
            english = LAO_SUBDIVISIONS[suffix][0]
            subdivision = existing.get(iso.code) or cls(
                country=laos, code=iso.code)
            subdivision.name = english
            subdivision.type = iso.type.lower()
            subdivisions.append(subdivision)
        cls.save(subdivisions)
        for index, language in [(1, 'lo'), (2, 'zh_CN')]:
            with Transaction().set_context(language=language):
                for subdivision in cls.browse(subdivisions):
                    name = LAO_SUBDIVISIONS[subdivision.short_code][index]
                    if subdivision.name != name:
                        cls.write([subdivision], {'name': name})

        currencies = {c.code for c in Currency.search(
                [('code', 'in', list(CURRENCIES))])}
        Currency.save([
                Currency(
                    code=code,
                    numeric_code=pycountry.currencies.get(
                        alpha_3=code).numeric,
                    name=pycountry.currencies.get(alpha_3=code).name,
                    symbol=symbol, digits=digits,
                    rounding=Decimal(1) / (10 ** digits))
                for code, (symbol, digits) in CURRENCIES.items()
                if code not in currencies])
