"""China–Laos Railway: stations, bookings and their stops.

A booking is a wagon or container on the line, with its seals, carrying the
goods of a customs declaration.  Its stops list, station by station, the
planned and the actual arrival and departure.  The estimated time of each
stop still to come is its planned time shifted by the delay of the latest
event recorded (arrival or departure), so one late event moves every later
estimate; a booking whose delay passes its warning threshold notifies the
vendor's users once.
"""
import datetime as dt
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import RailEventError

# Changing any of them moves the estimates of the booking
_EVENT_FIELDS = {
    'planned_arrival', 'planned_departure', 'actual_arrival',
    'actual_departure', 'sequence'}


class Station(DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    __string__ = "Railway Station"
    __name__ = 'lao.rail.station'

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True)
    country = fields.Many2One('country.country', "Country", required=True)
    border = fields.Boolean(
        "Border Port", help="Export or import formalities take place here.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('sequence', 'ASC'))


class Booking(ModelSQL, ModelView):
    __string__ = "Railway Booking"
    __name__ = 'lao.rail.booking'

    company = fields.Many2One('company.company', "Vendor", required=True)
    declaration = fields.Many2One(
        'lao.customs.declaration', "Customs Declaration",
        domain=[('company', '=', Eval('company', -1))])
    kind = fields.Selection([
            ('wagon', "Wagon"),
            ('container', "Container"),
            ], "Kind", required=True)
    number = fields.Char(
        "Wagon or Container Number", required=True)
    seals = fields.Char("Seals", help="The seal numbers, comma separated.")
    stops = fields.One2Many('lao.rail.stop', 'booking', "Stops")
    delay_warning = fields.TimeDelta(
        "Warn from a Delay of", required=True)
    delay = fields.TimeDelta("Delay", readonly=True,
        help="The delay of the latest event recorded.")
    delay_warned = fields.Boolean("Delay Warned", readonly=True)
    eta = fields.Function(
        fields.DateTime("Estimated Arrival"), 'get_eta')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.declaration, Index.Equality())))

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_kind(cls):
        return 'container'

    @classmethod
    def default_delay_warning(cls):
        return dt.timedelta(hours=3)

    @classmethod
    def default_delay_warned(cls):
        return False

    def get_rec_name(self, name):
        return self.number

    def get_eta(self, name):
        if self.stops:
            return self.stops[-1].eta

    @classmethod
    def record_events(cls, events):
        """Record actual times and recompute the estimates of the bookings

        events is a list of (stop, 'arrival' or 'departure', datetime)."""
        Stop = Pool().get('lao.rail.stop')
        to_save = {}
        for stop, kind, time in events:
            if kind not in {'arrival', 'departure'}:
                raise RailEventError(gettext(
                        'lao_crossborder.msg_rail_event_kind', kind=kind))
            setattr(stop, f'actual_{kind}', time)
            to_save[stop.id] = stop
        # saving the actual times recomputes the bookings
        Stop.save(list(to_save.values()))

    @classmethod
    def recompute(cls, bookings):
        """Shift the estimates of the stops after the latest event of each
        booking by its delay, and warn of the delays past the threshold"""
        pool = Pool()
        Stop = pool.get('lao.rail.stop')
        bookings = cls.browse([b.id for b in bookings])
        stops, to_warn = [], []
        for booking in bookings:
            delay = booking.latest_delay()
            for stop in booking.stops:
                eta = stop.estimate(delay)
                if eta != stop.eta:
                    stop.eta = eta
                    stops.append(stop)
            booking.delay = delay
            if (delay is not None and delay > booking.delay_warning
                    and not booking.delay_warned):
                booking.delay_warned = True
                to_warn.append(booking)
        Stop.save(stops)
        cls.save(bookings)
        cls.warn_delays(to_warn)

    def latest_delay(self):
        "The delay of the latest actual time, or None before any event"
        latest = None
        for stop in self.stops:
            for kind in ['arrival', 'departure']:
                actual = getattr(stop, f'actual_{kind}')
                planned = getattr(stop, f'planned_{kind}')
                if actual and planned:
                    if latest is None or actual >= latest[0]:
                        latest = (actual, actual - planned)
        return latest[1] if latest else None

    @classmethod
    def warn_delays(cls, bookings):
        pool = Pool()
        Notification = pool.get('res.notification')
        User = pool.get('res.user')
        if not bookings:
            return
        users = defaultdict(list)
        for user in User.search([
                    ('companies', 'in', list({b.company.id for b in bookings})),
                    ]):
            for company in user.companies:
                users[company.id].append(user)
        notifications = []
        for booking in bookings:
            hours = round(booking.delay.total_seconds() / 3600, 1)
            for user in users[booking.company.id]:
                with Transaction().set_context(language=user.language.code
                        if user.language else None):
                    notifications.append(Notification(
                            user=user,
                            label=gettext('lao_crossborder.msg_rail_delayed',
                                booking=booking.rec_name, hours=hours),
                            model=cls.__name__,
                            records=str([booking.id])))
        Notification.save(notifications)

    def journey(self):
        """The stops as (station, planned, actual or estimated, is actual)
        for the buyer's order page and the lot's trace page"""
        result = []
        for stop in self.stops:
            planned = stop.planned_arrival or stop.planned_departure
            actual = stop.actual_arrival or stop.actual_departure
            result.append((stop.station.rec_name, planned,
                    actual or stop.eta, bool(actual)))
        return result

    @classmethod
    def web_journeys(cls, bookings):
        """The bookings as the buyer's order page and the lot's public trace
        page show them: number, kind, estimated arrival and the stops
        (station, planned, actual or estimated time, whether actual)"""
        kinds = dict(cls.fields_get(['kind'])['kind']['selection'])
        return [{
                'number': b.number,
                'kind': kinds.get(b.kind, b.kind),
                'eta': b.eta,
                'delay': b.delay,
                'stops': [dict(zip(
                            ('station', 'planned', 'time', 'actual'), stop))
                    for stop in b.journey()],
                } for b in bookings]

    @classmethod
    def lot_journeys(cls, lots):
        """The railway journeys of the lots, through the customs
        declarations that carry them, for the public trace page: stations
        and times only, no importer"""
        Line = Pool().get('lao.customs.declaration.line')
        lines = Line.search([('lot', 'in', [l.id for l in lots])])
        declarations = list({l.declaration.id for l in lines})
        if not declarations:
            return []
        return cls.web_journeys(cls.search(
                [('declaration', 'in', declarations)],
                order=[('id', 'ASC')]))


class Stop(sequence_ordered(), ModelSQL, ModelView):
    __string__ = "Railway Stop"
    __name__ = 'lao.rail.stop'

    booking = fields.Many2One(
        'lao.rail.booking', "Booking", required=True, ondelete='CASCADE')
    station = fields.Many2One('lao.rail.station', "Station", required=True)
    planned_arrival = fields.DateTime("Planned Arrival")
    planned_departure = fields.DateTime("Planned Departure")
    actual_arrival = fields.DateTime("Actual Arrival")
    actual_departure = fields.DateTime("Actual Departure")
    eta = fields.DateTime("Estimated Time", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.booking, Index.Equality())))

    @classmethod
    def on_modification(cls, mode, stops, field_names=None):
        """Recompute the estimates of the bookings whose stops were added or
        got a planned or actual time, from the client as from
        Booking.record_events"""
        pool = Pool()
        Booking = pool.get('lao.rail.booking')
        super().on_modification(mode, stops, field_names=field_names)
        if mode == 'delete':
            return
        if mode == 'write' and not (field_names & _EVENT_FIELDS):
            return
        Booking.recompute(list({s.booking for s in stops}))

    def estimate(self, delay):
        "The estimated time of the stop given the booking's delay"
        if self.actual_arrival or self.actual_departure:
            return self.actual_arrival or self.actual_departure
        planned = self.planned_arrival or self.planned_departure
        if planned and delay is not None:
            return planned + delay
        return planned

