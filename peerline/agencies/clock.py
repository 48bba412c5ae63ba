"""The agency's clock: its time zone, its now and its today (issue 14, item 3).

Every "today in the agency's time zone" is this module's `local_today`; a view that reads and
shows dates and times in the agency's zone is decorated with `in_agency_zone` (under
`policy.requires`, which sets `request.agency`). The deployment itself runs in UTC.
"""

from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.utils import timezone

from .models import Agency

V = TypeVar("V", bound=Callable[..., HttpResponse])


def zone(agency: Agency) -> ZoneInfo:
    """The agency's own time zone (a tz database name, checked when the agency is saved)."""
    return ZoneInfo(agency.time_zone)


def local_now(agency: Agency, now: datetime | None = None) -> datetime:
    """`now` (default: this instant) as the agency's wall clock shows it."""
    return (now or timezone.now()).astimezone(zone(agency))


def local_today(agency: Agency, now: datetime | None = None) -> date:
    """The agency's date at `now` (default: this instant): its reporting periods, due dates and
    status changes turn over at the agency's midnight, not UTC's."""
    return local_now(agency, now).date()


def in_agency_zone(view: V) -> V:
    """Read and show every date and time of the view in the agency's own time zone."""

    @wraps(view)
    def wrapped(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        with timezone.override(zone(request.agency)):
            return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]
