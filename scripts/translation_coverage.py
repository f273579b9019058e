"""How much of each module Tryton really shows in Lao and Chinese.

Counts, in a database, the translations of each module that Tryton serves
(not empty, not fuzzy: ir.translation ignores fuzzy ones) against all the
module's translatable strings, for each language loaded:

    TRYTOND_DATABASE__URI=sqlite:// TRYTOND_DATABASE__PATH=var/db \\
        .venv/bin/python -m scripts.translation_coverage demo [module ...]
"""
import argparse

LANGUAGES = ['lo', 'zh_CN']


def coverage(database, modules=None, languages=LANGUAGES):
    "{(module, language): (served, total)}"
    from sql import Null
    from sql.aggregate import Count, Sum
    from sql.conditionals import Case

    from trytond.pool import Pool
    from trytond.transaction import Transaction

    Pool.start()
    pool = Pool(database)
    pool.init()
    with Transaction().start(database, 0, readonly=True) as transaction:
        Translation = pool.get('ir.translation')
        table = Translation.__table__()
        where = (table.lang.in_(languages) & (table.src != '')
            & (table.module != Null))
        if modules:
            where &= table.module.in_(modules)
        served = (table.value != '') & (table.value != None) & ~table.fuzzy
        cursor = transaction.connection.cursor()
        cursor.execute(*table.select(
                table.module, table.lang,
                Sum(Case((served, 1), else_=0)), Count(table.id),
                where=where, group_by=[table.module, table.lang]))
        return {(m, l): (s, t) for m, l, s, t in cursor}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('database')
    parser.add_argument('modules', nargs='*')
    args = parser.parse_args()
    figures = coverage(args.database, args.modules)
    modules = sorted({m for m, _ in figures})
    print(f"{'module':<24}" + ''.join(f'{l:>20}' for l in LANGUAGES))
    for module in modules:
        cells = []
        for language in LANGUAGES:
            served, total = figures.get((module, language), (0, 0))
            share = f'{served / total:.0%}' if total else '-'
            cells.append(f'{served:>6}/{total:<6} {share:>5}')
        print(f'{module:<24}' + ''.join(f'{c:>20}' for c in cells))


if __name__ == '__main__':
    main()
