"""Unit tests of the upload checks: files are accepted only once decoded
by Pillow or pypdf, and images are stored re-encoded without metadata."""
import io

from PIL import Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfWriter

from trytond.tests.test_tryton import (
    TestCase, activate_module, with_transaction)

from ..exceptions import WebUploadError
from ..upload import check_upload, safe_stem
from .files import jpeg, pdf, png, png_declaring


class UploadTestCase(TestCase):
    "Test the checks of uploaded files"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('lao_b2b')

    def assertRefused(self, data, text, **options):
        with self.assertRaises(WebUploadError) as context:
            check_upload('upload.png', data, **options)
        self.assertIn(text, context.exception.message)

    @with_transaction()
    def test_png_header_with_html_refused(self):
        "A PNG signature followed by HTML is not an image"
        html = b'<html><script>alert(1)</script></html>'
        for images_only in [True, False]:
            self.assertRefused(b'\x89PNG\r\n\x1a\n' + html, "Only",
                images_only=images_only)
        # A valid header and then HTML cannot be decoded either
        self.assertRefused(png()[:33] + html, "Only", images_only=True)

    @with_transaction()
    def test_html_after_image_not_served(self):
        "Bytes after a real image are dropped by the re-encoding"
        html = b'<html><script>alert(1)</script></html>'
        _, stored = check_upload('p.png', png() + html, images_only=True)
        self.assertNotIn(b'<html>', stored)
        self.assertEqual(Image.open(io.BytesIO(stored)).size, (4, 3))

    @with_transaction()
    def test_huge_image_refused(self):
        "A PNG declaring 60000x60000 pixels is refused before decoding"
        self.assertRefused(png_declaring(60000, 60000), "too many pixels",
            images_only=True)
        self.assertRefused(png_declaring(60000, 60000), "too many pixels")

    @with_transaction()
    def test_exif_stripped(self):
        "The stored JPEG has no EXIF data left, its orientation applied"
        exif = Image.Exif()
        exif[0x010F] = "SecretCamera"  # Make
        exif[0x0112] = 6  # Orientation: rotate 90°
        data = jpeg(exif=exif)
        self.assertIn(b'SecretCamera', data)

        filename, stored = check_upload('photo.jpeg', data, images_only=True)

        self.assertEqual(filename, 'photo.jpg')
        self.assertNotIn(b'SecretCamera', stored)
        self.assertNotIn(b'Exif', stored)
        image = Image.open(io.BytesIO(stored))
        self.assertEqual(image.format, 'JPEG')
        self.assertEqual(dict(image.getexif()), {})
        self.assertEqual(image.size, (6, 8))

    @with_transaction()
    def test_png_text_stripped(self):
        "The text chunks of a PNG are not stored"
        info = PngInfo()
        info.add_text('Comment', "GPS 15.1N 106.4E")
        _, stored = check_upload('map.png', png(pnginfo=info))
        self.assertNotIn(b'GPS', stored)
        self.assertEqual(Image.open(io.BytesIO(stored)).format, 'PNG')

    @with_transaction()
    def test_pdf_parsed(self):
        "A real PDF is kept as sent; a PDF signature alone is refused"
        data = pdf()
        self.assertEqual(
            check_upload('../../etc/licence.pdf', data),
            ('etclicence.pdf', data))
        for damaged in [b'%PDF-1.4\n%%EOF\n', b'%PDF-1.4 <html>',
                data[:len(data) // 2]]:
            self.assertRefused(damaged, "cannot be read")
        self.assertRefused(data, "Only JPEG and PNG", images_only=True)

    @with_transaction()
    def test_encrypted_pdf_refused(self):
        "Reviewers could not open a PDF protected by a password"
        writer = PdfWriter()
        writer.add_blank_page(595, 842)
        writer.encrypt('secret')
        output = io.BytesIO()
        writer.write(output)
        self.assertRefused(output.getvalue(), "password")

    @with_transaction()
    def test_empty_and_unknown_refused(self):
        self.assertRefused(b'', "empty")
        self.assertRefused(b'MZ\x90\x00 not a pdf', "Only PDF, JPEG and PNG")
        self.assertRefused(b'<svg onload=alert(1)>', "Only JPEG and PNG",
            images_only=True)

    def test_safe_stem(self):
        "File names keep letters and digits of any script, nothing else"
        for name, stem in [
                ('../../etc/passwd', 'etcpasswd'),
                ('ໃບອະນຸຍາດ.pdf', 'ໃບອະນຸຍາດ'),
                ('a b\x00c\r\n.png', 'abc'),
                ('.htaccess', 'document'),
                ('x' * 200 + '.pdf', 'x' * 80),
                ]:
            self.assertEqual(safe_stem(name), stem)
