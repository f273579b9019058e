"""The export checklist of marketplace listings, and the listings as a
cross-border buyer of the web shop sees them."""
import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from trytond.i18n import gettext
from trytond.model import fields
from trytond.modules.currency.exceptions import RateError
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access


class Listing(metaclass=PoolMeta):
    __name__ = 'lao.listing'

    export_checklist = fields.Function(
        fields.Text("Export Checklist"), 'get_export_checklist')

    @classmethod
    def get_export_checklist(cls, listings, name):
        "One line per requirement of each destination, met or not"
        Requirement = Pool().get('lao.export.requirement')
        texts = {l.id: [] for l in listings}
        for destination in Requirement.destinations():
            checklist = Requirement.checklist(listings, destination)
            for listing_id, items in checklist.items():
                lines = texts[listing_id]
                ready = all(ok is not False for _, _, ok in items)
                lines.append(gettext(
                        'lao_crossborder.msg_checklist_ready'
                        if ready else
                        'lao_crossborder.msg_checklist_not_ready',
                        destination=destination.rec_name))
                for requirement, registration, ok in items:
                    lines.append(cls._checklist_line(
                            requirement, registration, ok))
        return {i: '\n'.join(lines) for i, lines in texts.items()}

    @classmethod
    def _checklist_line(cls, requirement, registration, ok):
        Requirement = Pool().get('lao.export.requirement')
        if ok is None:
            return gettext('lao_crossborder.msg_checklist_consignment',
                requirement=requirement.rec_name)
        if not ok:
            return '✗ ' + Requirement.missing_text(requirement)
        if registration:
            return gettext('lao_crossborder.msg_checklist_registration',
                requirement=requirement.rec_name,
                registration=registration.rec_name,
                date=(registration.valid_to.isoformat()
                    if registration.valid_to else '-'))
        return gettext('lao_crossborder.msg_checklist_protocol',
            requirement=requirement.rec_name,
            date=requirement.protocol_date.isoformat())

    @classmethod
    def export_missing(cls, listings, destination, date=None):
        """What each listing lacks for the destination, as texts (empty
        when export-ready)"""
        Requirement = Pool().get('lao.export.requirement')
        return Requirement.missing(listings, destination, date=date)

    # The web shop's cross-border face

    @classmethod
    def cross_border_terms(cls, party, date=None):
        """The destination and currency of a cross-border buyer party, and
        the exchange into that currency on date; None for other buyers"""
        pool = Pool()
        Date = pool.get('ir.date')
        DutyRate = pool.get('lao.customs.duty.rate')
        if not party or party.buyer_type != 'cross_border':
            return None
        if date is None:
            date = Date.today()
        address = party.address_get(type='delivery')
        destination = address.country if address else None
        currency = None
        if destination:
            # the currency in which the destination's customs levy duties
            rates = DutyRate.search(
                [('destination', '=', destination.id)], limit=1)
            if rates:
                currency = rates[0].currency
        return CrossBorderTerms(destination, currency, date)

    @classmethod
    def web_cross_border(cls, party, listings, date=None):
        """For a cross-border buyer: its terms and, for each listing, its
        export readiness for the buyer's destination (with what it lacks)
        and its price at the minimum quantity in the buyer's currency; None
        for other buyers"""
        Requirement = Pool().get('lao.export.requirement')
        terms = cls.cross_border_terms(party, date=date)
        if terms is None:
            return None
        result = {}
        with without_check_access():
            listings = cls.browse([l.id for l in listings])
            if terms.destination:
                missing = Requirement.missing(
                    listings, terms.destination, date=terms.date)
            else:
                missing = {}
            for listing in listings:
                unit_price = listing.compute_unit_price(
                    listing.minimum_quantity)
                result[listing.id] = ListingExport(
                    ready=bool(terms.destination)
                    and not missing.get(listing.id),
                    missing=missing.get(listing.id, []),
                    price=terms.exchange(unit_price, listing.currency))
        return terms, result


class Exchange(NamedTuple):
    "An amount converted at the rates of date, or why it cannot be"
    amount: Decimal | None
    currency: object
    rate_date: dt.date | None
    error: str | None


class CrossBorderTerms(NamedTuple):
    "The destination and currency of a cross-border buyer"
    destination: object
    currency: object
    date: dt.date

    def exchange(self, amount, from_currency):
        """The amount converted into the buyer's currency at the rates of
        the date, with the date of the older rate used, or the reason"""
        return exchange(amount, from_currency, self.currency, self.date)


def exchange(amount, from_currency, to_currency, date):
    """The amount converted at the latest rates on date (Exchange), or the
    reason it cannot be: no currency or no rate recorded"""
    pool = Pool()
    Currency = pool.get('currency.currency')
    Rate = pool.get('currency.currency.rate')
    if amount is None:
        return Exchange(None, to_currency, None, None)
    if to_currency is None:
        return Exchange(None, None, None, gettext(
                'lao_crossborder.msg_web_no_buyer_currency'))
    if from_currency == to_currency:
        return Exchange(amount, to_currency, None, None)
    with Transaction().set_context(date=date):
        try:
            converted = Currency.compute(
                from_currency, amount, to_currency, round=True)
        except RateError as error:
            return Exchange(None, to_currency, None, error.message)
    with without_check_access():
        dates = [r.date for c in [from_currency, to_currency]
            for r in Rate.search([
                    ('currency', '=', c.id),
                    ('date', '<=', date),
                    ], order=[('date', 'DESC')], limit=1)]
    return Exchange(converted, to_currency, min(dates) if dates else None,
        None)


class ListingExport(NamedTuple):
    "A listing as a cross-border buyer sees it"
    ready: bool
    missing: list
    # Exchange of the price at the listing's minimum quantity
    price: Exchange
