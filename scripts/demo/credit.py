"""Credit demo data: every vendor's and buyer's profile computed, a vendor
rated by its buyer, the vendor's appeal of a rating decided, a warning in
force, and the Vientiane buyer refused a new order on credit (by bank
transfer) while it owes its delivered ones (the explanation the checkout
gives is printed with its log-in).

Run by load.py inside its transaction after the marketplace, through the
model methods the users' buttons call: the buyer rates its delivered
sales, the vendor's manager contests, a reviewer proposes the warning and another
one decides, as the four-eyes rule of lao.decision requires.
"""
from decimal import Decimal

from .marketplace import BUYERS
from .tryton import acting_as


def load(applications, operator, reviewers):
    """Compute the profiles and create the ratings, appeal and sanction;
    return the log-in of the buyer blocked by its credit limit"""
    from trytond.pool import Pool
    pool = Pool()
    Application = pool.get('lao.vendor.application')
    Profile = pool.get('lao.credit.profile')
    Rating = pool.get('lao.credit.rating')
    Appeal = pool.get('lao.credit.appeal')
    Sanction = pool.get('lao.credit.sanction')
    Sale = pool.get('sale.sale')
    WebUser = pool.get('web.user')
    proposer, decider = reviewers
    current = [a for a in Application.browse(applications) if a.company]
    buyer = BUYERS[0]
    user, = WebUser.search([('email', '=', buyer.email)])
    party = user.party
    delivered = Sale.search([
            ('party', '=', party.id),
            ('shipment_state', '=', 'sent'),
            ], order=[('id', 'ASC')])
    logins = []
    if delivered:
        # What the storefront's rating form calls for its web user's party
        ratings = [Rating.rate(party, s, r, c)
            for s, (r, c) in zip(delivered, [
                    (2, "The beans came two weeks late."),
                    (5, "Clean, dry and well packed."),
                    ])]
        # The vendor contests the late one: the buyer had moved the date
        first = ratings[0]
        manager, = [a.manager for a in current
            if a.company.party == first.vendor]
        with acting_as(manager):
            appeal = Appeal.contest(first.vendor, Rating(first.id),
                "The buyer asked us to hold the shipment for two weeks; "
                "its e-mail of the 3rd is attached to the order.")
        with acting_as(operator):
            Appeal.accept([Appeal(appeal.id)])
    # A warning in force on the last trading vendor
    warned = current[-1].company.party
    with acting_as(proposer):
        sanction, = Sanction.create([{
                    'party': warned.id,
                    'kind': 'warning',
                    'reason': "Listed 12% moisture; the reviewer's sample "
                    "measured 15%.",
                    }])
        Sanction.submit([sanction])
    with acting_as(decider):
        Sanction.approve([Sanction(sanction.id)])
    # The nightly recompute, now
    Profile.recompute_all()
    logins += blocked_buyer(buyer, party, delivered)
    return logins


def blocked_buyer(buyer, party, sales):
    """The explanation of the refusal of one more order like its first
    delivered one, paid by bank transfer (on credit), as its confirmation
    would give it"""
    from trytond.exceptions import UserError
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    if not sales:
        return []
    pool = Pool()
    Party = pool.get('party.party')
    Sale = pool.get('sale.sale')
    Configuration = pool.get('lao.b2b.configuration')
    sale = sales[0]
    term, _ = Configuration(1).payment_terms('bank_transfer')
    order = Sale(party=party, company=sale.company, payment_term=term)
    try:
        # The receivable counted is the one in the vendor's company
        with Transaction().set_context(company=sale.company.id):
            Party(party.id).check_credit_limit(
                sale.total_amount or Decimal(0), sale.company, origin=order)
    except UserError as error:
        return [("storefront buyer blocked by its credit limit",
                buyer.email, buyer.password, error.message)]
    return []
