"""HTTP endpoint where an invited vendor manager chooses a password."""
from html import escape

from werkzeug.wrappers import Response

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.protocols.wrappers import with_pool, with_transaction
from trytond.transaction import Transaction
from trytond.wsgi import app

from .exceptions import InvitationError

PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font-family:sans-serif;max-width:26em;margin:2em auto;padding:0 1em}}
label,input,button{{display:block;width:100%;margin:.3em 0}}
.error{{color:#a00}}</style></head>
<body><h1>{title}</h1>{body}</body></html>"""


def _page(title, body, status=200, lang='en'):
    return Response(
        PAGE.format(title=escape(title), body=body, lang=escape(lang)),
        status=status, content_type='text/html; charset=utf-8')


def _form(invitation, error=''):
    return (
        (f'<p class="error">{escape(error)}</p>' if error else '')
        + '<p>%s</p>' % escape(gettext(
                'lao_b2b.msg_invitation_form_intro',
                login=invitation.user.login))
        + '<form method="post">'
        + '<label>%s<input type="password" name="password" required '
        'autocomplete="new-password"></label>' % escape(
            gettext('lao_b2b.msg_invitation_password'))
        + '<label>%s<input type="password" name="confirmation" required '
        'autocomplete="new-password"></label>' % escape(
            gettext('lao_b2b.msg_invitation_confirmation'))
        + '<button type="submit">%s</button></form>' % escape(
            gettext('lao_b2b.msg_invitation_submit')))


@app.route('/<database_name>/lao_b2b/invitation/<token>',
    methods=['GET', 'POST'])
@with_pool
@with_transaction(readonly=False, user=0)
def invitation(request, pool, token):
    "The token in the URL is the capability: no session, no CSRF to forge"
    Invitation = pool.get('res.user.invitation')
    title = gettext('lao_b2b.msg_invitation_title')
    try:
        invitation = Invitation.from_token(token)
    except InvitationError as exception:
        return _page(title, '<p class="error">%s</p>' % escape(
                exception.message), status=404)
    if request.method == 'POST':
        try:
            invitation.accept(
                request.form.get('password', ''),
                request.form.get('confirmation', ''))
        except UserError as exception:
            # Mismatch or the password policy of res.user (too short...)
            Transaction().rollback()
            return _page(title, _form(invitation, exception.message), 400)
        return _page(title, '<p>%s</p>' % escape(
                gettext('lao_b2b.msg_invitation_done')))
    return _page(title, _form(invitation))
