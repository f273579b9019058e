"""The checks of the files uploaded on the web shop, shared by every model
that takes uploads."""
from trytond import config
from trytond.i18n import gettext

from .exceptions import WebUploadError

# The file types a vendor may upload, recognised by their first bytes: the
# name and the type announced by the browser are not to be trusted.
DOCUMENT_SIGNATURES = [
    (b'%PDF-', 'application/pdf', '.pdf'),
    (b'\xff\xd8\xff', 'image/jpeg', '.jpg'),
    (b'\x89PNG\r\n\x1a\n', 'image/png', '.png'),
    ]
DOCUMENT_MAX_SIZE = 5 * 1024 * 1024
# The photos of a listing: images only
IMAGE_SIGNATURES = [
    s for s in DOCUMENT_SIGNATURES if s[1].startswith('image/')]


def document_max_size():
    return config.getint(
        'lao_b2b', 'document_max_size', default=DOCUMENT_MAX_SIZE)


def check_upload(filename, data, signatures, type_message):
    """Check the size and the real type of an uploaded file among
    signatures and return a safe file name with the extension of its type"""
    data = data or b''
    if not data:
        raise WebUploadError(gettext('lao_b2b.msg_web_upload_empty'))
    max_size = document_max_size()
    if len(data) > max_size:
        raise WebUploadError(gettext(
                'lao_b2b.msg_web_upload_too_big',
                size=max_size // (1024 * 1024)))
    for signature, _, extension in signatures:
        if data.startswith(signature):
            break
    else:
        raise WebUploadError(gettext(type_message))
    stem = ''.join(
        c for c in (filename or '').rsplit('.', 1)[0]
        if c.isalnum() or c in '-_')[:80] or 'document'
    return stem + extension
