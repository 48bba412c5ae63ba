from datetime import date

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from peerline.accounts import policy
from peerline.accounts.auth import api_auth
from peerline.core import offlist

from . import services
from .models import Activity, Duration, InitiatedBy, Mode, PriorContacts, RecipientGroup, Referral

router = Router(tags=["contacts"])


class ContactIn(offlist.ClosedSchema):
    """A contact as non-identifying statistics. Any other field is refused (2011 §6.7)."""

    month: str  # YYYY-MM
    activity: Activity
    recipient_group: RecipientGroup
    mode: Mode
    initiated_by: InitiatedBy
    duration: Duration
    referrals: list[Referral] = []
    limits_explained: bool
    exception: int | None = None  # the id of one of the agency's limits of confidentiality
    role_conflict: bool
    prior_contacts: PriorContacts
    follow_up_days: int | None = None


class ContactOut(Schema):
    id: int
    month: date
    period: str
    activity: str
    referral_prompt: bool
    role_conflict_guidance: bool
    exception_procedure: str | None


@router.post("/contacts", response={201: ContactOut}, auth=api_auth(policy.Permission.CONTACT_LOG))
def contact_create(request: policy.AgencyRequest, payload: ContactIn) -> Status:
    """Log a contact (peer supporters). No names, numbers or free text: see 2011 §6.7."""
    try:
        data = payload.model_dump(exclude_unset=True)
        contact = services.contact_log(
            agency=request.agency, peer_supporter=request.user, data=data
        )
    except ValidationError as error:
        raise HttpError(422, "; ".join(error.messages)) from None
    guidance = services.guidance_for(contact, request.agency)
    return Status(
        201,
        {
            "id": contact.pk,
            "month": contact.month,
            "period": contact.period,
            "activity": contact.activity,
            "referral_prompt": guidance.referral_prompt,
            "role_conflict_guidance": guidance.role_conflict,
            "exception_procedure": guidance.exception_procedure,
        },
    )
