"""Writes of clinical support, shared by the pages, the API and the demo seed (2011 §3.4, §5.1)."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from peerline.agencies.clock import zone
from peerline.agencies.models import Agency
from peerline.core import offlist

from .models import (
    Consultation,
    ConsultationOutcome,
    ConsultationReason,
    MentalHealthProfessional,
    OnCallShift,
    Resource,
    Urgency,
)
from .selectors import licence_end

MAX_SHIFT = timedelta(days=7)  # a longer shift repeated weekly would overlap itself
MAX_WEEKS = 26

# Every field a consultation may carry; anything else is refused, never dropped (2011 §6.7).
CONSULTATION_FIELDS = frozenset({"month", "reason", "urgency", "outcome", "clinician"})


def month_choices(agency: Agency, today: date | None = None) -> list[date]:
    """The months a consultation may be logged for, newest first (this one and 12 before).
    `today` is the agency's own unless given (the demo seeds as of a day of its own)."""
    return offlist.recent_months(today or datetime.now(zone(agency)).date())


def consultation_log(
    *, agency: Agency, data: dict[str, Any], today: date | None = None
) -> Consultation:
    """Record a consultation with an MHP (2011 §5.1, §5.2) as a month, a reason, an urgency and
    an outcome; the clinician is optional. Who asked, and about whom, is never stored (§6.7).
    The month is one of `month_choices(agency, today)`."""
    offlist.refuse(data, CONSULTATION_FIELDS, "consultation")
    month = offlist.parse_month(data.get("month"), month_choices(agency, today))
    for name, choices in (
        ("reason", ConsultationReason),
        ("urgency", Urgency),
        ("outcome", ConsultationOutcome),
    ):
        if data.get(name) not in choices.values:
            raise ValidationError({name: "Choose one of the answers listed."})
    clinician = data.get("clinician")
    if clinician is not None and not isinstance(clinician, MentalHealthProfessional):
        clinician = MentalHealthProfessional.objects.filter(agency=agency, pk=clinician).first()
        if clinician is None:
            raise ValidationError({"clinician": "Choose one of your agency's clinicians."})
    if clinician is not None and clinician.agency_id != agency.pk:
        raise ValidationError({"clinician": "Choose one of your agency's clinicians."})
    return Consultation.objects.create(
        agency=agency,
        clinician=clinician,
        month=month,
        reason=data["reason"],
        urgency=data["urgency"],
        outcome=data["outcome"],
    )


# -- clinicians and the on-call schedule ---------------------------------------------------------


def clinician_save(*, agency: Agency, clinician: MentalHealthProfessional) -> None:
    """Save a clinician's record; the licence state is kept upper case (2011 §5.1: licensed)."""
    clinician.agency = agency
    clinician.licence_state = clinician.licence_state.upper()
    clinician.full_clean()
    clinician.save()


def _occurrences(
    starts_at: datetime, ends_at: datetime, weeks: int, tz: Any
) -> list[tuple[datetime, datetime]]:
    """The same local times each week: 08:00 stays 08:00 across a daylight-saving change."""
    local_start = starts_at.astimezone(tz).replace(tzinfo=None)
    local_end = ends_at.astimezone(tz).replace(tzinfo=None)
    found = []
    for week in range(weeks):
        shift = timedelta(weeks=week)
        found.append(
            (
                (local_start + shift).replace(tzinfo=tz).astimezone(UTC),
                (local_end + shift).replace(tzinfo=tz).astimezone(UTC),
            )
        )
    return found


@transaction.atomic
def shift_add(
    *,
    agency: Agency,
    clinician: MentalHealthProfessional,
    starts_at: datetime,
    ends_at: datetime,
    weeks: int = 1,
) -> list[OnCallShift]:
    """Put `clinician` on call from `starts_at` to `ends_at`, and the same local times each week
    for `weeks` weeks (2011 §5.1: consultation available 24 hours a day). Refused for an inactive
    clinician, past the licence's expiry, or over one of the clinician's own shifts."""
    if clinician.agency_id != agency.pk:
        raise ValidationError({"clinician": "Choose one of your agency's clinicians."})
    if not clinician.active:
        raise ValidationError({"clinician": f"{clinician.name} is not active."})
    if not ends_at > starts_at:
        raise ValidationError({"ends_at": "The shift must end after it starts."})
    if ends_at - starts_at > MAX_SHIFT:
        raise ValidationError({"ends_at": "A shift lasts at most 7 days."})
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValidationError({"weeks": f"Repeat for 1 to {MAX_WEEKS} weeks."})
    tz = zone(agency)
    occurrences = _occurrences(starts_at, ends_at, weeks, tz)
    if occurrences[-1][1] > licence_end(clinician, tz):
        raise ValidationError(
            {
                "ends_at": f"{clinician.name}'s licence expires on "
                f"{clinician.licence_expires:%d %B %Y}: record the renewal before scheduling "
                "past that day."
            }
        )
    for begins, ends in occurrences:
        clash = OnCallShift.objects.filter(
            clinician=clinician, starts_at__lt=ends, ends_at__gt=begins
        ).first()
        if clash is not None:
            local = clash.starts_at.astimezone(tz)
            raise ValidationError(
                {
                    "starts_at": f"{clinician.name} is already on call then (from {local:%a %d %b %H:%M})."
                }
            )
    return OnCallShift.objects.bulk_create(
        [
            OnCallShift(agency=agency, clinician=clinician, starts_at=begins, ends_at=ends)
            for begins, ends in occurrences
        ]
    )


def shift_delete(*, shift: OnCallShift) -> None:
    shift.delete()


# -- referral resources --------------------------------------------------------------------------


def resource_save(*, agency: Agency, resource: Resource) -> None:
    """Save a referral resource (2011 §2.3.5, §8.3.24): no personal data, only how to reach it."""
    resource.agency = agency
    resource.full_clean()
    resource.save()


def resource_delete(*, resource: Resource) -> None:
    resource.delete()
