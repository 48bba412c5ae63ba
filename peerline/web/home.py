"""What is waiting for the user on the home page: reminders drawn from each app's selectors.

Only counts and links for most roles; the coordinator sees who is due back from leave, since
keeping in touch with a PSP on leave is their job (2011 §3.9, §4.4).
"""

from dataclasses import dataclass, field

from django.utils import timezone

from peerline.accounts import policy
from peerline.agencies.clock import local_today
from peerline.clinical.selectors import licences_expiring
from peerline.core.health import paging_problems
from peerline.incidents import selectors as incidents
from peerline.manual.selectors import home_reminders as manual_reminders
from peerline.team import selectors as team
from peerline.team.models import PeerSupporter
from peerline.team.services import can_sign
from peerline.training.compliance import flagged_for_review_summary


@dataclass(frozen=True)
class Task:
    text: str
    url_name: str
    details: list[str] = field(default_factory=list)
    urgent: bool = False


def waiting_for(request: policy.AgencyRequest) -> list[Task]:
    agency, user = request.agency, request.user
    today = local_today(agency)
    tasks: list[Task] = []
    if policy.allows(request, policy.Permission.INCIDENT_ACTIVATE):
        open_now = incidents.open_incidents(agency=agency).count()
        if open_now:
            tasks.append(Task(f"{_count(open_now, 'critical incident')} open (2011 §3.3)",
                              "incidents:list", urgent=True))  # fmt: skip
    if policy.allows(request, policy.Permission.MUTUAL_AID):
        asked_for_aid = incidents.mutual_aid_waiting(agency=agency).count()
        if asked_for_aid:
            tasks.append(Task(
                f"{_count(asked_for_aid, 'mutual-aid request')} from a partner agency (2011 §3.8.2)",
                "incidents:mutual-aid", urgent=True,
            ))  # fmt: skip
    if policy.allows(request, policy.Permission.TEAM_MANAGE):
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
        waiting = team.waiting_for_coordinator(agency)
        if waiting:
            tasks.append(Task(
                f"{_count(waiting, 'application')} waiting for your next step (2011 §4.1)",
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
        unsigned = team.unsigned_current_query(agency).count()
        if unsigned:
            tasks.append(Task(
                f"{_count(unsigned, 'member')} yet to sign the current confidentiality "
                "agreement (2011 §6.8)",
                "team:agreements",
            ))  # fmt: skip
    if policy.allows(request, policy.Permission.CLINICAL_MANAGE):
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
    asked = team.recommendations_pending_for(user, agency).count()
    if asked:
        tasks.append(
            Task(f"{_count(asked, 'recommendation')} asked of you", "team:recommendations")
        )
    if policy.allows(request, policy.Permission.TEAM_INTERVIEW):
        seats = team.panel_seats_pending_for(user, agency).count()
        if seats:
            tasks.append(Task(f"{_count(seats, 'interview score sheet')} to fill in",
                              "team:interviews"))  # fmt: skip
    own = PeerSupporter.objects.filter(agency=agency, employee__user=user).first()
    if (
        own is not None
        and can_sign(own)
        and not team.has_signed(own, team.current_agreement(agency))
    ):
        tasks.append(Task("Sign the confidentiality agreement (2011 §6.8)", "team:agreement",
                          urgent=True))  # fmt: skip
    rates = policy.allows(request, policy.Permission.MANUAL_EDIT)
    tasks += [Task(*row) for row in manual_reminders(agency, user, rates=rates)]
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


def paging_banner(request: policy.AgencyRequest) -> list[str]:
    """For the home page of whoever activates the team (2011 §3.3, §3.9): why pages are not being
    sent, or nothing. Other roles see nothing (the worker is not theirs to fix)."""
    if not policy.allows(request, policy.Permission.INCIDENT_ACTIVATE):
        return []
    return paging_problems(timezone.now(), agency_id=request.agency.pk)
