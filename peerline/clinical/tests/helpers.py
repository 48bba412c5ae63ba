"""Makers for the clinical tests: clinicians, shifts and local times."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from peerline.agencies.models import Agency
from peerline.clinical.models import (
    ClinicalRole,
    LicenceType,
    MentalHealthProfessional,
    OnCallShift,
)


def local(agency: Agency, *parts: int) -> datetime:
    """An aware datetime on the agency's wall clock: local(agency, 2026, 3, 8, 8)."""
    return datetime(*parts, tzinfo=ZoneInfo(agency.time_zone))  # type: ignore[misc]


def make_clinician(
    agency: Agency,
    name: str = "Dr. Ada Park",
    *,
    expires: date | None = None,
    active: bool = True,
    **fields,
) -> MentalHealthProfessional:
    return MentalHealthProfessional.objects.create(
        agency=agency,
        name=name,
        phone=fields.pop("phone", "720-555-0141"),
        licence_type=fields.pop("licence_type", LicenceType.PSYCHOLOGIST),
        licence_number=fields.pop("licence_number", "PSY-1234"),
        licence_state=fields.pop("licence_state", "IL"),
        licence_expires=expires or date(2099, 12, 31),
        role=fields.pop("role", ClinicalRole.CONSULTANT),
        active=active,
        **fields,
    )


def make_shift(
    clinician: MentalHealthProfessional, starts_at: datetime, ends_at: datetime
) -> OnCallShift:
    return OnCallShift.objects.create(
        agency=clinician.agency, clinician=clinician, starts_at=starts_at, ends_at=ends_at
    )


def rota(clinicians, agency: Agency, first: date, days: int) -> None:
    """Day (08–20) and night (20–08) shifts on the local wall clock, alternating clinicians."""
    for n in range(days):
        day = first + timedelta(days=n)
        nxt = day + timedelta(days=1)
        make_shift(
            clinicians[0],
            local(agency, day.year, day.month, day.day, 8),
            local(agency, day.year, day.month, day.day, 20),
        )
        make_shift(
            clinicians[1],
            local(agency, day.year, day.month, day.day, 20),
            local(agency, nxt.year, nxt.month, nxt.day, 8),
        )
