"""The platform: its company, the operator and the government reviewers,
and their log-ins."""
from dataclasses import dataclass, field

from .tryton import group_ids

PLATFORM_NAME = "Lao Rural E-Commerce Platform"
TIMEZONE = 'Asia/Vientiane'
ADMIN_PASSWORD = 'demo-admin-2026'


@dataclass
class DemoUser:
    login: str
    name: str
    role: str
    password: str
    groups: list = field(default_factory=list)
    # The XML id in ir of the language the user works in
    language: str = 'lang_lo'


OPERATOR = DemoUser(
    'operator', "Somphone Vongsa", "platform operator", 'demo-operator-2026',
    [('lao_b2b', 'group_platform_operator'),
        ('company', 'group_employee_admin'),
        ('party', 'group_party_admin')])


REVIEWERS = [
    DemoUser(
        'reviewer1', "Khamla Phommachanh (MOIC)", "government reviewer",
        'demo-reviewer1-2026', [('lao_b2b', 'group_government_reviewer')]),
    DemoUser(
        'reviewer2', "Bounmy Sisavath (MOIC)", "government reviewer",
        'demo-reviewer2-2026', [('lao_b2b', 'group_government_reviewer')]),
    ]


def create_platform():
    """The operator's company, with its books, invoicing the marketplace
    commissions"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Party = pool.get('party.party')
    Company = pool.get('company.company')
    Currency = pool.get('currency.currency')
    Subdivision = pool.get('country.subdivision')
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    ConfigItem = pool.get('ir.module.config_wizard.item')

    lak, = Currency.search([('code', '=', 'LAK')])
    vientiane, = Subdivision.search([('code', '=', 'LA-VT')])
    party = Party(
        name=PLATFORM_NAME,
        addresses=[{
                'street': "Lane Xang Avenue",
                'city': "Chanthabouly",
                'country': vientiane.country.id,
                'subdivision': vientiane.id,
                }])
    party.save()
    company = Company(party=party, currency=lak, timezone=TIMEZONE)
    company.save()
    with Transaction().set_context(company=company.id):
        company.provision_books()
    pool.get('lao.commission.configuration').set_platform(company)
    admin = User(ModelData.get_id('res', 'user_admin'))
    admin.companies = [company]
    admin.company = company
    admin.save()
    # The module configuration wizard's steps are what this loader does
    ConfigItem.write(ConfigItem.search([('state', '=', 'open')]), {
            'state': 'done',
            })
    return company


def user_language(xml_id):
    "The language of ir with xml_id, if loaded (res.user refuses others)"
    from trytond.pool import Pool
    pool = Pool()
    Lang = pool.get('ir.lang')
    lang = Lang(pool.get('ir.model.data').get_id('ir', xml_id))
    return lang.id if lang.translatable else None


def create_users(platform):
    "The operator and the reviewers, with their demo passwords"
    from trytond.pool import Pool
    pool = Pool()
    User = pool.get('res.user')
    Employee = pool.get('company.employee')
    Party = pool.get('party.party')

    party = Party(name=OPERATOR.name)
    party.save()
    employee = Employee(company=platform, party=party)
    employee.save()
    operator = User(
        login=OPERATOR.login, name=OPERATOR.name,
        password=OPERATOR.password,
        language=user_language(OPERATOR.language),
        email=f'{OPERATOR.login}@lao-ecommerce.example',
        groups=group_ids(OPERATOR.groups),
        companies=[platform], company=platform,
        employees=[employee], employee=employee)
    reviewers = [User(
            login=r.login, name=r.name, password=r.password,
            language=user_language(r.language),
            email=f'{r.login}@moic.example',
            groups=group_ids(r.groups),
            companies=[], company=None)
        for r in REVIEWERS]
    User.save([operator] + reviewers)
    return operator, reviewers


def logins():
    "The log-ins of the administrator, the operator and the reviewers"
    return ([("administrator", 'admin', ADMIN_PASSWORD, ""),
            (OPERATOR.role, OPERATOR.login, OPERATOR.password,
                PLATFORM_NAME)]
        + [(r.role, r.login, r.password, "") for r in REVIEWERS])
