"""Demo data of the Lao rural marketplace, created through the Tryton ORM.

Everything goes through model methods as the users themselves would run
them: the platform operator creates and submits the vendor applications,
a government reviewer checks the documents and approves, which provisions
each vendor's company and manager; another reviewer rejects or suspends
with a written reason through the reason wizard.  Nothing is inserted with
SQL.  The vendors then list their goods, buyers sign up on the storefront
and order, and requests for quotation and board posts follow
(scripts/demo_marketplace.py).

    python -m scripts.demo_data NAME [-c CONFIG ...] [--small]

loads the data into the database NAME (modules already activated) and
prints the demo log-ins as JSON.  The passwords are demo passwords, known
to everyone who reads this file: never load this into a real database.
"""
import argparse
import contextlib
import json
import logging
import sys
from dataclasses import dataclass, field

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


@dataclass
class Vendor:
    "A vendor application and the state the demo brings it to"
    name: str
    name_lao: str
    vendor_type: str
    province: str
    district: str
    village: str
    phone: str
    email: str
    registration_number: str
    commodities: str
    state: str
    licence_required: bool = False
    reason: str = None
    # The documents the reviewer has checked (all when the state needs it)
    checked: bool = True
    manager_password: str = None
    # Documents the vendor has not filed yet
    missing: tuple = ()
    # The VAT number of a vendor registered for VAT
    vat_number: str = None


VENDORS = [
    Vendor(
        "Paksong Highland Coffee Processing Co., Ltd.",
        "ບໍລິສັດ ປຸງແຕ່ງກາເຟ ທີ່ລາບສູງປາກຊ່ອງ", 'company', 'LA-CH',
        "Pakse", "Ban Phonsaath", "+856 31 212 345",
        'sales@paksong-coffee.example', "CH-ERC-0123/2019",
        "Arabica and robusta green bean, roasted coffee (Bolaven Plateau)",
        'approved', licence_required=True,
        manager_password='demo-coffee-2026', vat_number='0123456789-000'),
    Vendor(
        "Luang Prabang Organic Rice Cooperative",
        "ສະຫະກອນ ເຂົ້າອິນຊີ ຫຼວງພະບາງ", 'cooperative', 'LA-LP',
        "Luang Prabang", "Ban Xang Hai", "+856 71 254 100",
        'coop@lp-rice.example', "LP-COOP-0456/2020",
        "Sticky rice, organic jasmine rice, purple rice",
        'approved', manager_password='demo-rice-2026'),
    Vendor(
        "Phonhong Cassava Flour Mill",
        "ໂຮງງານ ແປ້ງມັນຕົ້ນ ໂພນໂຮງ", 'company', 'LA-VI',
        "Phonhong", "Ban Nalao", "+856 23 431 077",
        'office@phonhong-cassava.example', "VI-ERC-0789/2018",
        "Cassava flour, cassava starch, dried cassava chips",
        'approved', licence_required=True,
        manager_password='demo-cassava-2026'),
    Vendor(
        "Namtha Rubber Smallholders Group",
        "ກຸ່ມ ຊາວສວນຢາງພາລາ ນ້ຳທາ", 'farmer_group', 'LA-LM',
        "Sing", "Ban Namdeng", "+856 86 312 555",
        'group@namtha-rubber.example', "LM-FG-0042/2021",
        "Natural rubber cup lumps and sheets",
        'suspended', licence_required=True,
        reason="The business licence for rubber trading expired and no "
        "renewal was filed with the provincial Industry and Commerce "
        "office; the vendor stays suspended until the renewal is shown.",
        manager_password='demo-rubber-2026'),
    Vendor(
        "Bokeo Banana Grower (Mr. Chanthavong)",
        "ສວນກ້ວຍ ບໍ່ແກ້ວ (ທ້າວ ຈັນທະວົງ)", 'individual', 'LA-BK',
        "Ton Pheung", "Ban Kwan", "+856 20 5566 7788",
        'chanthavong.banana@example.com', "BK-ID-1985-0711",
        "Cavendish bananas for export to China (GACC-registered orchard)",
        'submitted'),
    Vendor(
        "Thateng Coffee Farmers Group",
        "ກຸ່ມ ຊາວສວນກາເຟ ທ່າແຕງ", 'farmer_group', 'LA-XE',
        "Thateng", "Ban Houay Houn", "+856 38 211 900",
        'thateng.coffee@example.com', "XE-FG-0077/2022",
        "Arabica cherry and parchment coffee", 'submitted', checked=False),
    Vendor(
        "Oudomxay Maize Traders Co., Ltd.",
        "ບໍລິສັດ ຄ້າສາລີ ອຸດົມໄຊ", 'company', 'LA-OU',
        "Xay", "Ban Nathong", "+856 81 312 018",
        'trade@oudomxay-maize.example', "OU-ERC-0311/2017",
        "Yellow maize, maize for animal feed", 'rejected',
        reason="The enterprise registration certificate is issued to another "
        "company name than the application; apply again with the "
        "certificate of this enterprise."),
    Vendor(
        "Salavan Cardamom Growers Cooperative",
        "ສະຫະກອນ ຜູ້ປູກໝາກແໜ່ງ ສາລະວັນ", 'cooperative', 'LA-SL',
        "Laongam", "Ban Nongbua", "+856 34 211 432",
        'cardamom@salavan-coop.example', "SL-COOP-0155/2023",
        "Cardamom, galangal", 'draft',
        missing=('payment_service_certificate',)),
    ]

# The smaller set used by the browser test: one vendor per state it needs
SMALL_VENDORS = [v for v in VENDORS if v.province in {'LA-CH', 'LA-BK'}]


def pdf_document(title):
    "The bytes of a small valid one-page PDF showing title"
    text = title.encode('latin-1', 'replace').replace(b'(', b'[').replace(
        b')', b']')
    stream = b'BT /F1 14 Tf 50 780 Td (' + text + b') Tj ET'
    objects = [
        b'<< /Type /Catalog /Pages 2 0 R >>',
        b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] '
        b'/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
        b'<< /Length %d >>\nstream\n%s\nendstream' % (len(stream), stream),
        b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
        ]
    pdf = b'%PDF-1.4\n'
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += b'%d 0 obj\n%s\nendobj\n' % (number, body)
    xref = len(pdf)
    pdf += b'xref\n0 %d\n0000000000 65535 f \n' % (len(objects) + 1)
    pdf += b''.join(b'%010d 00000 n \n' % o for o in offsets)
    pdf += b'trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (
        len(objects) + 1, xref)
    return pdf


@contextlib.contextmanager
def acting_as(user):
    """Run as user with the user's own context and access checks on, as a
    request of the web client does"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    User = Pool().get('res.user')
    transaction = Transaction()
    with transaction.set_user(user.id):
        context = User.get_preferences(context_only=True)
    with transaction.reset_context(), \
            transaction.set_user(user.id), \
            transaction.set_context(context, _check_access=True):
        yield


def document_kinds(vendor):
    "The documents a vendor files: those the law asks of its type"
    kinds = ['family_book' if vendor.vendor_type == 'individual'
        else 'registration_certificate']
    if vendor.licence_required:
        kinds.append('business_licence')
    kinds.append('payment_service_certificate')
    return [k for k in kinds if k not in vendor.missing]


def group_ids(groups):
    from trytond.pool import Pool
    ModelData = Pool().get('ir.model.data')
    return [ModelData.get_id(module, fs_id) for module, fs_id in groups]


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


def create_applications(vendors, operator):
    "The operator records each vendor's application and its documents"
    from trytond.pool import Pool
    pool = Pool()
    Application = pool.get('lao.vendor.application')
    Document = pool.get('lao.vendor.application.document')
    Subdivision = pool.get('country.subdivision')

    provinces = {s.code: s for s in Subdivision.search([
                ('code', 'in', list({v.province for v in vendors})),
                ])}
    with acting_as(operator):
        applications = Application.create([{
                    'name': v.name,
                    'name_lao': v.name_lao,
                    'vendor_type': v.vendor_type,
                    'province': provinces[v.province].id,
                    'district': v.district,
                    'village': v.village,
                    'phone': v.phone,
                    'email': v.email,
                    'registration_number': v.registration_number,
                    'commodities': v.commodities,
                    'licence_required': v.licence_required,
                    'vat_registered': bool(v.vat_number),
                    'vat_number': v.vat_number,
                    } for v in vendors])
        labels = dict(
            Document.fields_get(['kind'])['kind']['selection'])
        Document.create([{
                    'application': application.id,
                    'kind': kind,
                    'filename': f'{kind}.pdf',
                    'data': pdf_document(
                        f'{labels[kind]}: {vendor.name}'),
                    }
                for vendor, application in zip(vendors, applications)
                for kind in document_kinds(vendor)])
    return applications


def submit(applications, operator):
    from trytond.pool import Pool
    Application = Pool().get('lao.vendor.application')
    with acting_as(operator):
        Application.submit(Application.browse(applications))


def check_documents(applications, reviewer):
    "The reviewer compares each filed document with its original"
    from trytond.pool import Pool
    pool = Pool()
    Application = pool.get('lao.vendor.application')
    Document = pool.get('lao.vendor.application.document')
    with acting_as(reviewer):
        documents = [d for a in Application.browse(applications)
            for d in a.documents]
        Document.mark_checked(documents)


def approve(applications, reviewer):
    "The reviewer approves, which provisions each vendor's company"
    from trytond.pool import Pool
    Application = Pool().get('lao.vendor.application')
    with acting_as(reviewer):
        Application.approve(Application.browse(applications))


# The wizard asking the written reason of the decisions that need one
REASON_WIZARDS = {
    'rejected': 'lao.vendor.application.reject',
    'suspended': 'lao.vendor.application.suspend',
    }


def decide_with_reason(wizard_name, applications, reason, reviewer):
    "Run a reason wizard (reject, suspend) as the web client does"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Wizard = Pool().get(wizard_name, type='wizard')
    with acting_as(reviewer), Transaction().set_context(
            active_model='lao.vendor.application',
            active_id=applications[0].id,
            active_ids=[a.id for a in applications]):
        session_id, _, _ = Wizard.create()
        Wizard.execute(session_id, {'start': {'reason': reason}}, 'decide')
        Wizard.delete(session_id)


def load(vendors=VENDORS, small=False):
    """Create the demo data in the current transaction and return the demo
    log-ins as (role, login, password, note) tuples"""
    from trytond.pool import Pool
    pool = Pool()
    Application = pool.get('lao.vendor.application')
    User = pool.get('res.user')

    platform = create_platform()
    operator, (decider, second) = create_users(platform)
    applications = create_applications(vendors, operator)
    by_vendor = dict(zip((v.name for v in vendors), applications))

    def having(*states, checked=None):
        return [by_vendor[v.name] for v in vendors
            if v.state in states
            and (checked is None or v.checked == checked)]

    submit(having('submitted', 'approved', 'rejected', 'suspended'),
        operator)
    check_documents(having(
            'submitted', 'approved', 'rejected', 'suspended', checked=True),
        decider)
    approve(having('approved', 'suspended'), decider)
    # The approved vendors list their goods (the suspended one too, before
    # its suspension); the buyers, orders, RFQs and board come after
    from scripts import demo_marketplace
    marketplace = demo_marketplace.load(
        having('approved', 'suspended'), operator, decider, small=small)
    for vendor in vendors:
        if vendor.state in REASON_WIZARDS:
            decide_with_reason(REASON_WIZARDS[vendor.state],
                [by_vendor[vendor.name]], vendor.reason, second)

    logins = [("administrator", 'admin', ADMIN_PASSWORD, "")]
    logins.append(
        (OPERATOR.role, OPERATOR.login, OPERATOR.password, PLATFORM_NAME))
    logins.extend(
        (r.role, r.login, r.password, "") for r in REVIEWERS)
    for vendor in vendors:
        application, = Application.browse([by_vendor[vendor.name]])
        if application.manager and vendor.manager_password:
            User.write([application.manager], {
                    'password': vendor.manager_password,
                    })
            logins.append((
                    f"vendor manager ({application.state})",
                    application.manager.login, vendor.manager_password,
                    application.company.rec_name))
    logins.extend(marketplace())
    from scripts import demo_prices
    demo_prices.load()
    return logins


def run_in_transaction(database, func, *args, **kwargs):
    """Run func in a committed transaction on database as root

    Like the RPC dispatcher, start again with the tables locked up front
    when func asks for a lock (a singleton's first creation does).  The
    queued tasks (invitation e-mails) stay in the queue for a worker."""
    from trytond.transaction import Transaction, TransactionError
    extras = {}
    for _ in range(20):
        with Transaction().start(database, 0, **extras) as transaction:
            try:
                result = func(*args, **kwargs)
            except TransactionError as error:
                transaction.rollback()
                error.fix(extras)
                continue
            transaction.tasks.clear()
            transaction.commit()
            return result
    raise RuntimeError(f"{func.__name__} could not lock what it needs")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('database')
    parser.add_argument(
        '-c', '--config', dest='config_files', nargs='+', default=[])
    parser.add_argument(
        '--small', action='store_true',
        help="only the vendors the browser test needs")
    options = parser.parse_args(argv)

    from trytond import config
    if options.config_files:
        config.update_etc(options.config_files)
    from trytond.pool import Pool

    Pool(options.database).init()
    # No SMTP server here: the validation e-mails of the demo buyers (who
    # are validated by their token) cannot be sent
    logging.getLogger('trytond.sendmail').setLevel(logging.CRITICAL)
    logins = run_in_transaction(
        options.database, load, SMALL_VENDORS if options.small else VENDORS,
        small=options.small)
    json.dump(logins, sys.stdout, ensure_ascii=False)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
