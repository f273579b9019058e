from sql import Null

from trytond import backend
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction


class Listing(metaclass=PoolMeta):
    __name__ = 'lao.listing'

    @classmethod
    def catalogue_domain(cls, min_grade=None, **filters):
        """min_grade keeps the listings of vendors whose grade is as good as
        it or better, in one condition on the profiles' table"""
        domain = super().catalogue_domain(**filters)
        if min_grade:
            Profile = Pool().get('lao.credit.profile')
            profile = Profile.__table__()
            codes = Profile.grades_at_least(min_grade) or []
            domain.append(('company', 'in', profile.select(profile.vendor,
                        where=profile.grade.in_(codes or [None])
                        & (profile.vendor != Null))))
        return domain

    @classmethod
    def catalogue_grades(cls, cards):
        """The grade of the vendor of each card: {listing id: (grade, score,
        little history)}, read with one query per slice of cards"""
        Profile = Pool().get('lao.credit.profile')
        table = cls.__table__()
        profile = Profile.__table__()
        cursor = Transaction().connection.cursor()
        grades = {}
        for sub_ids in grouped_slice(
                [c.id for c in cards], backend.MAX_QUERY_PARAMS):
            cursor.execute(*table.join(profile,
                    condition=profile.vendor == table.company
                    ).select(table.id, profile.grade, profile.score,
                    profile.little_history,
                    where=reduce_ids(table.id, sub_ids)))
            for id_, grade, score, little in cursor:
                grades[id_] = (grade, score, bool(little))
        return grades
