"""The languages of the site: the switch, the browser's preference, the
message catalogues found by the site's language codes, and the numbers as
the readers of each language write them."""
import re
import unicodedata
from decimal import Decimal
from functools import cached_property

from babel import support
from babel.numbers import (
    NumberFormatError, format_decimal, get_group_symbol, parse_decimal)
from flask import has_request_context, request, session
from flask_babel import Babel, Domain
from flask_babel import gettext as _

# The one list of the site's languages (the switch, the catalogues, the
# texts of a listing), each named in its own language
LANGUAGES = {
    'lo': 'ລາວ',
    'zh_CN': '中文',
    'en': 'English',
    }
DEFAULT_LANGUAGE = 'en'
# How the readers of each language write numbers, as Babel locales.  The
# first is the site's: it writes the quantities, as the ir.lang of the
# language writes the prices and the models' messages (test_cart.py checks
# that they agree).  The others are other habits of the readers, in which a
# typed number is read too.  CLDR writes Lao numbers 1.000,5; Tryton's Lao
# (glibc's lo_LA) and so the prices of the site write 1,000.5.
NUMBER_LOCALES = {
    'lo': ['en', 'lo'],
    'zh_CN': ['zh_Hans_CN'],
    'en': ['en'],
    }
# The spaces that readers type for a space that groups thousands
SPACES = re.compile('[ \u00a0\u202f]')
NO_BREAKING_SPACE = '\u00a0'


def select_language():
    "The language chosen with the switch, else the browser's preference"
    language = session.get('language')
    if language in LANGUAGES:
        return language
    return request.accept_languages.best_match(
        list(LANGUAGES), default=DEFAULT_LANGUAGE)


def number_locales(language=None):
    "The Babel locales of the numbers of language, the request's by default"
    return NUMBER_LOCALES.get(
        language or select_language(), NUMBER_LOCALES[DEFAULT_LANGUAGE])


class NumberError(ValueError):
    """A text that is no number (readings is empty), or that readers of the
    language read as different numbers (readings)"""

    def __init__(self, text, readings=()):
        super().__init__(text)
        self.text = text
        self.readings = list(readings)


def _read(text, locale):
    "The finite number that text writes in locale, or None"
    group = get_group_symbol(locale)
    if SPACES.fullmatch(group):
        text = SPACES.sub(group, text)
    try:
        number = parse_decimal(text, locale=locale, strict=True)
    except NumberFormatError:
        return None
    return number if number.is_finite() else None


def parse_number(text, locales):
    """The Decimal that text writes for the readers of Babel locales, else
    NumberError

    A text that no locale reads is no number; so is one with its thousands
    misplaced ("1,00").  A text that two locales read as different numbers
    is refused as ambiguous ("1.000" in Lao), unless it is written as the
    site, with the first locale, writes its number: every number the site
    shows is read back as itself."""
    text = text.strip()
    if len(text) > 40:
        raise NumberError(text)
    # Lao (໑໒໓) and other digits as the locales' own
    text = ''.join(str(unicodedata.decimal(c, '')) or c for c in text)
    readings = [_read(text, locale) for locale in locales]
    numbers = sorted({n for n in readings if n is not None})
    own = readings[0]
    if len(numbers) > 1 and own is not None and text in {
            format_number(own, locales[0]),
            format_number(own, locales[0], grouping=False)}:
        return own
    if len(numbers) != 1:
        raise NumberError(text, numbers)
    return numbers[0]


def ambiguous_number(error, locales):
    """The message of a NumberError whose text readers of the locales read
    as different numbers: which they are, written without grouping"""
    first, second = (format_number(n, locales[0], grouping=False)
        for n in error.readings[:2])
    return _('"%(value)s" can mean %(first)s or %(second)s: write the one '
        'you mean without a thousands separator.',
        value=error.text, first=first, second=second)


def format_number(value, locale, grouping=True, digits=None):
    """value (a float, int or Decimal) written in locale with the digits it
    has (rounded to digits), without zero decimals"""
    if digits is not None:
        value = round(value, digits)
    if not isinstance(value, Decimal):
        value = Decimal(repr(value) if isinstance(value, float) else value)
    return format_decimal(value.normalize(), locale=locale,
        decimal_quantization=False, group_separator=grouping)


def _unit_digits(unit):
    return getattr(unit, 'digits', None)


def quantity_format(value, unit=None):
    """The filter writing a quantity for the reader: grouped, without zero
    decimals, with the symbol of unit (a product.uom or a symbol) when
    given: 1,000 kg"""
    if value is None:
        return ''
    text = format_number(
        value, number_locales()[0], digits=_unit_digits(unit))
    if unit is None:
        return text
    return text + NO_BREAKING_SPACE + getattr(unit, 'symbol', unit)


def quantity_value(value, unit=None):
    """The filter writing a quantity in the value of an input: not grouped,
    so that it reads the same for every reader"""
    if value is None:
        return ''
    return format_number(value, number_locales()[0], grouping=False,
        digits=_unit_digits(unit))


class LanguageDomain(Domain):
    """Find the catalogues by the site's language codes

    Babel names simplified Chinese zh_Hans_CN; Tryton and our catalogues
    (translations/zh_CN) call it zh_CN."""

    def get_translations(self):
        if not has_request_context():
            return support.NullTranslations()
        language = select_language()
        key = (language, self.domain[0])
        if key not in self.cache:
            translations = support.Translations()
            for dirname in self.translation_directories:
                loaded = support.Translations.load(
                    dirname, [language], self.domain[0])
                translations.merge(loaded)
                if isinstance(loaded, support.Translations):
                    # merge keeps the empty catalogue's English plural rule:
                    # Lao and Chinese have one form (ngettext)
                    translations.plural = loaded.plural
            self.cache[key] = translations
        return self.cache[key]


class SiteBabel(Babel):
    @cached_property
    def domain_instance(self):
        return LanguageDomain()

    def init_app(self, app, *args, **kwargs):
        super().init_app(app, *args, locale_selector=select_language,
            **kwargs)
        app.add_template_filter(quantity_format, 'quantityformat')
        app.add_template_filter(quantity_value, 'quantityvalue')

        @app.context_processor
        def inject_languages():
            return {
                'languages': LANGUAGES,
                'current_language': select_language(),
                }
