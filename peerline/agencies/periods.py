"""Reporting periods in the agency's own time zone: months, quarters "2026-Q3" and years "2026"."""

import calendar
import re
from datetime import date
from typing import Any

from django.apps import apps
from django.db.models import QuerySet

from .clock import local_today
from .models import Agency

# ASCII digits only, matched whole: `$` would accept a trailing newline and `\d` any script's
# digits, and either would make a second spelling of a released period (2011 §3.1).
PERIOD_RE = re.compile(r"(?P<year>[0-9]{4})(?:-Q(?P<quarter>[1-4]))?", re.ASCII)


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def parse(period: str) -> tuple[int, int | None]:
    """("2026-Q3") → (2026, 3); ("2026") → (2026, None); ValueError for anything else."""
    match = PERIOD_RE.fullmatch(period) if isinstance(period, str) else None
    if not match:
        raise ValueError("a period is YYYY-Qn (a quarter) or YYYY (a year)")
    quarter = match["quarter"]
    return int(match["year"]), int(quarter) if quarter else None


def quarters_of(period: str) -> list[str]:
    year, quarter = parse(period)
    return [period] if quarter else [f"{year}-Q{q}" for q in range(1, 5)]


def last_day(period: str) -> date:
    year, quarter = parse(period)
    month = 3 * quarter if quarter else 12
    return date(year, month, calendar.monthrange(year, month)[1])


def has_ended(agency: Agency, period: str) -> bool:
    return last_day(period) < local_today(agency)


def closed(agency: Agency) -> QuerySet[Any]:
    """The agency's closed periods (their releases are frozen). The rows are `stats` models,
    looked up by name: a period closes when `peerline.stats` releases it, in a higher layer."""
    return apps.get_model("stats", "ClosedPeriod").objects.filter(agency=agency)


def is_closed(agency: Agency, period: str) -> bool:
    return closed(agency).filter(period=period).exists()


def reporting_period(
    agency: Agency, month: date, *, closed: bool | None = None, today: date | None = None
) -> str:
    """The quarter a contact of `month` counts in: its own while open, else today's (2011 §3.1).
    `closed` says whether its own quarter is closed when the caller has read it already; `today`
    is the agency's own unless given (the demo seeds as of a day of its own)."""
    own = quarter_of(month)
    if closed is None:
        closed = is_closed(agency, own)
    return quarter_of(today or local_today(agency)) if closed else own
