"""WFP/HDX food price files: import, export, and the command-line tool.

The format is HDX's ``wfp_food_prices_<iso3>.csv``: a header row, the HXL
tag row, then one price a row (see doc/design.rst).  An import is checked
first (a dry run): every row is accepted or refused with its line number
and reason, and nothing is written.  Importing creates the accepted rows
that are not already known, so the same file, or an export of the
platform, imported again creates nothing."""
import argparse
import csv
import datetime as dt
import io
import json
import re
import sys
from collections import namedtuple
from decimal import Decimal, InvalidOperation

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import HDXImportError, NormalisationError

COLUMNS = [
    'date', 'admin1', 'admin2', 'market', 'market_id', 'latitude',
    'longitude', 'category', 'commodity', 'commodity_id', 'unit',
    'priceflag', 'pricetype', 'currency', 'price', 'usdprice']
TAGS = [
    '#date', '#adm1+name', '#adm2+name', '#loc+market+name',
    '#loc+market+code', '#geo+lat', '#geo+lon', '#item+type', '#item+name',
    '#item+code', '#item+unit', '#item+price+flag', '#item+price+type',
    '#currency+code', '#value', '#value+usd']
# The scraper's configuration tags the currency #currency
TAG_VARIANTS = {'#currency+code': {'#currency+code', '#currency'}}
MARKET_COLUMNS = [
    'market_id', 'market', 'countryiso3', 'admin1', 'admin2', 'latitude',
    'longitude']
PRICE_TYPES = {
    'retail': 'retail',
    'wholesale': 'wholesale',
    'farm gate': 'farm_gate',
    'export': 'export',
    }
PRICE_TYPE_LABELS = {v: k.title() for k, v in PRICE_TYPES.items()}
# WFP's unit names: (XML id of the unit, how many of it)
UNIT_PATTERN = re.compile(r'^\s*(\d+(?:\.\d+)?)?\s*([A-Za-z]+)\s*$')
UNITS = {
    'kg': ('product', 'uom_kilogram'),
    'g': ('product', 'uom_gram'),
    'mt': ('lao_b2b', 'uom_tonne'),
    't': ('lao_b2b', 'uom_tonne'),
    'l': ('product', 'uom_liter'),
    'unit': ('product', 'uom_unit'),
    'u': ('product', 'uom_unit'),
    }
# Province names of WFP files that differ from ours
PROVINCE_ALIASES = {
    'vientiane capital': 'LA-VT',
    'vientiane': 'LA-VI',
    'houaphan': 'LA-HO',
    'bolikhamxay': 'LA-BL',
    'bolikhamsai': 'LA-BL',
    'champassak': 'LA-CH',
    'khammouan': 'LA-KH',
    'louangnamtha': 'LA-LM',
    'louang namtha': 'LA-LM',
    'louangphabang': 'LA-LP',
    'luangprabang': 'LA-LP',
    'oudomxai': 'LA-OU',
    'phongsali': 'LA-PH',
    'saravane': 'LA-SL',
    'sekong': 'LA-XE',
    'xekong': 'LA-XE',
    'xaignabouli': 'LA-XA',
    'sayabouly': 'LA-XA',
    'xiengkhuang': 'LA-XI',
    'xieng khouang': 'LA-XI',
    'xaisomboun': 'LA-XS',
    }

Row = namedtuple('Row', ['line', 'values', 'key'])
Refusal = namedtuple('Refusal', ['line', 'reason'])


class Report:
    "What a check of a file found: the accepted rows and the refused ones"

    def __init__(self):
        self.accepted = []
        self.refused = []
        self.known = 0

    def refuse(self, line, reason):
        self.refused.append(Refusal(line, reason))

    def text(self):
        lines = [gettext('lao_prices.msg_hdx_report',
                accepted=len(self.accepted), known=self.known,
                refused=len(self.refused))]
        lines += [gettext('lao_prices.msg_hdx_refused_line',
                line=r.line, reason=r.reason) for r in self.refused]
        return '\n'.join(lines)


def _decode(data):
    "The text of the file, or the line of its first byte that is not UTF-8"
    try:
        return data.decode('utf-8-sig')
    except UnicodeDecodeError as exception:
        line = data[:exception.start].count(b'\n') + 1
        raise HDXImportError(gettext(
                'lao_prices.msg_hdx_encoding', line=line))


class Importer:
    "Check and import the rows of an HDX food price file"

    def __init__(self):
        pool = Pool()
        Commodity = pool.get('lao.price.commodity')
        Currency = pool.get('currency.currency')
        Market = pool.get('lao.price.market')
        ModelData = pool.get('ir.model.data')
        self.commodities = {}
        for commodity in Commodity.search([]):
            for key in [commodity.hdx_code, commodity.hdx_name,
                    commodity.code]:
                if key:
                    self.commodities[key.strip().lower()] = commodity
        self.currencies = {c.code: c for c in Currency.search([])}
        self.markets = {m.code: m for m in Market.search([
                    ('code', '!=', None),
                    ('active', 'in', [True, False]),
                    ])}
        self.provinces = {}
        for province in Market.provinces():
            self.provinces[province.code] = province
            with Transaction().set_context(language='en'):
                english = province.__class__(province.id).name
            self.provinces[english.lower()] = province
        for alias, code in PROVINCE_ALIASES.items():
            if code in self.provinces:
                self.provinces.setdefault(alias, self.provinces[code])
        self.units = {}
        for name, (module, xml_id) in UNITS.items():
            try:
                self.units[name] = ModelData.get_id(module, xml_id)
            except KeyError:
                pass

    def _province(self, name):
        name = (name or '').strip()
        if not name:
            return None
        return self.provinces.get(name.lower())

    def _unit(self, text):
        match = UNIT_PATTERN.match(text or '')
        if not match or match.group(2).lower() not in self.units:
            return None, None
        count = Decimal(match.group(1) or 1)
        return self.units[match.group(2).lower()], count

    def check(self, data):
        """A Report of the file's rows: values ready to create for the
        accepted ones, a line number and a reason for the refused ones"""
        Observation = Pool().get('lao.price.observation')
        text = _decode(data)
        reader = csv.reader(io.StringIO(text, newline=''))
        report = Report()
        try:
            header = next(reader)
        except StopIteration:
            raise HDXImportError(gettext('lao_prices.msg_hdx_empty'))
        header = [h.strip() for h in header]
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise HDXImportError(gettext(
                    'lao_prices.msg_hdx_columns', columns=', '.join(missing)))
        index = {c: header.index(c) for c in COLUMNS}
        seen = {}
        factors = {}
        for line, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if cells[0].startswith('#'):
                if line == 2:
                    self._check_tags(cells, index)
                continue
            if len(cells) < len(header):
                report.refuse(line, gettext('lao_prices.msg_hdx_short_row',
                        count=len(cells), expected=len(header)))
                continue
            raw = {c: cells[i].strip() for c, i in index.items()}
            try:
                values = self._values(raw)
                Observation.normalisation_factor(
                    values['commodity'], values['unit'], values['currency'],
                    values['date'], factors)
            except (HDXImportError, NormalisationError) as exception:
                report.refuse(line, exception.message)
                continue
            key = self.row_key(values)
            if key in seen:
                report.refuse(line, gettext(
                        'lao_prices.msg_hdx_duplicate', line=seen[key]))
                continue
            seen[key] = line
            values['external_id'] = 'hdx:' + '|'.join(
                str(k) for k in key)
            report.accepted.append(Row(line, values, key))
        known = self.known_keys(report.accepted)
        report.known = sum(1 for r in report.accepted if r.key in known)
        report.accepted = [r for r in report.accepted if r.key not in known]
        return report

    def _check_tags(self, cells, index):
        for column, tag in zip(COLUMNS, TAGS):
            value = cells[index[column]].strip() if index[column] < len(
                cells) else ''
            if value not in TAG_VARIANTS.get(tag, {tag}):
                raise HDXImportError(gettext(
                        'lao_prices.msg_hdx_tag', column=column, tag=value,
                        expected=tag))

    def _values(self, raw):
        def refuse(message, **kwargs):
            raise HDXImportError(gettext(
                    'lao_prices.' + message, **kwargs))
        try:
            date = dt.date.fromisoformat(raw['date'])
        except ValueError:
            refuse('msg_hdx_date', value=raw['date'])
        commodity = (self.commodities.get(raw['commodity_id'].lower())
            or self.commodities.get(raw['commodity'].lower()))
        if not commodity:
            refuse('msg_hdx_commodity', value=raw['commodity'])
        try:
            price = Decimal(raw['price'])
        except InvalidOperation:
            refuse('msg_hdx_price', value=raw['price'])
        if not price.is_finite() or price <= 0:
            refuse('msg_hdx_price', value=raw['price'])
        currency = self.currencies.get(raw['currency'].upper())
        if not currency:
            refuse('msg_hdx_currency', value=raw['currency'])
        unit, count = self._unit(raw['unit'])
        if not unit:
            refuse('msg_hdx_unit', value=raw['unit'])
        price_type = PRICE_TYPES.get(raw['pricetype'].lower())
        if not price_type:
            refuse('msg_hdx_price_type', value=raw['pricetype'])
        province = self._province(raw['admin1'])
        if raw['admin1'] and not province:
            refuse('msg_hdx_province', value=raw['admin1'])
        return {
            'commodity': commodity.id,
            'date': date,
            'price_modal': (price / count).quantize(Decimal('0.0001')),
            'currency': currency.id,
            'unit': unit,
            'price_type': price_type,
            'province': province.id if province else None,
            'market_code': raw['market_id'] or None,
            'market_name': raw['market'] or None,
            'district': raw['admin2'] or None,
            'latitude': raw['latitude'] or None,
            'longitude': raw['longitude'] or None,
            'source': 'import',
            'price_flag': raw['priceflag'] or None,
            }

    @staticmethod
    def row_key(values):
        "What identifies an observation across exports and imports"
        return (values['commodity'], values.get('market_code'),
            values['province'], values['date'], values['price_type'],
            values['currency'], values['unit'], values['price_modal'])

    def known_keys(self, rows):
        "The keys of the rows that are already observations"
        pool = Pool()
        Observation = pool.get('lao.price.observation')
        Market = pool.get('lao.price.market')
        if not rows:
            return set()
        observation = Observation.__table__()
        market = Market.__table__()
        cursor = Transaction().connection.cursor()
        start = min(r.values['date'] for r in rows)
        end = max(r.values['date'] for r in rows)
        commodities = sorted({r.values['commodity'] for r in rows})
        cursor.execute(*observation.join(market, 'LEFT',
                condition=observation.market == market.id).select(
                observation.commodity, market.code, observation.province,
                observation.date, observation.price_type,
                observation.currency, observation.unit,
                observation.price_modal,
                where=observation.commodity.in_(commodities)
                & (observation.date >= start) & (observation.date <= end)))
        known = set()
        for (commodity, code, province, date, price_type, currency, unit,
                price) in cursor:
            if isinstance(date, str):
                date = dt.date.fromisoformat(date)
            known.add((commodity, code, province, date, price_type,
                    currency, unit,
                    Decimal(str(price)).quantize(Decimal('0.0001'))))
        return known

    def _market(self, values):
        Market = Pool().get('lao.price.market')
        code = values.pop('market_code')
        name = values.pop('market_name')
        district = values.pop('district')
        latitude = values.pop('latitude')
        longitude = values.pop('longitude')
        if not code:
            return None
        if code not in self.markets:
            market, = Market.create([{
                        'code': code,
                        'name': name or code,
                        'province': values['province'],
                        'district': district,
                        'kind': ('farm_gate'
                            if values['price_type'] == 'farm_gate'
                            else values['price_type']),
                        'latitude': _coordinate(latitude),
                        'longitude': _coordinate(longitude),
                        }])
            self.markets[code] = market
        return self.markets[code].id

    def load(self, report, progress=None):
        "Create the accepted rows of the report"
        Observation = Pool().get('lao.price.observation')
        vlist = []
        for row in report.accepted:
            values = dict(row.values)
            values['market'] = self._market(values)
            vlist.append(values)
            if progress:
                progress.update(1)
        created = []
        for start in range(0, len(vlist), 1000):
            created += Observation.create(vlist[start:start + 1000])
        return created

    def load_markets(self, data):
        "Create or update the markets of HDX's markets file"
        Market = Pool().get('lao.price.market')
        reader = csv.DictReader(io.StringIO(_decode(data), newline=''))
        missing = [c for c in MARKET_COLUMNS
            if c not in (reader.fieldnames or [])]
        if missing:
            raise HDXImportError(gettext(
                    'lao_prices.msg_hdx_columns', columns=', '.join(missing)))
        to_save = []
        for row in reader:
            if row['market_id'].startswith('#') or not row['market_id']:
                continue
            market = self.markets.get(row['market_id']) or Market(
                code=row['market_id'], kind='retail')
            market.name = row['market']
            province = self._province(row['admin1'])
            market.province = province
            market.district = row['admin2'] or None
            market.latitude = _coordinate(row['latitude'])
            market.longitude = _coordinate(row['longitude'])
            to_save.append(market)
        Market.save(to_save)
        self.markets.update({m.code: m for m in to_save})
        return to_save


def _coordinate(value):
    try:
        return Decimal(value).quantize(Decimal('0.000001')) if value else None
    except InvalidOperation:
        return None


def export_rows(observations):
    "The observations as HDX rows (dicts of COLUMNS)"
    pool = Pool()
    Currency = pool.get('currency.currency')
    usd = Currency.search([('code', '=', 'USD')], limit=1)
    rows = []
    with Transaction().set_context(language='en'):
        for observation in observations:
            commodity = observation.commodity
            market = observation.market
            province = observation.province
            usd_price = ''
            if usd:
                with Transaction().set_context(date=observation.date):
                    try:
                        usd_price = str(Currency.compute(
                                observation.currency,
                                observation.price_modal, usd[0]))
                    except Exception:
                        usd_price = ''
            rows.append({
                    'date': observation.date.isoformat(),
                    'admin1': province.name if province else '',
                    'admin2': (market.district or '') if market else '',
                    'market': market.name if market else 'National Average',
                    'market_id': market.code or '' if market else '',
                    'latitude': str(market.latitude or '') if market else '',
                    'longitude': str(market.longitude or '')
                    if market else '',
                    'category': (commodity.category.parent.name
                        if commodity.category.parent
                        else commodity.category.name),
                    'commodity': commodity.hdx_name or commodity.name,
                    'commodity_id': commodity.hdx_code or commodity.code,
                    'unit': (observation.unit.symbol or '').upper(),
                    'priceflag': observation.price_flag or 'actual',
                    'pricetype': PRICE_TYPE_LABELS[observation.price_type],
                    'currency': observation.currency.code,
                    'price': str(observation.price_modal.normalize()
                        if observation.price_modal % 1 else
                        observation.price_modal.quantize(Decimal('0.01'))),
                    'usdprice': usd_price,
                    })
    return rows


def export_csv(observations):
    "The HDX CSV text: header, HXL tags, rows"
    output = io.StringIO(newline='')
    writer = csv.writer(output, lineterminator='\n')
    writer.writerow(COLUMNS)
    writer.writerow(TAGS)
    for row in export_rows(observations):
        writer.writerow([row[c] for c in COLUMNS])
    return output.getvalue()


def export_json(observations):
    return json.dumps(export_rows(observations), ensure_ascii=False, indent=1)


class ImportStart(ModelView):
    __string__ = "Import HDX Prices"
    __name__ = 'lao.price.hdx.import.start'

    markets = fields.Binary(
        "Markets File", filename='markets_name',
        help="HDX's wfp_markets_<country>.csv, optional.")
    markets_name = fields.Char("Markets File Name")
    prices = fields.Binary(
        "Prices File", required=True, filename='prices_name',
        help="HDX's wfp_food_prices_<country>.csv.")
    prices_name = fields.Char("Prices File Name")


class ImportResult(ModelView):
    __string__ = "Import HDX Prices Check"
    __name__ = 'lao.price.hdx.import.result'

    report = fields.Text("Report", readonly=True)
    accepted = fields.Integer("Accepted", readonly=True)


class ImportCSV(Wizard):
    "Check an HDX price file, show the report, then import what is accepted"
    __string__ = "Import HDX Prices"
    __name__ = 'lao.price.hdx.import'
    start = StateView('lao.price.hdx.import.start',
        'lao_prices.hdx_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Check", 'check', 'tryton-ok', default=True),
            ])
    check = StateView('lao.price.hdx.import.result',
        'lao_prices.hdx_import_result_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'load', 'tryton-ok', default=True,
                states={'readonly': ~Eval('accepted', 0)}),
            ])
    load = StateTransition()

    def default_check(self, fields):
        report = Importer().check(self.start.prices)
        return {'report': report.text(), 'accepted': len(report.accepted)}

    def transition_load(self):
        importer = Importer()
        if self.start.markets:
            importer.load_markets(self.start.markets)
        importer.load(importer.check(self.start.prices))
        return 'end'


def main(argv=None):
    "lao-prices-hdx: check, import and export HDX food price files"
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument('-c', '--config', dest='config')
    parser.add_argument('-d', '--database', required=True)
    commands = parser.add_subparsers(dest='command', required=True)
    load = commands.add_parser(
        'import', help="check a file (dry run) or import it with --commit")
    load.add_argument('prices', type=argparse.FileType('rb'))
    load.add_argument('--markets', type=argparse.FileType('rb'))
    load.add_argument('--commit', action='store_true',
        help="import the accepted rows (without it, only check)")
    dump = commands.add_parser('export', help="write the observations")
    dump.add_argument('--json', action='store_true')
    dump.add_argument('--output', type=argparse.FileType('w'),
        default=sys.stdout)
    args = parser.parse_args(argv)

    from trytond import config
    if args.config:
        config.update_etc(args.config)
    from tqdm import tqdm

    from trytond.pool import Pool as Pool_
    from trytond.transaction import Transaction as Transaction_
    Pool_.start()
    pool = Pool_(args.database)
    pool.init()
    with Transaction_().start(args.database, 0, readonly=False) as t:
        User = pool.get('res.user')
        admin, = User.search([('login', '=', 'admin')])
        with t.set_user(admin.id), t.set_context(User.get_preferences(
                    context_only=True)):
            if args.command == 'import':
                return _import(args, tqdm)
            Observation = pool.get('lao.price.observation')
            observations = Observation.search(
                [('state', 'in', ['valid', 'accepted'])],
                order=[('date', 'ASC'), ('id', 'ASC')])
            args.output.write((export_json if args.json else export_csv)(
                    observations))
    return 0


def _import(args, tqdm):
    importer = Importer()
    try:
        if args.markets and args.commit:
            importer.load_markets(args.markets.read())
        report = importer.check(args.prices.read())
    except HDXImportError as exception:
        print(exception.message, file=sys.stderr)
        return 2
    print(report.text())
    if args.commit and report.accepted:
        with tqdm(total=len(report.accepted), unit='row') as progress:
            importer.load(report, progress)
    elif not args.commit:
        Transaction().rollback()
    return 1 if report.refused else 0


if __name__ == '__main__':
    sys.exit(main())
