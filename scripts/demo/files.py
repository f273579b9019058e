"""The files the demo uploads: small valid PDF documents and PNG photos,
made here so that nothing binary is committed."""
import struct
import zlib


def pdf_document(title):
    "The bytes of a small valid one-page PDF showing title"
    text = title.encode('latin-1', 'replace').replace(b'(', b'[').replace(
        b')', b']')
    stream = b'BT /F1 14 Tf 50 780 Td (' + text + b') Tj ET'
    objects = [
        b'<< /Type /Catalog /Pages 2 0 R >>',
        b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] '
        b'/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
        b'<< /Length %d >>\nstream\n%s\nendstream' % (len(stream), stream),
        b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
        ]
    pdf = b'%PDF-1.4\n'
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += b'%d 0 obj\n%s\nendobj\n' % (number, body)
    xref = len(pdf)
    pdf += b'xref\n0 %d\n0000000000 65535 f \n' % (len(objects) + 1)
    pdf += b''.join(b'%010d 00000 n \n' % o for o in offsets)
    pdf += b'trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (
        len(objects) + 1, xref)
    return pdf


def png(colour, width=96, height=64):
    """The bytes of a small PNG: colour with a lighter band, the same for
    every listing of a commodity"""
    r, g, b = colour
    light = tuple(min(255, c + 60) for c in colour)
    rows = b''
    for y in range(height):
        pixel = bytes(light if height // 3 <= y < height // 2 else (r, g, b))
        rows += b'\x00' + pixel * width
    def chunk(kind, data):
        return (struct.pack('>I', len(data)) + kind + data
            + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))
    return (b'\x89PNG\r\n\x1a\n'
        + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0))
        + chunk(b'IDAT', zlib.compress(rows, 9))
        + chunk(b'IEND', b''))
