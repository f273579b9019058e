"""The checks of the files uploaded on the web shop, shared by every model
that takes uploads.

A file is accepted only once a real decoder has read it: images are opened
and decoded by Pillow, then stored re-encoded without their metadata (EXIF,
GPS position, text chunks), so that what the web shop serves is the image
Pillow wrote and never the bytes the browser sent; PDFs are parsed by
pypdf.  The name and the type announced by the browser are not trusted:
the file name is reduced to letters, digits, '-' and '_' and takes the
extension of the type found.

A listing photo is also made, once when it is stored, into the sizes the
web shop's pages show (photo_sizes): WebP images each within a byte budget,
so that a phone on 3G never downloads the photo as it was taken.
"""
import io
import math
import unicodedata
from functools import lru_cache

from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from trytond import config
from trytond.i18n import gettext

from .exceptions import WebUploadError

DOCUMENT_MAX_SIZE = 5 * 1024 * 1024
# A phone photo has 12 to 50 million pixels; a decoded image costs about
# 4 bytes per pixel of memory
IMAGE_MAX_PIXELS = 50_000_000
# Pillow format: (MIME type, extension)
IMAGE_FORMATS = {
    'JPEG': ('image/jpeg', '.jpg'),
    'PNG': ('image/png', '.png'),
    }
PDF_SIGNATURE = b'%PDF-'
# The sizes of a listing photo that the web shop's pages show, made when it
# is stored: name: (largest width and height in pixels, largest size in
# bytes).  A card of the catalogue is at most 20em wide, 640 pixels on a
# phone's screen of two pixels a CSS pixel; the photos of a listing's page
# are at most 54em wide.
PHOTO_SIZES = {
    'card': (640, 30 * 1024),
    'page': (1280, 120 * 1024),
    }
# The WebP qualities tried, best first: the best that fits the budget wins
PHOTO_QUALITIES = [80, 75, 70, 65, 60, 55, 50, 45, 40, 35, 30]


def document_max_size():
    return config.getint(
        'lao_b2b', 'document_max_size', default=DOCUMENT_MAX_SIZE)


def image_max_pixels():
    return config.getint(
        'lao_b2b', 'image_max_pixels', default=IMAGE_MAX_PIXELS)


def safe_stem(filename, default='document'):
    """The name of filename without its extension, reduced to letters and
    their vowel signs (of any script: Lao vowels are combining marks),
    digits, '-' and '_': no separator, dot or control character is left;
    at most 80 characters"""
    filename = filename or ''
    stem, dot, extension = filename.rpartition('.')
    if not dot or '/' in extension or '\\' in extension:
        # No extension: the last dot is that of a folder ('../etc/passwd')
        stem = filename
    stem = unicodedata.normalize('NFC', stem)
    return ''.join(c for c in stem
        if unicodedata.category(c)[0] in 'LMN' or c in '-_')[:80] or default


def _check_size(data):
    if not data:
        raise WebUploadError(gettext('lao_b2b.msg_web_upload_empty'))
    max_size = document_max_size()
    if len(data) > max_size:
        raise WebUploadError(gettext(
                'lao_b2b.msg_web_upload_too_big',
                size=max_size // (1024 * 1024)))


def _too_large(max_pixels):
    return WebUploadError(gettext(
            'lao_b2b.msg_web_upload_image_too_large',
            pixels=max_pixels // 1_000_000))


def reencode_image(filename, data):
    """Decode the JPEG or PNG image data and return (safe file name, the
    image re-encoded without metadata), or raise WebUploadError"""
    max_pixels = image_max_pixels()
    try:
        image = Image.open(io.BytesIO(data), formats=list(IMAGE_FORMATS))
    except Image.DecompressionBombError as exception:
        raise _too_large(max_pixels) from exception
    try:
        # The size is in the header: refuse before decoding the pixels
        if image.width * image.height > max_pixels:
            raise _too_large(max_pixels)
        image.load()
        format_ = image.format
        # The EXIF orientation is applied to the pixels before the EXIF
        # data is dropped, so that the photo keeps its orientation
        image = ImageOps.exif_transpose(image)
        if format_ == 'JPEG' and image.mode not in {'RGB', 'L'}:
            image = image.convert('RGB')
        output = io.BytesIO()
        # Nothing of image.info (EXIF, ICC, text chunks) is passed on
        image.save(output, format=format_,
            **({'quality': 90} if format_ == 'JPEG' else {}))
    except WebUploadError:
        raise
    except (Image.DecompressionBombError, OSError, SyntaxError, ValueError,
            EOFError) as exception:
        raise WebUploadError(gettext(
                'lao_b2b.msg_web_upload_unreadable',
                filename=filename or '')) from exception
    _, extension = IMAGE_FORMATS[format_]
    return safe_stem(filename) + extension, output.getvalue()


def check_pdf(filename, data):
    """Parse the PDF data and return (safe file name, data), or raise
    WebUploadError"""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise WebUploadError(gettext(
                    'lao_b2b.msg_web_upload_pdf_encrypted',
                    filename=filename or ''))
        # Reading every page's size walks the whole page tree
        if not reader.pages or not all(
                page.mediabox.width > 0 for page in reader.pages):
            raise PyPdfError("no readable page")
    except WebUploadError:
        raise
    # pypdf reports a damaged file with its own errors and, for some
    # damages, with the built-in ones of the structure it was reading
    except (PyPdfError, OSError, ValueError, TypeError, KeyError,
            AttributeError, IndexError, RecursionError) as exception:
        raise WebUploadError(gettext(
                'lao_b2b.msg_web_upload_unreadable',
                filename=filename or '')) from exception
    return safe_stem(filename) + '.pdf', data


def check_upload(filename, data, images_only=False):
    """Check an uploaded file and return (safe file name, data to store):
    a PDF (unless images_only) as sent once parsed, an image re-encoded"""
    data = data or b''
    _check_size(data)
    if data.startswith(PDF_SIGNATURE):
        if images_only:
            raise WebUploadError(gettext('lao_b2b.msg_web_upload_image_type'))
        return check_pdf(filename, data)
    try:
        Image.open(io.BytesIO(data), formats=list(IMAGE_FORMATS))
    except Image.DecompressionBombError:
        # An image, too large: reencode_image says so
        pass
    except (OSError, SyntaxError, ValueError, EOFError):
        raise WebUploadError(gettext(
                'lao_b2b.msg_web_upload_image_type' if images_only
                else 'lao_b2b.msg_web_upload_type'))
    return reencode_image(filename, data)


def photo_sizes(data):
    """The image data made into each of PHOTO_SIZES: {name: WebP bytes},
    each no larger than its box (never enlarged) and its budget; {} when
    Pillow cannot read data as a JPEG or PNG image of at most
    image_max_pixels pixels"""
    # The demo and the benchmarks store the same image for many photos:
    # it is made into its sizes once
    return dict(_photo_sizes(bytes(data), image_max_pixels()))


@lru_cache(maxsize=8)
def _photo_sizes(data, max_pixels):
    try:
        image = Image.open(io.BytesIO(data), formats=list(IMAGE_FORMATS))
        if image.width * image.height > max_pixels:
            return {}
        # A JPEG decodes at a half, a quarter or an eighth of its size
        # much faster: ask for the smallest at least 1.5 times the largest
        # size (better resampled down from there)
        largest = max(box for box, _ in PHOTO_SIZES.values())
        scale = min(1, 1.5 * largest / max(image.size))
        image.draft('RGB', (
                math.ceil(image.width * scale),
                math.ceil(image.height * scale)))
        image = ImageOps.exif_transpose(image)
        alpha = image.mode in {'RGBA', 'LA', 'PA'} or (
            image.mode == 'P' and 'transparency' in image.info)
        image = image.convert('RGBA' if alpha else 'RGB')
    except (Image.DecompressionBombError, OSError, SyntaxError, ValueError,
            EOFError):
        return {}
    sizes = {}
    # From the largest to the smallest, each resampled from the one before
    for name, (box, budget) in sorted(
            PHOTO_SIZES.items(), key=lambda item: -item[1][0]):
        image.thumbnail((box, box), Image.Resampling.LANCZOS)
        sizes[name] = webp_within(image, budget)
    return sizes


def _webp(image, quality):
    output = io.BytesIO()
    image.save(output, format='WEBP', quality=quality, method=5)
    return output.getvalue()


def webp_within(image, budget):
    """image in WebP at the best of PHOTO_QUALITIES that is at most budget
    bytes, made smaller (by a fifth at least) until one is"""
    while True:
        # Most photos fit at the first or the second quality
        for quality in PHOTO_QUALITIES[:2]:
            data = _webp(image, quality)
            if len(data) <= budget:
                return data
        # The best quality that fits, by bisection over the others
        found, low, high = None, 2, len(PHOTO_QUALITIES) - 1
        while low <= high:
            middle = (low + high) // 2
            data = _webp(image, PHOTO_QUALITIES[middle])
            if len(data) <= budget:
                found, high = data, middle - 1
            else:
                low = middle + 1
        if found:
            return found
        # data is at the lowest quality: the bytes go with the pixels
        scale = min(0.8, 0.95 * math.sqrt(budget / len(data)))
        image = image.resize(
            (max(1, int(image.width * scale)),
                max(1, int(image.height * scale))),
            Image.Resampling.LANCZOS)
