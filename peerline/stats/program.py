"""The coordinator's utilisation data: counts of the contact log, per PSP and per answer (2011 §3.9).

The program coordinator "collects utilization data" (IACP Peer Support Guidelines 2011 §3.9). This
module counts the agency's contact records of one reporting period, a quarter "2026-Q3" or a year
"2026" (its four quarters), by `Contact.period`: so a contact logged late for a closed quarter counts
where every report puts it (see `agencies.periods`).

The coordinator sees utilisation, not people (2011 §3.9, §7.2). Live, and per peer supporter, only
the number of contacts: per PSP and per month. The answers that describe a contact (activity,
referrals, exceptions invoked, role conflicts, limits explained, repeat contacts) are never
shown per PSP, nor live: a live count that moves with one new contact, next to that PSP's count
moving by one, would tell the coordinator what that contact was, and with a role conflict whom it
was with (the PSP's own supervisors or subordinates). They appear agency-wide only, for closed
periods, as the period's frozen release with the same protection command staff get (2011 §3.1).

Three queries for the whole summary (four with the release), however many contacts there are.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet

from peerline.accounts import policy
from peerline.accounts.models import Role
from peerline.agencies import clock, periods
from peerline.agencies.models import Agency
from peerline.contacts.models import Contact

from . import release_format
from .models import ClosedPeriod

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class Row:
    """One count: `value` is stable (a code, a month "2026-01", a PSP's user id), `label` is read."""

    value: str
    label: str
    count: int
    muted: bool = False  # a month outside the period: contacts logged late for a closed quarter


@dataclass(frozen=True)
class Table:
    """The counts of one dimension. `partition` tables add up to the period's contacts."""

    key: str  # the CSV's `table` column
    dimension: str  # the CSV's `dimension` column
    title: str
    rows: list[Row]
    partition: bool = True

    @property
    def total(self) -> int:
        return sum(row.count for row in self.rows)


@dataclass(frozen=True)
class ProgramSummary:
    """Everything the coordinator's utilisation page and CSV show for one period (2011 §3.9)."""

    period: str
    quarters: list[str]
    contacts: int
    per_month: Table
    per_peer_supporter: Table
    # The period's frozen release (`release_format.presentable`) once it has closed, else None: the
    # agency-wide answers, protected as command staff get them (2011 §3.1).
    released: dict[str, Any] | None

    @property
    def tables(self) -> list[Table]:
        return [self.per_month, self.per_peer_supporter]


def period_label(period: str) -> str:
    """ "2026-Q1" → "January–March 2026"; "2026" → "2026 (January–December)"."""
    year, quarter = periods.parse(period)
    if quarter is None:
        return f"{year} (January–December)"
    first = 3 * (quarter - 1)
    return f"Q{quarter} {year} ({MONTH_NAMES[first]}–{MONTH_NAMES[first + 2]})"


def month_label(month: date) -> str:
    return f"{MONTH_NAMES[month.month - 1]} {month.year}"


def months_of(period: str) -> list[date]:
    """The first days of the months a period covers, in order."""
    months = []
    for quarter in periods.quarters_of(period):
        year, number = periods.parse(quarter)
        assert number is not None
        months += [date(year, 3 * (number - 1) + i, 1) for i in (1, 2, 3)]
    return months


def program_periods(*, agency: Agency) -> list[str]:
    """The periods that have contacts: quarters newest first, then years newest first (1 query)."""
    quarters = sorted(
        set(Contact.objects.filter(agency=agency).values_list("period", flat=True)), reverse=True
    )
    years = sorted({quarter[:4] for quarter in quarters}, reverse=True)
    return quarters + years


def _display_name(first: str | None, last: str | None, username: str) -> str:
    """The PSP's name from their employee record, else their username."""
    name = " ".join(part for part in (first, last) if part)
    return name or username


def program_summary(*, agency: Agency, period: str, today: date | None = None) -> ProgramSummary:
    """Count the agency's contacts of `period` per month and per PSP (2011 §3.9), with the
    period's protected release once it has closed.

    `period` is a quarter "2026-Q1" or a year "2026" (ValueError otherwise). `today`, the agency's
    local date by default, decides which months have come.
    """
    quarters = periods.quarters_of(period)
    today = today or clock.local_today(agency)
    contacts = Contact.objects.filter(agency=agency, period__in=quarters).order_by()
    per_month = _per_month(contacts, period, today)
    closed = ClosedPeriod.objects.filter(agency=agency, period=period).first()
    return ProgramSummary(
        period=period,
        quarters=quarters,
        contacts=per_month.total,
        per_month=per_month,
        per_peer_supporter=_per_peer_supporter(contacts, agency),
        released=None
        if closed is None
        else release_format.presentable(json.loads(bytes(closed.release_json))),
    )


def _ranked(rows: list[Row]) -> list[Row]:
    """Largest first; ties keep their fixed order (a stable sort)."""
    return sorted(rows, key=lambda row: -row.count)


def _per_month(contacts: QuerySet[Contact], period: str, today: date) -> Table:
    """Every month of the period up to this one, and any month contacts were logged late for."""
    counts = {
        month: n for month, n in contacts.values_list("month").annotate(n=Count("pk")).order_by()
    }
    in_period = [month for month in months_of(period) if month <= today]
    rows = []
    for month in sorted(set(in_period) | set(counts)):
        late = month not in in_period
        label = month_label(month) + (" (logged late)" if late else "")
        rows.append(Row(f"{month:%Y-%m}", label, counts.get(month, 0), muted=late))
    return Table("contacts_per_month", "month", "Contacts per month", rows)


def _per_peer_supporter(contacts: QuerySet[Contact], agency: Agency) -> Table:
    """Every current PSP of the agency (0 when they logged none), and anyone else who logged."""
    names: dict[int, str] = {}
    counts: dict[int, int] = {}
    logged = contacts.values_list(
        "peer_supporter_id",
        "peer_supporter__employee__first_name",
        "peer_supporter__employee__last_name",
        "peer_supporter__username",
    ).annotate(n=Count("pk"))
    for user_id, first, last, username, n in logged.order_by():
        names[user_id] = _display_name(first, last, username)
        counts[user_id] = n
    current = policy.holders(agency, Role.PEER_SUPPORTER).values_list(
        "pk", "employee__first_name", "employee__last_name", "username"
    )
    for user_id, first, last, username in current:
        names.setdefault(user_id, _display_name(first, last, username))
    rows = sorted(
        (Row(str(user_id), name, counts.get(user_id, 0)) for user_id, name in names.items()),
        key=lambda row: (-row.count, row.label.casefold(), row.value),
    )
    return Table(
        "contacts_per_peer_supporter", "peer_supporter", "Contacts per peer supporter", rows
    )


def csv_rows(summary: ProgramSummary) -> Iterator[tuple[str, str, str, int | str]]:
    """(table, dimension, value, count) for every count the page shows, totals first; then the
    closed period's release, "suppressed*" where it withholds a count."""
    yield ("totals", "measure", "contacts", summary.contacts)
    for table in summary.tables:
        for row in table.rows:
            value = row.value if table.dimension == "month" else row.label
            yield (table.key, table.dimension, value, row.count)
    if summary.released is None:
        return
    for released in summary.released["tables"]:
        for cell in released["rows"]:
            count = "suppressed*" if cell["suppressed"] else cell["count"]
            yield (f"released:{released['name']}", released["column"], cell["label"], count)
