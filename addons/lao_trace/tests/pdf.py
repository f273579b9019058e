"""Reading the PDFs the reports print, for the tests of the modules."""
import re
import zlib


def pdf_objects(pdf):
    "The PDF's bytes with its compressed streams inflated"
    parts = [pdf]
    for stream in re.findall(rb'stream\r?\n(.*?)endstream', pdf, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            pass  # not a Flate stream (an image): nothing to read in it
    return b''.join(parts)
