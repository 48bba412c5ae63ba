"""Clinical support in the API: who is on call now (2011 §5.1) and consultations logged without
identities (§6.7), through the same selectors and services as the pages."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from peerline.accounts import policy
from peerline.accounts.auth import api_auth
from peerline.core import offlist

from . import selectors, services
from .models import ConsultationOutcome, ConsultationReason, Urgency

router = Router(tags=["clinical"])


class ClinicianOnCall(Schema):
    id: int
    name: str
    phone: str
    email: str
    starts_at: datetime
    ends_at: datetime


class OnCallOut(Schema):
    now: list[ClinicianOnCall]
    next: ClinicianOnCall | None


def _entry(entry: selectors.OnCall) -> dict[str, object]:
    clinician = entry.clinician
    return {
        "id": clinician.pk,
        "name": clinician.name,
        "phone": clinician.phone,
        "email": clinician.email,
        "starts_at": entry.starts_at,
        "ends_at": entry.ends_at,
    }


@router.get("/on-call", response=OnCallOut, auth=api_auth(policy.Permission.ON_CALL_VIEW))
def on_call(request: policy.AgencyRequest) -> dict[str, object]:
    """Who is on call now and until when, and who is next (2011 §5.1)."""
    now, upcoming = selectors.on_call_board(agency=request.agency, at=timezone.now())
    return {"now": [_entry(e) for e in now], "next": _entry(upcoming) if upcoming else None}


class ConsultationIn(offlist.ClosedSchema):
    """A consultation as non-identifying statistics. Any other field is refused (2011 §6.7)."""

    month: str  # YYYY-MM
    reason: ConsultationReason
    urgency: Urgency
    outcome: ConsultationOutcome
    clinician: int | None = None  # the id of one of the agency's clinicians


class ConsultationOut(Schema):
    id: int
    month: date
    reason: str
    urgency: str
    outcome: str


@router.post(
    "/consultations",
    response={201: ConsultationOut},
    auth=api_auth(policy.Permission.CONSULTATION_LOG),
)
def consultation_create(request: policy.AgencyRequest, payload: ConsultationIn) -> Status:
    """Log a consultation with an MHP. No names, numbers, notes, day or time: see 2011 §6.7."""
    try:
        saved = services.consultation_log(
            agency=request.agency, data=payload.model_dump(exclude_unset=True)
        )
    except ValidationError as error:
        raise HttpError(422, "; ".join(error.messages)) from None
    return Status(
        201,
        {
            "id": saved.pk,
            "month": saved.month,
            "reason": saved.reason,
            "urgency": saved.urgency,
            "outcome": saved.outcome,
        },
    )
