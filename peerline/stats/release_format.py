"""A release written down, with no database: its period's name, its frozen bytes, its words.

The same payload is the JSON served ever after, the page and the PDF, so the three show the same
numbers (2011 §3.1). `releases.py` closes the periods and reads the releases; this module only
names periods and turns a payload into bytes, into the page's words and into a PDF.
"""

import calendar
import json
from datetime import date
from typing import Any

from django.template.loader import render_to_string

from peerline.agencies import periods
from peerline.agencies.models import Agency
from peerline.core.pdf import html_to_pdf

from . import disclosure, tables

CLAUSE = "IACP Peer Support Guidelines 2011 §3.1"


class PeriodError(ValueError):
    """A period that cannot be closed or released; the message is for the user."""


class BadPeriod(PeriodError):
    """Not a period at all."""


class NotReleased(PeriodError):
    """A period with no release: still open (or a year with an open quarter)."""


# --------------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------------


def parse_period(period: str) -> tuple[int, int | None]:
    """(year, quarter or None); `BadPeriod` for anything but YYYY-Qn or YYYY."""
    try:
        year, quarter = periods.parse(period)
    except ValueError:
        year, quarter = 0, None
    if year < 1900:
        raise BadPeriod(
            "A period is a quarter, YYYY-Qn (for example 2026-Q3), or a year, YYYY. "
            "Reports have fixed periods only: no date ranges."
        )
    return year, quarter


def period_label(period: str) -> str:
    """ "2026-Q3" → "July to September 2026"; "2026" → "The year 2026"."""
    year, quarter = parse_period(period)
    if quarter is None:
        return f"The year {year}"
    first, last = calendar.month_name[3 * quarter - 2], calendar.month_name[3 * quarter]
    return f"{first} to {last} {year}"


def quarter_shift(quarter: str, by: int) -> str:
    year, q = parse_period(quarter)
    assert q is not None
    index = year * 4 + q - 1 + by
    return f"{index // 4}-Q{index % 4 + 1}"


def quarters_between(first: str, last: str) -> list[str]:
    found, quarter = [], first
    while quarter <= last:
        found.append(quarter)
        quarter = quarter_shift(quarter, 1)
    return found


# --------------------------------------------------------------------------------------------
# The frozen bytes
# --------------------------------------------------------------------------------------------


def payload(*, period: str, threshold: int, release: disclosure.Release) -> dict[str, Any]:
    """The response shape of the issue: period, threshold, tables (name, dimensions, rows, total)."""
    data = disclosure.release_to_json(release)
    return {
        "period": period,
        "threshold": threshold,
        "tables": [
            {key: table[key] for key in ("name", "dimensions", "rows", "total")}
            for table in data["tables"]
        ],
    }


def to_bytes(data: dict[str, Any]) -> bytes:
    """Deterministic JSON: sorted keys, fixed separators, ASCII only."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def release_from_payload(data: dict[str, Any]) -> disclosure.Release:
    """The `disclosure.Release` of a frozen payload (the table kinds come from `tables.SPECS`)."""
    found = [{**t, "partition": tables.BY_NAME[t["name"]].partition} for t in data["tables"]]
    grand_total = next((t["total"] for t in found if t["partition"]), None)
    return disclosure.release_from_json({"grand_total": grand_total, "tables": found})


# --------------------------------------------------------------------------------------------
# As shown
# --------------------------------------------------------------------------------------------


def presentable(data: dict[str, Any]) -> dict[str, Any]:
    """A frozen payload with the words for each table and category, for the page and the PDF."""
    shown = []
    for table in data["tables"]:
        spec = tables.BY_NAME.get(table["name"])
        dimension = table["dimensions"][0]
        shown.append(
            {
                "name": table["name"],
                "title": spec.title if spec else table["name"],
                "column": spec.column if spec else dimension,
                "note": spec.note if spec else "",
                "partition": spec.partition if spec else True,
                "total": table["total"],
                "rows": [
                    {
                        "label": tables.label(table["name"], row["dims"][dimension]),
                        "count": row["count"],
                        "suppressed": row["suppressed"],
                    }
                    for row in table["rows"]
                ],
            }
        )
    grand_total = next((t["total"] for t in shown if t["partition"]), None)
    return {
        "period": data["period"],
        "label": period_label(data["period"]),
        "threshold": data["threshold"],
        "grand_total": grand_total,
        "tables": shown,
        "suppressed_note": suppressed_note(data["threshold"]),
        "any_suppressed": any(r["suppressed"] for t in shown for r in t["rows"])
        or any(t["partition"] and t["total"] is None for t in shown),
    }


def suppressed_note(k: int) -> str:
    """The footnote of every "suppressed" cell, on the page, in the PDF and in the CSV."""
    return (
        f"A suppressed count is not shown. Either it is between 1 and {k - 1} (the smallest "
        f"count shown is {k}), which could point at the people supported, or it is withheld so "
        "that such a count cannot be worked out, or narrowed down, from the totals, the other "
        "tables or the other periods' reports. The two look the same on purpose "
        f"({CLAUSE})."
    )


def render_pdf(*, agency: Agency, data: dict[str, Any], closed_on: date) -> bytes:
    """The release as a PDF (WeasyPrint), from the frozen payload: the same numbers as the JSON."""
    html = render_to_string(
        "stats/released_pdf.html",
        {"agency": agency, "report": presentable(data), "closed_on": closed_on},
    )
    return html_to_pdf(html)
