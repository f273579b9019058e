"""Proteus helpers shared by the scenarios of lao_b2b and the modules on it."""
from proteus import Model
from proteus.config import get_config

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


def approve_vendor(operator, reviewer, name, province_code,
        registration_number, email, district, vat_number=None, config=None):
    """The vendor application that the operator files (VAT-registered with
    vat_number) and the reviewer approves, documents checked"""
    from trytond.tests.tools import set_user
    Application = Model.get('lao.vendor.application', config=config)
    set_user(operator, config=config)
    application = fill_application(name, province_code, registration_number,
        email, district=district, config=config)
    if vat_number:
        application.vat_registered = True
        application.vat_number = vat_number
    application.save()
    application.click('submit')
    set_user(reviewer, config=config)
    application = Application(application.id)
    for document in application.documents:
        document.click('mark_checked')
    application.click('approve')
    return application


def list_green_coffee(application, district, declared_quantity=5000,
        config=None):
    """The vendor's green arabica, set up with its accounting category by the
    platform's administrator, listed and submitted by the vendor's manager
    from 100 kg by 50 kg: 42,000 LAK/kg, 39,000 from one tonne"""
    import datetime as dt
    from decimal import Decimal

    from trytond.tests.tools import set_user
    Category = Model.get('product.category', config=config)
    Subdivision = Model.get('country.subdivision', config=config)
    Uom = Model.get('product.uom', config=config)
    kilogram, = Uom.find([('name', '=', "Kilogram")])
    green_arabica, = Category.find(
        [('code', '=', 'LAO-COFFEE-ARABICA-GREEN')])
    config = config or get_config()
    set_user(1, config=config)
    with config.set_context(company=application.company.id):
        Account = Model.get('account.account', config=config)
        revenue, = Account.find([
                ('company', '=', application.company.id),
                ('type.revenue', '=', True), ('closed', '!=', True)],
            limit=1)
        accounting = Category(name="Coffee sales", accounting=True,
            account_revenue=revenue)
        accounting.save()
        Template = Model.get('product.template', config=config)
        template = Template(name="Green arabica", type='goods',
            salable=True, default_uom=kilogram, sale_uom=kilogram,
            list_price=Decimal(45000), account_category=accounting)
        template.save()
    set_user(application.manager, config=config)
    Listing = Model.get('lao.listing', config=config)
    listing = Listing()
    listing.product, = Model.get(
        'product.template', config=config)(template.id).products
    listing.title = "Bolaven green arabica, %s" % district
    listing.description = "Washed arabica, screen 16+."
    listing.category = Category(green_arabica.id)
    listing.origin_province = Subdivision(application.province.id)
    listing.origin_district = district
    listing.unit = kilogram
    listing.declared_quantity = declared_quantity
    listing.minimum_quantity = 100
    listing.quantity_multiple = 50
    listing.price_tiers.new(quantity=0, unit_price=Decimal(42000))
    listing.price_tiers.new(quantity=1000, unit_price=Decimal(39000))
    listing.photos.new(image=b'\x89PNG coffee beans')
    listing.certifications.new(
        kind='geographical_indication', name="Bolaven Plateau Coffee",
        number="GI-LA-0001",
        valid_to=dt.date.today() + dt.timedelta(days=365))
    listing.save()
    listing.click('submit')
    return listing
