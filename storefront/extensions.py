"""The Flask extensions of the web shop, bound to an application in
create_app."""
from functools import cached_property

from babel import support
from flask import has_request_context
from flask_babel import Babel, Domain
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_tryton import Tryton
from flask_wtf.csrf import CSRFProtect


class LanguageDomain(Domain):
    """Find the catalogues by the site's language codes

    Babel names simplified Chinese zh_Hans_CN; Tryton and our catalogues
    (translations/zh_CN) call it zh_CN."""

    def get_translations(self):
        from . import select_language
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


tryton = Tryton(configure_jinja=True)
babel = SiteBabel()
csrf = CSRFProtect()
limiter = Limiter(
    key_func=get_remote_address, storage_uri='memory://',
    default_limits=[])
