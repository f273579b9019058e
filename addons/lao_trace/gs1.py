"""GS1 identifiers: check digits, GTIN, SSCC and Digital Link URIs.

The check digit of every GS1 identification key (GTIN-8/12/13/14, SSCC, GLN)
is the mod-10 algorithm of the GS1 General Specifications (section 7.9):
from the right, the digits before the check digit are weighted 3, 1, 3, 1...,
and the check digit brings their sum to a multiple of ten.
"""
from urllib.parse import quote

GTIN_LENGTHS = {8, 12, 13, 14}
SSCC_LENGTH = 18
# GS1 AI (10) batch/lot: up to 20 characters of the GS1 AI encodable set 82
LOT_MAX_LENGTH = 20
_CSET82 = set(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_"
    "abcdefghijklmnopqrstuvwxyz")


def check_digit(digits):
    "The mod-10 check digit of the digits that precede it"
    if not digits or not digits.isdigit():
        raise ValueError(digits)
    total = sum(
        int(d) * (3 if i % 2 == 0 else 1)
        for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def is_valid_key(code, lengths):
    "Whether code is all digits, of one of lengths and its check digit right"
    return (bool(code) and code.isdigit() and len(code) in lengths
        and check_digit(code[:-1]) == code[-1])


def is_valid_gtin(code):
    return is_valid_key(code, GTIN_LENGTHS)


def is_valid_sscc(code):
    return is_valid_key(code, {SSCC_LENGTH})


def compact(code):
    "Remove the spaces and dashes people type between digits"
    return ''.join((code or '').split()).replace('-', '')


def gtin14(code):
    "The GTIN padded with leading zeros to 14 digits, as Digital Link wants"
    code = compact(code)
    if not is_valid_gtin(code):
        raise ValueError(code)
    return code.rjust(14, '0')


def make_gtin(company_prefix, item_reference, length=13):
    "The GTIN of an item reference under a GS1 company prefix"
    body = company_prefix + str(item_reference).rjust(
        length - 1 - len(company_prefix), '0')
    if len(body) != length - 1 or not body.isdigit():
        raise ValueError(body)
    return body + check_digit(body)


def make_sscc(company_prefix, serial_reference, extension_digit='0'):
    "The 18-digit SSCC: extension digit, company prefix, serial, check digit"
    width = SSCC_LENGTH - 2 - len(company_prefix)
    serial = str(serial_reference)
    if width < 1 or len(serial) > width or not serial.isdigit():
        raise ValueError(serial)
    body = str(extension_digit) + company_prefix + serial.rjust(width, '0')
    return body + check_digit(body)


def is_valid_company_prefix(prefix):
    "GS1 company prefixes have 4 to 12 digits (GS1 General Specifications)"
    return bool(prefix) and prefix.isdigit() and 4 <= len(prefix) <= 12


def is_valid_lot(number):
    return (bool(number) and len(number) <= LOT_MAX_LENGTH
        and set(number) <= _CSET82)


def digital_link(host, gtin, lot=None):
    "The GS1 Digital Link URI of a GTIN and, optionally, one of its lots"
    uri = f'https://{host}/01/{gtin14(gtin)}'
    if lot:
        uri += '/10/' + quote(lot, safe='')
    return uri


def sscc_link(host, sscc):
    "The GS1 Digital Link URI of a logistic unit"
    if not is_valid_sscc(sscc):
        raise ValueError(sscc)
    return f'https://{host}/00/{sscc}'
