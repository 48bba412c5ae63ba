"""The coordinator's utilisation data: counts of the contact log, per PSP and per answer (2011 §3.9).

The program coordinator "collects utilization data" (IACP Peer Support Guidelines 2011 §3.9). This
module counts the agency's contact records of one reporting period, a quarter "2026-Q3" or a year
"2026" (its four quarters), by `Contact.period`: so a contact logged late for a closed quarter counts
where every report puts it (see `stats.periods`).

Only counts leave this module, never a row. They are unsuppressed and per peer supporter, so they
are for the coordinator alone (`Permission.STATS_PROGRAM`): command staff receive the
disclosure-controlled release instead (2011 §3.1).

Each table is one aggregate query (two where a fixed list from the database gives the rows that
have no contact): seven queries for the whole summary, however many contacts there are.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from peerline.accounts.models import Membership, Role
from peerline.agencies.models import Agency
from peerline.contacts.models import Activity, Contact, Referral
from peerline.governance.models import ConfidentialityException

from . import periods

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
    limits_explained: int  # 2011 §6.2
    role_conflicts: int  # 2011 §7.2
    exceptions_invoked: int  # 2011 §6.3
    contacts_with_referral: int
    follow_ups_due: int  # contacts of the period whose follow-up date has come and not been cleared
    per_month: Table
    per_activity: Table
    per_peer_supporter: Table
    referrals: Table  # one contact may count under several kinds
    exceptions: Table

    @property
    def limits_explained_rate(self) -> float | None:
        """The share of contacts where the limits of confidentiality were explained (2011 §6.2)."""
        return self.limits_explained / self.contacts if self.contacts else None

    @property
    def referrals_made(self) -> int:
        return self.referrals.total

    @property
    def tables(self) -> list[Table]:
        return [
            self.per_month,
            self.per_activity,
            self.per_peer_supporter,
            self.referrals,
            self.exceptions,
        ]


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
    """Count the agency's contacts of `period` every way the coordinator reports them (2011 §3.9).

    `period` is a quarter "2026-Q1" or a year "2026" (ValueError otherwise). `today`, the agency's
    local date by default, decides which follow-ups are due. Seven queries.
    """
    quarters = periods.quarters_of(period)
    today = today or periods.local_today(agency)
    contacts = Contact.objects.filter(agency=agency, period__in=quarters).order_by()

    referral_fields = {f"referral_{referral.value}": referral for referral in Referral}
    any_referral = Q()
    for name in referral_fields:
        any_referral |= Q(**{name: True})
    totals = contacts.aggregate(
        contacts=Count("pk"),
        limits_explained=Count("pk", filter=Q(limits_explained=True)),
        role_conflicts=Count("pk", filter=Q(role_conflict=True)),
        exceptions_invoked=Count("pk", filter=Q(exception__isnull=False)),
        contacts_with_referral=Count("pk", filter=any_referral),
        follow_ups_due=Count("pk", filter=Q(follow_up_due__lte=today)),
        **{name: Count("pk", filter=Q(**{name: True})) for name in referral_fields},
    )

    return ProgramSummary(
        period=period,
        quarters=quarters,
        contacts=totals["contacts"],
        limits_explained=totals["limits_explained"],
        role_conflicts=totals["role_conflicts"],
        exceptions_invoked=totals["exceptions_invoked"],
        contacts_with_referral=totals["contacts_with_referral"],
        follow_ups_due=totals["follow_ups_due"],
        per_month=_per_month(contacts, period, today),
        per_activity=_per_activity(contacts),
        per_peer_supporter=_per_peer_supporter(contacts, agency),
        referrals=Table(
            "referrals_made",
            "referral",
            "Referrals made",
            _ranked(
                [
                    Row(referral.value, referral.label, totals[name])
                    for name, referral in referral_fields.items()
                ]
            ),
            partition=False,
        ),
        exceptions=_exceptions(contacts, agency),
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


def _per_activity(contacts: QuerySet[Contact]) -> Table:
    counts = dict(contacts.values_list("activity").annotate(n=Count("pk")).order_by())
    rows = [
        Row(activity.value, activity.label, counts.get(activity.value, 0)) for activity in Activity
    ]
    return Table("contacts_per_activity", "activity", "Contacts per activity", _ranked(rows))


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
    current = Membership.objects.filter(
        agency=agency, role=Role.PEER_SUPPORTER, user__is_active=True
    ).values_list(
        "user_id", "user__employee__first_name", "user__employee__last_name", "user__username"
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


def _exceptions(contacts: QuerySet[Contact], agency: Agency) -> Table:
    """Every limit of confidentiality the agency has, and how often each was invoked (2011 §6.3)."""
    counts = dict(
        contacts.filter(exception__isnull=False)
        .values_list("exception_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = [
        Row(str(pk), label, counts.get(pk, 0))
        for pk, label in ConfidentialityException.objects.filter(agency=agency).values_list(
            "pk", "label"
        )
    ]
    return Table(
        "exceptions_invoked",
        "exception",
        "Confidentiality exceptions invoked",
        _ranked(rows),
        partition=False,
    )


def csv_rows(summary: ProgramSummary) -> Iterator[tuple[str, str, str, int]]:
    """(table, dimension, value, count) for every count the page shows, totals first."""
    measures = [
        ("contacts", summary.contacts),
        ("limits_explained", summary.limits_explained),
        ("referrals_made", summary.referrals_made),
        ("contacts_with_referral", summary.contacts_with_referral),
        ("exceptions_invoked", summary.exceptions_invoked),
        ("role_conflicts_flagged", summary.role_conflicts),
        ("follow_ups_due", summary.follow_ups_due),
    ]
    for name, count in measures:
        yield ("totals", "measure", name, count)
    for table in summary.tables:
        for row in table.rows:
            value = row.value if table.dimension == "month" else row.label
            yield (table.key, table.dimension, value, row.count)
