"""Proteus helpers shared by the scenarios of lao_b2b and the modules on it."""
from proteus import Model

PDF = b'%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'

GROUPS = {
    'reviewer': "Government Reviewer",
    'operator': "Platform Operator",
    }


def create_platform_user(login, role, company, config=None):
    "Create a user of the platform company in the role's group"
    User = Model.get('res.user', config=config)
    Group = Model.get('res.group', config=config)
    group, = Group.find([('name', '=', GROUPS[role])])
    Company = Model.get('company.company', config=config)
    user = User(name=login.title(), login=login)
    user.groups.append(Group(group.id))
    user.companies.append(Company(company.id))
    user.company = Company(company.id)
    user.save()
    return user


def fill_application(
        name, province_code, registration_number, email,
        vendor_type='cooperative', district="Paksong",
        commodities="Arabica green beans", config=None):
    "Return a new vendor application with the documents a company needs"
    Application = Model.get('lao.vendor.application', config=config)
    Subdivision = Model.get('country.subdivision', config=config)
    province, = Subdivision.find([('code', '=', province_code)])
    application = Application(
        name=name, vendor_type=vendor_type, province=province,
        district=district, phone='+856 20 5555 0000', email=email,
        registration_number=registration_number, commodities=commodities)
    kinds = ['payment_service_certificate']
    kinds.append('id_card' if vendor_type == 'individual'
        else 'registration_certificate')
    for kind in kinds:
        application.documents.new(
            kind=kind, data=PDF, filename=f'{kind}.pdf')
    return application
