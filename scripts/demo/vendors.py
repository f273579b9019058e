"""The vendors: their applications filed by the operator, the documents
checked and the decisions of the government reviewers (approval, which
provisions each vendor's company and manager, rejection and suspension
with a written reason)."""
from dataclasses import dataclass

from .files import pdf_document
from .tryton import acting_as

# The registration numbers of the vendors the marketplace and the trace
# demo use
COFFEE = "CH-ERC-0123/2019"
RICE = "LP-COOP-0456/2020"
CASSAVA = "VI-ERC-0789/2018"
RUBBER = "LM-FG-0042/2021"


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
    # The password of the vendor's account of the web shop (the vendor
    # portal), when it has one but no manager: a vendor with a manager
    # logs in to both with the manager's e-mail and password
    web_password: str = None


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
    # Left submitted with its documents checked, for a reviewer to decide
    # (the browser test approves it in sao); Bokeo's grower is approved by
    # the cross-border demo
    Vendor(
        "Savannakhet Sesame Growers Group",
        "ກຸ່ມຜູ້ປູກງາ ສະຫວັນນະເຂດ", 'farmer_group', 'LA-SV',
        "Outhoumphone", "Ban Phonsaat", "+856 41 212 345",
        'sesame@savannakhet-growers.example', "SV-FG-0214/2024",
        "White and black sesame seed", 'submitted'),
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
        "certificate of this enterprise.",
        web_password='demo-maize-2026'),
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


def document_kinds(vendor):
    "The documents a vendor files: those the law asks of its type"
    kinds = ['family_book' if vendor.vendor_type == 'individual'
        else 'registration_certificate']
    if vendor.licence_required:
        kinds.append('business_licence')
    kinds.append('payment_service_certificate')
    return [k for k in kinds if k not in vendor.missing]


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


def having(vendors, by_vendor, *states, checked=None):
    "The application ids of the vendors in states (documents checked or not)"
    return [by_vendor[v.name] for v in vendors
        if v.state in states
        and (checked is None or v.checked == checked)]


def apply(vendors, operator, reviewer):
    """File, submit, check and approve the vendors' applications as their
    demo state says; return {vendor name: application id}"""
    applications = create_applications(vendors, operator)
    by_vendor = dict(zip((v.name for v in vendors), applications))
    submit(having(vendors, by_vendor,
            'submitted', 'approved', 'rejected', 'suspended'), operator)
    check_documents(having(vendors, by_vendor,
            'submitted', 'approved', 'rejected', 'suspended', checked=True),
        reviewer)
    approve(having(vendors, by_vendor, 'approved', 'suspended'), reviewer)
    return by_vendor


def decide(vendors, by_vendor, reviewer):
    "Reject or suspend, with their reasons, the vendors whose state says so"
    for vendor in vendors:
        if vendor.state in REASON_WIZARDS:
            decide_with_reason(REASON_WIZARDS[vendor.state],
                [by_vendor[vendor.name]], vendor.reason, reviewer)


def manager_logins(vendors, by_vendor):
    "Set the demo passwords of the vendors' managers; return their log-ins"
    from trytond.pool import Pool
    pool = Pool()
    Application = pool.get('lao.vendor.application')
    User = pool.get('res.user')
    logins = []
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
    return logins


def web_accounts(vendors, by_vendor, operator):
    """The vendors' accounts of the web shop, for the vendor portal: each
    vendor signs up with its application's e-mail and the password of its
    manager (or its own web password), follows the validation link, and
    the operator gives it the application it filed for the vendor, so that
    the portal shows the application with its decisions and, once
    approved, the vendor's listings, requests for quotation and orders.
    Return their log-ins."""
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from .marketplace import storefront_user
    pool = Pool()
    Application = pool.get('lao.vendor.application')
    WebUser = pool.get('web.user')
    accounts = {}
    with acting_as(storefront_user()):
        for vendor in vendors:
            password = vendor.manager_password or vendor.web_password
            if not password:
                continue
            application, = Application.browse([by_vendor[vendor.name]])
            with Transaction().set_context(language='lo'):
                user = WebUser.sign_up(application.email, password)
                # The link of the validation e-mail
                WebUser.validate_email_token([WebUser(user.id).email_token])
            accounts[vendor.name] = (application, user.id, password)
    with acting_as(operator):
        for application, user_id, _ in accounts.values():
            Application.write([Application(application.id)], {
                    'web_user': user_id,
                    })
    logins = []
    for application, _, password in accounts.values():
        application = Application(application.id)
        logins.append((f"storefront vendor ({application.state})",
                application.email, password,
                application.company.rec_name if application.company
                else application.rec_name))
    return logins
