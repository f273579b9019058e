"""China–Laos Railway: stations, bookings and their stops.

A booking is a wagon or container on the line, with its seals, carrying the
goods of a customs declaration.  Its stops list, station by station, the
planned and the actual arrival and departure.  The estimated time of each
stop still to come is its planned time shifted by the delay of the latest
event recorded (arrival or departure), so one late event moves every later
estimate; a booking whose delay passes its warning threshold notifies the
vendor's users once.  A batch of events is recorded set-based: the actual
times written in one call, the stops of the bookings touched read in one
query, the estimates that change written back in bulk.
"""
import datetime as dt
from collections import defaultdict
from typing import NamedTuple

from sql import Literal, NullsFirst, Values

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.model.fields import SQL_OPERATORS
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .exceptions import RailEventError

# How many events or bookings are written in one call: ModelStorage checks
# the ids of each record instantiated against those of the call (quadratic)
EVENT_SLICE = 200
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

        events is a list of (stop, 'arrival' or 'departure', datetime); the
        last time given for a stop's arrival or departure wins.  The times
        are written grouped by value, by slices of EVENT_SLICE, each slice
        recomputing the bookings it touches set-based
        (Stop.on_modification)."""
        Stop = Pool().get('lao.rail.stop')
        times = {}
        for stop, kind, time in events:
            if kind not in {'arrival', 'departure'}:
                raise RailEventError(gettext(
                        'lao_crossborder.msg_rail_event_kind', kind=kind))
            times[(stop.id, f'actual_{kind}')] = time
        by_value = defaultdict(list)
        for (stop_id, name), time in times.items():
            by_value[(name, time)].append(stop_id)
        args = []
        for (name, time), stop_ids in by_value.items():
            for sub_ids in grouped_slice(stop_ids, EVENT_SLICE):
                args.append((list(sub_ids), {name: time}))
        # by slices: the records of a call are checked against each other
        for sub_args in grouped_slice(args, EVENT_SLICE):
            Stop.write(*(a for ids, values in sub_args
                    for a in (Stop.browse(ids), values)))

    @classmethod
    def recompute(cls, bookings):
        """Shift the estimates of the stops after the latest event of each
        booking by its delay, and warn of the delays past the threshold

        Set-based: one query reads the stops of the bookings (per slice of
        the backend's query parameters) with their booking's delay and
        threshold, the estimates and delays that change are written back
        with one UPDATE ... FROM (VALUES ...) per slice."""
        pool = Pool()
        Stop = pool.get('lao.rail.stop')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        booking = cls.__table__()
        stop = Stop.__table__()
        booking_ids = sorted({int(b) for b in bookings})

        stops = defaultdict(list)
        current = {}
        for sub_ids in grouped_slice(booking_ids, backend.MAX_QUERY_PARAMS):
            cursor.execute(*stop.join(booking,
                    condition=stop.booking == booking.id
                    ).select(booking.id, booking.delay,
                    booking.delay_warning, booking.delay_warned, stop.id,
                    stop.planned_arrival, stop.planned_departure,
                    stop.actual_arrival, stop.actual_departure, stop.eta,
                    where=SQL_OPERATORS['in'](booking.id, list(sub_ids)),
                    order_by=[booking.id, NullsFirst(stop.sequence),
                        stop.id]))
            for (booking_id, delay, warning, warned, *times) in cursor:
                current[booking_id] = (delay, warning, warned)
                stops[booking_id].append(StopTimes(*times))

        etas, delays, to_warn = {}, {}, []
        for booking_id, (old_delay, warning, warned) in current.items():
            delay = latest_delay(stops[booking_id])
            for times in stops[booking_id]:
                eta = estimate(times, delay)
                if eta != times.eta:
                    etas[times.id] = eta
            if delay != old_delay:
                delays[booking_id] = delay
            if delay is not None and delay > warning and not warned:
                to_warn.append(booking_id)

        bulk_update(Stop, 'eta', etas)
        bulk_update(cls, 'delay', delays)
        if to_warn:
            for sub_ids in grouped_slice(to_warn, backend.MAX_QUERY_PARAMS):
                cursor.execute(*booking.update(
                        [booking.delay_warned], [Literal(True)],
                        where=SQL_OPERATORS['in'](booking.id, list(sub_ids))))
            forget(cls, to_warn)
        for sub_ids in grouped_slice(to_warn, EVENT_SLICE):
            cls.warn_delays(cls.browse(list(sub_ids)))

    def latest_delay(self):
        "The delay of the latest actual time, or None before any event"
        return latest_delay(self.stops)

    @classmethod
    def warn_delays(cls, bookings):
        "Notify the vendor's users of the delays of the bookings"
        pool = Pool()
        Notification = pool.get('res.notification')
        User = pool.get('res.user')
        if not bookings:
            return
        users = defaultdict(list)
        for user in User.search([
                    ('companies', 'in', list({b.company.id for b in bookings})),
                    ]):
            language = user.language.code if user.language else None
            for company in user.companies:
                users[company.id].append((user.id, language))
        labels = {}
        vlist = []
        for booking in bookings:
            hours = round(booking.delay.total_seconds() / 3600, 1)
            for user_id, language in users[booking.company.id]:
                key = (booking.id, language)
                if key not in labels:
                    with Transaction().set_context(language=language):
                        labels[key] = gettext(
                            'lao_crossborder.msg_rail_delayed',
                            booking=booking.rec_name, hours=hours)
                vlist.append({
                        'user': user_id,
                        'label': labels[key],
                        'model': cls.__name__,
                        'records': str([booking.id]),
                        })
        Notification.create(vlist)

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
        stop = cls.__table__()
        cursor = Transaction().connection.cursor()
        booking_ids = set()
        for sub_ids in grouped_slice(
                [s.id for s in stops], backend.MAX_QUERY_PARAMS):
            cursor.execute(*stop.select(stop.booking,
                    where=SQL_OPERATORS['in'](stop.id, list(sub_ids)),
                    group_by=[stop.booking]))
            booking_ids.update(b for b, in cursor)
        Booking.recompute(sorted(booking_ids))

    def estimate(self, delay):
        "The estimated time of the stop given the booking's delay"
        return estimate(self, delay)


class StopTimes(NamedTuple):
    "The times of a stop as Booking.recompute reads them"
    id: int
    planned_arrival: dt.datetime | None
    planned_departure: dt.datetime | None
    actual_arrival: dt.datetime | None
    actual_departure: dt.datetime | None
    eta: dt.datetime | None


def latest_delay(stops):
    """The delay of the latest actual time of the stops (in their order, a
    later stop winning a tie), or None before any event"""
    latest = None
    for stop in stops:
        for actual, planned in [
                (stop.actual_arrival, stop.planned_arrival),
                (stop.actual_departure, stop.planned_departure)]:
            if actual and planned:
                if latest is None or actual >= latest[0]:
                    latest = (actual, actual - planned)
    return latest[1] if latest else None


def estimate(stop, delay):
    "The estimated time of the stop given its booking's delay"
    if stop.actual_arrival or stop.actual_departure:
        return stop.actual_arrival or stop.actual_departure
    planned = stop.planned_arrival or stop.planned_departure
    if planned and delay is not None:
        return planned + delay
    return planned


def bulk_update(Model, name, values):
    """Write the column name of the records of Model: values maps their ids
    to the new values; one UPDATE ... FROM (VALUES ...) per slice of the
    backend's query parameters, one UPDATE for the values set to NULL"""
    cursor = Transaction().connection.cursor()
    table = Model.__table__()
    column = getattr(table, name)
    rows = [(i, v) for i, v in values.items() if v is not None]
    for sub_rows in grouped_slice(rows, backend.MAX_QUERY_PARAMS // 2):
        new = Values(list(sub_rows))
        cursor.execute(*table.update([column], [new.column2],
                from_=[new], where=table.id == new.column1))
    nulls = [i for i, v in values.items() if v is None]
    for sub_ids in grouped_slice(nulls, backend.MAX_QUERY_PARAMS):
        cursor.execute(*table.update([column], [None],
                where=SQL_OPERATORS['in'](table.id, list(sub_ids))))
    forget(Model, values)


def forget(Model, ids):
    """Drop the records of Model from the caches of the transaction after
    they were written in SQL, as ModelStorage.write does"""
    transaction = Transaction()
    transaction.counter += 1
    for cache in transaction.cache.values():
        if Model.__name__ in cache:
            for i in ids:
                cache[Model.__name__].pop(i, None)

