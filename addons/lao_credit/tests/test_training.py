"""Training: seats, attendance and results, certificates and their public
verification, attendance by province and audience, and the training factor
of the credit profiles."""
import datetime as dt
import io
import re
import unittest

from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from trytond.exceptions import UserError
from trytond.modules.lao_b2b.tests import (
    create_buyer, create_vendor, lao_province)
from trytond.pool import Pool
from trytond.tests.test_tryton import TestCase, activate_module, with_transaction
from trytond.transaction import Transaction

from .. import training
from ..scoring import Facts, Parameters, score

COURSE_LO = "ການຄັດເກຣດກາເຟ"
COURSE_ZH = "咖啡分级"


def create_course(name="Coffee grading", audience='producer', assessed=True,
        pass_score=60, translations=None):
    """A course, its title also in other languages:
    translations={language: title}"""
    Course = Pool().get('lao.training.course')
    course, = Course.create([{
                'name': name,
                'summary': "Grading green beans by defects and screen size",
                'audience': audience,
                'assessed': assessed,
                'pass_score': pass_score,
                }])
    for language, title in (translations or {}).items():
        with Transaction().set_context(language=language):
            Course.write([Course(course.id)], {'name': title})
    return course


def create_session(course, province='VT', capacity=20, date=None,
        online=False, state='open'):
    "A session of the course in the province (LA-<province>), opened"
    Session = Pool().get('lao.training.session')
    session, = Session.create([{
                'course': course.id,
                'date': date or Pool().get('ir.date').today(),
                'online': online,
                'province': lao_province(province).id if not online else None,
                'place': "Provincial Agriculture Office" if not online else None,
                'trainer': "Dr. Somchai Phommachanh",
                'capacity': capacity,
                }])
    if state in {'open', 'done'}:
        Session.open([session])
    return session


def enrol(session, results):
    """Enrol the parties in the session with their attendance and score:
    results=[(party, attended, score)]"""
    Enrolment = Pool().get('lao.training.enrolment')
    return Enrolment.create([{
                'session': session.id,
                'party': party.id,
                'attended': attended,
                'score': score,
                } for party, attended, score in results])


def pdf_text(content):
    "The text of every page of the PDF"
    reader = PdfReader(io.BytesIO(bytes(content)))
    return '\n'.join(page.extract_text() for page in reader.pages)


class TrainingTestCase(TestCase):
    "Training in lao_credit, on lao_credit's database"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The module set and language of LaoCreditTestCase: its cached
        # database
        activate_module(['lao_credit'], lang='en')

    @with_transaction()
    def test_capacity(self):
        "A session takes as many enrolments as it has seats, no more"
        pool = Pool()
        Session = pool.get('lao.training.session')
        course = create_course()
        session = create_session(course, capacity=2)
        first, second, third = [create_buyer(name) for name in [
                "Vientiane Roasters", "Pakse Traders", "Savan Rice"]]
        draft = create_session(course, state='draft')
        with self.assertRaises(UserError) as cm:
            enrol(draft, [(third, False, None)])
        self.assertIn("not open", cm.exception.message)
        enrol(session, [(first, False, None), (second, False, None)])
        self.assertEqual(session.seats_taken, 2)
        with self.assertRaises(UserError) as cm:
            enrol(session, [(third, False, None)])
        self.assertIn("is full", cm.exception.message)
        self.assertIn("2 seats", cm.exception.message)
        with self.assertRaises(UserError):
            Session.write([session], {'capacity': 1})

    @with_transaction()
    def test_certificate(self):
        "Done, a passed enrolment has a certificate that anyone can check"
        pool = Pool()
        Session = pool.get('lao.training.session')
        Enrolment = pool.get('lao.training.enrolment')
        Certificate = pool.get('lao.training.certificate', type='report')
        course = create_course(translations={
                'lo': COURSE_LO, 'zh_CN': COURSE_ZH})
        session = create_session(course, province='CH')
        holder, failed, absent = [create_buyer(name) for name in [
                "Paksong Coffee Growers", "Pakse Traders", "Savan Rice"]]
        passed, low, away = enrol(session, [
                (holder, True, 82), (failed, True, 40), (absent, False, None)])
        self.assertEqual(
            [e.passed for e in [passed, low, away]], [True, False, False])
        self.assertEqual(
            Enrolment.search([('passed', '=', True)]), [passed])
        self.assertEqual(passed.certificate_code, None)
        Session.done([session])
        self.assertRegex(
            passed.certificate_code, r'^([2-9A-HJKMNP-Z]{4}-){3}[2-9A-HJKMNP-Z]{4}$')
        self.assertEqual([low.certificate_code, away.certificate_code],
            [None, None])
        # Results of a done session are final
        with self.assertRaises(UserError):
            Enrolment.write([low], {'score': 90})

        code = passed.certificate_code
        typed = code.lower().replace('-', ' ')
        data = Enrolment.verify(typed, language='en')
        self.assertEqual(data['holder'], "Paksong Coffee Growers")
        self.assertEqual(data['course'], "Coffee grading")
        self.assertEqual(data['province'], "Champasak")
        self.assertEqual((data['score'], data['date']), (82, session.date))
        self.assertEqual(
            Enrolment.verify(code, language='lo')['course'], COURSE_LO)
        for text in ['', code[:-1] + ('2' if code[-1] != '2' else '3'),
                code + 'X', 'x' * 10_000, None, 'ABCD-EFGH-IJKL-MNOP']:
            self.assertIsNone(Enrolment.verify(text))

        extension, content, _, _ = Certificate.execute([passed.id], {})
        self.assertEqual(extension, 'pdf')
        text = pdf_text(content)
        for expected in [COURSE_LO, COURSE_ZH, "Coffee grading",
                "Paksong Coffee Growers", code, "ການຝຶກອົບຮົມ", "培训证书"]:
            self.assertIn(expected, text)
        with self.assertRaises(UserError):
            Certificate.execute([low.id], {})

    @with_transaction()
    def test_certificate_codes_unique(self):
        "Codes are random, never given twice, and refused when copied"
        pool = Pool()
        Enrolment = pool.get('lao.training.enrolment')
        Session = pool.get('lao.training.session')
        codes = Enrolment._new_codes(500)
        self.assertEqual(len(set(codes)), 500)
        self.assertTrue(all(training.normalise_code(c) == c for c in codes))
        course = create_course(assessed=False)
        session = create_session(course)
        first, second = enrol(session, [
                (create_buyer("Vientiane Roasters"), True, None),
                (create_buyer("Pakse Traders"), True, None)])
        Session.done([session])
        self.assertNotEqual(
            first.certificate_code, second.certificate_code)
        with self.assertRaises(UserError):
            Enrolment.write(
                [second], {'certificate_code': first.certificate_code})

    @with_transaction()
    def test_training_factor_and_attendance(self):
        "Completed courses raise a vendor's score, explained; operators see "
        "attendance by province and audience"
        pool = Pool()
        Session = pool.get('lao.training.session')
        Profile = pool.get('lao.credit.profile')
        Attendance = pool.get('lao.training.attendance')
        company = create_vendor("Paksong Coffee", 'CH-0101')
        vendor = company.party
        buyer = create_buyer()
        grading = create_course()
        hygiene = create_course("Food hygiene", assessed=False)
        customs = create_course("Customs forms", audience='official')
        today = pool.get('ir.date').today()
        sessions = [
            create_session(grading, 'CH', date=today - dt.timedelta(days=30)),
            create_session(grading, 'CH'),
            create_session(hygiene, 'VT'),
            create_session(customs, online=True),
            ]
        enrol(sessions[0], [(vendor, True, 90), (buyer, True, 30)])
        enrol(sessions[1], [(vendor, True, 75)])
        enrol(sessions[2], [(vendor, True, None), (buyer, False, None)])
        enrol(sessions[3], [(vendor, False, None)])
        profile, = Profile.recompute([vendor.id])
        before = [f for f in profile.factors if f.code == 'training'][0]
        self.assertEqual(before.points, 0)
        Session.done(sessions)

        profile, = Profile.recompute([vendor.id])
        factor, = [f for f in profile.factors if f.code == 'training']
        # grading twice counts once, the customs session was missed
        self.assertEqual(factor.evidence, "Training: 2 courses completed.")
        self.assertEqual(factor.points, 20)
        self.assertEqual(sum(f.points for f in profile.factors), profile.score)
        profile, = Profile.recompute([buyer.id])
        self.assertFalse([f for f in profile.factors if f.code == 'training'])

        rows = {(r.province.code if r.province else None, r.audience): (
                    r.sessions, r.enrolled, r.attended, r.passed)
            for r in Attendance.search([])}
        self.assertEqual(rows, {
                ('LA-CH', 'producer'): (2, 3, 3, 2),
                ('LA-VT', 'producer'): (1, 2, 1, 1),
                (None, 'official'): (1, 1, 0, 0),
                })


class TrainingFactorTestCase(unittest.TestCase):
    "The training factor of the scoring kernel, without a database"

    @settings(max_examples=60, deadline=None)
    @given(st.integers(min_value=0, max_value=20), st.booleans())
    def test_more_courses_never_lower(self, courses, is_vendor):
        parameters = Parameters()
        facts = Facts(is_vendor=is_vendor, courses_completed=courses)
        more = Facts(is_vendor=is_vendor, courses_completed=courses + 1)
        value, factors = score(facts, parameters)
        self.assertEqual(sum(f.points for f in factors), value)
        self.assertLessEqual(value, score(more, parameters)[0])

    def test_codes(self):
        code = training.new_code()
        self.assertTrue(re.fullmatch(r'(\w{4}-){3}\w{4}', code))
        self.assertEqual(training.normalise_code(
                ' ' + code.lower().replace('-', '') + ' '), code)
        self.assertIsNone(training.normalise_code(code.replace(
                    code[0], 'O')))
