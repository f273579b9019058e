"""Server-side builders of the cross-border tests."""
import datetime as dt

from trytond.pool import Pool


def country(code):
    Country = Pool().get('country.country')
    country, = Country.search([('code', '=', code)])
    return country


def add_tariff_code(product, code):
    "Give the product's template the HS code"
    pool = Pool()
    TariffCode = pool.get('customs.tariff.code')
    Template = pool.get('product.template')
    tariff_codes = TariffCode.search([('code', '=', code)])
    if not tariff_codes:
        tariff_codes = TariffCode.create([{'code': code}])
    Template.write([product.template], {
            'tariff_codes': [('create', [{
                            'tariff_code': tariff_codes[0].id,
                            }])],
            })
    return tariff_codes[0]


def create_registration(company, kind, destination='CN', number=None,
        valid_from=None, valid_to=None, **values):
    Registration = Pool().get('lao.export.registration')
    today = dt.date.today()
    registration, = Registration.create([{
                'company': company.id,
                'destination': country(destination).id,
                'kind': kind,
                'number': number or f'{kind.upper()}-{company.id}',
                'valid_from': valid_from or today - dt.timedelta(days=365),
                'valid_to': (valid_to if valid_to is not None
                    else today + dt.timedelta(days=4 * 365)),
                **values,
                }])
    return registration
