"""The languages of the site: the switch, the browser's preference, and
the message catalogues found by the site's language codes."""
from functools import cached_property

from babel import support
from flask import has_request_context, request, session
from flask_babel import Babel, Domain

# The one list of the site's languages (the switch, the catalogues, the
# texts of a listing), each named in its own language
LANGUAGES = {
    'lo': 'ລາວ',
    'zh_CN': '中文',
    'en': 'English',
    }
DEFAULT_LANGUAGE = 'en'


def select_language():
    "The language chosen with the switch, else the browser's preference"
    language = session.get('language')
    if language in LANGUAGES:
        return language
    return request.accept_languages.best_match(
        list(LANGUAGES), default=DEFAULT_LANGUAGE)


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
                translations.merge(support.Translations.load(
                        dirname, [language], self.domain[0]))
            self.cache[key] = translations
        return self.cache[key]


class SiteBabel(Babel):
    @cached_property
    def domain_instance(self):
        return LanguageDomain()

    def init_app(self, app, *args, **kwargs):
        super().init_app(app, *args, locale_selector=select_language,
            **kwargs)

        @app.context_processor
        def inject_languages():
            return {
                'languages': LANGUAGES,
                'current_language': select_language(),
                }
