"""Builders for the team's tests: people with log-ins, and PSPs put straight into a status."""

from datetime import date, timedelta

from django.utils import timezone

from peerline.accounts.models import Membership, Role
from peerline.agencies.clock import local_today
from peerline.agencies.models import Employee
from peerline.team import selectors, services
from peerline.team.models import (
    AgreementSignature,
    Application,
    Decision,
    LeaveOfAbsence,
    LeaveReason,
    Outcome,
    PeerSupporter,
    RecommenderRelation,
    Recommends,
    Status,
    StatusChange,
)
from peerline.testing import personas as p


def today(agency) -> date:
    return local_today(agency)


def login_for(employee: Employee, *roles: Role):
    """A log-in linked to `employee`, with `roles` (default: employee) in their agency."""
    return p.make_user(
        f"user-{employee.employee_number}-{employee.agency.code}".lower(),
        employee.agency,
        *(roles or (Role.EMPLOYEE,)),
        employee=employee,
    )


def psp_in(
    status: str,
    employee: Employee,
    *,
    served: bool = True,
    signed: bool = True,
    trained: bool = True,
    selected: bool = True,
    days_ago: int = 60,
) -> PeerSupporter:
    """A PSP put straight into `status` with a plausible history (a test's starting point)."""
    agency = employee.agency
    if employee.user_id is None:
        login_for(employee)
        employee.refresh_from_db()
    since = today(agency) - timedelta(days=days_ago)
    psp = PeerSupporter.objects.create(
        agency=agency,
        employee=employee,
        status=status,
        status_since=since,
        initial_training_on=since - timedelta(days=5) if trained else None,
    )
    application = Application.objects.create(
        peer_supporter=psp,
        submitted_at=timezone.now() - timedelta(days=days_ago + 30),
        statement="I want to help.",
    )
    StatusChange.objects.create(
        peer_supporter=psp,
        to_status=Status.CANDIDATE,
        effective_on=since - timedelta(days=30),
        reason="Volunteered",
    )
    if status == Status.CANDIDATE:
        if selected:
            Decision.objects.create(
                application=application,
                outcome=Outcome.SELECTED,
                reasons="Strong panel.",
                decided_at=timezone.now(),
            )
    else:
        Decision.objects.create(
            application=application,
            outcome=Outcome.SELECTED if served else Outcome.NOT_SELECTED,
            reasons="Decided.",
            decided_at=timezone.now(),
        )
        if served:
            StatusChange.objects.create(
                peer_supporter=psp,
                from_status=Status.CANDIDATE,
                to_status=Status.ACTIVE,
                effective_on=since - timedelta(days=10),
                reason="Onboarding complete",
            )
        if status != Status.ACTIVE:
            StatusChange.objects.create(
                peer_supporter=psp,
                from_status=Status.ACTIVE if served else Status.CANDIDATE,
                to_status=status,
                effective_on=since,
                reason="Set up by the test",
            )
    if status == Status.ON_LEAVE:
        LeaveOfAbsence.objects.create(
            peer_supporter=psp,
            starts_on=since,
            expected_return=since + timedelta(days=90),
            reason=LeaveReason.FAMILY,
        )
    if status in (Status.ACTIVE, Status.ON_LEAVE):
        Membership.objects.create(user_id=employee.user_id, agency=agency, role=Role.PEER_SUPPORTER)
    if signed:
        AgreementSignature.objects.create(
            peer_supporter=psp,
            agreement=selectors.current_agreement(agency),
            signed_by_id=employee.user_id,
            signed_at=timezone.now(),
            typed_name=employee.full_name,
        )
    return psp


def selected_candidate(employee: Employee, coordinator, recommender) -> PeerSupporter:
    """A volunteer taken through selection by the services, up to a "selected" decision."""
    if employee.user_id is None:
        login_for(employee)
        employee.refresh_from_db()
    application = services.volunteer(
        employee=employee, statement="I want to help.", by=employee.user, now=timezone.now()
    )
    services.check_eligibility(application=application, eligible=True, note="", by=coordinator)
    rec = services.request_recommendation(
        application=application,
        recommender=recommender,
        relation=RecommenderRelation.SUPERIOR,
        by=coordinator,
    )
    services.answer_recommendation(
        recommendation=rec, recommends=Recommends.YES, comments="", by=recommender
    )
    services.decide(
        application=application, outcome=Outcome.SELECTED, reasons="Good.", by=coordinator
    )
    return application.peer_supporter


def sign(psp: PeerSupporter) -> None:
    services.sign_agreement(
        peer_supporter=psp,
        agreement=selectors.current_agreement(psp.agency),
        typed_name=psp.employee.full_name,
        by=psp.employee.user,
        now=timezone.now(),
    )


def has_role(psp: PeerSupporter) -> bool:
    return Membership.objects.filter(
        user_id=psp.employee.user_id, agency=psp.agency, role=Role.PEER_SUPPORTER
    ).exists()
