"""Coverage pages: the matrix as a heat map, the 24-month forecast, the recruitment plan.

The matrix and the forecast are counts (coordinator and steering committee, 2011 §3.2, §3.8.1,
§3.8.3); the recruitment plan names candidates, so it is the coordinator's alone (§3.9).
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache

from peerline.accounts import policy
from peerline.agencies.clock import local_today
from peerline.core import validation

from . import charts
from .forecast import forecast as build_forecast
from .matrix import CATEGORY_LABELS, Cell, Counts, Matrix, coverage_matrix, total_of
from .recruitment import recruitment_plan


@dataclass(frozen=True)
class HeatRow:
    shift_name: str
    cells: list[tuple[str, Cell | None]]  # (division name, cell); None: no employees there
    total: Counts


@dataclass(frozen=True)
class HeatTable:
    """One category's cells: shifts down, divisions across, with the margins."""

    category: str
    label: str
    divisions: list[str]
    rows: list[HeatRow]
    column_totals: list[Counts]
    total: Counts

    @property
    def columns(self) -> list[tuple[str, Counts]]:
        return list(zip(self.divisions, self.column_totals, strict=True))


def heat_tables(matrix: Matrix) -> list[HeatTable]:
    tables = []
    for category, label in CATEGORY_LABELS.items():
        mine = [cell for cell in matrix.cells if cell.category == category]
        if not mine:
            continue
        divisions = [(c, n) for c, n in matrix.divisions if any(x.division == c for x in mine)]
        shifts = [(c, n) for c, n in matrix.shifts if any(x.shift == c for x in mine)]
        rows = []
        for shift, shift_name in shifts:
            row = [(name, matrix.cell(shift, code, category)) for code, name in divisions]
            rows.append(HeatRow(shift_name, row, total_of(c for _, c in row if c)))
        columns = [total_of(c for c in mine if c.division == division) for division, _ in divisions]
        tables.append(
            HeatTable(category, label, [n for _, n in divisions], rows, columns, total_of(mine))
        )
    return tables


@never_cache
@policy.requires(policy.Permission.COVERAGE_VIEW)
def matrix(request: policy.AgencyRequest) -> HttpResponse:
    """Active PSPs against the target in every shift × division × category cell (2011 §3.8.1)."""
    agency = request.agency
    found = coverage_matrix(agency=agency, on=local_today(agency))
    return render(
        request,
        "coverage/matrix.html",
        {
            "matrix": found,
            "tables": heat_tables(found),
            "family_rows": [(family.label, family) for family in found.families],
            "may_recruit": policy.allows(request, policy.Permission.RECRUITMENT_PLAN),
        },
    )


@never_cache
@policy.requires(policy.Permission.COVERAGE_VIEW)
def forecast(request: policy.AgencyRequest) -> HttpResponse:
    """The next 24 months: when each cell falls below target, and why (2011 §3.8.3)."""
    agency = request.agency
    found = build_forecast(agency=agency, start=local_today(agency))
    first, last = found.total[0], found.total[-1]
    below = [point for point in found.total if point.below]
    desc = (
        f"From {first.active} active peer supporters for {first.required} needed on "
        f"{first.on:%B %-d, %Y} to {last.active} for {last.required} on {last.on:%B %-d, %Y}. "
        + (
            f"Fewer active than needed on {len(below)} of the {len(found.total)} dates. "
            if below
            else "Never fewer active than needed. "
        )
        + "The table after the chart gives every figure."
    )
    chart = charts.line_chart(
        found.dates,
        [
            charts.Line("Needed", [p.required for p in found.total], "#565c65", "6 4", "square"),
            charts.Line("Active PSPs", [p.active for p in found.total], "#1a4480", "", "circle"),
        ],
        key="chart-forecast",
        title="Active peer supporters and the number needed, next 24 months",
        desc=desc,
    )
    return render(
        request,
        "coverage/forecast.html",
        {
            "forecast": found,
            "chart": chart,
            "may_recruit": policy.allows(request, policy.Permission.RECRUITMENT_PLAN),
        },
    )


def _application_url(pk: int) -> str | None:
    try:
        return reverse("team:application", args=[pk])
    except NoReverseMatch:
        return None


@never_cache
@policy.requires(policy.Permission.RECRUITMENT_PLAN)
def recruitment(request: policy.AgencyRequest) -> HttpResponse:
    """The fewest candidates that close the most coverage gaps (2011 §3.8.1, §4.1)."""
    agency = request.agency
    plan = recruitment_plan(agency=agency, today=local_today(agency))
    links = _application_url(0) is not None
    rows = [
        (
            suggestion,
            _application_url(suggestion.candidate.application_id) if links else None,
        )
        for suggestion in plan.suggestions
    ]
    # The whole plan is solved (it is one optimum), but listed 50 candidates a page: a pool of
    # thousands made one page of hundreds of rows (issue 18).
    page = Paginator(rows, 50).get_page(validation.page_number(request.GET.get("page")))
    return render(
        request,
        "coverage/recruitment.html",
        {"plan": plan, "page": page, "solve_ms": round(plan.solve_seconds * 1000, 1)},
    )
