"""Scheduled tasks of the marketplace; its translations bump the catalogue
version."""
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

from .catalogue_version import CatalogueVersionMixin

# The models, besides the listings, whose translated names the anonymous
# pages show
TRANSLATIONS_SHOWN = {
    'lao.listing.photo', 'product.category', 'country.subdivision',
    'product.uom', 'lao.board.post'}


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('lao.rfq|close_expired',
                    "Close Expired Requests, Quotes and Board Posts"),
                ('lao.commission.run|run_monthly',
                    "Invoice the Marketplace Commissions of Last Month"),
                ('company.company|open_next_fiscal_years',
                    "Open the Next Fiscal Year of Every Company"),
                ('res.user.invitation|retry_delivery',
                    "Retry the Invitations Not Delivered"),
                ('web.user.email|retry_delivery',
                    "Retry the Web Shop's E-mails Not Delivered"),
                ('lao.catalogue.version|compact',
                    "Compact the Catalogue Versions"),
                ])


class Translation(CatalogueVersionMixin, metaclass=PoolMeta):
    "The pages show titles, descriptions and names in the visitor's language"
    __name__ = 'ir.translation'

    @classmethod
    def _catalogue_bump_areas(cls, mode, translations, field_names):
        """The translations of the models the pages show, a listing's when
        it is published"""
        Listing = Pool().get('lao.listing')
        listings, shown = set(), False
        for translation in translations:
            model = (translation.name or '').split(',')[0]
            if model == Listing.__name__:
                listings.add(translation.res_id)
            elif model in TRANSLATIONS_SHOWN:
                shown = True
        if not shown and listings:
            with without_check_access():
                shown = bool(Listing.search([
                            ('id', 'in', list(listings)),
                            ('state', '=', 'published'),
                            ], count=True))
        return ('catalogue',) if shown else ()
