"""Every string of the storefront is translated into Lao and Chinese."""
import os
import re

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
PLACEHOLDER = re.compile(r'%\(\w+\)[sd]')
TRANSLATIONS = os.path.join(ROOT, 'storefront', 'translations')


def _source_strings():
    keywords = dict(DEFAULT_KEYWORDS, _l=None, lazy_gettext=None)
    method_map = [
        ('tests/**', 'ignore'),
        ('**.py', 'python'),
        ('templates/**.html', 'jinja2'),
        ]
    strings = set()
    for _, _, message, _, _ in extract_from_dir(
            os.path.join(ROOT, 'storefront'), method_map,
            keywords=keywords):
        strings.add(message[0] if isinstance(message, tuple) else message)
    return strings


@pytest.mark.parametrize('language', ['lo', 'zh_CN'])
def test_catalogue_complete(language):
    path = os.path.join(
        TRANSLATIONS, language, 'LC_MESSAGES', 'messages.po')
    with open(path, 'rb') as file:
        catalog = read_po(file)
    # A plural entry (ngettext) by its singular, translated when every
    # form of the language is
    translated = {}
    for m in catalog:
        forms = (m.string,) if isinstance(m.string, str) else m.string
        if m.id and all(forms) and forms and not m.fuzzy:
            msgid = m.id[0] if isinstance(m.id, tuple) else m.id
            translated[msgid] = forms[0]
    strings = _source_strings()
    assert len(strings) > 50
    missing = sorted(strings - set(translated))
    assert not missing, missing
    for msgid, msgstr in translated.items():
        assert (sorted(PLACEHOLDER.findall(msgid))
            == sorted(PLACEHOLDER.findall(msgstr))), msgid
