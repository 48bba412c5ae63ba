"""The transcript's PDF lays its tables out with set column widths rather than measuring every
cell first (issue 18): its dates, hours and quarters must still fit their columns whole, and a
session's words longer than their column break inside it (2011 §8.2)."""

import re
from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from peerline.agencies import clock
from peerline.training import reports

from .helpers import attend, leave, psp, session

pytestmark = pytest.mark.django_db

LONG_WORD = "Regional-critical-incident-stress-management-refresher-for-partner-agencies"


def _tables(html: str) -> dict[str, list[tuple[int, boxes.TableCellBox]]]:
    """Each table's body cells (column, cell) by the table's id, over all pages."""
    found: dict[str, list[tuple[int, boxes.TableCellBox]]] = {}

    def walk(box: boxes.Box, table: str) -> None:
        if isinstance(box, boxes.TableBox):
            table = box.element.get("id")
        if isinstance(box, boxes.TableRowGroupBox) and box.is_header:
            return
        if isinstance(box, boxes.TableCellBox):
            found.setdefault(table, []).append((box.grid_x, box))
            return
        for child in getattr(box, "children", []):
            walk(child, table)

    for page in HTML(string=html).render().pages:
        walk(page._page_box, "")
    return found


def _words(cell: boxes.TableCellBox) -> list[str]:
    return [
        word
        for box in cell.descendants()
        if isinstance(box, boxes.TextBox)
        for word in box.text.split()
    ]


def test_the_transcript_tables_fit_their_columns_2011_8_2(agency):
    today = clock.local_today(agency)
    me = psp(agency, "6101", active_since=date(2024, 1, 1), first_name="Imani")
    leave(me, today - timedelta(days=200), returned=today - timedelta(days=150))
    for weeks in range(1, 9):
        attend(session(agency, today - timedelta(weeks=weeks * 5), "3", "8.3.1"), me, hours="2.5")
    attend(session(agency, today, "2", "8.3.17", title=LONG_WORD), me)
    html = render_to_string("training/transcript_pdf.html", {"t": reports.transcript(me)})
    tables = _tables(html)

    for cells in tables.values():  # nothing runs past its cell
        for _, cell in cells:
            right = cell.content_box_x() + cell.width
            for box in cell.descendants():
                if isinstance(box, boxes.TextBox):
                    assert box.position_x + box.width <= right + 0.5, box.text
    # Quarters, dates and hours break between words only: no word is cut.
    whole = {
        ("transcript-quarters", 0): r"\d{4}-Q[1-4]|\(open\)",
        ("transcript-quarters", 1): r"\d+\.\d|\(leave|\d+|d\)",
        ("transcript-quarters", 2): r"\d+\.\d",
        ("transcript-sessions", 0): r"\d{4}-\d\d-\d\d",
        ("transcript-sessions", 2): r"\d+\.\d|of",
    }
    seen_leave = False
    for (table, column), pattern in whole.items():
        words = [word for x, cell in tables[table] if x == column for word in _words(cell)]
        assert words and all(re.fullmatch(pattern, word) for word in words), (table, words)
        seen_leave |= "(leave" in words
    assert seen_leave  # the quarter with the leave is among them
    # The session's long title is all there, in pieces within its column.
    titles = [cell for x, cell in tables["transcript-sessions"] if x == 1]
    pieces = [box.text for box in titles[-1].descendants() if isinstance(box, boxes.TextBox)]
    assert len(pieces) > 1 and "".join(pieces) == LONG_WORD
