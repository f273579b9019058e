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


# The back office in Lao and Chinese: what each role can reach, checked in
# the translations Tryton serves (ir.translation, fuzzy ones excluded), not
# in the files.
COVERED_MODULES = MODULES
ROLES = {
    'vendor_manager': None,  # lao_b2b.user.VENDOR_MANAGER_GROUPS
    'reviewer': [('lao_b2b', 'group_government_reviewer')],
    'operator': [
        ('lao_b2b', 'group_platform_operator'),
        ('company', 'group_employee_admin'),
        ('party', 'group_party_admin')],
    }
# Attributes of view elements that Tryton translates (ir/translation.py)
VIEW_ATTRIBUTES = ['string', 'confirm', 'help', 'sum']
LETTERS = re.compile(r'[^\W\d_]{2,}')
SERVED_PLACEHOLDER = re.compile(r'%\(\w+\)[sdif]|%[sdif]|\{\w*\}|\$\{\w+\}')


@pytest.fixture(scope='module')
def translated_database():
    """A database with our modules and the official ones they use, Lao and
    Chinese loaded; cached by DB_CACHE like the module activations"""
    from trytond.pool import Pool
    from trytond.tests.test_tryton import (
        DB_NAME, activate_module, backup_db_cache, db_exist,
        restore_db_cache)
    from trytond.transaction import Transaction

    name = '-'.join(COVERED_MODULES) + '--' + '-'.join(LANGUAGES)
    if db_exist(DB_NAME) or not restore_db_cache(name):
        activate_module(COVERED_MODULES)
        with Transaction().start(DB_NAME, 0) as transaction:
            Lang = Pool().get('ir.lang')
            languages = Lang.search([
                    ('code', 'in', LANGUAGES),
                    ('translatable', '=', False),
                    ])
            if languages:
                Lang.load_translations(languages)
                transaction.commit()
        backup_db_cache(name)
    return DB_NAME


def role_groups(role):
    from trytond.modules.lao_b2b.user import VENDOR_MANAGER_GROUPS
    return ROLES[role] or VENDOR_MANAGER_GROUPS


class Reach:
    "What the menus of a user open: menus, actions, models, their views"

    def __init__(self, pool, user):
        from trytond.transaction import Transaction
        self.pool = pool
        Menu = pool.get('ir.ui.menu')
        with Transaction().set_user(user.id), \
                Transaction().set_context(_check_access=True):
            self.menus = Menu.search([])
        self.actions = set()
        self.models = set()
        for menu in self.menus:
            action = menu.action
            if action and action.__name__ == 'ir.action.act_window':
                self.actions.add(action)
                if action.res_model:
                    self.models.add(action.res_model)
            elif action:
                self.actions.add(action)
        self.views = {}
        self.fields = {}
        to_visit = list(self.models)
        depth = {m: 0 for m in to_visit}
        while to_visit:
            model = to_visit.pop()
            views, names = self.model_views(model)
            self.views[model] = views
            self.fields[model] = names
            if depth[model] >= 1:
                continue
            Model = pool.get(model)
            for name in names:
                field = Model._fields.get(name)
                target = getattr(field, 'model_name', None)
                if (field is not None
                        and field._type in {'one2many', 'many2many'}
                        and target and target not in depth):
                    depth[target] = depth[model] + 1
                    self.models.add(target)
                    to_visit.append(target)

    def model_views(self, model):
        "The views of the model and the names of the fields they show"
        from lxml import etree
        View = self.pool.get('ir.ui.view')
        views = View.search([('model', '=', model)])
        names = set()
        for view in views:
            arch = etree.fromstring(view.arch)
            names.update(
                e.get('name') for e in arch.iter('field', 'label')
                if e.get('name'))
        Model = self.pool.get(model)
        return views, {n for n in names if n in Model._fields}


def served_problems(pool, reach, language):
    """The strings of reach that Tryton does not serve in language (no
    translation, an empty or a fuzzy one) or serves with other
    placeholders"""
    from lxml import etree

    from trytond.tools.string_ import LazyString, StringPartitioned
    Translation = pool.get('ir.translation')
    ModelData = pool.get('ir.model.data')
    Message = pool.get('ir.message')
    Button = pool.get('ir.model.button')
    Keyword = pool.get('ir.action.keyword')
    Domain = pool.get('ir.action.act_window.domain')

    sources = {}  # (name, type, language, source) -> English text
    lazy = set()  # the messages that are the text of a field

    def text(name, type_, value):
        "A field's string or help: a message, or a text translated by name"
        parts = list(value) if isinstance(value, StringPartitioned) else [
            value]
        messages = [p._args[0] for p in parts if isinstance(p, LazyString)]
        if messages:
            lazy.update(messages)
        elif value:
            sources[(name, type_, language, None)] = str(value)

    def source(name, type_, text):
        if text and LETTERS.search(str(text)):
            sources[(name, type_, language, str(text))] = str(text)

    for model in sorted(reach.models):
        Model = pool.get(model)
        sources[(f'{model},string', 'model', language, None)] = (
            Model.__string__)
        for name in reach.fields[model]:
            field = Model._fields[name]
            key = f'{model},{name}'
            text(key, 'field', field.string)
            text(key, 'help', field.help)
            selection = getattr(field, 'selection', None)
            if isinstance(selection, (list, tuple)):
                for value, label in selection:
                    # a label that is its value (a time zone) is a name
                    if label != value:
                        source(key, 'selection', label)
        for view in reach.views[model]:
            for element in etree.fromstring(view.arch).iter():
                for attribute in VIEW_ATTRIBUTES:
                    source(model, 'view', element.get(attribute))
    served = Translation.get_sources(list(sources))
    problems = []
    for key, english in sources.items():
        check(problems, f'{key[1]} {key[0]}', english, served[key])

    records = [
        ('ir.ui.menu,name', reach.menus),
        ('ir.action,name', [a.action for a in reach.actions]),
        ('ir.action.act_window.domain,name', Domain.search([
                    ('act_window', 'in', [
                            a.id for a in reach.actions
                            if a.__name__ == 'ir.action.act_window']),
                    ])),
        ('ir.action,name', [k.action for k in Keyword.search([
                        ('model', 'in', [f'{m},-1' for m in reach.models]),
                        ])]),
        ]
    buttons = Button.search([('model.name', 'in', list(reach.models))])
    records += [
        ('ir.model.button,string', buttons),
        ('ir.model.button,help', [b for b in buttons if b.help]),
        ('ir.model.button,confirm', [b for b in buttons if b.confirm]),
        ]
    modules = {'ir', 'res'} | {d.module for d in ModelData.search([
                ('model', '=', 'ir.ui.menu'),
                ('db_id', 'in', [m.id for m in reach.menus]),
                ])}
    messages = Message.search([('id', 'in', [d.db_id for d in ModelData.search([
                            ('model', '=', 'ir.message'),
                            ('module', 'in', list(modules)),
                            ])])])
    messages += [Message(ModelData.get_id(*m.split('.', 1))) for m in lazy]
    records.append(('ir.message,text', messages))
    for name, instances in records:
        field = name.split(',')[1]
        instances = {i.id: i for i in instances}
        values = Translation.get_ids(name, 'model', language, list(instances))
        for id_, instance in instances.items():
            english = getattr(instance, field)
            if english and LETTERS.search(english):
                check(problems, f'{name} {id_}', english, values.get(id_))
    return problems


# Words written the same in every language: a translation may keep them
SAME_IN_EVERY_LANGUAGE = {
    'SSCC': "GS1's Serial Shipping Container Code, printed on the labels",
    'GTIN': "GS1's Global Trade Item Number, printed under the bar codes",
    'ID': "the identifier of a record, written so in Lao and Chinese software",
    'XML': "the format's name (the XML ID of a record)",
    'URL': "a web address, written so in Lao and Chinese software",
    'SIP': "the name of the Internet telephony protocol",
    'IRC': "the name of the chat protocol",
    'Jabber': "a brand name (the XMPP chat service)",
    'Skype': "a brand name",
    'Incoterm': "the ICC's registered name of the trade terms (Incoterms®), "
        "written beside the Lao word as Lao traders know it",
    'Incoterms': "the same",
    }
ENGLISH_WORD = re.compile(r'[A-Za-z]{2,}')


def english_words(text):
    "The English words of text, but for those the same in every language"
    return [w for w in ENGLISH_WORD.findall(text)
        if w not in SAME_IN_EVERY_LANGUAGE]


def check(problems, what, english, served):
    if not served:
        problems.append(f'{what}: {english!r}')
    elif served == english and english_words(english):
        # the official catalogue's copy of the English text
        problems.append(f'{what}: in English {english!r}')
    elif (sorted(SERVED_PLACEHOLDER.findall(english))
            != sorted(SERVED_PLACEHOLDER.findall(served))):
        problems.append(f'{what}: placeholders of {served!r}')


@pytest.mark.parametrize('language', LANGUAGES)
@pytest.mark.parametrize('role', list(ROLES))
def test_back_office_served(translated_database, role, language):
    """Every string of what a role reaches in the back office is served in
    Lao and in Chinese"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    with Transaction().start(translated_database, 0) as transaction:
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        user = User(login=f'coverage-{role}', name=role, groups=[
                ModelData.get_id(m, g) for m, g in role_groups(role)])
        user.save()
        reach = Reach(pool, user)
        assert reach.menus and reach.models
        problems = served_problems(pool, reach, language)
        transaction.rollback()
    assert not problems, (f'{len(problems)} strings not served:\n'
        + '\n'.join(sorted(problems)[:300]))


# The reports that web_user renders into the e-mails of the shop's users
WEB_USER_EMAILS = {
    'validation': 'web.user.email_validation',
    'reset': 'web.user.email_reset_password',
    }


def html_part(message):
    for part in message.walk():
        if part.get_content_type() == 'text/html':
            return part.get_content()


@pytest.mark.parametrize('language', LANGUAGES)
@pytest.mark.parametrize('kind', list(WEB_USER_EMAILS))
def test_web_user_email_served(translated_database, kind, language):
    """The validation and reset e-mails are written in the language of the
    visitor who asked for them, though Tryton's queue runs their task
    without the language of the request"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    with Transaction().start(translated_database, 0) as transaction:
        pool = Pool()
        WebUser = pool.get('web.user')
        Email = pool.get('web.user.email')
        Translation = pool.get('ir.translation')
        user = WebUser(email=f'{kind}-{language}@example.com')
        user.save()
        with Transaction().set_context(language=language):
            if kind == 'validation':
                WebUser.validate_email([user])
            else:
                WebUser.reset_password([user])
            served = {(t.src, t.value if not t.fuzzy else None)
                for t in Translation.search([
                        ('lang', '=', language),
                        ('type', '=', 'report'),
                        ('name', '=', WEB_USER_EMAILS[kind]),
                        ])}
        transaction.tasks.clear()
        mail, = Email.search([('web_user', '=', user.id)])
        assert Transaction().language == 'en'
        message = mail._message()
        body = html_part(message)
        transaction.rollback()

    problems = []
    texts = {}
    for english, text in served:
        if LETTERS.search(SERVED_PLACEHOLDER.sub('', english)):
            check(problems, f'report {english!r}', english, text)
            texts[english] = text
    assert not problems, '\n'.join(problems)
    title = 'Email Validation' if kind == 'validation' else 'Reset Password'
    assert message['Subject'] == texts[title]
    for english, text in texts.items():
        if '[' not in english:  # the sentences with markup are split
            assert text in body
            assert english not in body
