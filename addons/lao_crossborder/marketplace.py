"""Cross-border marketplace orders: destination, incoterm and the export
readiness of every listing ordered."""
from collections import defaultdict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import fields
from trytond.modules.currency.exceptions import RateError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import without_check_access

from .exceptions import CrossBorderOrderError, DutyEstimateError

_cross_border = Eval('buyer_type') == 'cross_border'
# The longest incoterm location a web buyer may type
LOCATION_SIZE = 100


class Order(metaclass=PoolMeta):
    __name__ = 'lao.marketplace.order'

    buyer_type = fields.Function(
        fields.Selection('get_buyer_types', "Buyer Type"),
        'on_change_with_buyer_type')
    destination = fields.Many2One(
        'country.country', "Destination",
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': ~_cross_border,
            },
        help="The country to which the goods are exported.")
    incoterm = fields.Many2One(
        'incoterm.incoterm', "Incoterm",
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': ~_cross_border,
            })
    incoterm_location = fields.Char(
        "Incoterm Location",
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': ~_cross_border,
            },
        help="For example: FCA Vientiane South, DAP Mohan, CPT Kunming.")

    @classmethod
    def get_buyer_types(cls):
        Party = Pool().get('party.party')
        return Party.fields_get(['buyer_type'])['buyer_type']['selection']

    @fields.depends('buyer')
    def on_change_with_buyer_type(self, name=None):
        return self.buyer.buyer_type if self.buyer else None

    @fields.depends('buyer', 'destination')
    def on_change_buyer(self):
        super().on_change_buyer()
        if (self.buyer and self.buyer.buyer_type == 'cross_border'
                and not self.destination):
            address = self.buyer.address_get(type='delivery')
            if address and address.country:
                self.destination = address.country

    @classmethod
    def check_lines(cls, orders):
        cls.check_export_readiness(orders)
        super().check_lines(orders)

    @classmethod
    def check_export_readiness(cls, orders):
        """Refuse cross-border orders for listings that are not export-ready
        for the order's destination, naming what each one lacks"""
        Requirement = Pool().get('lao.export.requirement')
        problems = []
        by_destination = defaultdict(set)
        for order in orders:
            if order.buyer.buyer_type != 'cross_border':
                continue
            if not order.destination:
                problems.append(gettext(
                        'lao_crossborder.msg_order_no_destination',
                        order=order.rec_name))
                continue
            for line in order.lines:
                by_destination[order.destination].add(line.listing)
        for destination, listings in by_destination.items():
            listings = sorted(listings, key=lambda l: l.id)
            missing = Requirement.missing(listings, destination)
            for listing in listings:
                if missing[listing.id]:
                    problems.append(gettext(
                            'lao_crossborder.msg_order_listing_not_ready',
                            listing=listing.rec_name,
                            destination=destination.rec_name,
                            missing='; '.join(missing[listing.id])))
        if problems:
            raise CrossBorderOrderError(gettext(
                    'lao_crossborder.msg_order_refused',
                    problems='\n'.join('- ' + p for p in problems)))

    # The web shop's checkout and order page of a cross-border buyer

    @classmethod
    def web_incoterms(cls):
        "The incoterms of any transport mode (rail) of the newest version"
        Incoterm = Pool().get('incoterm.incoterm')
        incoterms = Incoterm.search(
            [('mode', '=', None)], order=[('version', 'DESC'), ('id', 'ASC')])
        return [i for i in incoterms if i.version == incoterms[0].version]

    @classmethod
    def web_cross_border_values(cls, incoterm, location=None):
        """The checked incoterm (id) and location of a cross-border
        checkout, as order values"""
        incoterms = {i.id: i for i in cls.web_incoterms()}
        if incoterm not in incoterms:
            raise CrossBorderOrderError(gettext(
                    'lao_crossborder.msg_web_incoterm_required'))
        incoterm = incoterms[incoterm]
        location = (location or '').strip()
        if len(location) > LOCATION_SIZE:
            raise CrossBorderOrderError(gettext(
                    'lao_crossborder.msg_web_incoterm_location_size',
                    size=LOCATION_SIZE))
        if incoterm.location and not location:
            raise CrossBorderOrderError(gettext(
                    'lao_crossborder.msg_web_incoterm_location',
                    incoterm=incoterm.code))
        return {'incoterm': incoterm, 'incoterm_location': location or None}

    @classmethod
    def web_place(cls, user, items, *args, incoterm=None,
            incoterm_location=None, values=None, **kwargs):
        """As lao_b2b, with the incoterm (id) and its location that a
        cross-border buyer picks"""
        values = dict(values or {})
        if user.party and user.party.buyer_type == 'cross_border':
            values.update(
                cls.web_cross_border_values(incoterm, incoterm_location))
        return super().web_place(user, items, *args, values=values, **kwargs)

    @classmethod
    def web_landed_cost(cls, user, items, incoterm=None, date=None):
        """The landed-cost estimate of the cart items [(listing id,
        quantity)] for a cross-border buyer: per line the goods in the
        buyer's currency, who pays the freight under the incoterm (id), the
        import duty and VAT from the dated rates (ACFTA where the
        destination asks a certificate of origin, which the declaration
        then carries), with the rates' dates; None for other buyers"""
        pool = Pool()
        Listing = pool.get('lao.listing')
        terms = Listing.cross_border_terms(user.party if user else None,
            date=date)
        if terms is None or terms.destination is None:
            return None
        incoterm = {i.id: i for i in cls.web_incoterms()}.get(incoterm)
        lines = []
        with without_check_access():
            for cart_line in Listing.price_cart(items):
                if cart_line.listing and cart_line.amount is not None:
                    lines.append(cls._landed_line(
                            terms, cart_line.listing, cart_line.quantity,
                            cart_line.amount))
        totals = {}
        for name in ['goods', 'duty', 'vat', 'total']:
            amounts = [l[name] for l in lines]
            totals[name] = (sum(amounts, Decimal(0))
                if amounts and None not in amounts else None)
        if incoterm is None:
            freight = None
        elif incoterm.carrier == 'seller':
            freight = gettext('lao_crossborder.msg_web_freight_seller',
                incoterm=incoterm.code)
        else:
            freight = gettext('lao_crossborder.msg_web_freight_buyer',
                incoterm=incoterm.code)
        return {
            'currency': terms.currency,
            'destination': terms.destination,
            'date': terms.date,
            'incoterm': incoterm,
            'freight': freight,
            'import_duties_by_seller': bool(
                incoterm and incoterm.import_duties == 'seller'),
            'lines': lines,
            'totals': totals,
            }

    @classmethod
    def _landed_line(cls, terms, listing, quantity, amount):
        "The landed cost of one cart line (see web_landed_cost)"
        pool = Pool()
        Declaration = pool.get('lao.customs.declaration')
        Line = pool.get('lao.customs.declaration.line')
        Uom = pool.get('product.uom')
        ModelData = pool.get('ir.model.data')
        kilogram = Uom(ModelData.get_id('product', 'uom_kilogram'))
        goods = terms.exchange(amount, listing.currency)
        result = {
            'listing': listing, 'quantity': quantity,
            'goods': goods.amount, 'rate_date': goods.rate_date,
            'duty': None, 'vat': None, 'total': None, 'error': goods.error,
            }
        product = listing.product
        tariff_code = product.get_tariff_code({
                'country': terms.destination.id, 'date': terms.date})
        if not tariff_code:
            result['error'] = gettext(
                'lao_crossborder.msg_web_landed_no_hs_code',
                listing=listing.rec_name)
            return result
        if listing.unit.category == kilogram.category:
            net_weight = Uom.compute_qty(
                listing.unit, quantity, kilogram, round=False)
        else:
            net_weight = 0
        declaration = Declaration(
            destination=terms.destination, currency=listing.currency,
            freight=None, insurance=None, documents=[])
        declaration.lines = [Line(
                product=product, hs_code=tariff_code.code, value=amount,
                net_weight=net_weight, description_en=product.name)]
        form_e = any(d.kind == 'certificate_of_origin'
            for d in declaration.required_documents())
        try:
            estimate = declaration.estimate_duties(
                terms.date, regime='acfta' if form_e else 'mfn')
        except (DutyEstimateError, RateError) as error:
            result['error'] = error.message
            return result
        item, = estimate['lines']
        result.update({
                'hs_code': tariff_code.code,
                'regime': estimate['regime'],
                'duty': item['duty'],
                'duty_rate': item['duty_rate'].rate,
                'duty_date': item['duty_rate'].start_date,
                'vat': item['vat'],
                'vat_rate': item['vat_rate'].rate,
                'vat_date': item['vat_rate'].start_date,
                })
        if goods.amount is not None:
            result['total'] = goods.amount + item['duty'] + item['vat']
        return result

    def web_cross_border_journey(self):
        """The customs declarations of the order's shipments, each with its
        current step, the steps taken (label, date, reason) and its railway
        journeys, for the buyer's order page; no vendor user is named"""
        pool = Pool()
        Declaration = pool.get('lao.customs.declaration')
        Booking = pool.get('lao.rail.booking')
        with without_check_access():
            order = self.__class__(self.id)
            shipments = [s.id for sale in order.sales for s in sale.shipments]
            if not shipments:
                return []
            declarations = Declaration.search(
                [('shipment', 'in', shipments)], order=[('id', 'ASC')])
            states = dict(
                Declaration.fields_get(['state'])['state']['selection'])
            result = []
            for declaration in declarations:
                result.append({
                        'vendor': declaration.company.rec_name,
                        'state': declaration.state,
                        'state_string': states.get(
                            declaration.state, declaration.state),
                        'steps': [{'step': step, 'date': date,
                                'reason': reason}
                            for step, _, date, reason
                            in declaration.journey()],
                        'railway': Booking.web_journeys(Booking.search(
                                [('declaration', '=', declaration.id)],
                                order=[('id', 'ASC')])),
                        })
            return result
