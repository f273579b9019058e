"""Unit tests of the upload checks: files are accepted only once decoded
by Pillow or pypdf, and images are stored re-encoded without metadata;
listing photos are made into the sizes the web shop shows."""
import io
import random

from PIL import Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfWriter

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    TestCase, activate_module, with_transaction)
from trytond.transaction import Transaction

from ..exceptions import WebUploadError
from ..upload import (
    PHOTO_SIZES, check_upload, photo_sizes, safe_stem, webp_within)
from .files import jpeg, pdf, photo, png, png_declaring
from .test_marketplace import create_listing, create_vendor


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


def _image(data):
    return Image.open(io.BytesIO(data))


class PhotoSizesTestCase(TestCase):
    "Test the sizes of the listings' photos"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('lao_b2b')

    def test_sizes_within_box_and_budget(self):
        "A phone's photo: WebP sizes within their box and bytes, same shape"
        sizes = photo_sizes(photo(size=(2000, 1500)))
        self.assertEqual(set(sizes), set(PHOTO_SIZES))
        for name, (box, budget) in PHOTO_SIZES.items():
            image = _image(sizes[name])
            self.assertEqual(image.format, 'WEBP')
            self.assertEqual(image.size, (box, box * 3 // 4))
            self.assertLessEqual(len(sizes[name]), budget)

    def test_small_photo_not_enlarged(self):
        sizes = photo_sizes(png((96, 64)))
        for data in sizes.values():
            self.assertEqual(_image(data).size, (96, 64))

    def test_orientation_and_transparency(self):
        "The EXIF orientation is applied; a transparent PNG stays so"
        exif = Image.Exif()
        exif[0x0112] = 6  # Orientation: rotate 90°
        sizes = photo_sizes(jpeg(size=(8, 6), exif=exif))
        self.assertEqual(_image(sizes['card']).size, (6, 8))
        output = io.BytesIO()
        Image.new('RGBA', (10, 10), (0, 0, 0, 0)).save(output, 'PNG')
        self.assertEqual(
            _image(photo_sizes(output.getvalue())['card']).mode, 'RGBA')

    def test_unreadable_has_no_sizes(self):
        for data in [b'\x89PNG fake photo', b'', png_declaring(60000, 60000),
                png()[:40]]:
            self.assertEqual(photo_sizes(data), {})

    def test_made_smaller_to_fit(self):
        "Noise fits no quality: it is made smaller until it fits"
        noise = Image.frombytes(
            'RGB', (300, 200), random.Random(1).randbytes(300 * 200 * 3))
        data = webp_within(noise, 4000)
        self.assertLessEqual(len(data), 4000)
        self.assertLess(_image(data).width, 300)

    @with_transaction()
    def test_photo_record_sizes(self):
        """Stored photos get their sizes; a new image new ones, a copy the
        same files; an image Pillow cannot read none"""
        pool = Pool()
        Photo = pool.get('lao.listing.photo')
        company = create_vendor("Paksong Coffee Cooperative", 'REG-P01')
        listing = create_listing(company, photo=False, photos=[('create', [
                        {'image': photo(size=(800, 600), seed=1)}])])
        record, = listing.photos
        self.assertTrue(record.card_id and record.page_id)
        version, data = record.sized('card')
        self.assertEqual(version, record.card_id)
        self.assertEqual(_image(data).size, (640, 480))
        self.assertEqual(_image(record.sized('page')[1]).size, (800, 600))
        self.assertIsNone(record.sized('image'))

        Photo.write([record], {'caption': "Green beans"})
        self.assertEqual(Photo(record.id).card_id, version)
        Photo.write([record], {'image': photo(size=(800, 600), seed=2)})
        record = Photo(record.id)
        self.assertNotEqual(record.card_id, version)

        copy, = Photo.copy([record])
        self.assertEqual(
            (copy.card_id, copy.page_id), (record.card_id, record.page_id))
        self.assertEqual(copy.sized('card'), record.sized('card'))

        fake, = Photo.create([
                {'listing': listing.id, 'image': b'\x89PNG fake photo'}])
        self.assertIsNone(fake.card_id)
        self.assertIsNone(fake.sized('card'))

    @with_transaction()
    def test_sizes_filled_on_update(self):
        "The photos stored before the sizes get them when the module updates"
        pool = Pool()
        Photo = pool.get('lao.listing.photo')
        company = create_vendor("Paksong Coffee Cooperative", 'REG-P02')
        listing = create_listing(company, photo=False, photos=[('create', [
                        {'image': png((96, 64))},
                        {'image': b'\x89PNG fake photo'}])])
        real, fake = sorted(listing.photos, key=lambda p: p.id)
        table = Photo.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [table.card_id, table.page_id], [None, None]))
        Photo._fill_sizes()
        real, fake = Photo.browse([real.id, fake.id])
        self.assertTrue(real.card_id and real.page_id)
        self.assertEqual(_image(real.sized('card')[1]).size, (96, 64))
        self.assertIsNone(fake.card_id)
