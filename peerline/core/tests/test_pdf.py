"""PDFs share their thread's font configuration (issue 18) and nothing else: a PDF made after
another agency's comes out byte for byte as from a fresh configuration, and names its own
agency and person, never the other's (DESIGN.md principle 7)."""

import gc
import threading

import pytest
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from peerline.core import pdf
from peerline.testing.pdf import readable

DOCUMENT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{agency}: training transcript</title>
<meta name="author" content="{agency}">
<style>
  @page {{ size: letter; @top-left {{ content: element(header); }}
          @bottom-right {{ content: "Page " counter(page) " of " counter(pages); }} }}
  .header {{ position: running(header); }}
  body {{ font-family: "DejaVu Sans", sans-serif; }}
  table {{ width: 100%; border-collapse: collapse; table-layout: fixed; }}
  th {{ font-weight: bold; }}
</style></head>
<body><div class="header">{agency} · {person}</div>
<h1>{agency}</h1><h2>{person}</h2>
<table><thead><tr><th>Date</th><th>Session</th></tr></thead>
<tbody><tr><td>2026-01-22</td><td>{session}</td></tr></tbody></table>
</body></html>"""

ONE = DOCUMENT.format(
    agency="Northfield Police Department", person="Ada Quill", session="Grief management"
)
TWO = DOCUMENT.format(
    agency="Southport Sheriff Office", person="Bo Reyes", session="Stress management"
)


def test_a_pdf_made_after_another_agencys_is_the_pdf_of_a_fresh_start_2011_6_7():
    first = pdf.html_to_pdf(ONE)
    second = pdf.html_to_pdf(TWO)  # the same thread: the font configuration ONE used
    assert second == HTML(string=TWO).write_pdf(font_config=FontConfiguration())
    one, two = readable(first), readable(second)
    assert b"Northfield Police Department" in one and b"Ada Quill" in one
    assert b"Southport Sheriff Office" in two and b"Bo Reyes" in two
    assert b"Northfield" not in two and b"Ada Quill" not in two


def test_each_thread_keeps_one_font_configuration_of_its_own():
    mine = pdf.font_config()
    other: list[FontConfiguration] = []
    thread = threading.Thread(target=lambda: other.append(pdf.font_config()))
    thread.start()
    thread.join()
    assert pdf.font_config() is mine
    assert other and other[0] is not mine


def test_the_collector_is_off_while_a_pdf_is_made_and_back_on_after(monkeypatch):
    from weasyprint import HTML as Document

    seen: list[bool] = []
    write_pdf = Document.write_pdf

    def watched(self, *args, **kwargs):
        seen.append(gc.isenabled())
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(Document, "write_pdf", watched)
    assert gc.isenabled()
    assert pdf.html_to_pdf(ONE).startswith(b"%PDF-")
    assert seen == [False] and gc.isenabled()


def test_the_collector_resumes_when_the_last_thread_is_done_or_fails():
    inside, leave = threading.Event(), threading.Event()

    def other_pdf():
        with pdf.collector_paused():
            inside.set()
            leave.wait(5)

    thread = threading.Thread(target=other_pdf)
    thread.start()
    inside.wait(5)
    with pytest.raises(RuntimeError), pdf.collector_paused():
        raise RuntimeError("a PDF that failed")
    assert not gc.isenabled()  # the other thread's PDF is still being made
    leave.set()
    thread.join()
    assert gc.isenabled()


def test_a_collector_off_before_stays_off():
    gc.disable()
    try:
        with pdf.collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
