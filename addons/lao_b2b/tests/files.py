"""Real files for the tests of uploads: what a browser would send."""
import io
import random
import struct
import zlib

from PIL import Image
from pypdf import PdfWriter


def png(size=(4, 3), color=(10, 200, 30), **options):
    "A real PNG image"
    output = io.BytesIO()
    Image.new('RGB', size, color).save(output, 'PNG', **options)
    return output.getvalue()


def jpeg(size=(8, 6), **options):
    "A real JPEG image"
    output = io.BytesIO()
    Image.new('RGB', size, (120, 80, 40)).save(output, 'JPEG', **options)
    return output.getvalue()


def photo(size=(2000, 1500), seed=0, **options):
    """A JPEG that compresses like a phone's photo: patches of colour,
    detail at every scale and the sensor's grain (the same for a seed)"""
    generator = random.Random(seed)
    width, height = size

    def layer(cells):
        cells = (cells, max(1, cells * height // width))
        return Image.frombytes('RGB', cells, generator.randbytes(
                3 * cells[0] * cells[1])).resize(
            size, Image.Resampling.BICUBIC)
    image = layer(4)
    for cells, weight in [(16, .35), (64, .2), (256, .12), (1024, .06)]:
        image = Image.blend(image, layer(cells), weight)
    grain = Image.frombytes('L', size, generator.randbytes(width * height))
    image = Image.blend(image, grain.convert('RGB'), .08)
    output = io.BytesIO()
    image.save(output, 'JPEG', quality=90, **options)
    return output.getvalue()


def pdf():
    "A real one-page PDF"
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _chunk(kind, data):
    return (struct.pack('>I', len(data)) + kind + data
        + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))


def png_declaring(width, height):
    "A small PNG file whose header declares width x height pixels"
    return (b'\x89PNG\r\n\x1a\n'
        + _chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0))
        + _chunk(b'IDAT', zlib.compress(b'\0' * 64))
        + _chunk(b'IEND', b''))
