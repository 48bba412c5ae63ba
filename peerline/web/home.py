"""What is waiting for the user on the home page: reminders drawn from each app's selectors.

Only counts and links for most roles; the coordinator sees who is due back from leave, since
keeping in touch with a PSP on leave is their job (2011 §3.9, §4.4).
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, IntegerField, QuerySet, Subquery
from django.utils import timezone

from peerline.accounts import policy
from peerline.accounts.models import User
from peerline.agencies.clock import local_today
from peerline.agencies.models import Employee
from peerline.clinical.selectors import licences_expiring
from peerline.core import health
from peerline.incidents import selectors as incidents
from peerline.incidents.models import CriticalIncident
from peerline.manual import selectors as manual
from peerline.team import selectors as team
from peerline.team.models import PeerSupporter
from peerline.team.services import can_sign
from peerline.training.compliance import flagged_for_review_summary

P = policy.Permission


@dataclass(frozen=True)
class Task:
    text: str
    url_name: str
    details: list[str] = field(default_factory=list)
    urgent: bool = False


class _RowCount(Subquery):
    """How many rows `queryset` has, as a scalar subquery: the home page's counts ride in the one
    statement that loads the user, not a round trip each (issue 18)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _rows)"
    output_field = IntegerField()

    def __init__(self, queryset: QuerySet[Any]):
        super().__init__(queryset.order_by().values("pk"))


@dataclass(frozen=True)
class Start:
    """What the home page reads of the user in one query: their roster row (the greeting), their
    own PSP row in this agency, whether that row must sign the current confidentiality agreement
    (2011 §6.8), the counts the reminders and the agency's shape need, the published manual
    with whether they acknowledged it (2011 §3.5), and for whoever activates the team, why pages
    are not being sent (`paging`, 2011 §3.3, §3.9: empty when they are, and for other roles:
    the worker is not theirs to fix)."""

    employee: Employee | None
    own: PeerSupporter | None
    unsigned: bool
    counts: dict[str, int]
    manual: manual.Published | None
    paging: list[str]


def _counted(request: policy.AgencyRequest) -> dict[str, QuerySet[Any]]:
    """The counts this user's home page shows, by name: each app's own selector, counted."""
    agency, user = request.agency, request.user
    found: dict[str, QuerySet[Any]] = {
        "recommendations": team.recommendations_pending_for(user, agency)
    }
    if policy.allows(request, P.MUTUAL_AID):
        found["aid"] = incidents.mutual_aid_waiting(agency=agency)
    if policy.allows(request, P.TEAM_MANAGE):
        # Both counts are about the current agreement: read once, for the two (issue 18).
        current = team.current_agreement(agency)
        found["applications"] = team.open_applications(agency, yours=True, current=current)
        found["unsigned"] = team.unsigned_current_query(agency, current=current)
    if policy.allows(request, P.TEAM_INTERVIEW):
        found["seats"] = team.panel_seats_pending_for(user, agency)
    if policy.allows(request, P.ROSTER_VIEW):
        # The agency's shape on the home page is three numbers: counted, not grouped by
        # division and shift as the roster's table is (issue 18).
        found["employees"] = Employee.objects.current().filter(agency=agency)
        found["divisions"] = agency.divisions.all()
        found["shifts"] = agency.shifts.all()
    return found


def start(request: policy.AgencyRequest) -> Start:
    """`Start`, in one query whatever the user's roles."""
    counted = _counted(request)
    activates = policy.allows(request, P.INCIDENT_ACTIVATE)
    row = (
        User.objects.filter(pk=request.user.pk)
        .select_related("employee__peer_supporter")
        .annotate(
            must_sign=ExpressionWrapper(
                team.unsigned_current_q(request.agency, "employee__peer_supporter"),
                output_field=BooleanField(),
            ),
            **{f"n_{name}": _RowCount(rows) for name, rows in counted.items()},
            **manual.published_columns(request.agency),
            **(health.paging_columns(request.agency.pk) if activates else {}),
        )
        .get()
    )
    employee: Employee | None = getattr(row, "employee", None)
    own: PeerSupporter | None = getattr(employee, "peer_supporter", None) if employee else None
    if own is not None and own.agency_id != request.agency.pk:
        own = None
    return Start(
        employee=employee,
        own=own,
        unsigned=own is not None and row.must_sign,  # type: ignore[attr-defined]
        counts={name: getattr(row, f"n_{name}") for name in counted},
        manual=manual.published_from(row),
        paging=health.paging_problems_of(
            timezone.now(), getattr(row, health.PAGING_SEEN), getattr(row, health.PAGING_OLDEST)
        )
        if activates
        else [],
    )


def waiting_for(
    request: policy.AgencyRequest,
    begun: Start,
    live_incidents: list[CriticalIncident] | None = None,
) -> list[Task]:
    """The reminders of the home page, most pressing first. `begun` is `start(request)`;
    `live_incidents` the open incidents the page lists for whoever activates the team."""
    agency = request.agency
    counts = begun.counts
    today = local_today(agency)
    tasks: list[Task] = []
    if live_incidents:
        tasks.append(Task(f"{_count(len(live_incidents), 'critical incident')} open (2011 §3.3)",
                          "incidents:list", urgent=True))  # fmt: skip
    if counts.get("aid"):
        tasks.append(Task(
            f"{_count(counts['aid'], 'mutual-aid request')} from a partner agency (2011 §3.8.2)",
            "incidents:mutual-aid", urgent=True,
        ))  # fmt: skip
    if policy.allows(request, P.TEAM_MANAGE):
        leaves = team.leaves_due_back(agency, today)
        if leaves:
            tasks.append(Task(
                f"{_count(len(leaves), 'peer supporter')} due back from leave (2011 §4.4)",
                "team:roster",
                _first([f"{leave.peer_supporter.employee}: expected {leave.expected_return:%b %-d}"
                        + (" (overdue)" if leave.overdue else "")  # type: ignore[attr-defined]
                        for leave in leaves[:DETAILS_SHOWN]], len(leaves)),
                urgent=any(leave.overdue for leave in leaves),  # type: ignore[attr-defined]
            ))  # fmt: skip
        # A count in SQL: the steps of 2,000 candidates are not worded to be counted (issue 18).
        if counts["applications"]:
            tasks.append(Task(
                f"{_count(counts['applications'], 'application')} waiting for your next step "
                "(2011 §4.1)",
                "team:applications",
            ))  # fmt: skip
        # The count and the first few by name: names load for those shown only (issue 18).
        flagged, named = flagged_for_review_summary(agency=agency, today=today, first=DETAILS_SHOWN)
        if flagged:
            tasks.append(Task(
                f"{_count(flagged, 'peer supporter')} behind on training two quarters or "
                "more in a row: a deselection review is yours to decide (2011 §4.3, §8.2)",
                "training:compliance",
                _first([f"{row.peer_supporter.employee}: {row.consecutive_behind} quarters "
                        "behind" for row in named], flagged),
                urgent=True,
            ))  # fmt: skip
        if counts["unsigned"]:
            tasks.append(Task(
                f"{_count(counts['unsigned'], 'member')} yet to sign the current confidentiality "
                "agreement (2011 §6.8)",
                "team:agreements",
            ))  # fmt: skip
    if policy.allows(request, P.CLINICAL_MANAGE):
        lapsing = licences_expiring(agency=agency, today=today)
        if lapsing:
            tasks.append(Task(
                f"{_count(len(lapsing), 'clinician licence')} expired or expiring within 60 days "
                "(2011 §5.1)",
                "clinical:clinicians",
                _first([f"{a.clinician.name}: {'expired' if a.expired else 'expires'} "
                        f"{a.expires:%b %-d}" for a in lapsing[:DETAILS_SHOWN]], len(lapsing)),
                urgent=any(a.expired for a in lapsing),
            ))  # fmt: skip
    if counts["recommendations"]:
        tasks.append(Task(f"{_count(counts['recommendations'], 'recommendation')} asked of you",
                          "team:recommendations"))  # fmt: skip
    if counts.get("seats"):
        tasks.append(Task(f"{_count(counts['seats'], 'interview score sheet')} to fill in",
                          "team:interviews"))  # fmt: skip
    # Signing is asked of members, selected candidates and returning members (§6.8): the rarer
    # two cost their own queries, asked only of someone who has not signed.
    if begun.own is not None and begun.unsigned and can_sign(begun.own):
        tasks.append(Task("Sign the confidentiality agreement (2011 §6.8)", "team:agreement",
                          urgent=True))  # fmt: skip
    rates = policy.allows(request, P.MANUAL_EDIT)
    tasks += [Task(*row) for row in manual.home_reminders(agency, begun.manual, rates=rates)]
    return tasks


# The names under a reminder: the first few, the rest on the page it links to (issue 18: 1,200
# PSPs behind on training made the home page 66 KB at 50,000 employees).
DETAILS_SHOWN = 10


def _first(lines: list[str], total: int) -> list[str]:
    """`lines` (the first `DETAILS_SHOWN` of `total`), and how many more the linked page lists."""
    more = total - len(lines)
    return [*lines, f"and {more} more"] if more > 0 else lines


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
