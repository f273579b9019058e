"""Recalls of lots.

Opening a recall on a lot computes, in one genealogy query, every lot made
from it; then every package, shipment and buyer those lots reached and the
quantities involved.  The lots are blocked from further sale, shipment and
processing while the recall is open, a notice to each affected buyer is
queued, and the recall report lists it all.  Closing the recall records its
outcome: "withdrawn" keeps the lots blocked for good, "cleared" releases them.
"""
import datetime as dt
from collections import defaultdict
from email.message import EmailMessage

from trytond.config import config
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.report import Report
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction

from .common import NumberedDocumentMixin, state_button
from .exceptions import RecallError

RECALL_STATES = [
    ('draft', "Draft"),
    ('open', "Open"),
    ('closed', "Closed"),
    ('cancelled', "Cancelled"),
    ]

OUTCOMES = [
    (None, ''),
    ('withdrawn', "Withdrawn"),
    ('cleared', "Cleared"),
    ]

LINE_KINDS = [
    ('stock', "In Stock"),
    ('shipped', "Shipped"),
    ]

NOTICE_STATES = [
    ('queued', "Queued"),
    ('sent', "Sent"),
    ('no_email', "No E-Mail"),
    ]


class Recall(NumberedDocumentMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Recall"
    __name__ = 'lao.trace.recall'
    _rec_name = 'number'
    _number_sequence = 'recall_sequence'

    _states = {'readonly': Eval('state') != 'draft'}

    lot = fields.Many2One(
        'stock.lot', "Lot", required=True, states=_states,
        help="The lot where the problem was found.")
    reason = fields.Text("Reason", required=True, states=_states)
    opened_at = fields.Timestamp("Opened At", readonly=True)
    opened_by = fields.Many2One('res.user', "Opened By", readonly=True)
    closed_at = fields.Timestamp("Closed At", readonly=True)
    closed_by = fields.Many2One('res.user', "Closed By", readonly=True)
    outcome = fields.Selection(
        OUTCOMES, "Outcome",
        states={
            'readonly': Eval('state') != 'open',
            'required': Eval('state') == 'closed',
            },
        help="Withdrawn: the products were taken back or destroyed and the "
        "lots stay blocked.\nCleared: the lots were found safe and are "
        "released.")
    outcome_note = fields.Text(
        "Outcome Note",
        states={
            'readonly': Eval('state') != 'open',
            'required': Eval('state') == 'closed',
            })
    outcome_string = outcome.translated('outcome')
    lines = fields.One2Many(
        'lao.trace.recall.line', 'recall', "Affected", readonly=True)
    notices = fields.One2Many(
        'lao.trace.recall.notice', 'recall', "Notices", readonly=True)
    blocking = fields.Function(
        fields.Boolean("Blocking"), 'get_blocking',
        searcher='search_blocking')
    state = fields.Selection(
        RECALL_STATES, "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                Index(t, (t.lot, Index.Range())),
                })
        cls._order = [('opened_at', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'open'),
            ('open', 'closed'),
            }
        cls._buttons.update({
                'open': state_button('draft', 'tryton-forward'),
                'close': state_button('open', 'tryton-ok'),
                })

    def get_blocking(self, name):
        return (self.state == 'open'
            or (self.state == 'closed' and self.outcome == 'withdrawn'))

    @classmethod
    def search_blocking(cls, name, clause):
        _, operator, value = clause
        domain = ['OR',
            ('state', '=', 'open'),
            [('state', '=', 'closed'), ('outcome', '=', 'withdrawn')],
            ]
        if (operator == '=') != bool(value):
            domain = ['NOT', domain]
        return domain

    @classmethod
    def check_modification(cls, mode, recalls, values=None, external=False):
        super().check_modification(
            mode, recalls, values=values, external=external)
        if mode == 'delete':
            for recall in recalls:
                if recall.state not in {'draft', 'cancelled'}:
                    raise RecallError(gettext(
                            'lao_trace.msg_recall_delete',
                            recall=recall.rec_name))

    @classmethod
    def copy(cls, recalls, default=None):
        default = default.copy() if default is not None else {}
        for name in ['number', 'opened_at', 'opened_by', 'closed_at',
                'closed_by', 'outcome', 'outcome_note', 'lines', 'notices']:
            default.setdefault(name, None)
        return super().copy(recalls, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def open(cls, recalls):
        pool = Pool()
        Line = pool.get('lao.trace.recall.line')
        Notice = pool.get('lao.trace.recall.notice')
        lines, notices = [], []
        for recall in recalls:
            recall_lines = recall._affected_lines()
            lines.extend(recall_lines)
            notices.extend(recall._notices(recall_lines))
        Line.save(lines)
        Notice.save(notices)
        cls.write(recalls, {
                'opened_at': dt.datetime.now(),
                'opened_by': Transaction().user or None,
                })
        Notice.__queue__.send(notices)

    def _affected_lines(self):
        """The recall lines of the recalled lot and every lot downstream of
        it: one line per lot for what is left in stock (possibly nothing),
        one per delivery to a buyer"""
        pool = Pool()
        Lot = pool.get('stock.lot')
        Line = pool.get('lao.trace.recall.line')
        lots = [self.lot] + list(Lot.downstream([self.lot]))
        lines = []
        quantities = self._stock_quantities(lots)
        for lot in lots:
            quantity = quantities.get(lot, 0)
            lines.append(Line(
                    recall=self, kind='stock', lot=lot, product=lot.product,
                    quantity=quantity, unit=lot.product.default_uom,
                    date=None, shipment=None, package=None, sale=None,
                    buyer=None))
        for move in self._customer_moves(lots):
            lines.append(Line(
                    recall=self, kind='shipped', lot=move.lot,
                    product=move.product, quantity=move.quantity,
                    unit=move.unit, date=move.effective_date,
                    shipment=move.shipment,
                    package=getattr(move, 'package', None),
                    sale=move.sale, buyer=self._buyer(move)))
        return lines

    @classmethod
    def _stock_quantities(cls, lots):
        "The quantity of each lot still in the warehouses"
        pool = Pool()
        Location = pool.get('stock.location')
        Lot = pool.get('stock.lot')
        warehouses = Location.search([('type', '=', 'warehouse')])
        with Transaction().set_context(
                locations=[w.id for w in warehouses], with_childs=True):
            lots = Lot.browse(lots)
            return {l: l.quantity for l in lots}

    @classmethod
    def _customer_moves(cls, lots):
        Move = Pool().get('stock.move')
        return Move.search([
                ('lot', 'in', [l.id for l in lots]),
                ('to_location.type', '=', 'customer'),
                ('state', '=', 'done'),
                ], order=[('effective_date', 'ASC'), ('id', 'ASC')])

    @staticmethod
    def _buyer(move):
        if move.shipment and move.shipment.__name__ == 'stock.shipment.out':
            return move.shipment.customer
        if move.sale:
            return move.sale.party

    def _notices(self, lines):
        Notice = Pool().get('lao.trace.recall.notice')
        buyers = {l.buyer for l in lines if l.buyer}
        return [Notice(recall=self, buyer=b, email=b.email or None)
            for b in sorted(buyers, key=lambda b: b.id)]

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, recalls):
        for recall in recalls:
            if not recall.outcome or not (recall.outcome_note or '').strip():
                raise RecallError(gettext(
                        'lao_trace.msg_recall_outcome_required',
                        recall=recall.rec_name))
        cls.write(recalls, {
                'closed_at': dt.datetime.now(),
                'closed_by': Transaction().user or None,
                })

    def summary(self):
        """The affected lots, packages, shipments and buyers with their
        quantities, for the report and the notices"""
        buyers = defaultdict(list)
        for line in self.lines:
            if line.kind == 'shipped':
                buyers[line.buyer].append(line)
        return {
            'lots': sorted({l.lot for l in self.lines}, key=lambda l: l.id),
            'in_stock': [l for l in self.lines if l.kind == 'stock'],
            'shipped': [l for l in self.lines if l.kind == 'shipped'],
            'packages': sorted(
                {l.package for l in self.lines if l.package},
                key=lambda p: p.id),
            'shipments': sorted(
                {l.shipment for l in self.lines if l.shipment}, key=str),
            'buyers': dict(buyers),
            }


class RecallLine(ModelSQL, ModelView):
    __string__ = "Recall Line"
    __name__ = 'lao.trace.recall.line'

    recall = fields.Many2One(
        'lao.trace.recall', "Recall", required=True, ondelete='CASCADE',
        readonly=True)
    kind = fields.Selection(LINE_KINDS, "Kind", required=True, readonly=True)
    lot = fields.Many2One('stock.lot', "Lot", required=True, readonly=True)
    product = fields.Many2One(
        'product.product', "Product", required=True, readonly=True)
    quantity = fields.Float(
        "Quantity", digits='unit', required=True, readonly=True)
    unit = fields.Many2One('product.uom', "Unit", required=True, readonly=True)
    date = fields.Date("Date", readonly=True)
    shipment = fields.Reference(
        "Shipment", selection='get_shipments', readonly=True)
    package = fields.Many2One('stock.package', "Package", readonly=True)
    sale = fields.Many2One('sale.sale', "Sale", readonly=True)
    buyer = fields.Many2One('party.party', "Buyer", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('recall')
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.lot, Index.Range())),
                Index(t, (t.recall, Index.Range())),
                })

    @classmethod
    def get_shipments(cls):
        Move = Pool().get('stock.move')
        return Move.get_shipment()


class RecallNotice(ModelSQL, ModelView):
    __string__ = "Recall Notice"
    __name__ = 'lao.trace.recall.notice'

    recall = fields.Many2One(
        'lao.trace.recall', "Recall", required=True, ondelete='CASCADE',
        readonly=True)
    buyer = fields.Many2One('party.party', "Buyer", required=True,
        readonly=True)
    email = fields.Char("E-Mail", readonly=True)
    state = fields.Selection(
        NOTICE_STATES, "State", required=True, readonly=True)
    state_string = state.translated('state')
    sent_at = fields.Timestamp("Sent At", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('recall')

    @classmethod
    def default_state(cls):
        return 'queued'

    @classmethod
    def send(cls, notices):
        "E-mail each queued notice; runs in the queue worker"
        now = dt.datetime.now()
        for notice in notices:
            if notice.state != 'queued':
                continue
            if not notice.email:
                notice.state = 'no_email'
                continue
            send_message_transactional(notice._message())
            notice.state = 'sent'
            notice.sent_at = now
        cls.save(notices)

    def _message(self):
        lang = self.buyer.lang.code if self.buyer.lang else None
        with Transaction().set_context(language=lang):
            items = '\n'.join(
                gettext('lao_trace.msg_recall_notice_line',
                    lot=l.lot.rec_name, product=l.product.rec_name,
                    quantity=l.quantity, unit=l.unit.symbol,
                    shipment=l.shipment.rec_name if l.shipment else '',
                    date=l.date or '')
                for l in self.recall.lines
                if l.kind == 'shipped' and l.buyer == self.buyer)
            msg = EmailMessage()
            msg['From'] = config.get('email', 'from')
            msg['To'] = self.email
            msg['Subject'] = gettext(
                'lao_trace.msg_recall_notice_subject',
                recall=self.recall.rec_name)
            msg.set_content(gettext(
                    'lao_trace.msg_recall_notice_body',
                    buyer=self.buyer.rec_name,
                    company=self.recall.company.rec_name,
                    lot=self.recall.lot.rec_name,
                    reason=self.recall.reason, items=items))
        return msg


class RecallReport(Report):
    __name__ = 'lao.trace.recall.report'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['summary'] = lambda recall: recall.summary()
        return context
