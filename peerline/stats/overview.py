"""The coordinator's periods page: each quarter's state, and which frozen releases today's
interval rule would not pass (2011 §3.1, §3.9)."""

import json
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Min

from peerline.agencies import clock, periods
from peerline.agencies.models import Agency
from peerline.contacts.models import Contact

from . import disclosure, tables
from .models import ClosedPeriod
from .release_format import period_label, quarters_between, release_from_payload
from .releases import GRACE_DAYS, counts_of, linked_quarters


def rule_breaches(closed: ClosedPeriod) -> list[str]:
    """The suppressed values of a frozen release that the interval rule would not pass now.

    Releases frozen before the rule keep their bytes (2011 §3.1: never changed, never released
    twice); the coordinator is told which ones an attacker could narrow. A year is checked
    against its quarters as published.
    """
    counts = counts_of(closed)
    linked = []
    if "-Q" not in closed.period:
        parts = list(
            ClosedPeriod.objects.filter(
                agency=closed.agency, period__in=periods.quarters_of(closed.period)
            ).order_by("period")
        )
        linked = [linked_quarters(parts, split=tables.is_split(counts))]
    release = release_from_payload(json.loads(bytes(closed.release_json)))
    bounds = disclosure.audit(release, tables.to_tables(counts), linked)
    true: dict[tuple[str, tuple[str, ...]], int] = {
        (name, (category,)): n for name, cells in counts.items() for category, n in cells.items()
    }
    true[(disclosure.GRAND_TOTAL, ())] = release_total(counts)
    own = {key: b for key, b in bounds.items() if "/" not in key[0]}
    return [
        f"{tables.label(name, key[0]) if key else 'total'} ({name})"
        for name, key in disclosure.interval_violations(own, closed.threshold, true)
    ]


def release_total(counts: tables.Counts) -> int:
    """The number of contacts of a period's counts (any partition table's sum)."""
    partition = next(spec.name for spec in tables.SPECS if spec.partition)
    return sum(counts[partition].values())


def releases_breaching_rule(agency: Agency) -> list[tuple[str, list[str]]]:
    """Every frozen release of the agency that the interval rule would not pass, newest first."""
    found = []
    for closed in ClosedPeriod.objects.filter(agency=agency).select_related("agency"):
        breaches = rule_breaches(closed)
        if breaches:
            found.append((closed.period, breaches))
    return sorted(found, key=lambda item: (item[0][:4], item[0][5:] or "Z"), reverse=True)


@dataclass(frozen=True)
class QuarterStatus:
    period: str
    label: str
    ended: bool
    closes_on: date  # when `close-periods` closes it
    closed: ClosedPeriod | None


def quarter_overview(agency: Agency) -> list[QuarterStatus]:
    """Every quarter from the agency's first contact (or first closed quarter) to now, newest
    first, with its state: open, ended (may be closed), or closed. For the coordinator."""
    current = periods.quarter_of(clock.local_today(agency))
    closed = {
        c.period: c for c in ClosedPeriod.objects.filter(agency=agency).select_related("closed_by")
    }
    first_contact = Contact.objects.filter(agency=agency).aggregate(first=Min("period"))["first"]
    quarters = [p for p in closed if "-Q" in p]
    first = min([current, *quarters, *([first_contact] if first_contact else [])])
    return [
        QuarterStatus(
            period=q,
            label=period_label(q),
            ended=periods.has_ended(agency, q),
            closes_on=periods.last_day(q) + timedelta(days=GRACE_DAYS + 1),
            closed=closed.get(q),
        )
        for q in reversed(quarters_between(first, current))
    ]
