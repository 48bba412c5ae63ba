"""Reading a PDF in a test: its text and metadata sit in compressed streams."""

import re
import zlib


def readable(document: bytes) -> bytes:
    """The PDF with its compressed streams inflated after it (metadata and outline among them)."""
    found = [document]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", document, re.S):
        try:
            found.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"".join(found)
