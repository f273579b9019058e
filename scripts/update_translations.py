"""Write each addon's locale/<lang>.po with every translatable string.

Existing translations are kept: the modules are activated with the
languages loaded, Tryton's "Set Translations" collects every string of the
views, fields, selections, messages and reports, then "Export Translations"
writes the catalogue of each module.  New strings come out with an empty
msgstr for a translator to fill.

    .venv/bin/python scripts/update_translations.py [module ...]
"""
import argparse
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LANGUAGES = ['lo', 'zh_CN']


def our_modules():
    addons = os.path.join(ROOT, 'addons')
    return sorted(m for m in os.listdir(addons)
        if os.path.exists(os.path.join(addons, m, 'tryton.cfg')))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('modules', nargs='*', default=our_modules())
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        os.environ['TRYTOND_DATABASE__URI'] = 'sqlite://'
        os.environ['TRYTOND_DATABASE__PATH'] = directory
        database = 'translations'
        open(os.path.join(directory, database + '.sqlite'), 'w').close()
        command = [os.path.join(os.path.dirname(sys.executable),
                'trytond-admin'), '-d', database, '--all',
            '--activate-dependencies', '--email', 'admin@example.com']
        for module in args.modules:
            command += ['-u', module]
        command += ['-l', *LANGUAGES]
        passfile = os.path.join(directory, 'password')
        with open(passfile, 'w') as fp:
            fp.write('translations')
        subprocess.run(command, check=True,
            env={**os.environ, 'TRYTONPASSFILE': passfile},
            stdout=subprocess.DEVNULL)
        export(database, args.modules)


def export(database, modules):
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    Pool.start()
    pool = Pool(database)
    pool.init()
    with Transaction().start(database, 0, readonly=False) as transaction:
        TranslationSet = pool.get('ir.translation.set', type='wizard')
        Translation = pool.get('ir.translation')
        session_id, _, _ = TranslationSet.create()
        TranslationSet.execute(session_id, {}, 'set_')
        TranslationSet.delete(session_id)
        TranslationUpdate = pool.get('ir.translation.update', type='wizard')
        Lang = pool.get('ir.lang')
        for language in LANGUAGES:
            lang, = Lang.search([('code', '=', language)])
            session_id, _, _ = TranslationUpdate.create()
            TranslationUpdate.execute(session_id, {
                    'start': {'language': lang.id}}, 'update')
            TranslationUpdate.delete(session_id)
        for module in modules:
            locale = os.path.join(ROOT, 'addons', module, 'locale')
            os.makedirs(locale, exist_ok=True)
            for language in LANGUAGES:
                content = Translation.translation_export(language, module)
                with open(os.path.join(locale, f'{language}.po'), 'wb') as fp:
                    fp.write(content)
                print(f'{module}/locale/{language}.po')
        transaction.rollback()


if __name__ == '__main__':
    main()
