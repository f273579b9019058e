"""Training of government staff, producers, traders and service-point staff.

Courses are given in sessions (a date, a place or online, a trainer and a
number of seats); a party is enrolled in a session, its attendance and, where
the course is assessed, its score recorded.  When the session is done, every
passed enrolment receives a certificate with a random verification code that
anyone can check on the storefront's public page, and the courses a party
completed count in its credit profile (`Profile.recompute`, the `training`
factor).  Operators see attendance by province and audience
(`lao.training.attendance`)."""
import secrets

import segno
from genshi.core import Markup
from sql import Literal, Null
from sql.aggregate import Count, Min, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.config import config
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.modules.lao_b2b import country
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.report import Report
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction, without_check_access

from .exceptions import TrainingError
from .review import PartyReviewMixin

AUDIENCES = [
    ('official', "Government Officials"),
    ('producer', "Producers"),
    ('trader', "Traders"),
    ('service_point', "Service-Point Staff"),
    ]

SESSION_STATES = [
    ('draft', "Draft"),
    ('open', "Open"),
    ('done', "Done"),
    ('cancelled', "Cancelled"),
    ]

# The certificate's languages, in the order they are printed
CERTIFICATE_LANGUAGES = ['lo', 'zh_CN', 'en']
# Verification codes: 16 characters of an alphabet without the look-alikes
# 0/O and 1/I/L (80 bits), written in groups of four
CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ'
CODE_LENGTH = 16
CODE_GROUP = 4
# The longest code a visitor may submit, separators included
CODE_MAX_INPUT = 40
DEFAULT_VERIFICATION_URL = 'http://127.0.0.1:5000/training/verify/'


def new_code():
    "A random, unguessable certificate code: XXXX-XXXX-XXXX-XXXX"
    characters = ''.join(
        secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return '-'.join(characters[i:i + CODE_GROUP]
        for i in range(0, CODE_LENGTH, CODE_GROUP))


def normalise_code(text):
    """The code as stored, from what a visitor typed (any case, spaces or
    dashes anywhere), or None when it cannot be a code"""
    if not isinstance(text, str) or len(text) > CODE_MAX_INPUT:
        return None
    characters = ''.join(
        c for c in text.upper() if c not in ' -\t')
    if (len(characters) != CODE_LENGTH
            or any(c not in CODE_ALPHABET for c in characters)):
        return None
    return '-'.join(characters[i:i + CODE_GROUP]
        for i in range(0, CODE_LENGTH, CODE_GROUP))


def verification_url(code=''):
    "The public page where the certificate of code is checked"
    base = config.get(
        'lao_credit', 'certificate_url', default=DEFAULT_VERIFICATION_URL)
    return base + code


class Course(DeactivableMixin, ModelSQL, ModelView):
    __string__ = "Training Course"
    __name__ = 'lao.training.course'

    name = fields.Char("Title", required=True, translate=True)
    summary = fields.Text("Content Summary", translate=True)
    audience = fields.Selection(AUDIENCES, "Audience", required=True)
    audience_string = audience.translated('audience')
    assessed = fields.Boolean(
        "Assessed", help="The course ends with an assessment scored 0-100.")
    pass_score = fields.Integer(
        "Pass Score",
        domain=[If(Bool(Eval('assessed')),
                [('pass_score', '>=', 0), ('pass_score', '<=', 100)],
                [])],
        states={
            'invisible': ~Eval('assessed'),
            'required': Bool(Eval('assessed')),
            },
        help="The lowest score that passes the assessment.")
    sessions = fields.One2Many(
        'lao.training.session', 'course', "Sessions", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('name', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_audience(cls):
        return 'producer'

    @classmethod
    def default_pass_score(cls):
        return 60


_session_editable = {'readonly': Eval('state') != 'draft'}
_in_person = {
    'invisible': Bool(Eval('online')),
    'required': ~Eval('online'),
    'readonly': Eval('state') != 'draft',
    }


class Session(Workflow, ModelSQL, ModelView):
    __string__ = "Training Session"
    __name__ = 'lao.training.session'

    course = fields.Many2One(
        'lao.training.course', "Course", required=True,
        states=_session_editable)
    audience = fields.Function(
        fields.Selection(AUDIENCES, "Audience"), 'get_course_field')
    date = fields.Date("Date", required=True, states=_session_editable)
    online = fields.Boolean("Online", states=_session_editable)
    province = fields.Many2One(
        'country.subdivision', "Province", states=_in_person,
        domain=country.Subdivision.lao_provinces())
    place = fields.Char(
        "Place", states=_in_person,
        help="Where the session is held: the venue and its village or town.")
    trainer = fields.Char("Trainer", required=True, states=_session_editable)
    capacity = fields.Integer(
        "Capacity", required=True,
        domain=[('capacity', '>', 0)],
        states={'readonly': Eval('state').in_(['done', 'cancelled'])},
        help="The number of seats.")
    enrolments = fields.One2Many(
        'lao.training.enrolment', 'session', "Enrolments",
        states={'readonly': Eval('state').in_(['done', 'cancelled'])})
    seats_taken = fields.Function(
        fields.Integer("Seats Taken"), 'get_seats_taken')
    state = fields.Selection(SESSION_STATES, "State", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.course, Index.Range())),
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'open'),
            ('open', 'draft'),
            ('open', 'done'),
            ('draft', 'cancelled'),
            ('open', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': ~Eval('state').in_(['open', 'cancelled']),
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'open': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'done': {
                    'invisible': Eval('state') != 'open',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'open']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_capacity():
        return 30

    def get_rec_name(self, name):
        where = None
        if not self.online and self.province:
            where = self.province.name
        return ', '.join(filter(None, [
                    self.course.rec_name, str(self.date), where]))

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('course.rec_name',) + tuple(clause[1:])]

    def get_course_field(self, name):
        return getattr(self.course, name)

    @classmethod
    def get_seats_taken(cls, sessions, name):
        counts = cls.enrolment_counts([s.id for s in sessions])
        return {s.id: counts.get(s.id, 0) for s in sessions}

    @classmethod
    def enrolment_counts(cls, session_ids):
        "{session id: number of enrolments}, in one query per slice"
        Enrolment = Pool().get('lao.training.enrolment')
        enrolment = Enrolment.__table__()
        cursor = Transaction().connection.cursor()
        counts = {}
        for sub_ids in grouped_slice(session_ids, backend.MAX_QUERY_PARAMS):
            cursor.execute(*enrolment.select(
                    enrolment.session, Count(Literal(1)),
                    where=reduce_ids(enrolment.session, sub_ids),
                    group_by=[enrolment.session]))
            counts.update(cursor)
        return counts

    @classmethod
    def check_capacity(cls, sessions):
        "Refuse more enrolments than seats in any of the sessions"
        counts = cls.enrolment_counts([s.id for s in sessions])
        for session in sessions:
            count = counts.get(session.id, 0)
            if count > session.capacity:
                raise TrainingError(gettext(
                        'lao_credit.msg_training_session_full',
                        session=session.rec_name,
                        capacity=session.capacity, count=count))

    @classmethod
    def validate_fields(cls, sessions, field_names):
        super().validate_fields(sessions, field_names)
        if 'capacity' in field_names:
            cls.check_capacity(sessions)

    @classmethod
    def check_modification(cls, mode, sessions, values=None, external=False):
        super().check_modification(
            mode, sessions, values=values, external=external)
        if mode == 'delete':
            for session in sessions:
                if session.state not in {'draft', 'cancelled'}:
                    raise TrainingError(gettext(
                            'lao_credit.msg_training_session_delete',
                            session=session.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, sessions):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def open(cls, sessions):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def done(cls, sessions):
        """Close the sessions: the passed enrolments receive their
        certificates and the parties' credit profiles are recomputed"""
        pool = Pool()
        Enrolment = pool.get('lao.training.enrolment')
        Profile = pool.get('lao.credit.profile')
        enrolments = [e for s in sessions for e in s.enrolments]
        Enrolment.issue_certificates(enrolments)
        Profile.queue_recompute([e.party for e in enrolments])

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, sessions):
        pass


_enrolment_states = {
    'readonly': Eval('session_state').in_(['done', 'cancelled']),
    }


class Enrolment(ModelSQL, ModelView):
    __string__ = "Training Enrolment"
    __name__ = 'lao.training.enrolment'
    __access__ = {'session'}

    session = fields.Many2One(
        'lao.training.session', "Session", required=True,
        ondelete='CASCADE', states={
            'readonly': Eval('id', -1) >= 0,
            })
    session_state = fields.Function(
        fields.Selection(SESSION_STATES, "Session State"),
        'get_session_field')
    course = fields.Function(
        fields.Many2One('lao.training.course', "Course"),
        'get_session_field', searcher='search_course')
    date = fields.Function(fields.Date("Date"), 'get_session_field')
    assessed = fields.Function(
        fields.Boolean("Assessed"), 'get_session_field')
    party = fields.Many2One(
        'party.party', "Party", required=True, ondelete='CASCADE',
        states={'readonly': Eval('id', -1) >= 0},
        context={'company': Eval('vendor', -1)}, depends={'vendor'})
    vendor = fields.Many2One(
        'company.company', "Vendor", readonly=True,
        help="The vendor company of the party, if it is a vendor.")
    attended = fields.Boolean("Attended", states=_enrolment_states)
    score = fields.Integer(
        "Score",
        domain=['OR',
            ('score', '=', None),
            [('score', '>=', 0), ('score', '<=', 100)],
            ],
        states={
            'readonly': _enrolment_states['readonly'],
            'invisible': ~Eval('assessed'),
            },
        help="The result of the assessment, 0-100.")
    passed = fields.Function(
        fields.Boolean("Passed"), 'get_passed', searcher='search_passed')
    certificate_code = fields.Char(
        "Certificate Code", readonly=True,
        help="The code that anyone can check on the public verification "
        "page; given when the session is done to each passed enrolment.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('session_party_unique', Unique(t, t.session, t.party),
                'lao_credit.msg_training_enrolment_unique'),
            ('certificate_code_unique', Unique(t, t.certificate_code),
                'lao_credit.msg_training_certificate_code_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.party, Index.Range())),
                Index(t, (t.vendor, Index.Range())),
                Index(t, (t.session, Index.Range())),
                })
        cls._order = [('session', 'DESC'), ('id', 'ASC')]

    def get_rec_name(self, name):
        return '%s: %s' % (self.party.rec_name, self.session.rec_name)

    @classmethod
    def search_rec_name(cls, name, clause):
        return ['OR',
            [('party.rec_name',) + tuple(clause[1:])],
            [('session.rec_name',) + tuple(clause[1:])],
            ]

    @classmethod
    def get_session_field(cls, enrolments, names):
        result = {n: {} for n in names}
        for enrolment in enrolments:
            session = enrolment.session
            values = {
                'session_state': session.state,
                'course': session.course.id,
                'date': session.date,
                'assessed': session.course.assessed,
                }
            for name in names:
                result[name][enrolment.id] = values[name]
        return result

    @classmethod
    def search_course(cls, name, clause):
        return [('session.course' + clause[0][len(name):],)
            + tuple(clause[1:])]

    @classmethod
    def passed_sql(cls, enrolment, course):
        """The SQL condition of a passed enrolment, for the enrolment table
        joined to its session's course: attended, and scored at least the
        pass score when the course is assessed"""
        return ((enrolment.attended == Literal(True))
            & ((course.assessed != Literal(True))
                | ((enrolment.score != Null)
                    & (enrolment.score >= Coalesce(course.pass_score, 0)))))

    @classmethod
    def _passed_query(cls):
        pool = Pool()
        Session = pool.get('lao.training.session')
        Course = pool.get('lao.training.course')
        enrolment = cls.__table__()
        session = Session.__table__()
        course = Course.__table__()
        passed = cls.passed_sql(enrolment, course)
        from_ = (enrolment
            .join(session, condition=enrolment.session == session.id)
            .join(course, condition=session.course == course.id))
        return enrolment, passed, from_

    @classmethod
    def get_passed(cls, enrolments, name):
        enrolment, passed, from_ = cls._passed_query()
        cursor = Transaction().connection.cursor()
        result = {e.id: False for e in enrolments}
        for sub_ids in grouped_slice(
                [e.id for e in enrolments], backend.MAX_QUERY_PARAMS):
            cursor.execute(*from_.select(enrolment.id,
                    where=reduce_ids(enrolment.id, sub_ids) & passed))
            for id_, in cursor:
                result[id_] = True
        return result

    @classmethod
    def search_passed(cls, name, clause):
        _, operator, value = clause
        enrolment, passed, from_ = cls._passed_query()
        query = from_.select(enrolment.id, where=passed)
        wanted = (operator == '=') == bool(value)
        return [('id', 'in' if wanted else 'not in', query)]

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('party'):
            values['vendor'] = PartyReviewMixin.vendor_of(values['party'])
        return values

    @classmethod
    def check_modification(
            cls, mode, enrolments, values=None, external=False):
        super().check_modification(
            mode, enrolments, values=values, external=external)
        if mode == 'create':
            for enrolment in enrolments:
                if enrolment.session.state != 'open':
                    raise TrainingError(gettext(
                            'lao_credit.msg_training_session_not_open',
                            session=enrolment.session.rec_name))
            return
        if mode == 'delete':
            # A cancelled session's enrolments go with it
            closed = {'done'}
        elif set(values) - {'certificate_code'}:
            closed = {'done', 'cancelled'}
        else:
            return
        for enrolment in enrolments:
            if enrolment.session.state in closed:
                raise TrainingError(gettext(
                        'lao_credit.msg_training_session_closed',
                        session=enrolment.session.rec_name))

    @classmethod
    def validate_fields(cls, enrolments, field_names):
        super().validate_fields(enrolments, field_names)
        if field_names & {'session'}:
            Session = Pool().get('lao.training.session')
            sessions = Session.browse({e.session.id for e in enrolments})
            # Waits for the other enrolments of these sessions to commit,
            # so that their seats are counted
            Session.lock(sessions)
            Session.check_capacity(sessions)

    @classmethod
    def issue_certificates(cls, enrolments):
        """Give a certificate code to each passed enrolment that has none
        yet (the sessions being done)"""
        enrolments = [e for e in cls.browse(enrolments)
            if e.passed and not e.certificate_code]
        codes = cls._new_codes(len(enrolments))
        to_write = []
        for enrolment, code in zip(enrolments, codes):
            to_write.extend(([enrolment], {'certificate_code': code}))
        if to_write:
            cls.write(*to_write)

    @classmethod
    def _new_codes(cls, count):
        "count new codes, none of them already given"
        enrolment = cls.__table__()
        cursor = Transaction().connection.cursor()
        codes = set()
        while len(codes) < count:
            wanted = {new_code() for _ in range(count - len(codes))} - codes
            cursor.execute(*enrolment.select(enrolment.certificate_code,
                    where=enrolment.certificate_code.in_(list(wanted))))
            wanted -= {c for c, in cursor}
            codes |= wanted
        return sorted(codes)

    @classmethod
    def verify(cls, text, language=None):
        """The public data of the certificate whose code the visitor typed,
        or None: holder, course title, date, place, result

        The storefront's verification page; nothing else of the enrolment
        or the party leaves."""
        pool = Pool()
        Course = pool.get('lao.training.course')
        Subdivision = pool.get('country.subdivision')
        code = normalise_code(text)
        if code is None:
            return None
        with without_check_access():
            enrolments = cls.search([
                    ('certificate_code', '=', code),
                    ('session.state', '=', 'done'),
                    ], limit=1)
            if not enrolments or not enrolments[0].passed:
                return None
            enrolment, = enrolments
            session = enrolment.session
            with Transaction().set_context(
                    language=language or Transaction().language):
                course = Course(session.course.id)
                province = (Subdivision(session.province.id).name
                    if session.province else None)
                return {
                    'code': code,
                    'holder': enrolment.party.rec_name,
                    'course': course.name,
                    'audience': course.audience_string,
                    'date': session.date,
                    'online': bool(session.online),
                    'place': session.place if not session.online else None,
                    'province': province,
                    'trainer': session.trainer,
                    'assessed': bool(course.assessed),
                    'score': enrolment.score if course.assessed else None,
                    }

    @classmethod
    def completed_courses(cls, party_ids=None):
        """{party id: number of distinct courses it completed}: passed in
        a done session; one query over all parties (or over party_ids)"""
        pool = Pool()
        Session = pool.get('lao.training.session')
        Course = pool.get('lao.training.course')
        enrolment = cls.__table__()
        session = Session.__table__()
        course = Course.__table__()
        where = ((session.state == 'done')
            & cls.passed_sql(enrolment, course))
        if party_ids is not None:
            where &= reduce_ids(enrolment.party, party_ids)
        query = (enrolment
            .join(session, condition=enrolment.session == session.id)
            .join(course, condition=session.course == course.id)
            .select(enrolment.party, Count(session.course, distinct=True),
                where=where, group_by=[enrolment.party]))
        cursor = Transaction().connection.cursor()
        cursor.execute(*query)
        return dict(cursor)



class Attendance(ModelSQL, ModelView):
    __string__ = "Training Attendance"
    __name__ = 'lao.training.attendance'

    province = fields.Many2One(
        'country.subdivision', "Province",
        help="Empty for the sessions held online.")
    audience = fields.Selection(AUDIENCES, "Audience")
    sessions = fields.Integer("Sessions")
    enrolled = fields.Integer("Enrolled")
    attended = fields.Integer("Attended")
    passed = fields.Integer("Passed")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('province', 'ASC'), ('audience', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        """The done sessions grouped by province and audience; each group's
        id is the smallest id of its sessions"""
        pool = Pool()
        Session = pool.get('lao.training.session')
        Course = pool.get('lao.training.course')
        Enrolment = pool.get('lao.training.enrolment')
        session = Session.__table__()
        course = Course.__table__()
        enrolment = Enrolment.__table__()
        # The enrolments of each session, passed ones judged by its course
        session_course = session.join(
            course, condition=session.course == course.id)
        per_session = (session_course
            .join(enrolment, 'LEFT',
                condition=enrolment.session == session.id)
            .select(session.id.as_('session'),
                session.province.as_('province'),
                course.audience.as_('audience'),
                Count(enrolment.id).as_('enrolled'),
                Sum(Case((enrolment.attended == Literal(True), 1),
                        else_=0)).as_('attended'),
                Sum(Case((Enrolment.passed_sql(enrolment, course), 1),
                        else_=0)).as_('passed'),
                where=session.state == 'done',
                group_by=[session.id, session.province, course.audience]))
        return per_session.select(
            Min(per_session.session).as_('id'),
            Literal(0).as_('create_uid'),
            CurrentTimestamp().as_('create_date'),
            cls.write_uid.sql_cast(Literal(Null)).as_('write_uid'),
            cls.write_date.sql_cast(Literal(Null)).as_('write_date'),
            per_session.province,
            per_session.audience,
            cls.sessions.sql_cast(Count(Literal(1))).as_('sessions'),
            cls.enrolled.sql_cast(Sum(per_session.enrolled)).as_('enrolled'),
            cls.attended.sql_cast(
                Sum(Coalesce(per_session.attended, 0))).as_('attended'),
            cls.passed.sql_cast(
                Sum(Coalesce(per_session.passed, 0))).as_('passed'),
            group_by=[per_session.province, per_session.audience])


class Certificate(Report):
    "The trilingual certificate of a passed enrolment"
    __name__ = 'lao.training.certificate'

    @classmethod
    def execute(cls, ids, data):
        Enrolment = Pool().get('lao.training.enrolment')
        for enrolment in Enrolment.browse(ids):
            if not enrolment.certificate_code or not enrolment.passed:
                raise TrainingError(gettext(
                        'lao_credit.msg_training_certificate_not_passed',
                        enrolment=enrolment.rec_name))
        return super().execute(ids, data)

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['certificate'] = cls.certificate_data
        return context

    @classmethod
    def certificate_data(cls, enrolment):
        "The values printed on the certificate of enrolment"
        pool = Pool()
        Course = pool.get('lao.training.course')
        Subdivision = pool.get('country.subdivision')
        session = enrolment.session
        titles, provinces = {}, {}
        for language in CERTIFICATE_LANGUAGES:
            with Transaction().set_context(language=language):
                titles[language] = Course(session.course.id).name
                if session.province and not session.online:
                    provinces[language] = Subdivision(
                        session.province.id).name
        url = verification_url(enrolment.certificate_code)
        return {
            'holder': enrolment.party.rec_name,
            'titles': titles,
            'date': session.date,
            'online': bool(session.online),
            'place': session.place,
            'provinces': provinces,
            'trainer': session.trainer,
            'score': (enrolment.score if session.course.assessed else None),
            'code': enrolment.certificate_code,
            'url': url,
            'qr': Markup(segno.make(url, error='m').svg_inline(
                    scale=3, border=2)),
            }
