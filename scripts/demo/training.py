"""Training demo data: four courses titled in Lao, Chinese and English, their
sessions in Champasak, Vientiane and online, the vendors' parties enrolled
with their attendance and results, and the certificate whose code the public
verification page confirms."""
import datetime as dt
from dataclasses import dataclass

from .tryton import acting_as
from .vendors import CASSAVA, COFFEE, RICE, RUBBER

CERTIFICATE_ROLE = 'training certificate'


@dataclass
class CourseData:
    key: str
    names: dict
    summary: str
    audience: str
    assessed: bool = False
    pass_score: int = None


COURSES = [
    CourseData('coffee', {
            'en': "Coffee quality and grading",
            'lo': "ຄຸນນະພາບ ແລະ ການຄັດເກຣດກາເຟ",
            'zh_CN': "咖啡质量与分级"},
        "Defects, screen sizes and cupping of green beans; the grades "
        "buyers in Laos, Thailand and China pay for.",
        'producer', assessed=True, pass_score=60),
    CourseData('online', {
            'en': "Selling online on the marketplace",
            'lo': "ການຂາຍອອນລາຍຢູ່ຕະຫຼາດ",
            'zh_CN': "在电商平台上销售"},
        "Listings with photos and certificates, answering requests for "
        "quotation, dispatching on time and the credit profile.",
        'trader'),
    CourseData('export', {
            'en': "Export documents and plant quarantine rules for China",
            'lo': "ເອກະສານສົ່ງອອກ ແລະ ລະບຽບກັກກັນພືດສຳລັບຈີນ",
            'zh_CN': "对华出口单证与植物检疫规定"},
        "Certificates of origin, phytosanitary certificates and the GACC "
        "registration of orchards and packing houses.",
        'official', assessed=True, pass_score=70),
    CourseData('service_point', {
            'en': "Cash and parcels at the service point",
            'lo': "ການຈັດການເງິນສົດ ແລະ ພັດສະດຸຢູ່ຈຸດບໍລິການ",
            'zh_CN': "服务点现金与包裹处理"},
        "Taking cash on delivery, handing parcels over with their code and "
        "closing the day's cash.",
        'service_point'),
    ]

# (course, days from today, province or None online, place, trainer,
# capacity, final state, [(vendor, attended, score)])
SESSIONS = [
    ('coffee', -60, 'LA-CH', "Bolaven Plateau Coffee Research Centre, Paksong",
        "Mr. Bounmy Sisombath", 25, 'done',
        [(COFFEE, True, 86), (RUBBER, True, 55)]),
    ('online', -30, 'LA-VT',
        "Lao National Chamber of Commerce and Industry, Vientiane",
        "Ms. Chanthala Keomany", 40, 'done',
        [(COFFEE, True, None), (RICE, True, None), (CASSAVA, True, None),
            (RUBBER, False, None)]),
    ('export', 14, 'LA-VT',
        "Department of Agriculture, Vientiane", "Mr. Wang Lei", 30, 'open',
        [(RICE, False, None), (CASSAVA, False, None)]),
    ('service_point', 21, None, None, "Ms. Phonesavanh Inthavong", 60,
        'draft', []),
    ]


def load(applications, operator):
    """Create the courses and sessions as the operator, enrol the vendors'
    parties and close the past sessions; return the passed enrolments"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Course = pool.get('lao.training.course')
    Session = pool.get('lao.training.session')
    Enrolment = pool.get('lao.training.enrolment')
    Subdivision = pool.get('country.subdivision')
    Profile = pool.get('lao.credit.profile')
    today = pool.get('ir.date').today()
    parties = {a.registration_number: a.company.party
        for a in applications if a.company}
    with acting_as(operator):
        courses = {}
        for course in COURSES:
            record, = Course.create([{
                        'name': course.names['en'],
                        'summary': course.summary,
                        'audience': course.audience,
                        'assessed': course.assessed,
                        'pass_score': course.pass_score,
                        }])
            for language in ['lo', 'zh_CN']:
                with Transaction().set_context(language=language):
                    Course.write([Course(record.id)],
                        {'name': course.names[language]})
            courses[course.key] = record
        done = []
        for (key, days, province, place, trainer, capacity, state,
                enrolments) in SESSIONS:
            if province:
                province, = Subdivision.search([('code', '=', province)])
            session, = Session.create([{
                        'course': courses[key].id,
                        'date': today + dt.timedelta(days=days),
                        'online': province is None,
                        'province': province.id if province else None,
                        'place': place,
                        'trainer': trainer,
                        'capacity': capacity,
                        }])
            if state == 'draft':
                continue
            Session.open([session])
            Enrolment.create([{
                        'session': session.id,
                        'party': parties[vendor].id,
                        'attended': attended,
                        'score': score,
                        } for vendor, attended, score in enrolments
                    if vendor in parties])
            if state == 'done':
                done.append(session)
        Session.done(done)
    passed = Enrolment.search([
            ('session', 'in', [s.id for s in done]),
            ('certificate_code', '!=', None),
            ], order=[('id', 'ASC')])
    # The training factor in the profiles now, not only after the queue
    Profile.recompute(sorted({p.id for p in parties.values()}))
    return passed


def logins(enrolments):
    "The verification page of the first certificate"
    return [(CERTIFICATE_ROLE, f'training/verify/{e.certificate_code}', '',
            f'{e.party.rec_name}: {e.session.course.name}')
        for e in enrolments[:1]]
