"""Builders for the tests of requests for a peer: PSPs with log-ins, a clinician on call, the
agency's access code."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from peerline.accounts.models import Membership, Role
from peerline.agencies.models import Agency, Category, Employee, JobFamily
from peerline.clinical.models import (
    ClinicalRole,
    LicenceType,
    MentalHealthProfessional,
    OnCallShift,
)
from peerline.support import services
from peerline.team.models import PeerSupporter, Status
from peerline.testing import personas as p

T0 = datetime(2026, 3, 16, 20, 0, tzinfo=UTC)  # 15:00 in Chicago


def make_psp(agency: Agency, number: str, *, division: str = "INV", **fields: Any) -> PeerSupporter:
    """An active PSP with a log-in whose page goes to the account's e-mail."""
    employee_fields = {key: fields.pop(key) for key in ("category", "job_family") if key in fields}
    employee = p.make_employee(
        agency, number, division=agency.divisions.get(code=division), **employee_fields
    )
    user = get_user_model().objects.create_user(
        username=f"psp-{agency.code}-{number}".lower(), email=f"{number}@psp.example"
    )
    employee.user = user
    employee.save(update_fields=["user"])
    Membership.objects.create(user=user, agency=agency, role=Role.PEER_SUPPORTER)
    return PeerSupporter.objects.create(
        agency=agency,
        employee=employee,
        status=fields.pop("status", Status.ACTIVE),
        status_since=date(2025, 1, 1),
        **fields,
    )


def make_clinician(agency: Agency, *, on_call_at: datetime) -> MentalHealthProfessional:
    mhp = MentalHealthProfessional.objects.create(
        agency=agency,
        name="Dr. Ana Ruiz",
        email="ruiz@clinic.example",
        licence_type=LicenceType.PSYCHOLOGIST,
        licence_number="PSY-1",
        licence_state=agency.state,
        licence_expires=date(2030, 1, 1),
        role=ClinicalRole.CLINICAL_ADVISOR,
    )
    OnCallShift.objects.create(
        agency=agency,
        clinician=mhp,
        starts_at=on_call_at - timedelta(hours=12),
        ends_at=on_call_at + timedelta(hours=12),
    )
    return mhp


@pytest.fixture
def team(agency: Agency) -> list[PeerSupporter]:
    """Five active PSPs: sworn patrol (2), civilian telecommunications in COMM (2, one speaks
    Spanish), sworn investigations (1); and one on leave."""
    sworn, civilian = Category.SWORN, Category.CIVILIAN
    psps = [
        make_psp(agency, "7001", division="PATROL", category=sworn, job_family=JobFamily.PATROL),
        make_psp(agency, "7002", division="PATROL", category=sworn, job_family=JobFamily.PATROL),
        make_psp(
            agency,
            "7003",
            division="COMM",
            category=civilian,
            job_family=JobFamily.TELECOMMUNICATIONS,
            languages=["es"],
        ),
        make_psp(
            agency,
            "7004",
            division="COMM",
            category=civilian,
            job_family=JobFamily.TELECOMMUNICATIONS,
        ),
        make_psp(
            agency, "7005", division="INV", category=sworn, job_family=JobFamily.INVESTIGATIONS
        ),
    ]
    make_psp(agency, "7006", division="INV", status=Status.ON_LEAVE)
    return psps


@pytest.fixture
def access_code(agency: Agency) -> str:
    coordinator = p.make_user("access-coord", agency, Role.COORDINATOR)
    _link, code = services.access_link_rotate(
        agency=agency, by=coordinator, now=datetime.now(tz=UTC)
    )
    return code


def employee_of(psp: PeerSupporter) -> Employee:
    return psp.employee
