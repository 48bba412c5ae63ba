"""Reads of clinical support: who is on call, where the 24/7 schedule has holes, which licences
need renewing, and consultation counts (2011 §3.4, §5.1).

Times are compared in UTC: Python compares and subtracts two datetimes of the same `ZoneInfo`
by their wall clocks, which is wrong across a daylight-saving change. The agency's time zone is
used only to find local midnights and to show times.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from peerline.agencies.clock import zone
from peerline.agencies.models import Agency

from .models import Consultation, MentalHealthProfessional, OnCallShift

LICENCE_WARNING_DAYS = 60  # warn this many days before a licence expires


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The first instant of `day` in `tz`, in UTC."""
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)


def licence_end(clinician: MentalHealthProfessional, tz: ZoneInfo) -> datetime:
    """The first instant the licence no longer holds: midnight after its expiry date."""
    return local_midnight(clinician.licence_expires + timedelta(days=1), tz)


def licence_days_left(clinician: MentalHealthProfessional, today: date) -> int:
    """Days until the licence expires: 0 on its last valid day, negative once expired."""
    return (clinician.licence_expires - today).days


@dataclass(frozen=True)
class LicenceAlert:
    """A licence expiring within the warning window (a warning) or already expired (an error)."""

    clinician: MentalHealthProfessional
    days_left: int

    @property
    def expired(self) -> bool:
        return self.days_left < 0

    @property
    def expires(self) -> date:
        return self.clinician.licence_expires


def licence_alert(
    clinician: MentalHealthProfessional, today: date, within_days: int = LICENCE_WARNING_DAYS
) -> LicenceAlert | None:
    days_left = licence_days_left(clinician, today)
    return LicenceAlert(clinician, days_left) if days_left <= within_days else None


def licences_expiring(
    *, agency: Agency, today: date, within_days: int = LICENCE_WARNING_DAYS
) -> list[LicenceAlert]:
    """Active clinicians whose licence expires within `within_days` of `today`, or has expired,
    soonest first (2011 §5.1: consultation with a *licensed* MHP)."""
    return [
        LicenceAlert(clinician, licence_days_left(clinician, today))
        for clinician in MentalHealthProfessional.objects.filter(
            agency=agency, active=True, licence_expires__lte=today + timedelta(days=within_days)
        ).order_by("licence_expires", "name", "pk")
    ]


# -- coverage ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cover:
    """A stretch of time one clinician covers: a shift clipped to the window and to the licence."""

    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    clinician: MentalHealthProfessional
    shift: OnCallShift


def coverage(*, agency: Agency, start: datetime, end: datetime) -> list[Cover]:
    """Every stretch between `start` and `end` covered by an active clinician with a licence in
    force, earliest first. A shift runs up to, not including, its end."""
    tz = zone(agency)
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    shifts = (
        OnCallShift.objects.filter(
            agency=agency,
            clinician__active=True,
            clinician__licence_expires__gte=start.astimezone(tz).date(),
            starts_at__lt=end,
            ends_at__gt=start,
        )
        .select_related("clinician")
        .order_by("starts_at", "pk")
    )
    found = []
    for shift in shifts:
        begins = max(shift.starts_at, start)
        ends = min(shift.ends_at, end, licence_end(shift.clinician, tz))
        if begins < ends:
            found.append(Cover(begins, ends, shift.clinician, shift))
    return found


def merge(stretches: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Overlapping and touching stretches joined into one (08:00–20:00 + 20:00–08:00)."""
    merged: list[tuple[datetime, datetime]] = []
    for begins, ends in sorted(stretches):
        if merged and begins <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], ends))
        else:
            merged.append((begins, ends))
    return merged


def window_end(agency: Agency, start: datetime, days: int) -> datetime:
    """`days` calendar days after `start` on the agency's wall clock (a day may be 23 or 25 h)."""
    tz = zone(agency)
    local = start.astimezone(tz).replace(tzinfo=None) + timedelta(days=days)
    return local.replace(tzinfo=tz).astimezone(UTC)


def holes(*, agency: Agency, start: datetime, days: int = 30) -> list[tuple[datetime, datetime]]:
    """Every stretch from `start` over the next `days` days with no clinician on call: not
    covered by any shift of an active clinician whose licence is in force (2011 §5.1: 24 hours
    a day). In the agency's time zone, earliest first."""
    tz = zone(agency)
    start = start.astimezone(UTC)
    end = window_end(agency, start, days)
    covered = merge(
        [(c.starts_at, c.ends_at) for c in coverage(agency=agency, start=start, end=end)]
    )
    found, cursor = [], start
    for begins, ends in covered:
        if begins > cursor:
            found.append((cursor, begins))
        cursor = max(cursor, ends)
    if cursor < end:
        found.append((cursor, end))
    return [(begins.astimezone(tz), ends.astimezone(tz)) for begins, ends in found]


# -- who is on call ------------------------------------------------------------------------------


def on_call_now(*, agency: Agency, at: datetime) -> list[MentalHealthProfessional]:
    """The clinicians on call at `at` (2011 §5.1), earliest shift first, each once: active, with
    a licence in force on the local date of `at`; a shift ending at 08:00 does not cover 08:00."""
    end = at + timedelta(microseconds=1)
    found: dict[int, MentalHealthProfessional] = {}
    for cover in coverage(agency=agency, start=at, end=end):
        found.setdefault(cover.clinician.pk, cover.clinician)
    return list(found.values())


@dataclass(frozen=True)
class OnCall:
    clinician: MentalHealthProfessional
    starts_at: datetime  # in the agency's time zone
    ends_at: datetime  # until when, counting the clinician's back-to-back shifts


LOOK_AHEAD = timedelta(days=14)  # how far "until" and "who is next" look
LOOK_BEHIND = timedelta(days=7)  # when the current stretch began (a shift lasts at most a week)


def on_call_board(*, agency: Agency, at: datetime) -> tuple[list[OnCall], OnCall | None]:
    """Who is on call at `at`, since and until when (counting back-to-back shifts), and who is
    next: the first clinician to come on call after `at` who is not simply carrying on a
    stretch already under way (2011 §5.1)."""
    tz = zone(agency)
    at = at.astimezone(UTC)
    covers = coverage(agency=agency, start=at - LOOK_BEHIND, end=at + LOOK_AHEAD)
    stretches: dict[int, list[tuple[datetime, datetime]]] = {}
    for cover in covers:
        stretches.setdefault(cover.clinician.pk, []).append((cover.starts_at, cover.ends_at))
    for pk, found in stretches.items():
        stretches[pk] = merge(found)
    now: list[OnCall] = []
    current_end: dict[int, datetime] = {}
    for cover in covers:
        pk = cover.clinician.pk
        if pk in current_end:
            continue
        for begins, ends in stretches[pk]:
            if begins <= at < ends:
                current_end[pk] = ends
                now.append(OnCall(cover.clinician, begins.astimezone(tz), ends.astimezone(tz)))
    upcoming = None
    for cover in covers:
        pk = cover.clinician.pk
        if cover.starts_at <= at or cover.starts_at <= current_end.get(pk, at):
            continue
        stretch = next(s for s in stretches[pk] if s[0] <= cover.starts_at < s[1])
        upcoming = OnCall(cover.clinician, stretch[0].astimezone(tz), stretch[1].astimezone(tz))
        break
    now.sort(key=lambda entry: (entry.starts_at, entry.clinician.name))
    return now, upcoming


def shifts_between(*, agency: Agency, start: datetime, end: datetime) -> QuerySet[OnCallShift]:
    return (
        OnCallShift.objects.filter(agency=agency, starts_at__lt=end, ends_at__gt=start)
        .select_related("clinician")
        .order_by("starts_at", "pk")
    )


# -- consultations -------------------------------------------------------------------------------


def consultation_counts(*, agency: Agency, since: date) -> Counter[tuple[date, str, str]]:
    """Consultations per (month, reason, urgency) from `since`: counts only, never who."""
    rows = Consultation.objects.filter(agency=agency, month__gte=since).values_list(
        "month", "reason", "urgency"
    )
    return Counter(rows)


def outcome_counts(*, agency: Agency, since: date) -> Counter[str]:
    rows = Consultation.objects.filter(agency=agency, month__gte=since).values_list(
        "outcome", flat=True
    )
    return Counter(rows)
