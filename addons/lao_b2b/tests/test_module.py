import datetime as dt
from unittest.mock import patch

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, SQLConstraintError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction, check_access

from ..user import hash_token

PDF = b'%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'


def queued(model, method='send'):
    "The records of model whose method is a task of the queue, by task"
    Queue = Pool().get('ir.queue')
    return [list(t.data['instances']) for t in Queue.search([])
        if (t.data['model'], t.data['method']) == (model, method)]


def create_user(login, group_xml_id, company=None):
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    user, = User.create([{
                'name': login.title(),
                'login': login,
                'groups': [('add', [ModelData.get_id(*group_xml_id.split('.'))])],
                'companies': [('add', [company.id])] if company else [],
                'company': company.id if company else None,
                }])
    return user


def create_application(
        name="Paksong Coffee Cooperative", province='LA-CH',
        registration_number='CH-0001', vendor_type='cooperative',
        kinds=('registration_certificate', 'payment_service_certificate')):
    pool = Pool()
    Application = pool.get('lao.vendor.application')
    Subdivision = pool.get('country.subdivision')
    province, = Subdivision.search([('code', '=', province)])
    application, = Application.create([{
                'name': name,
                'name_lao': "ສະຫະກອນກາເຟປາກຊ່ອງ",
                'vendor_type': vendor_type,
                'province': province.id,
                'district': "Paksong",
                'village': "Ban Nong Luang",
                'phone': '+856 20 5555 0101',
                'email': 'coffee@paksong.example',
                'registration_number': registration_number,
                'commodities': "Arabica green beans",
                'documents': [('create', [{
                                'kind': kind,
                                'data': PDF,
                                'filename': f'{kind}.pdf',
                                } for kind in kinds])],
                }])
    return application


class LaoB2BTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Lao B2B module"
    module = 'lao_b2b'

    @property
    def _skip_company_rule(self):
        # The company provisioned for a vendor, not the owner of the
        # application: reviewers of the platform see every application.
        return super()._skip_company_rule | {
            ('lao.vendor.application', 'company'),
            # Vendor-owned, but reviewers and the storefront see them all:
            # a rule of the Cooperative Manager group limits vendors
            ('lao.listing', 'company'),
            ('lao.rfq.quote', 'company'),
            # Owned by a vendor, but reviewers and operators see them all
            # and shared ones have no company: global rules that apply to
            # the Cooperative Manager group only
            ('product.template', 'company'),
            ('stock.location', 'company'),
            ('party.party', 'company'),
            # The platform's company named by the (global) configuration
            ('lao.commission.configuration', 'platform_company'),
            }

    def setup_vetting(self):
        "A platform company, an operator and two reviewers"
        company = create_company(name="Lao Rural E-Commerce Platform")
        set_company(company)
        operator = create_user(
            'operator', 'lao_b2b.group_platform_operator', company)
        reviewer = create_user(
            'reviewer', 'lao_b2b.group_government_reviewer', company)
        other_reviewer = create_user(
            'reviewer2', 'lao_b2b.group_government_reviewer', company)
        return operator, reviewer, other_reviewer

    def submit(self, application, user):
        Application = Pool().get('lao.vendor.application')
        with Transaction().set_user(user.id):
            Application.submit([application])

    def check_documents(self, application, user):
        Document = Pool().get('lao.vendor.application.document')
        with Transaction().set_user(user.id):
            Document.mark_checked(list(application.documents))

    def approve(self, application, user):
        Application = Pool().get('lao.vendor.application')
        with Transaction().set_user(user.id), \
                patch('trytond.modules.lao_b2b.user.'
                    'send_message') as send:
            Application.approve([application])
            Pool().get('res.user.invitation').send(
                Pool().get('res.user.invitation').search([]))
        return send

    @with_transaction()
    def test_lao_reference_data(self):
        "The 18 ISO 3166-2:LA subdivisions and the platform's currencies"
        pool = Pool()
        Subdivision = pool.get('country.subdivision')
        Currency = pool.get('currency.currency')

        subdivisions = Subdivision.search([('country.code', '=', 'LA')])
        self.assertEqual(len(subdivisions), 18)
        self.assertEqual(
            {s.type for s in subdivisions}, {'province', 'prefecture'})
        champasak, = Subdivision.search([('code', '=', 'LA-CH')])
        self.assertEqual(champasak.name, "Champasak")
        with Transaction().set_context(language='lo'):
            self.assertEqual(Subdivision(champasak.id).name, "ຈຳປາສັກ")
        with Transaction().set_context(language='zh_CN'):
            self.assertEqual(Subdivision(champasak.id).name, "占巴塞省")
        lak, = Currency.search([('code', '=', 'LAK')])
        self.assertEqual((lak.numeric_code, lak.digits), ('418', 0))
        self.assertEqual(
            {c.code for c in Currency.search([])} >= {
                'LAK', 'CNY', 'THB', 'USD', 'VND'}, True)

        # Loading again neither duplicates nor fails
        Subdivision.load_lao_reference_data()
        self.assertEqual(
            Subdivision.search_count([('country.code', '=', 'LA')]), 18)

    @with_transaction()
    def test_submit_requires_documents(self):
        "An application cannot be submitted without the documents the law asks"
        Application = Pool().get('lao.vendor.application')
        operator, _, _ = self.setup_vetting()
        application = create_application(
            kinds=['registration_certificate'])

        with self.assertRaisesRegex(
                UserError, "Certificate to Use Payment Services"):
            self.submit(application, operator)
        self.assertEqual(application.state, 'draft')
        self.assertFalse(application.decisions)

        Application.write([application], {'documents': [('create', [{
                            'kind': 'payment_service_certificate',
                            'data': PDF}])]})
        self.submit(application, operator)
        self.assertEqual(application.state, 'submitted')
        self.assertEqual(application.submitted_by, operator)
        self.assertIsNotNone(application.submitted_at)

    @with_transaction()
    def test_required_documents_by_vendor_type(self):
        "Individuals show an ID card or family book; a licence when needed"
        Application = Pool().get('lao.vendor.application')
        self.setup_vetting()
        application = create_application(
            vendor_type='individual',
            kinds=['family_book', 'payment_service_certificate'])
        self.assertEqual(application.missing_document_kinds(checked=False), [])

        Application.write([application], {'licence_required': True})
        self.assertEqual(
            application.missing_document_kinds(checked=False),
            [{'business_licence'}])
        self.assertIn("Business Licence", application.missing_documents)

    @with_transaction()
    def test_approve_refused_while_document_unchecked(self):
        "Approval waits until every required document is checked"
        operator, reviewer, _ = self.setup_vetting()
        application = create_application()
        self.submit(application, operator)

        with self.assertRaisesRegex(UserError, "not checked"):
            self.approve(application, reviewer)
        self.assertEqual(application.state, 'submitted')
        self.assertIsNone(application.company)

    @with_transaction()
    def test_document_replaced_must_be_checked_again(self):
        Document = Pool().get('lao.vendor.application.document')
        operator, reviewer, _ = self.setup_vetting()
        application = create_application()
        self.check_documents(application, reviewer)
        document = application.documents[0]
        self.assertTrue(document.checked)
        self.assertEqual(document.checked_by, reviewer)

        Document.write([document], {'data': PDF + b'\n'})
        self.assertFalse(document.checked)
        self.assertIsNone(document.checked_by)

    @with_transaction()
    def test_document_without_file_cannot_be_checked(self):
        Document = Pool().get('lao.vendor.application.document')
        _, reviewer, _ = self.setup_vetting()
        application = create_application(kinds=[])
        document, = Document.create([{
                    'application': application.id,
                    'kind': 'registration_certificate'}])
        with self.assertRaisesRegex(UserError, "has no file"):
            self.check_documents(application, reviewer)

    @with_transaction()
    def test_reviewer_cannot_decide_own_submission(self):
        "A reviewer may not decide on an application they submitted"
        Application = Pool().get('lao.vendor.application')
        _, reviewer, other_reviewer = self.setup_vetting()
        application = create_application()
        self.submit(application, reviewer)

        with self.assertRaisesRegex(UserError, "another reviewer"):
            self.check_documents(application, reviewer)
        with self.assertRaisesRegex(UserError, "another reviewer"):
            with Transaction().set_user(reviewer.id):
                Application.reject([application], "Blurred certificate")
        self.check_documents(application, other_reviewer)
        with self.assertRaisesRegex(UserError, "another reviewer"):
            self.approve(application, reviewer)
        self.approve(application, other_reviewer)
        self.assertEqual(application.state, 'approved')

    @with_transaction()
    def test_duplicate_registration_number(self):
        "The same registration number cannot apply twice, however written"
        self.setup_vetting()
        Application = Pool().get('lao.vendor.application')
        keys = {Application.preprocess_values('create', {
                    'registration_number': number})['registration_key']
            for number in ['CH-0001', 'CH 0001', 'ch.0001 ', 'ch0001']}
        self.assertEqual(keys, {'CH0001'})

        application = create_application(registration_number='ch-0001 ')
        self.assertEqual(application.registration_number, 'CH-0001')
        with self.assertRaises(SQLConstraintError):
            create_application(
                name="Another Cooperative", registration_number='CH 0001')

    @with_transaction()
    def test_invalid_email(self):
        self.setup_vetting()
        with self.assertRaisesRegex(UserError, "not a valid e-mail"):
            application = create_application()
            Pool().get('lao.vendor.application').write(
                [application], {'email': 'no-at-sign'})

    @with_transaction()
    def test_reject_with_reason_then_resubmit(self):
        "Rejection needs a reason; the applicant corrects and resubmits"
        pool = Pool()
        Application = pool.get('lao.vendor.application')
        operator, reviewer, _ = self.setup_vetting()
        application = create_application()
        self.submit(application, operator)

        with Transaction().set_user(reviewer.id):
            with self.assertRaisesRegex(UserError, "reason is required"):
                Application.reject([application], "  ")
            self.assertEqual(application.state, 'submitted')
            Application.reject(
                [application], "The certificate is not readable.")
        self.assertEqual(application.state, 'rejected')

        Application.write([application], {'district': "Paksong District"})
        self.submit(application, operator)
        self.assertEqual(application.state, 'submitted')

        decisions = [(d.from_state, d.to_state, d.user, d.reason)
            for d in reversed(application.decisions)]
        self.assertEqual(decisions, [
                ('draft', 'submitted', operator, None),
                ('submitted', 'rejected', reviewer,
                    "The certificate is not readable."),
                ('rejected', 'submitted', operator, None),
                ])

    @with_transaction()
    def test_vendor_reads_decisions_on_its_application(self):
        """The vendor's manager reads the decisions on its application, who
        took them and why, the web shop's submissions included"""
        pool = Pool()
        Application = pool.get('lao.vendor.application')
        Decision = pool.get('lao.decision')
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        _, reviewer, _ = self.setup_vetting()
        # Filed and submitted on the web shop (web_submit)
        storefront = User(ModelData.get_id('lao_b2b', 'user_storefront'))
        application = create_application()
        self.submit(application, storefront)
        with Transaction().set_user(reviewer.id):
            Application.reject([application], "The certificate is blurred.")
        self.submit(application, storefront)
        self.check_documents(application, reviewer)
        self.approve(application, reviewer)

        company = application.company
        with Transaction().set_user(application.manager.id), \
                Transaction().set_context(_check_access=True,
                    company=company.id, companies=[company.id]):
            decisions = Application(application.id).decisions
            rows = Decision.read([d.id for d in decisions],
                ['to_state', 'reason', 'user.rec_name'])
        self.assertEqual(
            sorted((r['to_state'], r['reason'], r['user.']['rec_name'])
                for r in rows), sorted([
                    ('submitted', None, storefront.rec_name),
                    ('rejected', "The certificate is blurred.",
                        reviewer.rec_name),
                    ('submitted', None, storefront.rec_name),
                    ('approved', None, reviewer.rec_name),
                    ]))

    @with_transaction()
    def test_vendor_manager_language(self):
        "The vendor manager works in the language of the application"
        Lang = Pool().get('ir.lang')
        operator, reviewer, _ = self.setup_vetting()
        application = create_application()
        self.assertEqual(application.language.code, 'lo')
        chinese, = Lang.search([('code', '=', 'zh_CN')])
        Lang.write([chinese], {'translatable': True})
        application.language = chinese
        application.save()
        self.submit(application, operator)
        self.check_documents(application, reviewer)
        self.approve(application, reviewer)
        self.assertEqual(application.manager.language, chinese)

    @with_transaction()
    def test_vendor_manager_language_not_loaded(self):
        "A language not loaded in the database is left to the default"
        operator, reviewer, _ = self.setup_vetting()
        application = create_application()
        self.submit(application, operator)
        self.check_documents(application, reviewer)
        self.approve(application, reviewer)
        self.assertFalse(application.language.translatable)
        self.assertIsNone(application.manager.language)

    @with_transaction()
    def test_approve_provisions_company(self):
        "Approval issues a recognition number and a complete company"
        pool = Pool()
        Account = pool.get('account.account')
        FiscalYear = pool.get('account.fiscalyear')
        Location = pool.get('stock.location')
        SaleConfiguration = pool.get('sale.configuration')
        AccountConfiguration = pool.get('account.configuration')
        Invitation = pool.get('res.user.invitation')
        ModelData = pool.get('ir.model.data')

        operator, reviewer, _ = self.setup_vetting()
        application = create_application()
        self.submit(application, operator)
        self.check_documents(application, reviewer)
        send = self.approve(application, reviewer)

        self.assertEqual(application.state, 'approved')
        self.assertRegex(application.recognition_number, r'^LA-EC-CH-\d{5}$')
        company = application.company
        self.assertEqual(company.party.name, "Paksong Coffee Cooperative")
        self.assertEqual(company.currency.code, 'LAK')
        self.assertEqual(company.timezone, 'Asia/Vientiane')
        self.assertEqual(
            company.party.addresses[0].subdivision, application.province)

        self.assertTrue(Location.search([
                    ('type', '=', 'warehouse'),
                    ('name', '=', "Paksong Coffee Cooperative Warehouse"),
                    ]))
        self.assertTrue(Account.search([
                    ('company', '=', company.id),
                    ('type.receivable', '=', True)]))
        # this year and the next
        fiscal_years = FiscalYear.search(
            [('company', '=', company.id)], order=[('start_date', 'ASC')])
        year = dt.date.today().year
        self.assertEqual(
            [y.start_date.year for y in fiscal_years], [year, year + 1])
        for fiscal_year in fiscal_years:
            self.assertEqual(len(fiscal_year.periods), 12)
            invoice_sequence, = fiscal_year.invoice_sequences
            self.assertEqual(
                invoice_sequence.out_invoice_sequence.company, company)
        with Transaction().set_context(company=company.id):
            self.assertEqual(
                SaleConfiguration(1).get_multivalue(
                    'sale_sequence', company=company.id).company, company)
            self.assertTrue(AccountConfiguration(1).get_multivalue(
                    'default_account_receivable', company=company.id))

        manager = application.manager
        self.assertEqual(manager.login, application.email)
        self.assertEqual(list(manager.companies), [company])
        self.assertEqual(manager.company, company)
        self.assertIn(
            ModelData.get_id('lao_b2b', 'group_cooperative_manager'),
            [g.id for g in manager.groups])
        self.assertFalse(manager.password_hash)
        self.assertFalse(manager.password_reset)

        invitation, = Invitation.search([('user', '=', manager.id)])
        self.assertEqual(invitation.state, 'sent')
        send.assert_called_once()
        message = send.call_args[0][0]
        self.assertEqual(message['To'], application.email)
        body = message.get_content()
        token = body.split('/lao_b2b/invitation/')[1].split()[0]
        self.assertEqual(invitation.token_hash, hash_token(token))
        self.assertNotIn(token, invitation.token_hash)

        self.assertEqual(application.decisions[0].to_state, 'approved')
        self.assertEqual(application.decisions[0].user, reviewer)

    @with_transaction()
    def test_recognition_numbers_follow_province(self):
        operator, reviewer, _ = self.setup_vetting()
        numbers = []
        for number, province in enumerate(['LA-CH', 'LA-LP']):
            application = create_application(
                name=f"Vendor {number}", province=province,
                registration_number=f'REG-{number}')
            self.submit(application, operator)
            self.check_documents(application, reviewer)
            self.approve(application, reviewer)
            numbers.append(application.recognition_number)
        self.assertRegex(numbers[0], r'^LA-EC-CH-')
        self.assertRegex(numbers[1], r'^LA-EC-LP-')
        self.assertNotEqual(numbers[0][-5:], numbers[1][-5:])

    @with_transaction()
    def test_reviewer_cannot_touch_vendor_books(self):
        "Reviewers decide on applications but not on stock or accounting"
        ModelAccess = Pool().get('ir.model.access')
        _, reviewer, _ = self.setup_vetting()
        with Transaction().set_user(reviewer.id), check_access():
            ModelAccess.check('lao.vendor.application', 'write')
            for model, mode in [
                    ('stock.move', 'write'),
                    ('stock.shipment.out', 'create'),
                    ('account.move', 'read'),
                    ('account.invoice', 'write'),
                    ('sale.sale', 'write'),
                    ]:
                with self.subTest(model=model, mode=mode):
                    with self.assertRaises(AccessError):
                        ModelAccess.check(model, mode)

    @with_transaction()
    def test_decision_log_immutable(self):
        "Nobody can edit or delete a decision"
        Decision = Pool().get('lao.decision')
        operator, _, _ = self.setup_vetting()
        application = create_application()
        self.submit(application, operator)
        decision, = application.decisions

        with self.assertRaises(AccessError):
            Decision.write([decision], {'reason': "Changed"})
        with self.assertRaises(AccessError):
            Decision.delete([decision])
        with Transaction().set_user(0), self.assertRaises(AccessError):
            Decision.delete([decision])

    @with_transaction()
    def test_suspend_blocks_sales(self):
        "A suspended vendor cannot confirm sales until reinstated"
        pool = Pool()
        Application = pool.get('lao.vendor.application')
        Sale = pool.get('sale.sale')
        Party = pool.get('party.party')

        operator, reviewer, _ = self.setup_vetting()
        application = create_application()
        self.submit(application, operator)
        self.check_documents(application, reviewer)
        self.approve(application, reviewer)

        with Transaction().set_user(reviewer.id):
            with self.assertRaisesRegex(UserError, "reason is required"):
                Application.suspend([application], '')
            Application.suspend([application], "Fake certificates reported")
        self.assertEqual(application.state, 'suspended')

        company = application.company
        with Transaction().set_context(company=company.id):
            buyer, = Party.create([{
                        'name': "Kunming Importer",
                        'addresses': [('create', [{}])]}])
            sale, = Sale.create([{
                        'company': company.id,
                        'party': buyer.id,
                        'invoice_address': buyer.addresses[0].id,
                        'shipment_address': buyer.addresses[0].id,
                        'currency': company.currency.id,
                        }])
            with self.assertRaisesRegex(UserError, "is suspended"):
                Sale.quote([sale])
            self.assertEqual(sale.state, 'draft')

            with Transaction().set_user(reviewer.id):
                Application.reinstate([application])
            Sale.quote([sale])
            self.assertEqual(sale.state, 'quotation')

        self.assertEqual(
            [(d.from_state, d.to_state) for d in application.decisions[:2]],
            [('suspended', 'approved'), ('approved', 'suspended')])

    @with_transaction()
    def test_vendor_state(self):
        "One vendor state answers active, suspended and blacklisted"
        pool = Pool()
        Application = pool.get('lao.vendor.application')
        Company = pool.get('company.company')
        User = pool.get('res.user')
        Session = pool.get('ir.session')

        operator, reviewer, _ = self.setup_vetting()
        platform = operator.company
        application = create_application()
        self.submit(application, operator)
        self.check_documents(application, reviewer)
        self.approve(application, reviewer)
        company = application.company
        manager = application.manager
        User.write([manager], {'password': 'C0ffee-Paksong-2026'})
        login = (manager.login, {'password': 'C0ffee-Paksong-2026'})

        def search(*clause):
            return Company.search([('id', 'in', [platform.id, company.id]),
                    ('vendor_state', *clause)])

        self.assertEqual(
            (platform.vendor_state, company.vendor_state), (None, 'active'))
        self.assertEqual(company.vendor_application, application)
        self.assertEqual(search('=', 'active'), [company])
        self.assertEqual(search('=', None), [platform])
        self.assertEqual(search('!=', 'active'), [platform])

        with Transaction().set_user(reviewer.id):
            Application.suspend([application], "Fake certificates reported")
        self.assertEqual(Company(company.id).vendor_state, 'suspended')
        self.assertEqual(search('in', ['suspended', 'blacklisted']), [company])
        self.assertEqual(Company.active_vendors([company.id]), set())
        # A suspended vendor still logs in, to read its books
        self.assertEqual(User.get_login(*login), manager.id)

        with Transaction().set_user(manager.id):
            Session.new()
        self.assertEqual(
            Session.search_count([('create_uid', '=', manager.id)]), 1)
        with Transaction().set_user(reviewer.id):
            with self.assertRaisesRegex(UserError, "reason is required"):
                Application.blacklist([application], ' ')
            Application.blacklist([application], "Repeated fraud")
        self.assertEqual(application.state, 'blacklisted')
        self.assertEqual(Company(company.id).vendor_state, 'blacklisted')
        self.assertEqual(search('not in', ['active', None]), [company])
        self.assertEqual(
            Session.search_count([('create_uid', '=', manager.id)]), 0)
        with self.assertRaisesRegex(UserError, "is blacklisted"):
            User.get_login(*login)
        # A wrong password tells nothing of the blacklisting
        self.assertIsNone(
            User.get_login(manager.login, {'password': 'wrong'}))

        with Transaction().set_user(reviewer.id):
            Application.reinstate([application])
        self.assertEqual(Company(company.id).vendor_state, 'active')
        self.assertEqual(User.get_login(*login), manager.id)

    @with_transaction()
    def test_reset_password_unreadable_but_mailed(self):
        "The administrator's Reset Password mails a password nobody reads"
        pool = Pool()
        User = pool.get('res.user')
        user = User(login='somsak', name="Somsak", email='somsak@example.la')
        user.save()
        with Transaction().set_user(1), check_access(), \
                patch('trytond.res.user.send_message_transactional') as send:
            User.reset_password([User(user.id)])
            self.assertEqual(
                User.read([user.id], ['password_reset']),
                [{'id': user.id, 'password_reset': None}])
            self.assertIsNone(User(user.id).password_reset)
        with Transaction().set_user(0):
            password = User(user.id).password_reset
        self.assertTrue(password)
        send.assert_called_once()
        self.assertIn(password, send.call_args[0][0].as_string())

    @with_transaction()
    def test_invitation_sets_password_once(self):
        "The invitation link sets the password and then stops working"
        pool = Pool()
        Invitation = pool.get('res.user.invitation')
        User = pool.get('res.user')
        operator, reviewer, _ = self.setup_vetting()
        application = create_application()
        self.submit(application, operator)
        self.check_documents(application, reviewer)
        send = self.approve(application, reviewer)
        token = send.call_args[0][0].get_content().split(
            '/lao_b2b/invitation/')[1].split()[0]

        with self.assertRaisesRegex(UserError, "not valid"):
            Invitation.from_token('forged-token')
        invitation = Invitation.from_token(token)
        with self.assertRaisesRegex(UserError, "not the same"):
            invitation.accept('C0ffee-Paksong-2026', 'different')
        invitation.accept('C0ffee-Paksong-2026', 'C0ffee-Paksong-2026')
        self.assertEqual(invitation.state, 'accepted')
        self.assertIsNone(invitation.token_hash)
        self.assertEqual(
            User.get_login(application.manager.login,
                {'password': 'C0ffee-Paksong-2026'}),
            application.manager.id)
        with self.assertRaisesRegex(UserError, "not valid"):
            Invitation.from_token(token)

    @with_transaction()
    def test_invitation_expires(self):
        pool = Pool()
        Invitation = pool.get('res.user.invitation')
        operator, reviewer, _ = self.setup_vetting()
        application = create_application()
        self.submit(application, operator)
        self.check_documents(application, reviewer)
        send = self.approve(application, reviewer)
        token = send.call_args[0][0].get_content().split(
            '/lao_b2b/invitation/')[1].split()[0]
        invitation, = Invitation.search([])
        invitation.expires_at = dt.datetime.now() - dt.timedelta(seconds=1)
        invitation.save()
        with self.assertRaisesRegex(UserError, "expired"):
            Invitation.from_token(token)

        # The operator sends a new link; the old one stays dead
        Invitation.resend([invitation])
        self.assertEqual(invitation.state, 'queued')
        with patch('trytond.modules.lao_b2b.user.send_message') as send:
            Invitation.send([invitation])
        new_token = send.call_args[0][0].get_content().split(
            '/lao_b2b/invitation/')[1].split()[0]
        self.assertEqual(Invitation.from_token(new_token), invitation)
        with self.assertRaisesRegex(UserError, "not valid"):
            Invitation.from_token(token)

    @with_transaction()
    def test_invitation_retried_when_delivery_fails(self):
        """A failed delivery is not recorded as sent: the invitation waits
        for its next attempt, which the cron task queues when due, and
        after the last attempt it says it failed until it is sent again"""
        pool = Pool()
        Invitation = pool.get('res.user.invitation')
        operator, reviewer, _ = self.setup_vetting()
        application = create_application()
        self.submit(application, operator)
        self.check_documents(application, reviewer)
        self.approve(application, reviewer)
        invitation, = Invitation.search([])
        Invitation.resend([invitation])
        refused = patch('trytond.modules.lao_b2b.user.send_message',
            side_effect=ConnectionRefusedError(111, "Connection refused"))
        with refused:
            Invitation.send([invitation])
        invitation = Invitation(invitation.id)
        self.assertEqual(invitation.state, 'queued')
        self.assertIsNone(invitation.token_hash)
        self.assertEqual(invitation.delivery_attempts, 1)
        self.assertIn("Connection refused", invitation.delivery_error)
        self.assertGreater(invitation.retry_at, dt.datetime.now())

        # Not due yet: the cron task leaves it; due: it queues it again
        tasks = queued('res.user.invitation')
        Invitation.retry_delivery()
        self.assertEqual(queued('res.user.invitation'), tasks)
        invitation.retry_at = dt.datetime.now() - dt.timedelta(seconds=1)
        invitation.save()
        Invitation.retry_delivery()
        self.assertEqual(
            queued('res.user.invitation'), tasks + [[invitation.id]])
        self.assertIsNone(Invitation(invitation.id).retry_at)

        with refused:
            while invitation.state == 'queued':
                Invitation.send([invitation])
        self.assertEqual(invitation.state, 'failed')
        self.assertEqual(invitation.delivery_attempts, 7)
        self.assertIsNone(invitation.retry_at)

        # Sent again by the operator, it is delivered
        Invitation.resend([invitation])
        self.assertEqual(invitation.delivery_attempts, 0)
        with patch('trytond.modules.lao_b2b.user.send_message') as send:
            Invitation.send([invitation])
        send.assert_called_once()
        self.assertEqual(invitation.state, 'sent')
        self.assertIsNone(invitation.delivery_error)
        self.assertTrue(invitation.token_hash)

    @with_transaction()
    def test_web_user_email_queued_and_retried(self):
        """The validation e-mail of a web user is queued, retried while its
        delivery fails, and cancelled once its link no longer works; the
        reset e-mail carries the token of the moment it is sent"""
        from trytond import config
        pool = Pool()
        WebUser = pool.get('web.user')
        Email = pool.get('web.user.email')
        # The links lead to the web shop (storefront.extensions)
        get = config.get
        links = patch.object(config, 'get',
            lambda section, option, default=None: (
                'https://shop.example/account' if option in {
                    'email_validation_url', 'reset_password_url'}
                else get(section, option, default)))
        links.start()
        self.addCleanup(links.stop)
        user = WebUser(email='somchai@vientiane-rice.example')
        user.save()
        WebUser.validate_email([user])
        mail, = Email.search([('web_user', '=', user.id)])
        self.assertEqual(queued('web.user.email'), [[mail.id]])
        self.assertEqual((mail.kind, mail.state), ('validation', 'queued'))

        with patch('trytond.modules.lao_b2b.mail.send_message',
                side_effect=ConnectionRefusedError(111, "refused")):
            Email.send([mail])
        self.assertEqual((mail.state, mail.delivery_attempts), ('queued', 1))
        self.assertTrue(mail.retry_at)
        with patch('trytond.modules.lao_b2b.mail.send_message') as send:
            Email.send([mail])
        message = send.call_args[0][0]
        self.assertEqual(message['To'], user.email)
        self.assertIn(user.email_token, message.get_content())
        self.assertEqual(mail.state, 'sent')
        self.assertIsNone(mail.retry_at)

        # The validation cancels the validation e-mails not sent yet
        WebUser.validate_email([user])
        later, = Email.search([('state', '=', 'queued')])
        WebUser.validate_email_token([user.email_token])
        self.assertEqual(Email(later.id).state, 'cancelled')
        # and one that would be sent after it is not
        WebUser.validate_email([user])
        last, = Email.search([('state', '=', 'queued')])
        user.email_valid = True
        user.save()
        with patch('trytond.modules.lao_b2b.mail.send_message') as send:
            Email.send([last])
        send.assert_not_called()
        self.assertEqual(last.state, 'cancelled')

        WebUser.reset_password([user])
        # A second request within the validity of the first sends none
        WebUser.reset_password([user])
        reset, = Email.search([('kind', '=', 'reset')])
        with patch('trytond.modules.lao_b2b.mail.send_message') as send:
            Email.send([reset])
        self.assertIn(user.reset_password_token,
            send.call_args[0][0].get_content())


del ModuleTestCase
