"""The public catalogue of the marketplace: what the web shop's pages and
its cart read of the published listings of approved vendors.

CatalogueMixin is mixed into lao.listing (like quality's ControlledMixin):
published listings are public, so they are read without the company rule
of the back office, which the web shop's user is not under.
"""
import datetime as dt
import logging
from decimal import Decimal
from typing import NamedTuple

from sql import Cast, NullsFirst, With
from sql.conditionals import Coalesce
from sql.operators import Concat, ILike

from trytond import backend
from trytond.config import config
from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.fields.field import SQL_OPERATORS
from trytond.pool import Pool
from trytond.tools import escape_wildcard, grouped_slice, reduce_ids
from trytond.transaction import Transaction, without_check_access

from .common import as_vendor_system
from .exceptions import WebAccessError
from .marketplace import new_sale_line, new_vendor_sale

logger = logging.getLogger(__name__)

# The length of a trigram (pg_trgm): a shorter text has none to look up
TEXT_SHORT = 3


class CatalogueCard(NamedTuple):
    "What the card of a listing shows on the pages of the catalogue"
    id: int
    title: str
    commodity: str
    province: str | None
    price: Decimal | None
    # The currency.currency record, for the currencyformat filter
    currency: object
    unit: str
    minimum_quantity: float
    photo: int | None
    # The vendor: its company id and name, and the number of the
    # government's recognition that approved it (None if it has none)
    vendor: int = None
    vendor_name: str = None
    recognition: str | None = None
    # The time the vendor needs to ship (datetime.timedelta) or None
    lead_time: object = None
    # The language of the title when it has no translation in the reader's
    # (the language the vendor wrote it in), else None
    title_language: str | None = None
    # The version of the photo's card size in its address, None when the
    # photo has no sizes (lao.listing.photo)
    photo_version: str | None = None


class CartLine(NamedTuple):
    "A line of the cart priced with the listing's terms"
    # None when the listing is no longer on sale
    listing: object
    quantity: float
    unit_price: Decimal | None
    amount: Decimal | None
    problems: list


class CatalogueMixin:
    __slots__ = ()
    catalogue_text = fields.Function(fields.Text("Catalogue Text",
            help="The title and the description, as written: what the "
            "catalogue's text search reads with their translations and "
            "the commodity's names."))

    @classmethod
    def column_catalogue_text(cls, tables):
        table, _ = tables[None]
        return Concat(
            Concat(table.title, '\n'), Coalesce(table.description, ''))

    @classmethod
    def domain_catalogue_text(cls, domain, tables):
        """The catalogue's text search (_text_condition) of ('catalogue_text',
        'ilike', text) on the searched table itself, so that the search
        walks its sort index and stops at the page (text is a word, not a
        pattern)"""
        table, _ = tables[None]
        _, operator, value = domain
        if operator != 'ilike':
            # The other operators on the text as written
            return SQL_OPERATORS[operator](
                cls.column_catalogue_text(tables), value)
        return cls._text_condition(table, value)

    @classmethod
    def _price_query(cls, table):
        """The price shown of the listing of table: the unit price of the
        tier at its minimum quantity"""
        Tier = Pool().get('lao.listing.price_tier')
        tier = Tier.__table__()
        # Cast because SQLite stores decimals as text
        price = Cast(tier.unit_price, Tier.unit_price.sql_type().base)
        return tier.select(price,
            where=(tier.listing == table.id)
            & (tier.quantity <= table.minimum_quantity),
            order_by=[tier.quantity.desc, tier.id.desc], limit=1)

    @classmethod
    def order_price(cls, tables):
        "Sort by the price shown"
        table, _ = tables[None]
        return [cls._price_query(table)]

    @classmethod
    def catalogue_cards(cls, listings):
        """The cards of listings, in their order, read with one query for
        the listings with their vendors' names and lead times, and one per
        kind of name (titles in the language of the context, commodities,
        provinces, units) and for the vendors' approvals

        Read through the records, each card would cost a dozen attribute
        reads, and the company context of the commodity field would read
        the commodity tree again for each vendor."""
        pool = Pool()
        Application = pool.get('lao.vendor.application')
        Company = pool.get('company.company')
        Currency = pool.get('currency.currency')
        Party = pool.get('party.party')
        Photo = pool.get('lao.listing.photo')
        Subdivision = pool.get('country.subdivision')
        Translation = pool.get('ir.translation')
        Uom = pool.get('product.uom')
        table = cls.__table__()
        company = Company.__table__()
        party = Party.__table__()
        photo = Photo.__table__()
        cursor = Transaction().connection.cursor()

        def first_photo(column):
            return photo.select(column,
                where=photo.listing == table.id,
                order_by=[NullsFirst(photo.sequence.asc), photo.id.asc],
                limit=1)
        ids = [l.id for l in listings]
        rows = {}
        for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
            cursor.execute(*table.join(company,
                    condition=table.company == company.id
                    ).join(party, condition=company.party == party.id
                    ).select(table.id, table.title, table.category,
                    table.origin_province, company.currency,
                    cls._price_query(table), table.unit,
                    table.minimum_quantity, first_photo(photo.id),
                    company.id, party.name, table.lead_time,
                    first_photo(photo.card_id),
                    where=reduce_ids(table.id, sub_ids)))
            rows.update((row[0], row) for row in cursor)
        titles = Translation.get_ids(
            f'{cls.__name__},title', 'model', Transaction().language, ids)
        source = cls.source_language()
        untranslated = ({i for i in ids if not titles.get(i)}
            if Transaction().language != source else set())
        vendors = Company._vendor_states({row[9] for row in rows.values()})
        recognitions = {a.id: a.recognition_number for a in Application.browse(
                list({a for _, a in vendors.values()} - {None}))}

        def records(Model, column):
            return {r.id: r for r in Model.browse(list(
                        {row[column] for row in rows.values()} - {None}))}
        commodities = cls._commodity_names(
            {row[2] for row in rows.values()})
        provinces = records(Subdivision, 3)
        currencies = records(Currency, 4)
        units = records(Uom, 6)
        cards = []
        for id_, title, category, province, currency, price, unit, \
                minimum_quantity, photo_id, company_id, vendor_name, \
                lead_time, photo_version in map(rows.get, ids):
            _, application = vendors[company_id]
            if lead_time is not None and not isinstance(
                    lead_time, dt.timedelta):
                # SQLite stores the interval as seconds
                lead_time = dt.timedelta(seconds=lead_time)
            cards.append(CatalogueCard(id_,
                    title=titles.get(id_) or title,
                    commodity=commodities[category],
                    province=provinces[province].name if province else None,
                    # SQLite gives the cast text as a number
                    price=Decimal(str(price)) if price is not None else None,
                    currency=currencies[currency],
                    unit=units[unit].symbol,
                    minimum_quantity=minimum_quantity,
                    photo=photo_id, photo_version=photo_version,
                    vendor=company_id,
                    vendor_name=vendor_name,
                    recognition=recognitions.get(application),
                    lead_time=lead_time,
                    title_language=source if id_ in untranslated else None))
        return cards

    @classmethod
    def source_language(cls):
        """The language of the texts that vendors write: what the
        translatable fields store, and show where a text has no
        translation"""
        return config.get('database', 'language')

    @classmethod
    def untranslated_texts(cls, ids, names):
        """For each translatable field of names, the set of ids of the
        listings whose text the context's language shows untranslated (in
        the source language): empty when the reader reads the source
        language; one query per field"""
        Translation = Pool().get('ir.translation')
        language = Transaction().language
        result = {}
        for name in names:
            if language == cls.source_language():
                result[name] = set()
                continue
            translated = Translation.get_ids(
                f'{cls.__name__},{name}', 'model', language, ids)
            result[name] = {i for i in ids if not translated.get(i)}
        return result

    @classmethod
    def catalogue_commodities(cls):
        "The commodities to filter the catalogue by: (id, full name), by name"
        Category = Pool().get('product.category')
        categories = Category.search(
            Category.commodity_domain(), order=[('name', 'ASC')])
        names = cls._commodity_names([c.id for c in categories])
        return [(c.id, names[c.id]) for c in categories]

    @classmethod
    def _commodity_names(cls, category_ids):
        """The full name (Coffee / Arabica Coffee / ...) of each category,
        reading the tree one level at a time"""
        Category = Pool().get('product.category')
        names, parents = {}, {}
        to_read = set(category_ids)
        while to_read:
            for category in Category.read(list(to_read), ['name', 'parent']):
                names[category['id']] = category['name']
                parents[category['id']] = category['parent']
            to_read = set(filter(None, parents.values())) - set(names)

        def full_name(category_id):
            parent = parents[category_id]
            # The separator of product.category's rec_name
            return (f'{full_name(parent)} / ' if parent else '') + (
                names[category_id])
        return {i: full_name(i) for i in category_ids}

    @classmethod
    def catalogue_domain(cls, text=None, category=None, province=None,
            certification=None, price_min=None, price_max=None,
            quantity=None, company=None):
        """The domain of the published listings of approved vendors that
        match the filters of the catalogue

        text is looked up in the titles and descriptions in every language;
        a price range keeps the listings with a tier price in it; quantity
        keeps the listings whose minimum is at most quantity."""
        domain = [
            ('state', '=', 'published'),
            ('company.vendor_state', '=', 'active'),
            ]
        if text and text.strip():
            domain.append(('catalogue_text', 'ilike', text.strip()))
        if category:
            domain.append(('category', 'child_of', [category], 'parent'))
        if province:
            domain.append(('origin_province', '=', province))
        if certification:
            domain.append(('certifications.kind', '=', certification))
        tier_domain = []
        if price_min is not None:
            tier_domain.append(('unit_price', '>=', price_min))
        if price_max is not None:
            tier_domain.append(('unit_price', '<=', price_max))
        if tier_domain:
            domain.append(('price_tiers', 'where', tier_domain))
        if quantity is not None:
            domain.append(('minimum_quantity', '<=', quantity))
        if company:
            domain.append(('company', '=', company))
        return domain

    @classmethod
    def search_catalogue(cls, offset=0, limit=None, order=None, **filters):
        """The listings of the catalogue that match filters

        Published listings are public: they are read without the company
        rule of the back office, which the web shop's user is not under."""
        with without_check_access():
            return cls.search(cls.catalogue_domain(**filters),
                offset=offset, limit=limit, order=order)

    @classmethod
    def count_catalogue(cls, limit=None, **filters):
        """The number of listings of the catalogue that match filters, at
        most limit: a page says "more than" past it, so that a search
        matching half of the catalogue reads no more than limit rows"""
        with without_check_access():
            count = cls.search_count(
                cls.catalogue_domain(**filters), limit=limit)
        # Tryton counts them all when it estimates fewer rows than limit
        return count if limit is None else min(count, limit)

    @classmethod
    def _text_commodities(cls, pattern):
        """The ids of the commodities named as pattern (ILIKE) in any
        language and of those under them: a few rows of the commodity tree
        and of its names' translations, read before the listings so that
        these are filtered by their indexed commodity"""
        pool = Pool()
        Category = pool.get('product.category')
        Translation = pool.get('ir.translation')
        category = Category.__table__()
        child = Category.__table__()
        translation = Translation.__table__()
        cursor = Transaction().connection.cursor()
        commodities = With('id', recursive=True)
        commodities.query = (
            category.select(category.id,
                where=ILike(category.name, pattern, escape='\\'))
            | translation.select(translation.res_id,
                where=(translation.name == f'{Category.__name__},name')
                & (translation.type == 'model')
                & ILike(translation.value, pattern, escape='\\'))
            | child.join(commodities,
                condition=child.parent == commodities.id
                ).select(child.id))
        cursor.execute(*commodities.select(
                commodities.id, with_=[commodities]))
        return sorted(i for i, in cursor)

    @classmethod
    def _text_condition(cls, table, text):
        """The condition on table of the listings whose title or
        description matches text, as written or in any translation, or
        whose commodity is under a
        commodity whose name matches it in any language ("咖啡", "ກາເຟ" and
        "coffee" find the listings of every kind of coffee whatever their
        vendor wrote)

        Not the fields' own ilike: for a language other than the source's,
        each would join the translations once more to the whole table.  The
        conditions or-ed on the listing's row, so that the catalogue's
        query walks its sort index and stops at the page, or
        takes the indexes of the conditions when they match few: on
        PostgreSQL the trigram indexes of the titles, descriptions and
        translations (text_indexes), the index of the commodity, whose
        matches are looked up first (_text_commodities).

        A text shorter than a trigram (TEXT_SHORT, "茶" or "咖啡": Chinese
        writes most words in two characters) has no trigram to look up, so
        it would scan every description: it is looked up in the commodity
        names and the titles only, which name what a listing sells."""
        pool = Pool()
        Translation = pool.get('ir.translation')
        translation = Translation.__table__()
        pattern = '%' + escape_wildcard(text) + '%'
        names = [f'{cls.__name__},title']
        condition = ILike(table.title, pattern, escape='\\')
        if len(text) >= TEXT_SHORT:
            names.append(f'{cls.__name__},description')
            condition |= ILike(table.description, pattern, escape='\\')
        commodities = cls._text_commodities(pattern)
        if commodities:
            condition |= table.category.in_(commodities)
        condition |= table.id.in_(translation.select(translation.res_id,
                where=translation.name.in_(names)
                & (translation.type == 'model')
                & ILike(translation.value, pattern, escape='\\')))
        return condition

    @classmethod
    def _text_index_names(cls):
        "The translations the catalogue's text search reads"
        return [f'{cls.__name__},title', f'{cls.__name__},description',
            'product.category,name']

    @classmethod
    def text_indexes(cls):
        """Create on PostgreSQL the trigram (pg_trgm) GIN indexes that serve
        the ILIKE '%text%' of _text_query that Tryton does not make: the
        descriptions of the listings, and the translations of titles,
        descriptions and commodity names (one partial index over these
        fields only).

        The extension is created if missing and allowed; without it the
        search runs as before, on a scan.  The names are outside Tryton's
        idx_ prefix, which its index update would drop as undeclared."""
        transaction = Transaction()
        database = transaction.database
        if backend.name != 'postgresql':
            return False
        from psycopg import Error as PsycopgError
        from psycopg.sql import SQL, Identifier, Literal
        cursor = transaction.connection.cursor()
        if not database.has_extension('pg_trgm'):
            cursor.execute('SAVEPOINT lao_b2b_pg_trgm')
            try:
                cursor.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
            except PsycopgError:
                # Not allowed to, or not available: the search keeps its
                # scan
                cursor.execute('ROLLBACK TO SAVEPOINT lao_b2b_pg_trgm')
                logger.warning(
                    "pg_trgm could not be created: the catalogue's text "
                    "search is not indexed", exc_info=True)
                return False
            cursor.execute('RELEASE SAVEPOINT lao_b2b_pg_trgm')
            # has_extension caches its answer per database
            database._extensions[database.name].pop('pg_trgm', None)
        names = SQL(', ').join(map(Literal, cls._text_index_names()))
        # The titles and the commodity names are the records' names, which
        # Tryton indexes so itself (trigram when pg_trgm is there)
        for table, column, where in [
                (cls._table, 'description', None),
                ('ir_translation', 'value', SQL(
                        "WHERE type = 'model' AND name IN ({})"
                        ).format(names)),
                ]:
            cursor.execute(SQL(
                    'CREATE INDEX IF NOT EXISTS {name} ON {table} '
                    'USING GIN ({column} gin_trgm_ops) {where}').format(
                    name=Identifier(f'{table}_{column}_trgm'
                        if where is None else f'{table}_lao_catalogue_trgm'),
                    table=Identifier(table), column=Identifier(column),
                    where=where or SQL('')))
        return True

    @classmethod
    def get_catalogue_listing(cls, listing_id):
        "The listing of id if the catalogue shows it, else raise"
        with without_check_access():
            listings = cls.search(
                [('id', '=', listing_id), cls.catalogue_domain()], limit=1)
        if not listings:
            raise WebAccessError(gettext('lao_b2b.msg_web_not_found'))
        return listings[0]

    @classmethod
    def price_cart(cls, items):
        """Price the cart items [(listing id, quantity)] with the listings'
        terms: one CartLine per item"""
        with without_check_access():
            listings = {l.id: l for l in cls.search([
                        ('id', 'in', [i for i, _ in items]),
                        cls.catalogue_domain(),
                        ])}
        lines = []
        for listing_id, quantity in items:
            listing = listings.get(listing_id)
            if not listing:
                lines.append(CartLine(None, quantity, None, None, [
                            gettext('lao_b2b.msg_web_cart_unavailable')]))
                continue
            problems = listing.quantity_problems(quantity)
            if quantity > listing.available_quantity:
                problems.append(gettext('lao_b2b.msg_web_cart_not_enough',
                        listing=listing.rec_name,
                        available=listing.format_quantity(
                            listing.available_quantity)))
            unit_price = listing.compute_unit_price(quantity)
            amount = None
            if unit_price is not None:
                amount = listing.company.currency.round(
                    unit_price * Decimal(str(quantity)))
            lines.append(
                CartLine(listing, quantity, unit_price, amount, problems))
        return lines

    @classmethod
    def cart_vendor_amounts(cls, lines, party=None):
        """What the buyer party (None for a guest) would pay each vendor for
        the priced CartLines: [(vendor company, AmountSummary)], by the sale
        that the checkout would create in the vendor's company (not saved),
        so with its taxes (none from a vendor not registered for VAT)"""
        by_company = {}
        for line in lines:
            if line.listing and line.unit_price is not None:
                by_company.setdefault(
                    line.listing.company, []).append(line)
        amounts = []
        for company, c_lines in by_company.items():
            with as_vendor_system(company):
                sale = new_vendor_sale(company, party)
                sale.lines = [new_sale_line(sale, l.listing.product,
                        l.listing.unit, l.quantity, l.unit_price)
                    for l in c_lines]
                amounts.append((company, sale.amount_summary()))
        return amounts

