"""Vendor applications and their government vetting.

A vendor (cooperative, company, individual producer or farmer group) applies
with the documents that Decree 296/GOV and Instruction 0479/MOIC ask for.  A
reviewer of the Ministry of Industry and Commerce approves it, which issues a
recognition number and provisions the vendor's own Tryton company, or rejects
it with a written reason.  Every decision is kept in an immutable log.
"""
import datetime as dt
import re

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .catalogue_version import CatalogueVersionMixin
from .common import state_button
from .country import Subdivision
from .exceptions import (
    ApplicationError, DecisionLogAccessError, DocumentError, WebUserError)
from .upload import check_upload

VENDOR_TYPES = [
    ('cooperative', "Cooperative"),
    ('company', "Company"),
    ('individual', "Individual Producer"),
    ('farmer_group', "Farmer Group"),
    ]

DOCUMENT_KINDS = [
    ('registration_certificate', "Enterprise Registration Certificate"),
    ('id_card', "ID Card"),
    ('family_book', "Family Book"),
    ('business_licence', "Business Licence"),
    ('payment_service_certificate', "Certificate to Use Payment Services"),
    ]

APPLICATION_STATES = [
    ('draft', "Draft"),
    ('submitted', "Submitted"),
    ('approved', "Approved"),
    ('rejected', "Rejected"),
    ('suspended', "Suspended"),
    ('blacklisted', "Blacklisted"),
    ]

_editable = {'readonly': ~Eval('state').in_(['draft', 'rejected'])}


class Decision(ModelSQL, ModelView):
    __string__ = "Vetting Decision"
    __name__ = 'lao.decision'

    resource = fields.Reference(
        "Resource", selection='get_resources', required=True, readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True)
    date = fields.Timestamp("Date", required=True, readonly=True)
    from_state = fields.Selection(
        'get_states', "From State", readonly=True, sort=False)
    to_state = fields.Selection(
        'get_states', "To State", required=True, readonly=True, sort=False)
    reason = fields.Text("Reason", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('date', 'DESC'))
        cls._order.insert(1, ('id', 'DESC'))
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.resource, Index.Equality())))

    @classmethod
    def get_resources(cls):
        "Models whose workflow decisions are logged"
        pool = Pool()
        Model = pool.get('ir.model')
        models = cls._resource_models()
        return [(None, '')] + [
            (m, Model.get_name(m)) for m in models]

    def get_rec_name(self, name):
        states = dict(self.get_states())
        return '%s: %s' % (
            self.resource.rec_name if self.resource else '',
            states.get(self.to_state, self.to_state))

    @classmethod
    def get_states(cls):
        "The states of every logged model, labelled as in that model"
        pool = Pool()
        states = {}
        for model in cls._resource_models():
            Model = pool.get(model)
            selection = Model.fields_get(['state'])['state']['selection']
            for value, label in selection:
                states.setdefault(value, label)
        return [(None, '')] + list(states.items())

    @classmethod
    def _resource_models(cls):
        return ['lao.vendor.application']

    @classmethod
    def log(cls, records, from_states, to_state, reason=None):
        """Record that records moved from their state to to_state

        from_states maps each record to the state it had."""
        user = Transaction().user
        now = dt.datetime.now()
        with without_check_access():
            cls.create([{
                        'resource': str(record),
                        'user': user or None,
                        'date': now,
                        'from_state': from_states[record],
                        'to_state': to_state,
                        'reason': reason,
                        } for record in records])

    @staticmethod
    def default_date():
        return dt.datetime.now()

    @classmethod
    def check_modification(cls, mode, decisions, values=None, external=False):
        super().check_modification(
            mode, decisions, values=values, external=external)
        if mode in {'write', 'delete'}:
            raise DecisionLogAccessError(
                gettext('lao_b2b.msg_decision_immutable'))


class WorkflowDecisionMixin:
    "Log every state transition of the model to lao.decision"
    __slots__ = ()
    decisions = fields.One2Many(
        'lao.decision', 'resource', "Decisions", readonly=True)

    @classmethod
    def _log_transition(cls, records, to_state, reason=None):
        Decision = Pool().get('lao.decision')
        from_states = {r: r.state for r in records if r.state != to_state}
        Decision.log(list(from_states), from_states, to_state, reason)

    # The error raised, and its message, when a reviewer would decide on a
    # record they submitted; the message receives the record as "record"
    _decide_own_error = ApplicationError
    _decide_own_message = 'lao_b2b.msg_decide_own_submission'

    @classmethod
    def check_decider(cls, records):
        "A reviewer may not decide on a record they submitted"
        user = Transaction().user
        for record in records:
            if record.submitted_by and record.submitted_by.id == user:
                raise cls._decide_own_error(gettext(
                        cls._decide_own_message, record=record.rec_name))

    @classmethod
    @Workflow.transition('rejected')
    def reject(cls, records, reason):
        "Reject the records with the written reason of the decider"
        cls._decide_with_reason(records, 'rejected', reason)

    @classmethod
    def _decide_with_reason(cls, records, to_state, reason):
        "Log the move of records to to_state with the decider's reason"
        reason = cls._check_reason(reason)
        cls.check_decider(records)
        cls._log_transition(records, to_state, reason)

    @classmethod
    def _check_reason(cls, reason):
        if not reason or not reason.strip():
            raise ApplicationError(gettext('lao_b2b.msg_reason_required'))
        return reason.strip()


class VendorApplication(
        CatalogueVersionMixin, WorkflowDecisionMixin, Workflow, ModelSQL,
        ModelView):
    __string__ = "Vendor Application"
    __name__ = 'lao.vendor.application'

    name = fields.Char(
        "Legal Name", required=True, states=_editable,
        help="The name as written on the registration certificate.")
    name_lao = fields.Char("Name in Lao", states=_editable)
    vendor_type = fields.Selection(
        VENDOR_TYPES, "Type", required=True, states=_editable)
    province = fields.Many2One(
        'country.subdivision', "Province", required=True, states=_editable,
        domain=Subdivision.lao_provinces())
    district = fields.Char("District", required=True, states=_editable)
    village = fields.Char("Village", states=_editable)
    phone = fields.Char("Phone", required=True, states=_editable)
    email = fields.Char("E-Mail", required=True, states=_editable)
    language = fields.Many2One(
        'ir.lang', "Language", ondelete='SET NULL', states=_editable,
        help="The language of the applicant: the vendor manager created at "
        "the approval works and receives its e-mails in it.")
    registration_number = fields.Char(
        "Registration Number", required=True, states=_editable,
        help="The enterprise registration number, or the ID card or family "
        "book number of an individual producer.")
    registration_key = fields.Char(
        "Registration Key", readonly=True,
        help="The registration number reduced to its letters and digits, "
        "so that the same number cannot be registered twice.")
    commodities = fields.Text(
        "Main Commodities", required=True, states=_editable)
    licence_required = fields.Boolean(
        "Business Licence Required", states=_editable,
        help="Check when the trade needs a business licence.")
    vat_registered = fields.Boolean(
        "VAT Registered",
        help="Check when the vendor is registered for VAT: its sales of "
        "goods that are not exempt then carry the Lao VAT.\n"
        "A vendor below the registration turnover charges none.")
    vat_number = fields.Char(
        "VAT Number", states={
            'required': Bool(Eval('vat_registered')),
            'invisible': ~Eval('vat_registered'),
            })
    documents = fields.One2Many(
        'lao.vendor.application.document', 'application', "Documents",
        states={
            'readonly': ~Eval('state').in_(['draft', 'rejected', 'submitted']),
            })
    missing_documents = fields.Function(
        fields.Text("Missing Documents"), 'get_missing_documents')
    state = fields.Selection(
        APPLICATION_STATES, "State", readonly=True, required=True, sort=False)
    submitted_by = fields.Many2One('res.user', "Submitted By", readonly=True)
    submitted_at = fields.Timestamp("Submitted At", readonly=True)
    recognition_number = fields.Char("Recognition Number", readonly=True)
    company = fields.Many2One('company.company', "Company", readonly=True)
    warehouse = fields.Many2One(
        'stock.location', "Warehouse", readonly=True,
        domain=[('type', '=', 'warehouse')])
    manager = fields.Many2One('res.user', "Vendor Manager", readonly=True)
    invitation_state = fields.Function(fields.Selection(
            'get_invitation_states', "Invitation",
            help="Where the invitation of the vendor manager is: "
            "not yet delivered, sent, failed or accepted."),
        'get_invitation')
    invitation_error = fields.Function(fields.Text(
            "Invitation Error",
            states={'invisible': ~Eval('invitation_error')},
            help="Why the invitation could not be delivered."),
        'get_invitation')
    web_user = fields.Many2One(
        'web.user', "Web User", readonly=True, ondelete='RESTRICT',
        help="The account of the web shop that filed the application.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('registration_number_unique', Unique(t, t.registration_key),
                'lao_b2b.msg_registration_number_unique'),
            ('recognition_number_unique', Unique(t, t.recognition_number),
                'lao_b2b.msg_recognition_number_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                Index(t, (t.company, Index.Range())),
                })
        cls._order = [('submitted_at', 'ASC NULLS LAST'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'submitted'),
            ('rejected', 'submitted'),
            ('submitted', 'approved'),
            ('submitted', 'rejected'),
            ('approved', 'suspended'),
            ('suspended', 'approved'),
            ('approved', 'blacklisted'),
            ('suspended', 'blacklisted'),
            ('blacklisted', 'approved'),
            }
        cls._buttons.update({
                'submit': state_button(
                    ['draft', 'rejected'], 'tryton-forward'),
                'approve': state_button('submitted', 'tryton-ok'),
                'reject_wizard': state_button('submitted', 'tryton-cancel'),
                'suspend_wizard': state_button('approved', 'tryton-cancel'),
                'blacklist_wizard': state_button(
                    ['approved', 'suspended'], 'tryton-cancel'),
                'reinstate': state_button(
                    ['suspended', 'blacklisted'], 'tryton-ok'),
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_vendor_type():
        return 'cooperative'

    @classmethod
    def default_language(cls):
        "Lao, the language of a Lao vendor unless it chose another one"
        return Pool().get('ir.model.data').get_id('ir', 'lang_lo')

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('registration_number'):
            number = values['registration_number'].strip().upper()
            values['registration_number'] = number
            values['registration_key'] = re.sub(r'[\W_]+', '', number)
        if values.get('email'):
            values['email'] = values['email'].strip().lower()
        return values

    @classmethod
    def validate_fields(cls, applications, field_names):
        super().validate_fields(applications, field_names)
        if field_names & {'email'}:
            for application in applications:
                if not re.fullmatch(
                        r'[^@\s]+@[^@\s]+\.[^@\s]+', application.email or ''):
                    raise ApplicationError(gettext(
                            'lao_b2b.msg_invalid_email',
                            email=application.email))

    def get_rec_name(self, name):
        if self.recognition_number:
            return f'{self.name} ({self.recognition_number})'
        return self.name

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('name', operator, operand, *extra),
            ('name_lao', operator, operand, *extra),
            ('recognition_number', operator, operand, *extra),
            ('registration_number', operator, operand, *extra),
            ]

    @property
    def required_document_kinds(self):
        """The documents the law asks of this vendor, as a list of sets:
        each set is satisfied by any one of its kinds"""
        if self.vendor_type == 'individual':
            required = [{'id_card', 'family_book'}]
        else:
            required = [{'registration_certificate'}]
        if self.licence_required:
            required.append({'business_licence'})
        required.append({'payment_service_certificate'})
        return required

    def missing_document_kinds(self, checked=True):
        "The required kind sets not satisfied by a (checked) document"
        present = {d.kind for d in self.documents
            if d.has_file and (d.checked or not checked)}
        return [kinds for kinds in self.required_document_kinds
            if not (kinds & present)]

    def get_missing_documents(self, name):
        return self.describe_document_kinds(self.missing_document_kinds())

    @classmethod
    def get_invitation_states(cls):
        Invitation = Pool().get('res.user.invitation')
        return [(None, '')] + Invitation.fields_get(
            ['state'])['state']['selection']

    @classmethod
    def get_invitation(cls, applications, names):
        """The state and the delivery error of the latest invitation of
        each application's manager, which the reviewers who approved read
        without reading the invitations"""
        Invitation = Pool().get('res.user.invitation')
        result = {n: {a.id: None for a in applications} for n in names}
        by_manager = {a.manager.id: a.id for a in applications if a.manager}
        with without_check_access():
            invitations = Invitation.search([
                    ('user', 'in', list(by_manager)),
                    ], order=[('id', 'ASC')])
            for invitation in invitations:
                application_id = by_manager[invitation.user.id]
                for name, value in [
                        ('invitation_state', invitation.state),
                        ('invitation_error', invitation.delivery_error)]:
                    if name in result:
                        result[name][application_id] = value
        return result

    @classmethod
    def describe_document_kinds(cls, kind_sets):
        "One line per set of kinds, alternatives separated by a slash"
        Document = Pool().get('lao.vendor.application.document')
        labels = dict(Document.fields_get(['kind'])['kind']['selection'])
        return '\n'.join(
            ' / '.join(sorted(labels[k] for k in kinds))
            for kinds in kind_sets)

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('state') == 'submitted', 'success',
                    If(Eval('state').in_(
                            ['rejected', 'suspended', 'blacklisted']),
                        'danger', ''))),
            ]

    @classmethod
    def copy(cls, applications, default=None):
        default = default.copy() if default is not None else {}
        for name in ['registration_number', 'registration_key',
                'recognition_number', 'company', 'warehouse',
                'manager', 'submitted_by', 'submitted_at', 'decisions',
                'web_user']:
            default.setdefault(name, None)
        return super().copy(applications, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('submitted')
    def submit(cls, applications):
        for application in applications:
            missing = application.missing_document_kinds(checked=False)
            if missing:
                raise ApplicationError(gettext(
                        'lao_b2b.msg_submit_missing_documents',
                        application=application.rec_name,
                        documents=cls.describe_document_kinds(missing)))
        cls._log_transition(applications, 'submitted')
        cls.write(applications, {
                'submitted_by': Transaction().user or None,
                'submitted_at': dt.datetime.now(),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, applications):
        pool = Pool()
        Company = pool.get('company.company')
        User = pool.get('res.user')
        cls.check_decider(applications)
        for application in applications:
            if application.missing_document_kinds():
                raise ApplicationError(gettext(
                        'lao_b2b.msg_approve_missing_documents',
                        application=application.rec_name,
                        documents=application.missing_documents))
        cls._log_transition(applications, 'approved')
        to_provision = [a for a in applications if not a.company]
        # The platform provisions the vendor for the reviewer's decision:
        # its company, books, warehouse and manager are none of the
        # reviewer's business (no stock or accounting access)
        with without_check_access():
            for application in to_provision:
                application.recognition_number = (
                    application.new_recognition_number())
                application.company, application.warehouse = (
                    Company.provision_vendor(application))
                application.manager = User.create_vendor_manager(application)
            cls.save(to_provision)
            User.invite([a.manager for a in to_provision])

    def new_recognition_number(self):
        pool = Pool()
        Configuration = pool.get('lao.b2b.configuration')
        sequence = Configuration(1).recognition_sequence
        return 'LA-EC-%s-%s' % (
            self.province.short_code, sequence.get())

    @classmethod
    @ModelView.button_action('lao_b2b.wizard_vendor_application_reject')
    def reject_wizard(cls, applications):
        pass

    @classmethod
    @ModelView.button_action('lao_b2b.wizard_vendor_application_suspend')
    def suspend_wizard(cls, applications):
        pass

    @classmethod
    @Workflow.transition('suspended')
    def suspend(cls, applications, reason):
        cls._decide_with_reason(applications, 'suspended', reason)

    @classmethod
    @ModelView.button_action('lao_b2b.wizard_vendor_application_blacklist')
    def blacklist_wizard(cls, applications):
        pass

    @classmethod
    @Workflow.transition('blacklisted')
    def blacklist(cls, applications, reason):
        """Blacklist the vendors: read-only like a suspension, and their
        users can no longer log in, so their open sessions are closed"""
        cls._decide_with_reason(applications, 'blacklisted', reason)
        cls._close_sessions(applications)

    @classmethod
    def _close_sessions(cls, applications):
        pool = Pool()
        User = pool.get('res.user')
        Session = pool.get('ir.session')
        WebSession = pool.get('web.user.session')
        companies = [a.company.id for a in applications if a.company]
        web_users = [a.web_user.id for a in applications if a.web_user]
        # The sessions of other users are not the reviewer's to read
        with without_check_access():
            users = User.search([('companies', 'in', companies)])
            Session.delete(Session.search([
                        ('create_uid', 'in', [u.id for u in users]),
                        ]))
            WebSession.delete(WebSession.search([
                        ('user', 'in', web_users),
                        ]))

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def reinstate(cls, applications):
        cls.check_decider(applications)
        cls._log_transition(applications, 'approved')

    # The web shop: the applications a web user filed

    @property
    def documents_to_upload(self):
        "The required documents not uploaded yet, one line per choice"
        missing = self.missing_document_kinds(checked=False)
        return self.describe_document_kinds(missing).splitlines()

    @property
    def public_decisions(self):
        "The decisions the applicant may read, oldest first"
        return sorted(self.decisions, key=lambda d: (d.date, d.id))

    @classmethod
    def check_web_editable(cls, applications, documents=False):
        "Only draft or rejected applications (or submitted, for documents)"
        editable = {'draft', 'rejected'}
        if documents:
            editable.add('submitted')
        for application in applications:
            if application.state not in editable:
                raise WebUserError(gettext(
                        'lao_b2b.msg_web_application_not_editable',
                        application=application.rec_name))

    @classmethod
    def web_owner_domain(cls, user):
        return [('web_user', '=', user.id)]

    @classmethod
    def web_apply(cls, user, values):
        """File a draft vendor application of the web user with values, in
        the language the applicant uses on the web shop"""
        Lang = Pool().get('ir.lang')
        application = cls(**values)
        application.web_user = user
        languages = Lang.search([
                ('code', '=', Transaction().language),
                ], limit=1)
        if languages and 'language' not in values:
            application.language, = languages
        application.save()
        return application

    @classmethod
    def web_update(cls, user, application_id, values):
        application = user.own(cls, application_id)
        cls.check_web_editable([application])
        cls.write([application], values)
        return application

    @classmethod
    def web_add_document(cls, user, application_id, kind, filename, data):
        "Attach an uploaded file to the web user's application"
        Document = Pool().get('lao.vendor.application.document')
        application = user.own(cls, application_id)
        cls.check_web_editable([application], documents=True)
        filename, data = Document.check_upload(filename, data)
        document = Document(
            application=application, kind=kind, filename=filename, data=data)
        document.save()
        return document

    @classmethod
    def web_submit(cls, user, application_id):
        application = user.own(cls, application_id)
        cls.submit([application])
        return application


class ApplicationDocument(ModelSQL, ModelView):
    __string__ = "Vendor Application Document"
    __name__ = 'lao.vendor.application.document'

    application = fields.Many2One(
        'lao.vendor.application', "Application", required=True,
        ondelete='CASCADE')
    kind = fields.Selection(DOCUMENT_KINDS, "Kind", required=True)
    kind_string = kind.translated('kind')
    data = fields.Binary(
        "File", filename='filename', file_id='file_id')
    file_id = fields.Char("File ID", readonly=True)
    filename = fields.Char("File Name")
    has_file = fields.Function(fields.Boolean("Has File"), 'get_has_file')
    checked = fields.Boolean("Checked", readonly=True)
    checked_by = fields.Many2One('res.user', "Checked By", readonly=True)
    checked_at = fields.Timestamp("Checked At", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'mark_checked': {
                    'invisible': Bool(Eval('checked')),
                    'depends': ['checked'],
                    },
                })

    @staticmethod
    def default_checked():
        return False

    def get_has_file(self, name):
        return bool(self.file_id or self.data)

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'write' and 'data' in values:
            # A replaced file must be checked again
            values.update(checked=False, checked_by=None, checked_at=None)
        return values

    @classmethod
    @ModelView.button
    def mark_checked(cls, documents):
        "Record that a reviewer checked the documents against the originals"
        Application = Pool().get('lao.vendor.application')
        for document in documents:
            if not document.has_file:
                raise DocumentError(gettext(
                        'lao_b2b.msg_document_without_file',
                        document=document.rec_name))
        Application.check_decider(list({d.application for d in documents}))
        cls.write(documents, {
                'checked': True,
                'checked_by': Transaction().user or None,
                'checked_at': dt.datetime.now(),
                })

    def get_rec_name(self, name):
        return '%s: %s' % (self.application.rec_name, self.kind_string)

    @classmethod
    def check_upload(cls, filename, data):
        """Check an uploaded PDF or image and return a safe file name with
        the extension of its type and the data to store"""
        return check_upload(filename, data)


class DecisionReason(ModelView):
    __string__ = "Decision Reason"
    __name__ = 'lao.decision.reason'
    reason = fields.Text("Reason", required=True)


class DecideWithReason(Wizard):
    """Ask the reviewer for the written reason of a decision, then apply it
    through the model's method named by _decision"""
    start_state = 'start'
    start = StateView('lao.decision.reason',
        'lao_b2b.decision_reason_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Confirm", 'decide', 'tryton-ok', default=True),
            ])
    decide = StateTransition()
    _decision = None

    def transition_decide(self):
        getattr(self.model, self._decision)(self.records, self.start.reason)
        return 'end'


class RejectApplication(DecideWithReason):
    __string__ = "Reject Vendor Application"
    __name__ = 'lao.vendor.application.reject'
    _decision = 'reject'


class SuspendApplication(DecideWithReason):
    __string__ = "Suspend Vendor"
    __name__ = 'lao.vendor.application.suspend'
    _decision = 'suspend'


class BlacklistApplication(DecideWithReason):
    __string__ = "Blacklist Vendor"
    __name__ = 'lao.vendor.application.blacklist'
    _decision = 'blacklist'
