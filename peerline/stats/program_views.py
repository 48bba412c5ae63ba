"""The coordinator's utilisation page and its CSV (2011 §3.9): counts only, never a contact row.

Per-PSP figures are counts of contacts and nothing else, and the coordinator's alone
(`Permission.STATS_PROGRAM`); the answers that describe contacts are shown agency-wide for closed
periods only, as protected as command staff get them (2011 §3.1, §7.2; see `program`).
Responses are marked `no-store` so that no shared cache or browser history keeps them.
"""

import csv
from dataclasses import dataclass

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from peerline.accounts import policy
from peerline.accounts.sessions import fresh_sign_in
from peerline.agencies import clock, periods
from peerline.agencies.models import Agency
from peerline.audit.exports import audited_export

from . import charts
from .program import (
    ProgramSummary,
    Row,
    Table,
    csv_rows,
    period_label,
    program_periods,
    program_summary,
)

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Section:
    """One table of the summary with its chart, as the page shows them side by side."""

    key: str
    heading: str
    dimension: str  # the table's first column heading
    table: Table
    chart: charts.Chart | None
    note: str = ""
    contacts: int = 0  # the period's contacts, that the shares are of

    @property
    def rows(self) -> list[tuple[Row, str]]:
        return [(row, share(row.count, self.contacts)) for row in self.table.rows]


def share(count: int, total: int) -> str:
    """A percentage for people to read: "—" of nothing, "<1%" rather than a misleading "0%"."""
    if not total:
        return "—"
    percent = 100 * count / total
    return "<1%" if 0 < percent < 0.5 else f"{percent:.0f}%"


def _period(request: policy.AgencyRequest, agency: Agency, choices: list[str]) -> str:
    """The period asked for (404 if it is not a quarter or a year), else the newest quarter."""
    asked = request.GET.get("period", "").strip()
    if asked:
        try:
            periods.parse(asked)
        except ValueError:
            raise Http404("A period is a quarter (2026-Q1) or a year (2026).") from None
        return asked
    return choices[0] if choices else periods.quarter_of(clock.local_today(agency))


def _sections(summary: ProgramSummary) -> list[Section]:
    def bars(table: Table, key: str, unit: str = "contacts") -> charts.Chart:
        items = [charts.Item(row.label, row.count, row.muted) for row in table.rows]
        return charts.bar_chart(items, key=key, title=table.title, unit=unit)

    months = charts.column_chart(
        [
            charts.Item(row.label, row.count, row.muted, tick=row.label[:3], group=row.value[:4])
            for row in summary.per_month.rows
        ],
        key="chart-month",
        title=summary.per_month.title,
    )
    n = summary.contacts
    return [
        Section("month", "Contacts per month", "Month", summary.per_month, months, contacts=n),
        Section(
            "psp",
            "Contacts per peer supporter",
            "Peer supporter",
            summary.per_peer_supporter,
            bars(summary.per_peer_supporter, "chart-psp"),
            "Every current peer supporter, and anyone else who logged contacts in the period: "
            "how many, never what about.",
            contacts=n,
        ),
    ]


@never_cache
@policy.requires(policy.Permission.STATS_PROGRAM)
def program(request: policy.AgencyRequest) -> HttpResponse:
    """Utilisation data for a quarter or a year: charts and the same numbers as tables (2011 §3.9)."""
    agency = request.agency
    choices = program_periods(agency=agency)
    period = _period(request, agency, choices)
    summary = program_summary(agency=agency, period=period)
    quarters = [choice for choice in choices if "-Q" in choice]
    years = [choice for choice in choices if "-Q" not in choice]
    return render(
        request,
        "stats/program.html",
        {
            "summary": summary,
            "period": period,
            "period_label": period_label(period),
            "quarter_choices": [(choice, period_label(choice)) for choice in quarters],
            "year_choices": [(choice, period_label(choice)) for choice in years],
            "known_period": period in choices,
            "sections": _sections(summary),
        },
    )


def _cell(value: str | int) -> str | int:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


@never_cache
@policy.requires(policy.Permission.STATS_PROGRAM)
@fresh_sign_in  # an export: the password again if it was typed long ago
@audited_export("stats.program_csv")
def program_csv(request: policy.AgencyRequest) -> HttpResponse:
    """The page's tables as CSV: table, dimension, value, count (2011 §3.9)."""
    agency = request.agency
    period = _period(request, agency, program_periods(agency=agency))
    summary = program_summary(agency=agency, period=period)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="peerline-utilization-{agency.code}-{period}.csv"'
    )
    writer = csv.writer(response, lineterminator="\r\n")
    writer.writerow(["table", "dimension", "value", "count"])
    for row in csv_rows(summary):
        writer.writerow([_cell(cell) for cell in row])
    return response
