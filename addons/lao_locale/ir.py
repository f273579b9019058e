# This file is part of the Lao rural e-commerce platform.
import polib

from trytond.pool import Pool, PoolMeta


class Translation(metaclass=PoolMeta):
    __name__ = 'ir.translation'

    @classmethod
    def translation_import(cls, lang, module, po_path):
        super().translation_import(lang, module, po_path)
        cls._confirm_overrides(lang, module, po_path)

    @classmethod
    def _confirm_overrides(cls, lang, module, po_path):
        """Unfuzzy the official translations that an override confirms

        Tryton overrides an official translation only when the value
        differs: an official fuzzy entry (never shown) whose text an
        override confirms unchanged would stay fuzzy."""
        ModelData = Pool().get('ir.model.data')
        if isinstance(po_path, str):
            po_path = [po_path]
        to_save = []
        for path in po_path:
            for entry in polib.pofile(path):
                if entry.obsolete or 'fuzzy' in entry.flags:
                    continue
                new, res_id = cls.from_poentry(entry)
                if '.' not in res_id:
                    continue
                res_id_module, fs_id = res_id.split('.')
                if fs_id:
                    res_id = ModelData.get_id(res_id_module, fs_id)
                else:
                    res_id = -1
                domain = [
                    ('name', '=', new.name),
                    ('res_id', '=', res_id),
                    ('lang', '=', lang),
                    ('type', '=', new.type),
                    ('module', '=', res_id_module),
                    ('fuzzy', '=', True),
                    ('value', '=', new.value),
                    ]
                if new.type in {'report', 'view', 'wizard_button', 'selection'}:
                    domain.append(('src', '=', new.src))
                for translation in cls.search(domain):
                    translation.fuzzy = False
                    translation.overriding_module = module
                    to_save.append(translation)
        cls.save(to_save)
