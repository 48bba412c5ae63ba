"""Reads for the steering committee (2011 §3.2) and clinical oversight (2011 §3.4)."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from peerline.agencies.models import Agency
from peerline.clinical.models import Consultation, ConsultationOutcome, ConsultationReason
from peerline.clinical.selectors import holes
from peerline.contacts.models import Activity, Contact, PriorContacts, Referral
from peerline.team.models import PeerSupporter, StatusChange
from peerline.team.selectors import status_counts
from peerline.training.compliance import LOOKBACK, ON_TEAM, Quarter, TeamHistory

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


def _ever_on_team(agency: Agency) -> list[PeerSupporter]:
    """The PSPs whose status was ever active or on leave (their status now or one in their
    history): only they can have a quarter on the team. The candidates who never served (2,200
    at 50,000 employees) are not read, nor anyone's name: these are counts (issue 18)."""
    served = StatusChange.objects.filter(peer_supporter=OuterRef("pk"), to_status__in=ON_TEAM)
    return list(
        PeerSupporter.objects.filter(agency=agency)
        .filter(Q(status__in=ON_TEAM) | Exists(served))
        .only("pk", "agency_id", "status", "status_since")
        .order_by()  # not by name: that would join the whole roster
    )


def training_completion(agency: Agency, today: date) -> tuple[str, int, int]:
    """(last ended quarter, PSPs with a requirement in it, those who completed their pro-rated
    hours) (2011 §8.2): `team_compliance`'s figures for that quarter, without the runs of
    quarters behind, so only that quarter's hours are read. Their rows are read by agency, not
    by a list of 1,456 ids (at 50,000 employees), which psycopg parses each time (issue 18)."""
    quarter = Quarter.of(today).shift(-1)
    history = TeamHistory(
        agency, _ever_on_team(agency), quarter.first, quarter.last, whole_team=True
    )
    standings = [history.standing(psp, quarter, today) for psp in history.psps]
    required = [s for s in standings if s.on_team and s.has_requirement]
    return quarter.label, len(required), sum(s.compliant for s in required)


def training_summary(agency: Agency, today: date) -> TrainingSummary:
    """`team_compliance` of the last ended quarter as counts (2011 §8.2, §4.3), read for the
    PSPs who ever served only, and the runs of quarters behind counted only for those on the
    team now (a reminder or a flag needs that; issue 18)."""
    quarter = Quarter.of(today).shift(-1)
    # The window `team_compliance` reads for that quarter: `LOOKBACK` quarters back, to the end
    # of the current one.
    first, last = quarter.shift(-LOOKBACK + 1).first, Quarter.of(today).last
    history = TeamHistory(agency, _ever_on_team(agency), first, last, whole_team=True)
    required = compliant = reminders = flagged = 0
    for psp in history.psps:
        standing = history.standing(psp, quarter, today)
        if not standing.on_team:
            continue
        if standing.has_requirement:
            required += 1
            compliant += standing.compliant
        if psp.status in ON_TEAM:
            run = history.consecutive_behind(psp, quarter, today)
            reminders += run == 1
            flagged += run >= 2
    return TrainingSummary(
        quarter=quarter.label,
        required=required,
        compliant=compliant,
        reminders=reminders,
        flagged=flagged,
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
    # Counted by the database, one row per activity type: the quarter's contacts (2,400 at
    # 50,000 employees) are never read one by one (issue 18).
    flags = {
        "not_explained": Q(limits_explained=False),
        "exceptions": Q(exception__isnull=False),
        "conflict": Q(role_conflict=True),
        "repeat": Q(prior_contacts=PriorContacts.FOUR_PLUS),
        **{f"to_{r}": Q(**{f"referral_{r}": True}) for r in Referral.values},
    }
    by_activity = list(
        Contact.objects.filter(agency=agency, period=quarter.label)
        .values("activity")
        .annotate(n=Count("pk"), **{k: Count("pk", filter=q) for k, q in flags.items()})
        .order_by()
    )
    totals: Counter[str] = Counter()
    for row in by_activity:
        totals.update({k: row[k] for k in ("n", *flags)})
    activity = Counter({row["activity"]: row["n"] for row in by_activity})
    referrals = Counter({r: totals[f"to_{r}"] for r in Referral.values})
    consultations = Consultation.objects.filter(
        agency=agency, month__gte=quarter.first, month__lte=quarter.last
    ).order_by()
    reasons = Counter(dict(consultations.values_list("reason").annotate(n=Count("pk"))))
    outcomes = Counter(dict(consultations.values_list("outcome").annotate(n=Count("pk"))))
    gaps = holes(agency=agency, start=now, days=30)
    year_ago = today - timedelta(days=365)
    meetings = Meeting.objects.filter(agency=agency, held_on__gt=year_ago, held_on__lte=today)
    latest = meetings.order_by("-held_on").values_list("held_on", flat=True).first()
    return AdvisorSummary(
        quarter=quarter.label,
        team=[Tally(label, n) for _, label, n in status_counts(agency) if n],
        training=training_summary(agency, today),
        contacts=totals["n"],
        activities=_tallies(activity, Activity.choices),
        referrals=_tallies(referrals, Referral.choices),
        limits_not_explained=totals["not_explained"],
        exceptions_invoked=totals["exceptions"],
        role_conflicts=totals["conflict"],
        repeat_contacts=totals["repeat"],
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
