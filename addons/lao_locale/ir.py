# This file is part of the Lao rural e-commerce platform.
import os

import polib

from trytond.modules import get_module_info
from trytond.pool import Pool, PoolMeta

# The translation types whose key includes their source text
# (ir.translation.unique_key)
_KEYED_BY_SOURCE = {'report', 'view', 'wizard_button', 'selection'}


class Translation(metaclass=PoolMeta):
    __name__ = 'ir.translation'

    @classmethod
    def translation_import(cls, lang, module, po_path):
        super().translation_import(lang, module, po_path)
        if module == 'lao_locale':
            # and those of our modules whose catalogues override official
            # entries and were imported before this class was in the pool
            for other, paths in cls._our_catalogues(lang):
                cls.serve_unchanged_overrides(lang, other, paths)
        if module.startswith('lao_'):
            cls.serve_unchanged_overrides(lang, module, po_path)

    @classmethod
    def _our_catalogues(cls, lang):
        "(module, its catalogues of lang) of our other activated modules"
        Module = Pool().get('ir.module')
        for module in Module.search([
                    ('name', 'like', 'lao_%'),
                    ('name', '!=', 'lao_locale'),
                    ('state', '!=', 'not activated'),
                    ]):
            locale = os.path.join(
                get_module_info(module.name)['directory'], 'locale')
            paths = [p for p in [
                    os.path.join(locale, f'{lang}.po'),
                    os.path.join(locale, 'override', f'{lang}.po')]
                if os.path.exists(p)]
            if paths:
                yield module.name, paths

    @classmethod
    def serve_unchanged_overrides(cls, lang, module, po_path):
        """Serve the official fuzzy entries whose text is already ours.

        Tryton overrides a translation only when the text changes
        (override_translation in ir/translation.py), so an official entry
        marked fuzzy that already reads as our translation would stay fuzzy,
        and Tryton never serves a fuzzy translation."""
        ModelData = Pool().get('ir.model.data')
        if isinstance(po_path, str):
            po_path = [po_path]
        ours = {}
        for path in po_path:
            for entry in polib.pofile(path):
                if entry.obsolete or 'fuzzy' in entry.flags:
                    continue
                translation, res_id = cls.from_poentry(entry)
                if '.' not in res_id:
                    continue
                res_module, fs_id = res_id.split('.', 1)
                ours[cls._override_key(
                        res_module, fs_id, translation.type,
                        translation.name, translation.src)] = (
                    translation.value)
        if not ours:
            return
        modules = sorted({key[0] for key in ours})
        fs_ids = {}
        for data in ModelData.search([('module', 'in', modules)]):
            # as translation_import does: actions are translated on ir.action
            for model in [data.model, *cls.extra_model_data(data)]:
                fs_ids[data.module, model, data.db_id] = data.fs_id
        to_serve = []
        for translation in cls.search([
                    ('lang', '=', lang),
                    ('module', 'in', modules),
                    ('fuzzy', '=', True),
                    ]):
            if translation.res_id == -1:
                fs_id = ''
            else:
                fs_id = fs_ids.get((
                        translation.module,
                        translation.name.split(',')[0],
                        translation.res_id))
                if fs_id is None:
                    continue
            key = cls._override_key(
                translation.module, fs_id, translation.type,
                translation.name, translation.src)
            if key in ours and ours[key] == translation.value:
                to_serve.append(translation)
        if to_serve:
            cls.write(to_serve, {
                    'fuzzy': False,
                    'overriding_module': module,
                    })

    @staticmethod
    def _override_key(module, fs_id, type_, name, src):
        return (
            module, fs_id, type_, name,
            src if type_ in _KEYED_BY_SOURCE else None)
