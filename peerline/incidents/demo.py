"""The demo agency's past critical incidents: something real on the board and in the history,
and nothing open (the demo user opens one and activates the team).

- an officer-involved shooting in the middle of last quarter, closed three days later; who was
  involved was erased after the retention window (the counts stay);
- an officer injured nine days ago, closed six days ago: the involved links are still kept.

Each has its deployments in rounds (accepted, a decline, a page that went unanswered and was
passed on), the pages in the outbox marked sent, and its follow-ups: past ones done (the optional
defusing of the shooting skipped), future ones planned.

Runs inside `seed_demo`'s transaction, after the team and the clinicians exist. Deterministic:
the involved people are drawn from `random.Random(seed)` in a fixed order and the team is the
proposal's own ranking.
"""

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import F

from peerline.agencies.models import Agency, Category, Employee, JobFamily
from peerline.clinical.models import MentalHealthProfessional
from peerline.notifications.models import Notification, NotificationStatus, topic_for

from . import paging, services
from .models import (
    CriticalIncident,
    Deployment,
    DeploymentRole,
    DeploymentStatus,
    FollowUpKind,
    IncidentArea,
    IncidentStatus,
    IncidentType,
)
from .proposal import propose
from .retention import erase_incident

DEMO_AREAS = (
    "Downtown",
    "North district",
    "South district",
    "East side",
    "Interstate corridor",
    "Airport and port",
)


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def seed_incidents(*, agency: Agency, seed: int, today: date) -> list[CriticalIncident]:
    """Two closed incidents of `agency` (see the module docstring); returns them, oldest first."""
    rng = random.Random(seed)
    tz = ZoneInfo(agency.time_zone)
    last_quarter = _quarter_start(today) - timedelta(days=45)
    plans = [
        (IncidentType.OFFICER_INVOLVED_SHOOTING, last_quarter, time(2, 17), 2, 3, "Interstate corridor", "Parking lot off the frontage road", 3),
        (IncidentType.OFFICER_INJURED, today - timedelta(days=9), time(16, 40), 1, 2, "South district", "Traffic stop on the arterial", 3),
    ]  # fmt: skip
    # The agency's list of general areas (2011 §6.7): an incident's place is one of them.
    areas = {
        name: IncidentArea.objects.get_or_create(agency=agency, name=name)[0] for name in DEMO_AREAS
    }
    patrol = list(
        Employee.objects.current()
        .filter(
            agency=agency,
            category=Category.SWORN,
            job_family=JobFamily.PATROL,
            peer_supporter__isnull=True,
        )
        .order_by("employee_number")
    )
    made = []
    for kind, day, clock, principals, witnesses, area, place, closed_after in plans:
        occurred = datetime.combine(day, clock, tzinfo=tz)
        unit = rng.choice(sorted({e.division_id for e in patrol}))
        pool = [e for e in patrol if e.division_id == unit]
        people = rng.sample(pool, min(len(pool), principals + witnesses))
        incident = services.incident_open(
            agency=agency,
            by=None,
            type=kind,
            occurred_at=occurred,
            area=areas[area],
            place=place,
            principals=people[:principals],
            witnesses=people[principals:],
            units=[],
        )
        activated = occurred + timedelta(minutes=25)
        _deploy(incident, now=activated, rng=rng)
        services.schedule_follow_ups(incident, now=activated)
        closed = occurred + timedelta(days=closed_after)
        _follow_ups_done(incident, until=datetime.combine(today, time(9), tz))
        CriticalIncident.objects.filter(pk=incident.pk).update(
            opened_at=occurred + timedelta(minutes=12),
            status=IncidentStatus.CLOSED,
            activated_at=activated,
            closed_at=closed,
        )
        erase_at = closed + timedelta(days=agency.incident_retention_days)
        if erase_at.date() < today:
            erase_incident(incident, now=erase_at)
        incident.refresh_from_db()
        made.append(incident)
    return made


def _deploy(incident: CriticalIncident, *, now: datetime, rng: random.Random) -> None:
    """Round 1 for the proposed team: most accept, one declines, one does not answer; round 2
    replaces those two, who accept. The clinician accepts. Pages are marked sent."""
    proposal = propose(incident=incident, now=now)
    size = incident.team_size
    first, spare = proposal.ranked[:size], proposal.ranked[size : size + 2]
    timeout = timedelta(minutes=incident.agency.page_timeout_minutes)
    for i, candidate in enumerate(first):
        if i == 1:
            status, answered = DeploymentStatus.DECLINED, now + timedelta(minutes=3)
        elif i == 2:
            status, answered = DeploymentStatus.NO_ANSWER, now + timeout
        else:
            status, answered = DeploymentStatus.ACCEPTED, now + timedelta(minutes=rng.randint(1, 6))
        _psp(incident, candidate.peer_supporter_id, 1, now, status, answered)
    for candidate, paged in zip(spare, (now + timedelta(minutes=3), now + timeout), strict=False):
        answered = paged + timedelta(minutes=rng.randint(1, 4))
        _psp(incident, candidate.peer_supporter_id, 2, paged, DeploymentStatus.ACCEPTED, answered)
    clinicians = MentalHealthProfessional.objects.in_bulk(
        [c.clinician_id for c in proposal.clinicians]
    )
    for choice in proposal.clinicians[:1]:
        deployment = Deployment.objects.create(
            incident=incident,
            clinician=clinicians[choice.clinician_id],
            role=choice.role,
            round=1,
            paged_at=now,
            status=DeploymentStatus.ACCEPTED,
            answered_at=now + timedelta(minutes=4),
        )
        paging.notify(deployment, now=now)
    # History: these pages went out long ago (the worker must not send them now).
    pages = [
        topic_for("deployment", pk) for pk in incident.deployments.values_list("pk", flat=True)
    ]
    Notification.objects.filter(topic__in=pages).update(
        status=NotificationStatus.SENT,
        attempts=1,
        sent_at=F("next_attempt_at") + timedelta(seconds=4),
    )


def _psp(
    incident: CriticalIncident,
    psp_id: int,
    round_: int,
    paged: datetime,
    status: str,
    answered: datetime,
) -> None:
    deployment = Deployment.objects.create(
        incident=incident,
        peer_supporter_id=psp_id,
        role=DeploymentRole.PEER_SUPPORT,
        round=round_,
        paged_at=paged,
        status=status,
        answered_at=answered,
    )
    deployment = Deployment.objects.select_related(
        "incident__agency", "peer_supporter__employee__user", "peer_supporter__agency"
    ).get(pk=deployment.pk)
    paging.notify(deployment, now=paged)


def _follow_ups_done(incident: CriticalIncident, *, until: datetime) -> None:
    """Follow-ups due before `until` done on time; the optional defusing of a shooting skipped."""
    for follow_up in incident.follow_ups.filter(due_at__lte=until):
        if (
            follow_up.kind == FollowUpKind.DEFUSING
            and incident.type == IncidentType.OFFICER_INVOLVED_SHOOTING
        ):
            follow_up.skipped = True
        else:
            follow_up.done_at = follow_up.due_at + timedelta(hours=1)
        follow_up.save(update_fields=["skipped", "done_at"])
