"""The self-assessment's PDF for the accreditation file (2011 §3.2): every clause of the agency's
edition in a table whose columns' widths are set rather than measured (issue 18), so each
edition's clauses and every status must fit their columns whole."""

import pytest
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from peerline.accounts.models import Role
from peerline.agencies.models import Agency
from peerline.assessment.clauses import CLAUSES
from peerline.assessment.selectors import LABELS, Row
from peerline.testing.pdf import readable

LONG_WORD = "https://accreditation.example.org/files/" + "general-order-4-12-" * 8


@pytest.mark.django_db
def test_the_pdf_is_the_agencys_self_assessment_2011_3_2(agency, client_for):
    response = client_for(Role.COORDINATOR).get("/assessment/self-assessment.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = readable(response.content)
    assert b"Test City Police Department: self-assessment" in text  # the document's title
    assert b"peer support program self-assessment" in text  # its heading, in the outline


def _cells(document: "HTML") -> list[tuple[int, boxes.TableCellBox]]:
    """(column, cell) of every body cell, over all pages."""
    found = []

    def walk(box: boxes.Box) -> None:
        if isinstance(box, boxes.TableRowGroupBox) and box.is_header:
            return
        if isinstance(box, boxes.TableCellBox):
            found.append((box.grid_x, box))
            return
        for child in getattr(box, "children", []):
            walk(child)

    for page in document.render().pages:
        walk(page._page_box)
    return found


def _lines(cell: boxes.TableCellBox) -> list[boxes.TextBox]:
    return [box for box in cell.descendants() if isinstance(box, boxes.TextBox)]


@pytest.mark.parametrize("edition", ["2011", "2006"])
def test_every_clause_and_status_fits_its_column_whole(edition):
    statuses = list(LABELS)
    rows = [
        Row(clause, asks, statuses[n % len(statuses)], "measured", LONG_WORD if n == 0 else "", "")
        for n, (clause, asks, _) in enumerate(CLAUSES[edition])
    ]
    agency = Agency(name="Test City Police Department", guideline_edition=edition)
    html = render_to_string(
        "assessment/pdf.html",
        {"rows": rows, "counts": [], "edition": edition, "agency": agency, "now": timezone.now()},
    )
    cells = _cells(HTML(string=html))
    assert len(cells) >= 5 * len(rows)  # a row across a page break has two parts
    # Nothing runs past its cell, not even a word longer than the evidence column.
    for _, cell in cells:
        right = cell.content_box_x() + cell.width
        assert all(line.position_x + line.width <= right + 0.5 for line in _lines(cell))
    # The clause, status and "how" columns break between words only: no word is cut.
    whole = {
        0: {word for clause, _, _ in CLAUSES[edition] for word in clause.split()},
        2: {word for label in LABELS.values() for word in label.split()},
        3: {"measured"},
    }
    for column, words in whole.items():
        shown = {
            word
            for grid_x, cell in cells
            if grid_x == column
            for line in _lines(cell)
            for word in line.text.split()
        }
        assert shown and shown <= words, (column, shown - words)
    # The long word is shown in pieces within its column.
    evidence = "".join(line.text for line in _lines(cells[4][1]))
    assert evidence.replace(" ", "") == LONG_WORD
