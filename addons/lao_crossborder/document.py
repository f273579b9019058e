"""The trade documents of a customs declaration, printed in Chinese, Lao and
English: the commercial invoice, the packing list and a Form E data sheet
from which a broker transcribes the ACFTA certificate of origin.

They are HTML reports converted into PDF by Tryton (weasyprint), like the
lot label of lao_trace, with the Noto Lao and CJK fonts embedded.  One
template prints the three; each report names the document it prints.
"""
from decimal import Decimal

from trytond.modules.lao_trace.label import LABEL_LANGUAGES
from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import Transaction

# Origin criterion of the Form E (ACFTA rules of origin, Rule 2): farm
# produce of the exporting country is wholly obtained
WHOLLY_OBTAINED = 'WO'


class DeclarationReport(Report):
    "The documents printed from a customs declaration"
    _document = None

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['document'] = cls._document
        context['trade'] = cls.trade_data
        return context

    @classmethod
    def trade_data(cls, declaration):
        "The values the documents print for the declaration"
        pool = Pool()
        Booking = pool.get('lao.rail.booking')
        Country = pool.get('country.country')
        countries = {}
        for key, country in [('origin', declaration.origin_country),
                ('destination', declaration.destination)]:
            # in each language, once where the names are the same
            names = []
            for language in LABEL_LANGUAGES:
                with Transaction().set_context(language=language):
                    name = Country(country.id).name
                if name not in names:
                    names.append(name)
            countries[key] = ' / '.join(names)
        shipment = declaration.shipment
        date = None
        if shipment:
            date = shipment.effective_date or shipment.planned_date
        bookings = Booking.search([
                ('declaration', '=', declaration.id),
                ], order=[('id', 'ASC')])
        transport = []
        for booking in bookings:
            stops = list(booking.stops)
            departure = stops[0] if stops else None
            arrival = stops[-1] if stops else None
            transport.append({
                    'number': booking.number,
                    'seals': booking.seals,
                    'from': departure.station.rec_name if departure else None,
                    'to': arrival.station.rec_name if arrival else None,
                    'departure': (departure.actual_departure
                        or departure.planned_departure) if departure else None,
                    })
        lines = []
        for number, line in enumerate(declaration.lines, 1):
            quantity = Decimal(str(line.quantity))
            lines.append({
                    'number': number,
                    'line': line,
                    'unit_price': (declaration.currency.round(
                            line.value / quantity) if quantity else None),
                    'origin_criterion': (WHOLLY_OBTAINED
                        if line.origin == declaration.origin_country
                        else None),
                    })
        packages = []
        if shipment:
            for package in shipment.root_packages:
                packages.append({
                        'code': package.code,
                        'type': package.type.name if package.type else '',
                        'contents': ', '.join(
                            '%s%s %s' % (
                                move.product.rec_name,
                                ' (%s)' % move.lot.number
                                if getattr(move, 'lot', None) else '',
                                cls.format_number_symbol(
                                    move.quantity, None, move.unit))
                            for move in package.moves),
                        })
        return {
            'number': (shipment.number if shipment and shipment.number
                else str(declaration.id)),
            'date': date,
            'exporter': declaration.company.party,
            'exporter_address': declaration.company.party.address_get(),
            'importer': declaration.importer,
            'importer_address': declaration.importer.address_get(
                type='delivery'),
            'countries': countries,
            'transport': transport,
            'lines': lines,
            'packages': packages,
            'form_e': declaration.form_e,
            }


class CommercialInvoice(DeclarationReport):
    __name__ = 'lao.customs.declaration.commercial_invoice'
    _document = 'commercial_invoice'


class PackingList(DeclarationReport):
    __name__ = 'lao.customs.declaration.packing_list'
    _document = 'packing_list'


class FormESheet(DeclarationReport):
    __name__ = 'lao.customs.declaration.form_e_sheet'
    _document = 'form_e'
