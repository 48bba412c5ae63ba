"""Reads for the steering committee (2011 §3.2) and clinical oversight (2011 §3.4)."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from peerline.agencies.models import Agency
from peerline.clinical.models import Consultation, ConsultationOutcome, ConsultationReason
from peerline.clinical.selectors import holes
from peerline.contacts.models import Activity, Contact, PriorContacts, Referral
from peerline.team.selectors import status_counts
from peerline.training.compliance import Quarter, team_compliance

from .models import AdvisorScope, Meeting, Seat, SteeringCommitteeMember


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


# -- the clinical advisor's oversight summary (2011 §3.4, §5; 2006 Administration 4) -------------


@dataclass(frozen=True)
class Tally:
    label: str
    count: int


@dataclass(frozen=True)
class AdvisorSummary:
    """What the clinical advisor oversees, as counts for the agency as a whole: never a person
    supported, never a PSP's own figures (2011 §3.4, §6.7). The last ended quarter."""

    quarter: str
    team: list[Tally]
    training: TrainingSummary
    contacts: int
    activities: list[Tally]
    referrals: list[Tally]
    limits_not_explained: int
    exceptions_invoked: int
    role_conflicts: int
    repeat_contacts: int  # contacts with a person seen four or more times before (2011 §7.3)
    consultations: list[Tally]
    outcomes: list[Tally]
    on_call_holes: int
    on_call_hours_uncovered: float
    meetings: int
    last_meeting: date | None
    scope_agreed: bool


def _tallies(counts: Counter[str], choices: Any) -> list[Tally]:
    return [Tally(label, counts[value]) for value, label in choices if counts[value]]


def advisor_summary(agency: Agency, today: date, now: datetime) -> AdvisorSummary:
    quarter = Quarter.of(today).shift(-1)
    contacts = Contact.objects.filter(agency=agency, period=quarter.label)
    rows = list(
        contacts.values(
            "activity", "limits_explained", "exception_id", "role_conflict", "prior_contacts",
            *[f"referral_{r}" for r in Referral.values],
        )
    )  # fmt: skip
    activity = Counter(row["activity"] for row in rows)
    referrals = Counter(r for row in rows for r in Referral.values if row[f"referral_{r}"])
    consultations = Consultation.objects.filter(
        agency=agency, month__gte=quarter.first, month__lte=quarter.last
    )
    reasons = Counter(consultations.values_list("reason", flat=True))
    outcomes = Counter(consultations.values_list("outcome", flat=True))
    gaps = holes(agency=agency, start=now, days=30)
    year_ago = today - timedelta(days=365)
    meetings = Meeting.objects.filter(agency=agency, held_on__gt=year_ago, held_on__lte=today)
    latest = meetings.order_by("-held_on").values_list("held_on", flat=True).first()
    return AdvisorSummary(
        quarter=quarter.label,
        team=[Tally(label, n) for _, label, n in status_counts(agency) if n],
        training=training_summary(agency, today),
        contacts=len(rows),
        activities=_tallies(activity, Activity.choices),
        referrals=_tallies(referrals, Referral.choices),
        limits_not_explained=sum(not row["limits_explained"] for row in rows),
        exceptions_invoked=sum(row["exception_id"] is not None for row in rows),
        role_conflicts=sum(row["role_conflict"] for row in rows),
        repeat_contacts=sum(row["prior_contacts"] == PriorContacts.FOUR_PLUS for row in rows),
        consultations=_tallies(reasons, ConsultationReason.choices),
        outcomes=_tallies(outcomes, ConsultationOutcome.choices),
        on_call_holes=len(gaps),
        on_call_hours_uncovered=round(
            sum((end - begin).total_seconds() for begin, end in gaps) / 3600, 1
        ),
        meetings=meetings.count(),
        last_meeting=latest,
        scope_agreed=agreed_scope(agency) is not None,
    )
