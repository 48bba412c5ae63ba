"""Released utilisation statistics: closing a period freezes its report (2011 §3.1).

IACP 2011 §3.1 (2006 Administration 1): management receives only anonymous statistical
information about the use of the program. So command staff and the steering committee get fixed
tables (`tables.py`) for fixed periods, small cells suppressed by `disclosure.protect`, and only
for periods that have *closed*:

* A quarter closes once it has ended in the agency's time zone: its tables are counted, protected
  with the agency's threshold k, and stored as the exact JSON bytes served ever after
  (`ClosedPeriod.release_json`) and as a PDF rendered once (`ClosedPeriod.release_pdf`). A contact
  logged later for one of its months counts in the open quarter (`periods.reporting_period`), so
  the same period is never released twice with different counts, and two releases cannot be
  differenced.
* A year is released only when its four quarters have closed. It is protected *linked* to the
  four frozen quarter releases (`disclosure.LinkedRelease`), so no suppressed quarter cell can be
  recovered by subtracting the published quarters from the year, and it is frozen too.
* An open period is never released: "This period is still open; its report is released when it
  closes."

The scheduled `close-periods` command (`periods_close_due`) closes quarters 14 days after they end:
the grace period in which peer supporters still log the last weeks' contacts (logging often waits
for the next shift, a weekend or a long incident). The coordinator may close an ended quarter
sooner from the periods page.

This module closes periods and reads their releases; `release_format.py` names the periods and
turns a payload into the frozen bytes, the page's words and the PDF.
"""

import json
import logging
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Min

from peerline.accounts.models import User
from peerline.agencies import clock, periods
from peerline.agencies.models import Agency
from peerline.contacts.models import Contact, RecipientGroup

from . import disclosure, tables
from .models import ClosedPeriod, ThresholdChange
from .release_format import (
    CLAUSE,
    NotReleased,
    PeriodError,
    parse_period,
    payload,
    quarter_shift,
    quarters_between,
    release_from_payload,
    render_pdf,
    to_bytes,
)

logger = logging.getLogger(__name__)

GRACE_DAYS = 14
"""Days after a quarter ends before `periods_close_due` closes it (late logging)."""

MAX_K = 1000
OPEN_MESSAGE = "This period is still open; its report is released when it closes."


class CloseFailed(RuntimeError):
    """`periods_close_due` failed for some agencies; `closed` lists what it closed for others."""

    def __init__(self, failed: list[str], closed: list[ClosedPeriod]):
        super().__init__(f"periods not closed for {', '.join(failed)} (see the log)")
        self.closed = closed


def _store(
    *,
    agency: Agency,
    period: str,
    threshold: int,
    release: disclosure.Release,
    counts: tables.Counts,
    acting_user: User | None,
) -> ClosedPeriod:
    data = payload(period=period, threshold=threshold, release=release)
    return ClosedPeriod.objects.create(
        agency=agency,
        period=period,
        threshold=threshold,
        release_json=to_bytes(data),
        release_pdf=render_pdf(agency=agency, data=data, closed_on=clock.local_today(agency)),
        cell_counts=counts,
        closed_by=acting_user,
    )


def _lock(agency: Agency) -> Agency:
    """The agency row, locked: closes and threshold changes of one agency run one at a time."""
    return Agency.objects.select_for_update().get(pk=agency.pk)


# --------------------------------------------------------------------------------------------
# Services
# --------------------------------------------------------------------------------------------


def period_close(*, agency: Agency, period: str, acting_user: User | None) -> ClosedPeriod:
    """Close an ended quarter: count, protect with the agency's k, freeze (2011 §3.1).

    Only a quarter that has ended in the agency's time zone. Idempotent: closing a closed quarter
    returns its frozen release unchanged. One transaction: the release exists whole or not at
    all. When this completes a year, the year is frozen too (linked to its four quarters).
    """
    year, quarter = parse_period(period)
    if quarter is None:
        raise PeriodError(
            "Close a year's quarters one by one; the year's report is released once all four "
            "have closed."
        )
    if not periods.has_ended(agency, period):
        opens = periods.last_day(period) + timedelta(days=1)
        raise PeriodError(
            f"{period} has not ended yet in the agency's time zone ({agency.time_zone}); "
            f"it can be closed from {opens:%B} {opens.day}, {opens.year}."
        )
    try:
        with transaction.atomic():
            fresh = _lock(agency)
            existing = ClosedPeriod.objects.filter(agency=agency, period=period).first()
            if existing is not None:
                return existing
            k = fresh.suppression_k
            counts = tables.count(
                agency=agency, period=period, split=tables.split_employees(agency, k)
            )
            closed = _store(
                agency=agency,
                period=period,
                threshold=k,
                release=disclosure.protect(tables.to_tables(counts), k=k),
                counts=counts,
                acting_user=acting_user,
            )
    except IntegrityError:  # closed at the same moment by another request
        return ClosedPeriod.objects.get(agency=agency, period=period)
    year_period = str(year)
    quarters = periods.quarters_of(year_period)
    if ClosedPeriod.objects.filter(agency=agency, period__in=quarters).count() == len(quarters):
        try:
            _year_freeze(agency=agency, period=year_period, acting_user=acting_user)
        except Exception:  # the quarter is closed all the same; the scheduled job retries the year
            logger.exception("year %s of %s not frozen", year_period, agency.code)
    return closed


def _year_freeze(*, agency: Agency, period: str, acting_user: User | None) -> ClosedPeriod:
    """Protect a year linked to its four frozen quarters, and freeze it (2011 §3.1).

    The year's counts are the sum of the counts its quarters were protected from, so they add up
    exactly. Its threshold is the smallest of the agency's k and its quarters' (the quarters are
    already published: a cell they determine cannot be hidden by a stricter year). The
    population rule splits sworn/civilian only if every quarter did and the agency still may.
    """
    quarters = periods.quarters_of(period)
    try:
        with transaction.atomic():
            fresh = _lock(agency)
            existing = ClosedPeriod.objects.filter(agency=agency, period=period).first()
            if existing is not None:
                return existing
            parts = list(
                ClosedPeriod.objects.filter(agency=agency, period__in=quarters).order_by("period")
            )
            missing = sorted(set(quarters) - {part.period for part in parts})
            if missing:
                raise NotReleased(
                    f"{OPEN_MESSAGE} A year's report is released once its four quarters have "
                    f"closed; still open: {', '.join(missing)}."
                )
            quarter_counts = {part.period: counts_of(part) for part in parts}
            k = min(fresh.suppression_k, *(part.threshold for part in parts))
            split = tables.split_employees(agency, k) and all(
                tables.is_split(c) for c in quarter_counts.values()
            )
            counts = tables.add(quarter_counts.values(), split=split)
            linked = linked_quarters(parts, split=split)
            try:
                release = disclosure.protect(tables.to_tables(counts), k=k, linked=[linked])
            except (disclosure.DisclosureError, ValueError):
                logger.exception("year %s of %s cannot be protected", period, agency.code)
                raise NotReleased(
                    "The year's report cannot be released without making a suppressed quarter "
                    "count recoverable; the four quarter reports stand."
                ) from None
            return _store(
                agency=agency,
                period=period,
                threshold=k,
                release=release,
                counts=counts,
                acting_user=acting_user,
            )
    except IntegrityError:
        return ClosedPeriod.objects.get(agency=agency, period=period)


def counts_of(closed: ClosedPeriod) -> tables.Counts:
    if closed.cell_counts:
        return closed.cell_counts  # type: ignore[no-any-return]
    # A release frozen before counts were kept: count again, in the shape it was released in.
    data = json.loads(bytes(closed.release_json))
    split = any(
        row["dims"].get("recipient_group") == "sworn"
        for t in data["tables"]
        if t["name"] == "recipient_group"
        for row in t["rows"]
    )
    return tables.count(agency=closed.agency, period=closed.period, split=split)


def linked_quarters(parts: list[ClosedPeriod], *, split: bool) -> disclosure.LinkedRelease:
    """The quarters' frozen releases exactly as published, linked to their year (2011 §3.1).

    When the year merges sworn and civilian but a quarter showed them apart, the quarter's two
    rows map onto the year's one "employee" row (`merge`) and stay modelled as published: the
    year is protected against exactly what the quarters told.
    """
    merge = (
        {}
        if split
        else {
            "recipient_group": {
                RecipientGroup.SWORN.value: tables.EMPLOYEE,
                RecipientGroup.CIVILIAN.value: tables.EMPLOYEE,
            }
        }
    )
    return disclosure.LinkedRelease(
        parts=tuple(
            (part.period, release_from_payload(json.loads(bytes(part.release_json))))
            for part in parts
        ),
        merge=merge,
    )


def periods_close_due(*, today: date | None = None) -> list[ClosedPeriod]:
    """Close, in every agency, each quarter that ended more than `GRACE_DAYS` days ago.

    Run daily by the `close-periods` command. The 14 days are the grace period for late logging;
    after it, a late contact counts in the open quarter. Quarters are closed from the agency's
    first contact (or its first closed quarter) on, empty ones included, so every quarter has a
    report. Years whose four quarters are closed are frozen too. `today` defaults to each
    agency's own date. Returns what it closed; `CloseFailed` if some agency failed (the others
    are closed all the same).
    """
    closed: list[ClosedPeriod] = []
    failed = []
    for agency in Agency.objects.order_by("pk"):
        before = set(ClosedPeriod.objects.filter(agency=agency).values_list("pk", flat=True))
        try:
            agency_close_due(agency=agency, today=today)
        except Exception:  # one agency's failure must not hold back the others' reports
            logger.exception("periods of %s not closed", agency.code)
            failed.append(agency.code)
        new = ClosedPeriod.objects.filter(agency=agency).exclude(pk__in=before)
        closed += new.select_related("agency").order_by("pk")
    if failed:
        raise CloseFailed(failed, closed)
    return closed


def agency_close_due(*, agency: Agency, today: date | None = None) -> None:
    """`periods_close_due` for one agency (the demo seed uses it too)."""
    for period in _due_quarters(agency, today or clock.local_today(agency)):
        period_close(agency=agency, period=period, acting_user=None)
    done = set(ClosedPeriod.objects.filter(agency=agency).values_list("period", flat=True))
    for year in sorted({p[:4] for p in done if "-Q" in p} - done):
        if all(q in done for q in periods.quarters_of(year)):
            try:
                _year_freeze(agency=agency, period=year, acting_user=None)
            except PeriodError:
                logger.exception("year %s of %s not frozen", year, agency.code)


def _due_quarters(agency: Agency, today: date) -> list[str]:
    cutoff = today - timedelta(days=GRACE_DAYS + 1)  # a due quarter ended on or before this day
    last = periods.quarter_of(cutoff)
    if periods.last_day(last) > cutoff:
        last = quarter_shift(last, -1)
    if not periods.has_ended(agency, last):
        return []
    closed = set(
        ClosedPeriod.objects.filter(agency=agency, period__contains="-Q").values_list(
            "period", flat=True
        )
    )
    first_contact = Contact.objects.filter(agency=agency).aggregate(first=Min("period"))["first"]
    first = min([last, *closed, *([first_contact] if first_contact else [])])
    return [q for q in quarters_between(first, last) if q not in closed]


def threshold_change(*, agency: Agency, k: int, acting_user: User) -> ThresholdChange | None:
    """Set the agency's suppression threshold k and record the change (2011 §3.1).

    The default 11 is the CMS cell-size rule; an agency may lower it, never below 5 (below that a
    count can point at people). The change applies to periods closed from now on: a closed
    period's report keeps the k it was released with. Returns None if k is unchanged.
    """
    if isinstance(k, bool) or not isinstance(k, int) or not disclosure.MIN_K <= k <= MAX_K:
        raise ValidationError(
            f"The smallest count shown must be a whole number from {disclosure.MIN_K} to "
            f"{MAX_K}: below {disclosure.MIN_K} a count can point at the people supported "
            f"({CLAUSE})."
        )
    with transaction.atomic():
        fresh = _lock(agency)
        old = fresh.suppression_k
        if old == k:
            return None
        fresh.suppression_k = k
        fresh.save(update_fields=["suppression_k"])
        agency.suppression_k = k
        return ThresholdChange.objects.create(
            agency=agency, old_k=old, new_k=k, changed_by=acting_user
        )


# --------------------------------------------------------------------------------------------
# Reads
# --------------------------------------------------------------------------------------------


def closed_release(*, agency: Agency, period: str) -> ClosedPeriod:
    """The frozen release of `period`: only ever read, never created here (2011 §3.1).

    A release is made only by closing a period (the scheduled job or the coordinator), so a
    request can never release a period a second time or with another k. `BadPeriod` for anything
    but exactly YYYY-Qn or YYYY, `NotReleased` for a period not closed yet.
    """
    _, quarter = parse_period(period)
    found = ClosedPeriod.objects.filter(agency=agency, period=period).first()
    if found is not None:
        return found
    if quarter is None:
        closed = ClosedPeriod.objects.filter(agency=agency, period__in=periods.quarters_of(period))
        done = set(closed.values_list("period", flat=True))
        missing = [q for q in periods.quarters_of(period) if q not in done]
        raise NotReleased(
            f"{OPEN_MESSAGE} A year's report is released once its four quarters have closed"
            + (f"; still open: {', '.join(missing)}." if missing else ".")
        )
    raise NotReleased(OPEN_MESSAGE)


def release_for(*, agency: Agency, period: str) -> bytes:
    """The exact bytes of `period`'s release: the same on every request (2011 §3.1)."""
    return bytes(closed_release(agency=agency, period=period).release_json)


def pdf_for(closed: ClosedPeriod) -> bytes:
    """The frozen PDF of a release (rendered and stored once if it was frozen without one)."""
    pdf = bytes(closed.release_pdf)
    if not pdf:
        data = json.loads(bytes(closed.release_json))
        pdf = render_pdf(
            agency=closed.agency,
            data=data,
            closed_on=clock.local_today(closed.agency, closed.closed_at),
        )
        ClosedPeriod.objects.filter(pk=closed.pk, release_pdf=b"").update(release_pdf=pdf)
    return pdf


def released_periods(agency: Agency) -> list[str]:
    """Periods with a release, newest first, each year before its quarters."""
    closed = set(ClosedPeriod.objects.filter(agency=agency).values_list("period", flat=True))
    return sorted(closed, key=lambda p: (p[:4], p[5:] or "Z"), reverse=True)
