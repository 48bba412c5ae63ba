"""Writes of critical incidents: open, activate, answer a page, escalate, close, erase, follow-ups,
mutual aid (2011 §2.3.3, §2.3.8, §3.3, §3.8.2, §3.9, §5.1; 2006 Administration 3).

Every function takes `now` so that tests (and the worker) control the clock. Activation is one
transaction: the deployments, their pages in the outbox, the follow-ups, the mutual-aid requests
and the status change are committed together or not at all.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from peerline.accounts.models import User
from peerline.agencies import clock
from peerline.agencies.models import Agency, Division, Employee
from peerline.audit.services import record
from peerline.clinical.models import MentalHealthProfessional
from peerline.core import validation
from peerline.notifications import outbox
from peerline.notifications.models import topic_for
from peerline.partners.selectors import answers_aid_for

from . import paging
from .models import (
    Circle,
    CriticalIncident,
    Deployment,
    DeploymentStatus,
    FollowUp,
    FollowUpKind,
    IncidentArea,
    IncidentStatus,
    IncidentType,
    Involvement,
    MutualAidRequest,
    MutualAidStatus,
)
from .proposal import default_team_size, propose

MAX_TEAM_SIZE = 30

# Follow-ups by incident type (kind, delay after the incident, optional). A group session is
# offered, never required: current evidence advises against mandatory single-session debriefing.
_ALL: list[tuple[str, timedelta, bool]] = [
    (FollowUpKind.DEFUSING, timedelta(hours=8), True),
    (FollowUpKind.GROUP_SESSION, timedelta(hours=24), True),
    (FollowUpKind.CHECK_IN_WEEK, timedelta(days=7), False),
    (FollowUpKind.CHECK_IN_MONTH, timedelta(days=30), False),
    (FollowUpKind.CHECK_IN_QUARTER, timedelta(days=91), False),
    (FollowUpKind.ANNIVERSARY, timedelta(0), False),  # a year on, same local day and hour
]
FOLLOW_UPS: dict[str, list[tuple[str, timedelta, bool]]] = {
    IncidentType.OFFICER_INVOLVED_SHOOTING: _ALL,
    IncidentType.LINE_OF_DUTY_DEATH: _ALL,
    IncidentType.EMPLOYEE_SUICIDE: _ALL,
    IncidentType.MASS_CASUALTY: _ALL,
    IncidentType.CHILD_DEATH: _ALL,
    IncidentType.OFFICER_INJURED: _ALL[:5],  # no anniversary
    IncidentType.OTHER: [_ALL[2], _ALL[3]],  # a week and a month
}


class AlreadyAnswered(Exception):
    """The page was answered, escalated or withdrawn: a link works once."""

    def __init__(self, deployment: Deployment):
        super().__init__(f"deployment {deployment.pk} is {deployment.status}")
        self.deployment = deployment


def _check_team_size(team_size: int) -> None:
    if not 1 <= team_size <= MAX_TEAM_SIZE:
        raise ValidationError(f"The team size is between 1 and {MAX_TEAM_SIZE}.")


def employees_by_number(
    agency: Agency, numbers: Iterable[str]
) -> tuple[dict[str, Employee], list[str]]:
    """The agency's current employees with these numbers, and the numbers that match nobody."""
    wanted = list(dict.fromkeys(n.strip() for n in numbers if n.strip()))
    found = {
        e.employee_number: e
        for e in Employee.objects.current().filter(agency=agency, employee_number__in=wanted)
    }
    return found, [n for n in wanted if n not in found]


def incident_open(
    *,
    agency: Agency,
    by: User | None,
    type: str,
    occurred_at: datetime,
    place: str,
    principals: list[Employee],
    witnesses: list[Employee],
    units: list[Division],
    team_size: int | None = None,
    area: IncidentArea | None = None,
    now: datetime | None = None,
) -> CriticalIncident:
    """Record a reported incident (status OPEN): nobody is paged until `activate`.

    Where: a general area from the agency's list (required once the list has any), and optional
    free text that must hold no roster name (2011 §6.7)."""
    if type not in IncidentType.values:
        raise ValidationError("Unknown incident type.")
    check_occurred_at(occurred_at, now=now or timezone.now())
    place = check_place(agency, place)
    if area is not None and (area.agency_id != agency.pk or not area.active):
        raise ValidationError({"area": "Choose one of the agency's general areas."})
    if area is None and agency.incident_areas.filter(active=True).exists():
        raise ValidationError({"area": "Choose the general area."})
    team_size = team_size or default_team_size(type)
    _check_team_size(team_size)
    people = [*principals, *witnesses]
    if any(e.agency_id != agency.pk for e in people) or any(
        u.agency_id != agency.pk for u in units
    ):
        raise ValidationError("Involved people and units must be of this agency.")
    both = {e.pk for e in principals} & {e.pk for e in witnesses}
    if both:
        raise ValidationError("Someone is listed both as a principal and as a witness.")
    principals = list({e.pk: e for e in principals}.values())
    witnesses = list({e.pk: e for e in witnesses}.values())
    with transaction.atomic():
        incident = CriticalIncident.objects.create(
            agency=agency,
            type=type,
            occurred_at=occurred_at,
            area=area,
            place=place,
            team_size=team_size,
            opened_by=by,
            principals_count=len(principals),
            witnesses_count=len(witnesses),
        )
        incident.units.set(units)
        Involvement.objects.bulk_create(
            [
                Involvement(incident=incident, employee=e, circle=Circle.PRINCIPAL)
                for e in principals
            ]
            + [Involvement(incident=incident, employee=e, circle=Circle.WITNESS) for e in witnesses]
        )
        record("incident.opened", by=by, agency=agency, **_audited(incident))
    return incident


FUTURE_SLACK = timedelta(minutes=10)


def check_occurred_at(moment: datetime, *, now: datetime) -> datetime:
    """When an incident happened: not in the future (a few minutes' slack for clocks), not before
    1900."""
    error = validation.date_error(moment, latest=(now + FUTURE_SLACK).date())
    if error is None and moment > now + FUTURE_SLACK:
        error = "The time is in the future."
    if error:
        raise ValidationError({"occurred_at": error})
    return moment


def check_place(agency: Agency, place: str) -> str:
    """The optional free text about the place: no control characters, at most 200 characters,
    and no first and last name of anyone on the agency's roster (2011 §6.7)."""
    place = place.strip()
    error = validation.text_error(place, max_length=200)
    if error:
        raise ValidationError({"place": error})
    names = list(Employee.objects.filter(agency=agency).values_list("first_name", "last_name"))
    if place and validation.contains_name(place, names):
        raise ValidationError(
            {
                "place": "Remove the name: the place is a general location, never a person (2011 §6.7)."
            }
        )
    return place


def team_size_set(*, incident: CriticalIncident, team_size: int, now: datetime) -> None:
    """The coordinator's change of team size. Before activation it shapes the proposal; after,
    a larger team pages the next candidates at once (a smaller one withdraws no page)."""
    _check_team_size(team_size)
    with transaction.atomic():
        incident = paging.lock_incident(incident.pk)
        if incident.status == IncidentStatus.CLOSED:
            raise ValidationError("The incident is closed.")
        incident.team_size = team_size
        incident.save(update_fields=["team_size"])
        paging.fill(incident, now=now)  # pages only when activated and short


def activate(*, incident: CriticalIncident, by: User | None, now: datetime) -> list[Deployment]:
    """Page the proposed team and clinician(s), schedule the follow-ups, ask partners when short:
    one transaction (2011 §3.3, §3.9). For an OIS the MHP holds the individual intervention with
    the principals (2006 Administration 3)."""
    with transaction.atomic():
        incident = paging.lock_incident(incident.pk)
        if incident.status != IncidentStatus.OPEN:
            raise ValidationError("The team was already activated for this incident.")
        proposal = propose(incident=incident, now=now)
        incident.status = IncidentStatus.ACTIVATED
        incident.activated_at, incident.activated_by = now, by
        incident.save(update_fields=["status", "activated_at", "activated_by"])
        deployments = paging.page_psps(incident, proposal.own_team, round_=1, now=now)
        clinicians = MentalHealthProfessional.objects.in_bulk(
            [c.clinician_id for c in proposal.clinicians]
        )
        for choice in proposal.clinicians:
            deployments.append(
                paging.page_clinician(
                    incident, clinicians[choice.clinician_id], role=choice.role, round_=1, now=now
                )
            )
        schedule_follow_ups(incident, now=now)
        if proposal.short_by:
            paging.request_mutual_aid(incident, needed=proposal.short_by, now=now)
        record("incident.activated", by=by, agency=incident.agency_id, **_audited(incident))
    return deployments


def _audited(incident: CriticalIncident) -> dict[str, Any]:
    """An incident in the audit trail: its number and type, nothing about who was involved."""
    return {"target": f"incident:{incident.pk}", "detail": {"type": incident.type}}


def schedule_follow_ups(incident: CriticalIncident, *, now: datetime) -> list[FollowUp]:
    """On scene now, then the type's follow-ups from the time of the incident."""
    rows = [FollowUp(incident=incident, kind=FollowUpKind.ON_SCENE, due_at=now)]
    for kind, delay, optional in FOLLOW_UPS.get(incident.type, FOLLOW_UPS[IncidentType.OTHER]):
        due = incident.occurred_at + delay
        if kind == FollowUpKind.ANNIVERSARY:
            due = _a_year_on(incident.occurred_at, incident.agency)
        rows.append(FollowUp(incident=incident, kind=kind, due_at=due, optional=optional))
    return FollowUp.objects.bulk_create(rows)


def _a_year_on(moment: datetime, agency: Agency) -> datetime:
    local = clock.local_now(agency, moment)
    try:
        return local.replace(year=local.year + 1)
    except ValueError:  # 29 February
        return local.replace(year=local.year + 1, day=28)


def respond(*, deployment: Deployment, accept: bool, now: datetime) -> Deployment:
    """A page answered from its link: only while PAGED, once. A decline pages the next
    candidate at once."""
    with transaction.atomic():
        incident = paging.lock_incident(deployment.incident_id)
        deployment = Deployment.objects.select_for_update().get(pk=deployment.pk)
        if deployment.status != DeploymentStatus.PAGED:
            raise AlreadyAnswered(deployment)
        deployment.status = DeploymentStatus.ACCEPTED if accept else DeploymentStatus.DECLINED
        deployment.answered_at = now
        deployment.save(update_fields=["status", "answered_at"])
        if not accept:
            _refill(incident, deployment, now=now)
    return deployment


def _refill(incident: CriticalIncident, deployment: Deployment, *, now: datetime) -> None:
    if deployment.is_psp:
        paging.fill(incident, now=now)
    else:
        paging.fill_clinicians(incident, now=now)


def escalate_due(now: datetime) -> int:
    """The worker's tick: pages unanswered past the agency's timeout become NO_ANSWER and the
    next candidates are paged in a new round, until accepted + pending covers the team size.
    Returns how many pages lapsed."""
    due = [
        d
        for d in Deployment.objects.filter(
            status=DeploymentStatus.PAGED, incident__status=IncidentStatus.ACTIVATED
        ).select_related("incident__agency")
        if paging.overdue(d, now)
    ]
    lapsed = 0
    for incident_id in dict.fromkeys(d.incident_id for d in due):
        with transaction.atomic():
            incident = paging.lock_incident(incident_id)
            rows = [
                d
                for d in Deployment.objects.select_for_update().filter(
                    incident=incident, status=DeploymentStatus.PAGED
                )
                if paging.overdue(d, now)
            ]
            for d in rows:
                d.status = DeploymentStatus.NO_ANSWER
                d.answered_at = now  # when it was passed on
                d.save(update_fields=["status", "answered_at"])
            # A page still unsent by now would only arrive with an expired link.
            outbox.withdraw(topics=[topic_for("deployment", d.pk) for d in rows])
            lapsed += len(rows)
            # One tick, one round: PSPs and clinicians paged now share its number (issue 17).
            round_ = paging.next_round(incident)
            # By role: a page whose person is no longer on record still frees its slot.
            if any(d.is_psp for d in rows):
                paging.fill(incident, now=now, round_=round_)
            if any(not d.is_psp for d in rows):
                paging.fill_clinicians(incident, now=now, round_=round_)
    return lapsed


def close(*, incident: CriticalIncident, by: User | None, now: datetime) -> None:
    """Close the incident: pages still open are withdrawn (their links then say so), and the
    retention clock for who was involved starts."""
    with transaction.atomic():
        incident = paging.lock_incident(incident.pk)
        if incident.status == IncidentStatus.CLOSED:
            raise ValidationError("The incident is already closed.")
        open_pages = incident.deployments.filter(status=DeploymentStatus.PAGED)
        outbox.withdraw(
            topics=[topic_for("deployment", pk) for pk in open_pages.values_list("pk", flat=True)]
        )
        open_pages.update(status=DeploymentStatus.CANCELLED, answered_at=now)
        incident.status = IncidentStatus.CLOSED
        incident.closed_at, incident.closed_by = now, by
        incident.save(update_fields=["status", "closed_at", "closed_by"])
        record("incident.closed", by=by, agency=incident.agency_id, **_audited(incident))


def erase_expired(now: datetime) -> int:
    """The worker's tick: erase incidents past the agency's retention window (`retention`)."""
    from .retention import erase_expired as erase

    return erase(now)


def follow_up_update(
    *, follow_up: FollowUp, action: str, now: datetime, due_at: datetime | None = None
) -> FollowUp:
    """Mark a follow-up done or skipped, reopen it, or move it (the coordinator's schedule)."""
    if action == "done":
        follow_up.done_at, follow_up.skipped = now, False
    elif action == "skip":
        follow_up.done_at, follow_up.skipped = None, True
    elif action == "reopen":
        follow_up.done_at, follow_up.skipped = None, False
    elif action == "reschedule":
        if due_at is None:
            raise ValidationError("Give the new date and time.")
        follow_up.due_at = due_at
    else:
        raise ValidationError("Unknown action.")
    follow_up.save(update_fields=["done_at", "skipped", "due_at"])
    return follow_up


def mutual_aid_answer(
    *, request: MutualAidRequest, accept: bool, by: User | None, now: datetime
) -> MutualAidRequest:
    """The partner coordinator's answer (2011 §3.8.2). On accept the partner's PSPs are paged
    for the places still open, up to the number asked."""
    with transaction.atomic():
        incident = paging.lock_incident(request.incident_id)
        request = MutualAidRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != MutualAidStatus.REQUESTED:
            raise ValidationError("This request was already answered.")
        if incident.status == IncidentStatus.CLOSED:
            raise ValidationError("The incident is closed: no help is needed any more.")
        if request.partner is None:
            raise ValidationError("The partner agency asked is no longer on record.")
        today = clock.local_now(request.partner, now).date()
        if not answers_aid_for(request.partner, incident.agency_id, today):
            raise ValidationError("No agreement in force provides mutual aid to this agency.")
        request.status = MutualAidStatus.ACCEPTED if accept else MutualAidStatus.DECLINED
        request.answered_at, request.answered_by = now, by
        request.save(update_fields=["status", "answered_at", "answered_by"])
        # In the answering agency's trail: the request and the answer, never who is sent.
        record(
            "incident.mutual_aid_answered",
            by=by,
            agency=request.partner_id,
            target=f"mutual_aid:{request.pk}",
            detail={"answer": request.status},
        )
        if accept:
            paging.fill(incident, now=now)
    return request
