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
from sql.aggregate import Max
from sql.conditionals import Coalesce
from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.model.exceptions import AccessError
from trytond.model.fields import SQL_OPERATORS
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

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

        events is a list of (stop, 'arrival' or 'departure', datetime); the
        last time given for a stop's arrival or departure wins.  Set-based:
        the access to the stops is checked as Stop.write does (model, field
        and record rules), the times are written with one UPDATE ... FROM
        (VALUES ...) per kind and slice of the backend's query parameters,
        the bookings touched are read in one query per slice and
        recomputed together (recompute)."""
        pool = Pool()
        Stop = pool.get('lao.rail.stop')
        cursor = Transaction().connection.cursor()
        stop = Stop.__table__()
        times = {}
        for record, kind, time in events:
            if kind not in {'arrival', 'departure'}:
                raise RailEventError(gettext(
                        'lao_crossborder.msg_rail_event_kind', kind=kind))
            times[(int(record), f'actual_{kind}')] = time
        if not times:
            return
        names = sorted({n for _, n in times})
        stop_ids = sorted({i for i, _ in times})
        Stop.check_event_access(stop_ids, names)
        for name in names:
            bulk_update(Stop, name, {
                    i: t for (i, n), t in times.items() if n == name},
                stamp=True)
        booking_ids = set()
        for sub_ids in grouped_slice(stop_ids, backend.MAX_QUERY_PARAMS):
            cursor.execute(*stop.select(stop.booking,
                    where=SQL_OPERATORS['in'](stop.id, list(sub_ids)),
                    group_by=[stop.booking]))
            booking_ids.update(b for b, in cursor)
        cls.recompute(sorted(booking_ids))

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
        cls.warn_delays(to_warn)

    def latest_delay(self):
        "The delay of the latest actual time, or None before any event"
        return latest_delay(self.stops)

    @classmethod
    def warn_delays(cls, bookings):
        """Notify the active users of each booking's vendor of its delay

        Set-based: one query reads the bookings and the languages of their
        vendors' users, the label is translated once per booking and
        language, and one INSERT ... SELECT per slice creates the
        notifications of every user of the vendor in that language."""
        pool = Pool()
        Notification = pool.get('res.notification')
        User = pool.get('res.user')
        UserCompany = pool.get('res.user-company.company')
        Lang = pool.get('ir.lang')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        booking_ids = sorted({int(b) for b in bookings})
        if not booking_ids:
            return
        booking = cls.__table__()
        user = User.__table__()
        user_company = UserCompany.__table__()
        lang = Lang.__table__()
        notification = Notification.__table__()

        rows = []
        for sub_ids in grouped_slice(booking_ids, backend.MAX_QUERY_PARAMS):
            cursor.execute(*booking.join(user_company,
                    condition=user_company.company == booking.company
                    ).join(user, condition=(user.id == user_company.user)
                    & (user.active == Literal(True))
                    ).join(lang, 'LEFT', condition=lang.id == user.language
                    ).select(booking.id, booking.number, booking.delay,
                    Coalesce(lang.code, ''),
                    where=SQL_OPERATORS['in'](booking.id, list(sub_ids)),
                    group_by=[booking.id, booking.number, booking.delay,
                        lang.code]))
            rows.extend(cursor)
        values = []
        for booking_id, number, delay, language in sorted(rows):
            hours = round(delay.total_seconds() / 3600, 1)
            with Transaction().set_context(language=language or None):
                label = gettext('lao_crossborder.msg_rail_delayed',
                    booking=number, hours=hours)
            values.append(
                (booking_id, language, label, str([booking_id])))

        ids = []
        returning = transaction.database.has_returning()
        for sub_values in grouped_slice(values, backend.MAX_QUERY_PARAMS // 4):
            new = Values(list(sub_values))
            booking = cls.__table__()
            user_company = UserCompany.__table__()
            user = User.__table__()
            lang = Lang.__table__()
            query = new.join(booking, condition=booking.id == new.column1
                ).join(user_company,
                condition=user_company.company == booking.company
                ).join(user, condition=(user.id == user_company.user)
                & (user.active == Literal(True))
                ).join(lang, 'LEFT', condition=lang.id == user.language
                ).select(user.id, new.column3, Literal(cls.__name__),
                new.column4, Literal(True), Literal(transaction.user),
                CurrentTimestamp(),
                where=Coalesce(lang.code, '') == new.column2,
                order_by=[new.column1, user.id])
            insert = notification.insert([notification.user,
                    notification.label, notification.model,
                    notification.records, notification.unread,
                    notification.create_uid, notification.create_date],
                query)
            if returning:
                insert.returning = [notification.id]
                cursor.execute(*insert)
                ids.extend(i for i, in cursor)
            else:
                cursor.execute(*notification.select(
                        Coalesce(Max(notification.id), 0)))
                last, = cursor.fetchone()
                cursor.execute(*insert)
                cursor.execute(*notification.select(notification.id,
                        where=notification.id > last))
                ids.extend(i for i, in cursor)
        if ids:
            # as ModelSQL.create does: the users' clients are told
            Notification.on_modification(
                'create', Notification.browse(sorted(ids)))

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

    @classmethod
    def check_event_access(cls, ids, names):
        """Check that the user may write the fields names of the stops ids,
        as write does before Booking.record_events writes them in SQL: the
        model and field access, then that the stops exist and that the
        write rules let them be written, one search per slice"""
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        FieldAccess = pool.get('ir.model.field.access')
        Model = pool.get('ir.model')
        Rule = pool.get('ir.rule')
        transaction = Transaction()
        ModelAccess.check(cls.__name__, 'write')
        FieldAccess.check(cls.__name__, names, 'write')
        domain = []
        if transaction.user and transaction.check_access:
            domain = Rule.domain_get(cls.__name__, mode='write') or []
        for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
            sub_ids = set(sub_ids)
            for rule_domain in [[]] + ([domain] if domain else []):
                with without_check_access():
                    found = cls.search(
                        [('id', 'in', list(sub_ids)), rule_domain])
                wrong = sorted(sub_ids - {s.id for s in found})
                if not wrong:
                    continue
                shown = ', '.join(map(str, wrong[:5])) + (
                    '...' if len(wrong) > 5 else '')
                model = Model.get_name(cls.__name__)
                if not rule_domain:
                    raise AccessError(gettext('ir.msg_write_error',
                            ids=shown, model=model))
                clause, clause_global = Rule.get(cls.__name__, mode='write')
                rules = list(clause) + list(clause_global)
                raise AccessError(gettext('ir.msg_write_rule_error',
                        ids=shown, model=model,
                        rules='\n'.join(r.name for r in rules)))

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


def bulk_update(Model, name, values, stamp=False):
    """Write the column name of the records of Model: values maps their ids
    to the new values; one UPDATE ... FROM (VALUES ...) per slice of the
    backend's query parameters, one UPDATE for the values set to NULL;
    with stamp, the writing user and time too, as write does"""
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    table = Model.__table__()
    field = Model._fields[name]
    column = getattr(table, name)
    columns, stamps = [], []
    if stamp:
        columns = [table.write_uid, table.write_date]
        stamps = [transaction.user, CurrentTimestamp()]
    rows = [(i, field.sql_format(v)) for i, v in values.items()
        if v is not None]
    for sub_rows in grouped_slice(rows, backend.MAX_QUERY_PARAMS // 2):
        new = Values(list(sub_rows))
        cursor.execute(*table.update([column] + columns,
                [new.column2] + stamps,
                from_=[new], where=table.id == new.column1))
    nulls = [i for i, v in values.items() if v is None]
    for sub_ids in grouped_slice(nulls, backend.MAX_QUERY_PARAMS):
        cursor.execute(*table.update([column] + columns, [None] + stamps,
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

