"""Printable lot labels: trilingual text (Lao, Chinese, English) and the QR
code of the lot's GS1 Digital Link, rendered from HTML to PDF."""
import segno
from genshi.core import Markup

from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import Transaction

LABEL_LANGUAGES = ['lo', 'zh_CN', 'en']


class LotLabel(Report):
    __name__ = 'stock.lot.label'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['label'] = cls.label_data
        return context

    @classmethod
    def label_data(cls, lot):
        "The values printed on the label of lot"
        pool = Pool()
        Lot = pool.get('stock.lot')
        Product = pool.get('product.product')
        Subdivision = pool.get('country.subdivision')
        names, provinces = {}, {}
        farm = lot.plot.farm if lot.plot else None
        for language in LABEL_LANGUAGES:
            with Transaction().set_context(language=language):
                names[language] = Product(lot.product.id).name
                if farm:
                    provinces[language] = Subdivision(farm.province.id).name
        link = Lot(lot.id).digital_link
        return {
            'lot': lot.number,
            'gtin': lot.gtin,
            'names': names,
            'provinces': provinces,
            'district': farm.district if farm else None,
            'harvest_date': lot.harvest_date,
            'link': link,
            'qr': cls.qr_svg(link) if link else None,
            }

    @staticmethod
    def qr_svg(data):
        "The QR code of data as inline SVG markup"
        qr = segno.make(data, error='m')
        return Markup(qr.svg_inline(scale=3, border=2))
