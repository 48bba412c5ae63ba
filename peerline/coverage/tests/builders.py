"""Small hand-made agencies for the coverage tests: staff in bulk, PSPs, leaves, candidates."""

import random
from datetime import UTC, date, datetime, timedelta
from itertools import count

from peerline.agencies.models import Agency, Category, Employee, JobFamily
from peerline.coverage.recruitment import add_months
from peerline.team.models import Application, LeaveOfAbsence, PeerSupporter, Status

_numbers = count(50_000)


def staff(
    agency: Agency,
    n: int,
    *,
    shift: str | None = "DAY",
    division: str = "PATROL",
    category: str = Category.SWORN,
    job_family: str = JobFamily.PATROL,
    **fields,
) -> list[Employee]:
    """`n` employees of one cell (shift code None: no fixed shift)."""
    rows = [
        Employee(
            agency=agency,
            employee_number=str(next(_numbers)),
            first_name="Test",
            last_name=f"Person{number}",
            category=category,
            job_family=job_family,
            division=agency.divisions.get(code=division),
            shift=agency.shifts.get(code=shift) if shift else None,
            **fields,
        )
        for number in range(n)
    ]
    return Employee.objects.bulk_create(rows)


def psp(employee: Employee, status: str = Status.ACTIVE, since: date = date(2024, 1, 1)):
    return PeerSupporter.objects.create(
        agency=employee.agency, employee=employee, status=status, status_since=since
    )


def leave(peer_supporter: PeerSupporter, starts_on: date, expected_return: date, **fields):
    return LeaveOfAbsence.objects.create(
        peer_supporter=peer_supporter,
        starts_on=starts_on,
        expected_return=expected_return,
        reason="personal",
        **fields,
    )


def candidate(employee: Employee, *, days_ago: int = 10, **fields) -> Application:
    """A candidate with an open application submitted `days_ago` days before 2026-11-23."""
    supporter = psp(employee, Status.CANDIDATE)
    submitted = datetime(2026, 11, 23, 12, tzinfo=UTC) - timedelta(days=days_ago)
    return Application.objects.create(
        peer_supporter=supporter, submitted_at=submitted, statement="I want to help.", **fields
    )


def random_team(agency: Agency, *, today: date, active: int, candidates: int, seed: int) -> None:
    """Make `active` random employees active PSPs and `candidates` others candidates with an open
    application, all in good standing and staying at least a year; employees who already have a
    PSP row (the demo's own team) are left as they are."""
    horizon = add_months(today, 12)
    taken = set(PeerSupporter.objects.filter(agency=agency).values_list("employee_id", flat=True))
    free = [
        pk
        for pk, leaves in Employee.objects.filter(
            agency=agency, good_standing=True, separated_on__isnull=True
        ).values_list("pk", "separation_date")
        if pk not in taken and (leaves is None or leaves > horizon)
    ]
    rng = random.Random(seed)
    chosen = rng.sample(sorted(free), active + candidates)
    since = today - timedelta(days=400)
    PeerSupporter.objects.bulk_create(
        PeerSupporter(agency=agency, employee_id=pk, status=Status.ACTIVE, status_since=since)
        for pk in chosen[:active]
    )
    volunteers = PeerSupporter.objects.bulk_create(
        PeerSupporter(agency=agency, employee_id=pk, status=Status.CANDIDATE, status_since=today)
        for pk in chosen[active:]
    )
    start = datetime(today.year, today.month, today.day, tzinfo=UTC) - timedelta(days=90)
    Application.objects.bulk_create(
        Application(
            peer_supporter=volunteer,
            submitted_at=start + timedelta(minutes=rng.randrange(90 * 24 * 60)),
            statement="I want to help.",
        )
        for volunteer in volunteers
    )
