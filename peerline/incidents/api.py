"""Critical incident activation over the API (2011 §3.3, §3.9): open an incident, read the
proposed team with every exclusion and its reason, activate.

Involved people are named by employee number, never by name; unknown numbers are refused (422)
by name. Another agency's incident answers 404, like a missing one.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from peerline.accounts import policy
from peerline.accounts.auth import api_auth
from peerline.agencies import clock

from . import services
from .models import CriticalIncident, Deployment, IncidentType
from .proposal import propose

router = Router(tags=["incidents"])
ACTIVATE = api_auth(policy.Permission.INCIDENT_ACTIVATE)


class IncidentIn(Schema):
    type: IncidentType
    occurred_at: datetime  # without an offset: the agency's local time
    area: str | None = Field(
        None,
        max_length=80,
        description="A general area of the agency's list, by name (required once it has any).",
    )
    place: str = Field(
        "", max_length=200, description="Optional words about the place; no names (2011 §6.7)."
    )
    principals: list[str] = []  # employee numbers
    witnesses: list[str] = []
    units: list[str] = []  # division codes
    team_size: int | None = Field(None, ge=1, le=services.MAX_TEAM_SIZE)


class ErrorOut(Schema):
    detail: str


class IncidentOut(Schema):
    id: int
    type: str
    status: str
    occurred_at: datetime
    area: str | None
    place: str
    team_size: int
    units: list[str]
    principals_count: int
    witnesses_count: int
    activated_at: datetime | None
    closed_at: datetime | None


class PeerSupporterOut(Schema):
    employee_number: str
    name: str
    category: str
    job_family: str
    division: str
    shift: str
    agency: str
    why: str


class ClinicianOut(Schema):
    id: int
    name: str
    on_call: bool
    role: str


class ExcludedOut(Schema):
    employee_number: str
    reason: str


class ProposalOut(Schema):
    peer_supporters: list[PeerSupporterOut]
    clinicians: list[ClinicianOut]
    excluded: list[ExcludedOut]


class DeploymentOut(Schema):
    id: int
    kind: str  # "peer_supporter" or "clinician"
    employee_number: str | None
    clinician_id: int | None
    agency: str
    role: str
    round: int
    status: str
    paged_at: datetime


def _incident_out(incident: CriticalIncident) -> dict[str, object]:
    return {
        "id": incident.pk,
        "type": incident.type,
        "status": incident.status,
        "occurred_at": incident.occurred_at,
        "area": incident.area.name if incident.area else None,
        "place": incident.place,
        "team_size": incident.team_size,
        "units": sorted(incident.units.values_list("code", flat=True)),
        "principals_count": incident.principals_count,
        "witnesses_count": incident.witnesses_count,
        "activated_at": incident.activated_at,
        "closed_at": incident.closed_at,
    }


def _get(request: policy.AgencyRequest, pk: int) -> CriticalIncident:
    incident = (
        CriticalIncident.objects.select_related("agency")
        .filter(agency=request.agency, pk=pk)
        .first()
    )
    if incident is None:
        raise HttpError(404, "No such incident.")
    return incident


@router.post("/incidents", response={201: IncidentOut}, auth=ACTIVATE)
def incident_create(request: policy.AgencyRequest, payload: IncidentIn) -> Status:
    """Open an incident (status "open"); nobody is paged until it is activated."""
    agency = request.agency
    found, unknown = services.employees_by_number(agency, payload.principals + payload.witnesses)
    if unknown:
        raise HttpError(422, f"Unknown employee numbers: {', '.join(unknown)}")
    units = {d.code: d for d in agency.divisions.filter(code__in=payload.units)}
    missing = [code for code in payload.units if code not in units]
    if missing:
        raise HttpError(422, f"Unknown unit codes: {', '.join(missing)}")
    area = None
    if payload.area:
        area = agency.incident_areas.filter(active=True, name__iexact=payload.area.strip()).first()
        if area is None:
            raise HttpError(422, "Unknown general area: choose one of the agency's list.")
    occurred_at = payload.occurred_at
    if timezone.is_naive(occurred_at):
        occurred_at = occurred_at.replace(tzinfo=clock.zone(agency))
    try:
        incident = services.incident_open(
            agency=agency,
            by=request.user,
            type=payload.type,
            occurred_at=occurred_at,
            place=payload.place,
            area=area,
            principals=[found[n.strip()] for n in payload.principals if n.strip()],
            witnesses=[found[n.strip()] for n in payload.witnesses if n.strip()],
            units=list(units.values()),
            team_size=payload.team_size,
        )
    except ValidationError as error:
        raise HttpError(422, "; ".join(error.messages)) from None
    return Status(201, _incident_out(incident))


@router.get("/incidents/{incident_id}/proposal", response=ProposalOut, auth=ACTIVATE)
def incident_proposal(request: policy.AgencyRequest, incident_id: int) -> dict[str, object]:
    """The proposed team: peer supporters (the agency's, then partners' when short), the
    clinician(s) and every excluded PSP with the reason."""
    proposal = propose(incident=_get(request, incident_id), now=timezone.now())
    return {
        "peer_supporters": [
            {
                "employee_number": c.employee_number,
                "name": c.name,
                "category": c.category,
                "job_family": c.job_family,
                "division": c.division,
                "shift": c.shift,
                "agency": c.agency_code,
                "why": c.why,
            }
            for c in proposal.peer_supporters
        ],
        "clinicians": [
            {"id": c.clinician_id, "name": c.name, "on_call": c.on_call, "role": c.role}
            for c in proposal.clinicians
        ],
        "excluded": [
            {"employee_number": e.employee_number, "reason": e.reason} for e in proposal.excluded
        ],
    }


def _deployment_out(d: Deployment) -> dict[str, object]:
    psp = d.peer_supporter
    return {
        "id": d.pk,
        "kind": "peer_supporter" if d.is_psp else "clinician",
        "employee_number": psp.employee.employee_number if psp is not None else None,
        "clinician_id": d.clinician_id,
        "agency": psp.agency.code if psp is not None else d.incident.agency.code,
        "role": d.role,
        "round": d.round,
        "status": d.status,
        "paged_at": d.paged_at,
    }


@router.post(
    "/incidents/{incident_id}/activate",
    response={200: list[DeploymentOut], 409: ErrorOut},
    auth=ACTIVATE,
)
def incident_activate(request: policy.AgencyRequest, incident_id: int) -> list[dict[str, object]]:
    """Page the proposed team and clinician(s) in one transaction; 409 if already activated."""
    incident = _get(request, incident_id)
    try:
        deployments = services.activate(incident=incident, by=request.user, now=timezone.now())
    except ValidationError as error:
        raise HttpError(409, "; ".join(error.messages)) from None
    rows = Deployment.objects.select_related(
        "peer_supporter__employee", "peer_supporter__agency", "incident__agency"
    ).filter(pk__in=[d.pk for d in deployments])
    return [_deployment_out(d) for d in rows]
