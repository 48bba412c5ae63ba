"""Reads for the steering committee (2011 §3.2) and clinical oversight (2011 §3.4)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from peerline.agencies.models import Agency
from peerline.training.compliance import Quarter, team_compliance

from .models import AdvisorScope, Seat, SteeringCommitteeMember


def current_members(agency: Agency, today: date) -> QuerySet[SteeringCommitteeMember]:
    return SteeringCommitteeMember.objects.filter(agency=agency, since__lte=today).filter(
        Q(until__isnull=True) | Q(until__gte=today)
    )


@dataclass(frozen=True)
class Requirement:
    text: str
    met: bool


@dataclass(frozen=True)
class Composition:
    requirements: list[Requirement]

    @property
    def met(self) -> bool:
        return all(r.met for r in self.requirements)

    @property
    def met_count(self) -> int:
        return sum(r.met for r in self.requirements)


def composition(agency: Agency, today: date) -> Composition:
    """The committee against 2011 §3.2: wide sworn and civilian representation, employee
    organizations and administrators, and a mental health professional licensed in the
    department's jurisdiction."""
    members = list(current_members(agency, today))
    seats = {m.seat for m in members}
    licensed_here = any(
        m.seat == Seat.LICENSED_MHP and m.licence_state.upper() == agency.state.upper()
        for m in members
    )
    return Composition(
        [
            Requirement("At least one sworn member", Seat.SWORN in seats),
            Requirement("At least one civilian member", Seat.CIVILIAN in seats),
            Requirement("An employee organization", Seat.EMPLOYEE_ORGANIZATION in seats),
            Requirement("Administration", Seat.ADMINISTRATION in seats),
            Requirement(f"A mental health professional licensed in {agency.state}", licensed_here),
        ]
    )


def current_scope(agency: Agency) -> AdvisorScope | None:
    return AdvisorScope.objects.filter(agency=agency).first()


def agreed_scope(agency: Agency) -> AdvisorScope | None:
    """The newest version both sides accepted."""
    return AdvisorScope.objects.filter(
        agency=agency, agency_accepted_at__isnull=False, advisor_accepted_at__isnull=False
    ).first()


@dataclass(frozen=True)
class TrainingSummary:
    """Counts only, for the committee that identifies training (2011 §8.1, §8.2)."""

    quarter: str
    required: int
    compliant: int
    reminders: int
    flagged: int


def training_summary(agency: Agency, today: date) -> TrainingSummary:
    quarter = Quarter.of(today).shift(-1)
    team = team_compliance(agency=agency, quarter=quarter, today=today)
    rows = [r for r in team.rows if r.standing.has_requirement]
    return TrainingSummary(
        quarter=quarter.label,
        required=len(rows),
        compliant=sum(r.standing.compliant for r in rows),
        reminders=len(team.reminders),
        flagged=len(team.flagged),
    )
