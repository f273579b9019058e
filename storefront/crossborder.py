"""The cross-border face of the web shop (lao_crossborder, when it is
activated): a cross-border buyer sees each listing's export readiness for
its destination and its price in its currency, picks an incoterm at the
checkout and sees the landed-cost estimate, and follows the customs steps
and the railway journey on its order page.  The data come from the model
methods; these helpers only ask for them."""
from .extensions import tryton
from .helpers import current_user


def active():
    "Whether lao_crossborder is activated in the shop's database"
    return hasattr(tryton.pool.get('lao.listing'), 'web_cross_border')


def buyer_party():
    user = current_user()
    return user.party if user else None


def listings_view(listings):
    """(terms, {listing id: ListingExport}) for a cross-border buyer, else
    None"""
    if not active():
        return None
    return tryton.pool.get('lao.listing').web_cross_border(
        buyer_party(), listings)


def incoterm_choices():
    "The incoterms offered, as form choices; [] without lao_crossborder"
    if not active():
        return []
    Order = tryton.pool.get('lao.marketplace.order')
    return [(i.id, f'{i.code} · {i.name}') for i in Order.web_incoterms()]


def landed_cost(items, incoterm):
    "The landed-cost estimate of the cart for a cross-border buyer, or None"
    if not active():
        return None
    Order = tryton.pool.get('lao.marketplace.order')
    return Order.web_landed_cost(current_user(), items, incoterm)


def checkout_values(form):
    "The keyword arguments of web_place for the incoterm of the form"
    if not active():
        return {}
    return {
        'incoterm': form.incoterm.data,
        'incoterm_location': form.incoterm_location.data,
        }


def order_journey(order):
    "The customs steps and railway journeys of the order, or None"
    if not active():
        return None
    return order.web_cross_border_journey()
