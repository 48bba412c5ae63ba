"""Training records for audits: a PSP's transcript (HTML and PDF) and the team report (CSV).

Both are what a POST or state certification audit asks for: who trained, when, for how long, on
what, with whom, and whether the agency's quarterly requirement was met (2011 §8.2). Neither says
anything about anyone a PSP supported (2011 §6.7).
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.http import HttpResponse
from django.template.loader import render_to_string

from peerline.agencies import clock
from peerline.agencies.models import Agency
from peerline.core.pdf import html_to_pdf
from peerline.team.models import PeerSupporter

from . import compliance, selectors
from .models import Attendance, TrainingTopic

TRANSCRIPT_QUARTERS = 8
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_CHUNK = 500  # rows of the team report written, and PSPs read, at a time


@dataclass(frozen=True)
class Transcript:
    peer_supporter: PeerSupporter
    agency: Agency
    generated_on: date
    current: compliance.Standing
    quarters: list[compliance.QuarterStanding]  # the last ones on the team, newest first
    attendances: list[Attendance]  # oldest first
    total_hours: Decimal
    never_covered: list[TrainingTopic]

    @property
    def hours_required_full_quarter(self) -> Decimal:
        return Decimal(self.agency.training_hours_per_quarter).quantize(compliance.TENTH)


def transcript(peer_supporter: PeerSupporter) -> Transcript:
    today = clock.local_today(peer_supporter.agency)
    current, quarters = compliance.psp_quarters(
        peer_supporter=peer_supporter, today=today, count=TRANSCRIPT_QUARTERS
    )
    rows = list(selectors.attendances_of(peer_supporter, until=None))
    return Transcript(
        peer_supporter=peer_supporter,
        agency=peer_supporter.agency,
        generated_on=today,
        current=current,
        quarters=quarters,
        attendances=rows,
        total_hours=sum((row.hours_credited for row in rows), Decimal("0.0")),
        never_covered=selectors.never_covered(peer_supporter=peer_supporter, until=today),
    )


def render_pdf(data: Transcript) -> bytes:
    """The transcript as a PDF (WeasyPrint), the same figures as the page."""
    return html_to_pdf(render_to_string("training/transcript_pdf.html", {"t": data}))


def pdf_response(peer_supporter: PeerSupporter) -> HttpResponse:
    data = transcript(peer_supporter)
    response = HttpResponse(render_pdf(data), content_type="application/pdf")
    number = "".join(ch for ch in peer_supporter.employee.employee_number if ch.isalnum())
    response["Content-Disposition"] = (
        f'inline; filename="training-transcript-{data.agency.code}-{number}.pdf"'
    )
    return response


def _cell(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


CSV_HEADER = [
    "quarter",
    "employee_number",
    "last_name",
    "first_name",
    "status_now",
    "days_active",
    "days_on_leave",
    "hours_required",
    "hours_credited",
    "compliant",
    "quarter_ended",
    "consecutive_quarters_behind",
    "flagged_for_review",
]


def team_csv_chunks(team: compliance.TeamCompliance) -> Iterator[str]:
    """The team report (2011 §8.2), one row per PSP on the team in the quarter, a chunk of rows
    at a time: for a download streamed as it is written (issue 18). The PSPs are read in one
    query, in the lines' own order (by name), with a server-side cursor on PostgreSQL."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    lines = {line.psp_id: line for line in team.lines}
    psps = (
        PeerSupporter.objects.filter(agency=team.agency)
        .select_related("employee")
        .order_by("employee__last_name", "employee__first_name", "pk")
        .iterator(chunk_size=CSV_CHUNK)
    )
    written = 0
    for psp in psps:
        line = lines.get(psp.pk)
        if line is None:
            continue  # not on the team in the quarter
        s = line.standing
        writer.writerow(
            [
                _cell(value)
                for value in (
                    team.quarter.label,
                    psp.employee.employee_number,
                    psp.employee.last_name,
                    psp.employee.first_name,
                    psp.get_status_display(),
                    s.active_days,
                    s.paused_days,
                    s.hours_required,
                    s.hours_credited,
                    "yes" if s.compliant else "no",
                    "yes" if s.ended else "no",
                    line.consecutive_behind,
                    "yes" if line.flagged else "no",
                )
            ]
        )
        written += 1
        if written % CSV_CHUNK == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def team_csv(team: compliance.TeamCompliance) -> str:
    """The team report as one text (the chunks of `team_csv_chunks`)."""
    return "".join(team_csv_chunks(team))
