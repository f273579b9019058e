from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta

from .exceptions import CreditLimitError


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    @classmethod
    def recompute_credit(cls, parties):
        "Recompute the credit profiles of the parties (run by the queue)"
        Pool().get('lao.credit.profile').recompute(
            sorted({p.id for p in parties}))

    def check_credit_limit(self, amount, company, origin=None):
        """Refuse what would take the buyer's exposure over the limit its
        credit profile gives, saying the limit, the exposure and why"""
        pool = Pool()
        Profile = pool.get('lao.credit.profile')
        Lang = pool.get('ir.lang')
        limit, reason = Profile.credit_limit(self)
        if (limit is not None and amount > 0
                and (origin is None or _deferred(origin))):
            exposure = self.credit_amount + amount
            if exposure > limit:
                lang = Lang.get()
                raise CreditLimitError(gettext(
                        'lao_credit.msg_credit_limit_exceeded',
                        party=self.rec_name,
                        limit=lang.currency(
                            limit, company.currency, grouping=True),
                        exposure=lang.currency(
                            exposure, company.currency, grouping=True),
                        amount=lang.currency(
                            amount, company.currency, grouping=True),
                        reason=reason))
        super().check_credit_limit(amount, company, origin=origin)


def _deferred(origin):
    """Whether the origin (a sale) is paid after dispatch: credit is only
    at stake when its payment term gives time to pay"""
    term = getattr(origin, 'payment_term', None)
    return bool(term) and any(
        d.months or d.weeks or d.days
        for line in term.lines for d in line.relativedeltas)
