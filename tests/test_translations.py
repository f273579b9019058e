"""Every addon ships complete Lao and Chinese catalogues."""
import os
import re

import polib
import pytest
from lxml import etree

ADDONS = os.path.join(os.path.dirname(__file__), '..', 'addons')
MODULES = sorted(
    name for name in os.listdir(ADDONS)
    if os.path.exists(os.path.join(ADDONS, name, 'tryton.cfg')))
LANGUAGES = ['lo', 'zh_CN']
PLACEHOLDER = re.compile(r'%\(\w+\)s|%s')


def catalogue(module, language):
    """The entries of the module's catalogues of the language: its own
    (locale/) and those overriding other modules' (locale/override/)"""
    entries = []
    for folder in ['locale', os.path.join('locale', 'override')]:
        path = os.path.join(ADDONS, module, folder, f'{language}.po')
        if os.path.exists(path) or folder == 'locale' and has_messages(module):
            entries.extend(polib.pofile(path))
    return entries


def has_messages(module):
    return os.path.exists(os.path.join(ADDONS, module, 'message.xml'))


@pytest.mark.parametrize('language', LANGUAGES)
@pytest.mark.parametrize('module', MODULES)
def test_catalogue_complete(module, language):
    "No string left untranslated, guessed (fuzzy) or with other placeholders"
    problems = []
    for entry in catalogue(module, language):
        if not entry.msgid:
            continue
        # a plural entry keeps its text in msgstr_plural
        text = entry.msgstr or entry.msgstr_plural.get(0)
        if not text or 'fuzzy' in entry.flags:
            problems.append(f'untranslated: {entry.msgctxt}')
        elif (sorted(PLACEHOLDER.findall(entry.msgid))
                != sorted(PLACEHOLDER.findall(text))):
            problems.append(f'placeholders differ: {entry.msgctxt}')
    assert not problems, '\n'.join(problems)


@pytest.mark.parametrize('language', LANGUAGES)
@pytest.mark.parametrize('module', MODULES)
def test_catalogue_has_every_message(module, language):
    "Every error message of message.xml files is in the catalogue"
    contexts = {entry.msgctxt for entry in catalogue(module, language)}
    missing = []
    directory = os.path.join(ADDONS, module)
    for name in os.listdir(directory):
        if not name.endswith('.xml'):
            continue
        tree = etree.parse(os.path.join(directory, name))
        for record in tree.xpath('//record[@model="ir.message"]'):
            context = f'model:ir.message,text:{record.get("id")}'
            if context not in contexts:
                missing.append(context)
    assert not missing, '\n'.join(missing)
