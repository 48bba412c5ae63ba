"""Builders for the incident tests: PSPs with log-ins, clinicians on call, incidents."""

from datetime import UTC, date, datetime, timedelta

from django.contrib.auth import get_user_model

from peerline.accounts.models import Membership, Role
from peerline.agencies.models import Agency, Employee
from peerline.clinical.models import (
    ClinicalRole,
    LicenceType,
    MentalHealthProfessional,
    OnCallShift,
)
from peerline.incidents import services
from peerline.incidents.models import CriticalIncident, IncidentType
from peerline.team.models import PeerSupporter, Status
from peerline.testing import personas as p

T0 = datetime(2026, 3, 16, 20, 0, tzinfo=UTC)  # 15:00 in Chicago, 14:00 in Denver (DST)


def psp(employee: Employee, status: str = Status.ACTIVE, **fields) -> PeerSupporter:
    """A PSP with a log-in (their page goes to the account's e-mail)."""
    if employee.user_id is None:
        user = get_user_model().objects.create_user(
            username=f"psp-{employee.agency.code}-{employee.employee_number}".lower(),
            email=f"{employee.employee_number}@{employee.agency.code.lower()}.example",
        )
        employee.user = user
        employee.save(update_fields=["user"])
        Membership.objects.create(user=user, agency=employee.agency, role=Role.PEER_SUPPORTER)
    return PeerSupporter.objects.create(
        agency=employee.agency,
        employee=employee,
        status=status,
        status_since=date(2025, 1, 1),
        **fields,
    )


def staff(agency: Agency, n: int, division: str = "INV", **fields) -> list[Employee]:
    """`n` employees of `division` under nobody (their own chain)."""
    start = Employee.objects.filter(agency=agency).count()
    return [
        p.make_employee(
            agency,
            f"9{start + i:04d}",
            division=agency.divisions.get(code=division),
            **fields,
        )
        for i in range(n)
    ]


def clinician(
    agency: Agency,
    name: str = "Dr. Ana Ruiz",
    *,
    on_call_at: datetime | None = None,
    role: str = ClinicalRole.CLINICAL_ADVISOR,
    email: str = "",
) -> MentalHealthProfessional:
    mhp = MentalHealthProfessional.objects.create(
        agency=agency,
        name=name,
        email=email or f"{name.split()[-1].lower()}@clinic.example",
        licence_type=LicenceType.PSYCHOLOGIST,
        licence_number="PSY-1",
        licence_state=agency.state,
        licence_expires=date(2099, 12, 31),  # not 2030: the tests use the real clock too
        role=role,
    )
    if on_call_at is not None:
        OnCallShift.objects.create(
            agency=agency,
            clinician=mhp,
            starts_at=on_call_at - timedelta(hours=12),
            ends_at=on_call_at + timedelta(hours=12),
        )
    return mhp


def incident(
    agency: Agency,
    *,
    type: str = IncidentType.OTHER,
    principals: list[Employee] = (),  # type: ignore[assignment]
    witnesses: list[Employee] = (),  # type: ignore[assignment]
    units: list = (),  # type: ignore[assignment]
    team_size: int | None = None,
    occurred_at: datetime = T0,
) -> CriticalIncident:
    return services.incident_open(
        agency=agency,
        by=None,
        type=type,
        occurred_at=occurred_at,
        place="East side, near the river",
        area=agency.incident_areas.filter(active=True).first(),
        principals=list(principals),
        witnesses=list(witnesses),
        units=list(units),
        team_size=team_size,
    )
