"""PDFs from HTML with WeasyPrint, for every app that prints one (issue 18).

Two costs of a PDF were not the document's own:

- Given no font configuration, WeasyPrint builds one for each document: fontconfig's
  configuration and a new Pango font map, so each PDF loads and measures its fonts again (about
  10 ms of CPU). A font configuration holds fonts only: the system's, and those of a
  stylesheet's `@font-face`, which Peerline's PDFs do not have. Nothing of a document (its HTML,
  its styles, its layout) is kept in it, so one is kept per thread (Pango's font map is not safe
  to share between threads) and a PDF comes out byte for byte the same as with a fresh one
  (`core/tests/test_pdf.py`).
- WeasyPrint makes and drops tens of thousands of objects for a document (60,000 for the
  self-assessment), enough to start a full garbage collection in most PDFs: a walk through every
  object of the process (235,000 in the bench's), 120 to 150 ms of the self-assessment's 420 of
  CPU. The collector is paused while a PDF is made: its objects go by reference counting as
  before, and the few cycles a document leaves (about 140) at the next collection.
"""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration

_thread = threading.local()
_pause = threading.Lock()
_paused = 0  # PDFs being made now, in all threads
_resume = False  # whether the collector ran before the first of them


def font_config() -> "FontConfiguration":
    """This thread's font configuration, made on first use."""
    found: FontConfiguration | None = getattr(_thread, "font_config", None)
    if found is None:
        from weasyprint.text import fonts  # a heavy import, for PDFs only

        found = _thread.font_config = fonts.FontConfiguration()
    return found


@contextmanager
def collector_paused() -> Iterator[None]:
    """The garbage collector off until the last thread inside leaves, then as it was."""
    global _paused, _resume
    with _pause:
        if not _paused:
            _resume = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _pause:
            _paused -= 1
            if not _paused and _resume:
                gc.enable()


def html_to_pdf(html: str, **options: Any) -> bytes:
    """The PDF of `html` (a whole document, its styles inline); `options` go to `write_pdf`."""
    from weasyprint import HTML  # a heavy import, needed only for a PDF

    with collector_paused():
        return bytes(HTML(string=html).write_pdf(font_config=font_config(), **options))
