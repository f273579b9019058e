"""The public verification of training certificates.

Anyone types the code printed on a certificate, or follows the link of its
QR code, and sees the holder, the course, the date, the place and the
result; an unknown code is a 404 page saying so.  Only what
`lao.training.enrolment.verify` returns leaves the database."""
from flask import Blueprint, render_template, request
from trytond.modules.lao_credit.training import CODE_MAX_INPUT
from trytond.transaction import Transaction

from .extensions import tryton

bp = Blueprint('training', __name__, url_prefix='/training')


def _page(code):
    "The page of the code: the form alone, the certificate, or a 404"
    Enrolment = tryton.pool.get('lao.training.enrolment')
    code = (code or '').strip()
    if not code:
        return render_template(
            'training/verify.html', code='', max_length=CODE_MAX_INPUT)
    # The model refuses longer input before any query
    certificate = Enrolment.verify(
        code, language=Transaction().context.get('language'))
    return render_template('training/verify.html',
        code=code[:CODE_MAX_INPUT], max_length=CODE_MAX_INPUT,
        certificate=certificate), (
        200 if certificate else 404)


@bp.route('/verify')
@tryton.transaction()
def verify():
    "The form, and the certificate of the code it sends"
    return _page(request.args.get('code'))


@bp.route('/verify/<code>')
@tryton.transaction()
def certificate(code):
    "The certificate of a code in the link of its QR code"
    return _page(code)
