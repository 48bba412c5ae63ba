"""Reads of the team: the roster by status, reminders, what is asked of a person (2011 §4)."""

import enum
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
)

from peerline.accounts import policy
from peerline.accounts.models import Role, User
from peerline.agencies.models import Agency, Employee

from .models import (
    CONSIDERATIONS,
    AgreementSignature,
    Application,
    ConfidentialityAgreement,
    Decision,
    InterviewScore,
    LeaveOfAbsence,
    Outcome,
    PanelRole,
    PeerSupporter,
    Recommendation,
    Status,
)

# 2011 §7.4, in plain words: shown to a PSP who supervises others and to the coordinator.
SUPERVISOR_GUIDANCE = [
    "A supervisor keeps every reporting duty of the job while serving as a peer supporter: "
    "sexual harassment, discrimination, a workplace injury and the like must still be reported "
    "as agency policy requires. Serving on the team does not set those duties aside.",
    "The agency weighs each supervisor's responsibilities before they serve, and whether "
    "supervisors should serve at all (2011 §7.4).",
    "A supervisor never gives peer support within their own chain of command, above or below: "
    "refer that person to another PSP, a chaplain or a mental health professional "
    "(2011 §7.2, §7.3).",
]


ITEM = re.compile(r"^\s*(\d+[.)]|[-*•])\s")


def paragraphs(text: str) -> list[str]:
    """The agreement's text as paragraphs: blank lines and numbered items start one, other line
    breaks are the author's wrapping, joined so the text reflows on a phone."""
    found: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        current: list[str] = []
        for line in block.splitlines():
            if ITEM.match(line) and current:
                found.append(" ".join(current))
                current = []
            if line.strip():
                current.append(line.strip())
        if current:
            found.append(" ".join(current))
    return found


def current_agreement(agency: Agency) -> ConfidentialityAgreement | None:
    """The version in force: the latest published (2011 §6.8)."""
    return ConfidentialityAgreement.objects.filter(agency=agency).order_by("-version").first()


class _Unread(enum.Enum):
    UNREAD = enum.auto()


# The default of the selectors below that take the current agreement: read it from the agency.
# A page that asks several of them reads it once and passes it as `current` (None when no
# version is published yet), not once per selector (issue 18).
UNREAD = _Unread.UNREAD
Current = ConfidentialityAgreement | None | _Unread


def _current(agency: Agency, current: Current) -> ConfidentialityAgreement | None:
    return current_agreement(agency) if current is UNREAD else current


def has_signed(peer_supporter: PeerSupporter, agreement: ConfidentialityAgreement | None) -> bool:
    return agreement is not None and peer_supporter.signatures.filter(agreement=agreement).exists()


def unsigned_current_q(agency: Agency, peer_supporter: str) -> Q:
    """`not has_signed(psp, current_agreement(agency))` in SQL, with `current_agreement` published:
    for the PSP at the path `peer_supporter` of the rows asked (2011 §6.8). The home page asks it
    in the query that loads the user's own row, not in three of its own (issue 18)."""
    current = ConfidentialityAgreement.objects.filter(agency=agency).order_by("-version")
    signed = AgreementSignature.objects.filter(
        peer_supporter=OuterRef(peer_supporter), agreement=Subquery(current.values("pk")[:1])
    )
    return Q(Exists(current)) & ~Q(Exists(signed))


def latest_application(peer_supporter: PeerSupporter) -> Application | None:
    return peer_supporter.applications.order_by("-submitted_at", "-pk").first()


def is_selected(peer_supporter: PeerSupporter) -> bool:
    """Their latest application was selected and not withdrawn (2011 §4.1)."""
    latest = latest_application(peer_supporter)
    return bool(
        latest
        and latest.withdrawn_at is None
        and Decision.objects.filter(application=latest, outcome=Outcome.SELECTED).exists()
    )


def supervises_others(employee: Employee) -> bool:
    """Has current direct reports: the guidance of 2011 §7.4 applies."""
    return employee.direct_reports.filter(separated_on__isnull=True).exists()


def _supervises() -> Exists:
    return Exists(
        Employee.objects.filter(supervisor_id=OuterRef("employee_id"), separated_on__isnull=True)
    )


def team_roster(
    agency: Agency, status: str | None = None, *, current: Current = UNREAD
) -> QuerySet[PeerSupporter]:
    """The agency's PSPs, whatever their status, each marked if they supervise others (§7.4)
    and whether they signed the current agreement (§6.8)."""
    current = _current(agency, current)
    found = (
        PeerSupporter.objects.filter(agency=agency)
        .select_related("employee__division", "employee__shift")
        .annotate(
            supervises=_supervises(),
            signed_current=Exists(
                AgreementSignature.objects.filter(peer_supporter=OuterRef("pk"), agreement=current)
            ),
        )
    )
    return found.filter(status=status) if status else found


def status_counts(agency: Agency) -> list[tuple[str, str, int]]:
    """(status, label, count) for every status, zeros included."""
    counts = dict(
        PeerSupporter.objects.filter(agency=agency)
        .order_by()  # the default order by name joins every member's employee row for nothing
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return [(status.value, status.label, counts.get(status.value, 0)) for status in Status]


def leaves_due_back(agency: Agency, today: date, within_days: int = 7) -> list[LeaveOfAbsence]:
    """Open leaves whose expected return is past or within `within_days`: the coordinator's
    reminder to get in touch (2011 §4.4). Each has `overdue` set."""
    leaves = list(
        LeaveOfAbsence.objects.filter(
            peer_supporter__agency=agency,
            peer_supporter__status=Status.ON_LEAVE,
            returned_on__isnull=True,
            expected_return__lte=today + timedelta(days=within_days),
        )
        .select_related("peer_supporter__employee")
        .order_by("expected_return", "pk")
    )
    for leave in leaves:
        leave.overdue = leave.expected_return < today  # type: ignore[attr-defined]
    return leaves


@dataclass(frozen=True)
class Eligibility:
    """The facts the coordinator checks (2011 §4.1: good standing; the agency's minimum)."""

    good_standing: bool
    hire_date: date | None
    months_of_service: int | None
    min_service_months: int
    separation_date: date | None
    separation_kind: str

    @property
    def meets_service(self) -> bool | None:
        if self.months_of_service is None:
            return None
        return self.months_of_service >= self.min_service_months

    @property
    def looks_eligible(self) -> bool | None:
        if not self.good_standing or self.meets_service is False:
            return False
        return self.meets_service


def months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return max(0, months - (1 if end.day < start.day else 0))


def eligibility_facts(employee: Employee, today: date) -> Eligibility:
    return Eligibility(
        good_standing=employee.good_standing,
        hire_date=employee.hire_date,
        months_of_service=months_between(employee.hire_date, today) if employee.hire_date else None,
        min_service_months=employee.agency.min_service_months,
        separation_date=employee.separation_date,
        separation_kind=employee.get_separation_kind_display() if employee.separation_kind else "",
    )


def _with_progress(applications: QuerySet[Application]) -> QuerySet[Application]:
    return applications.select_related(
        "peer_supporter__employee__division", "decision", "interview"
    ).prefetch_related(
        "recommendations",
        Prefetch("interview__scores", queryset=InterviewScore.objects.order_by("pk")),
        "peer_supporter__signatures",
    )


class Step(models.IntegerChoices):
    """Where an application in progress stands (2011 §4.1): each step's words, in the order
    they are checked. `COORDINATORS` are the coordinator's move; the others wait on someone else
    (the candidate, a recommender, a panelist)."""

    NOT_SELECTED = 1, "Not selected"
    AWAITING_SIGNATURE = 2, "Selected: waiting for the agreement to be signed"
    RECORD_TRAINING = 3, "Selected: record the initial training"
    READY = 4, "Ready to activate"
    CHECK_ELIGIBILITY = 5, "Check eligibility"
    NOT_ELIGIBLE = 6, "Not eligible: record the decision"
    ASK_RECOMMENDATIONS = 7, "Ask for recommendations"
    AWAITING_RECOMMENDATIONS = 8, "Waiting for recommendations"
    SET_PANEL = 9, "Set the interview panel, or decide"
    AWAITING_SCORES = 10, "Waiting for score sheets"
    DECIDE = 11, "Decide"


COORDINATORS = frozenset(
    {
        Step.RECORD_TRAINING,
        Step.READY,
        Step.CHECK_ELIGIBILITY,
        Step.NOT_ELIGIBLE,
        Step.ASK_RECOMMENDATIONS,
        Step.SET_PANEL,
        Step.DECIDE,
    }
)


def _step(current: ConfidentialityAgreement | None) -> Case:
    """The application's `Step`, in SQL: so the coordinator's count and a page of the list are
    one query each however many candidates there are (issue 18: 2,200 at 50,000 employees)."""
    signed = Exists(
        AgreementSignature.objects.filter(
            peer_supporter=OuterRef("peer_supporter"), agreement=current
        )
    )
    asked = Recommendation.objects.filter(application=OuterRef("pk"))
    seats = InterviewScore.objects.filter(interview__application=OuterRef("pk"))
    decided = Q(decision__isnull=False)
    return Case(
        When(decided & Q(decision__outcome=Outcome.NOT_SELECTED), then=Step.NOT_SELECTED),
        When(decided & ~signed, then=Step.AWAITING_SIGNATURE),
        When(decided & Q(peer_supporter__initial_training_on__isnull=True),
             then=Step.RECORD_TRAINING),
        When(decided, then=Step.READY),
        When(eligibility_checked_at__isnull=True, then=Step.CHECK_ELIGIBILITY),
        When(eligible=False, then=Step.NOT_ELIGIBLE),
        When(~Exists(asked), then=Step.ASK_RECOMMENDATIONS),
        When(~Exists(asked.filter(answered_at__isnull=False)),
             then=Step.AWAITING_RECOMMENDATIONS),
        When(~Exists(seats), then=Step.SET_PANEL),
        When(Exists(seats.filter(submitted_at__isnull=True)), then=Step.AWAITING_SCORES),
        default=Step.DECIDE,
        output_field=models.IntegerField(),
    )  # fmt: skip


def _count(rows: QuerySet[Any]) -> Subquery:
    return Subquery(
        rows.order_by().values("interview__application").annotate(n=Count("pk")).values("n"),
        output_field=models.IntegerField(),
    )


def _later() -> QuerySet[Application]:
    """The same volunteer's applications later than the outer one (in `latest_application`'s
    order): "the latest" is "none later", an anti-join PostgreSQL sizes well, where it guessed
    `pk = (the latest)` at a few rows and planned loops over 2,200 candidates (issue 18)."""
    return Application.objects.filter(peer_supporter=OuterRef("peer_supporter")).filter(
        Q(submitted_at__gt=OuterRef("submitted_at"))
        | Q(submitted_at=OuterRef("submitted_at"), pk__gt=OuterRef("pk"))
    )


def open_applications(
    agency: Agency, yours: bool | None = None, *, current: Current = UNREAD
) -> QuerySet[Application]:
    """Applications in progress (each candidate's latest, not withdrawn), oldest first, each
    annotated with its `step` (a `Step`); only those at the coordinator's move if `yours`, only
    those waiting on someone else if `yours is False`. `next_steps` words a page of them."""
    found = (
        Application.objects.filter(
            peer_supporter__agency=agency,
            peer_supporter__status=Status.CANDIDATE,
            withdrawn_at__isnull=True,
        )
        .exclude(Exists(_later()))
        .annotate(step=_step(_current(agency, current)))
        .order_by("submitted_at", "pk")
    )
    if yours is None:
        return found
    theirs = Q(step__in=COORDINATORS)
    return found.filter(theirs if yours else ~theirs)


def application_counts(agency: Agency, *, current: Current = UNREAD) -> tuple[int, int]:
    """(applications in progress, those waiting for the coordinator's next step), 2011 §4.1:
    one query, whatever the number of candidates."""
    found = open_applications(agency, current=current).aggregate(
        total=Count("pk"), yours=Count("pk", filter=Q(step__in=COORDINATORS))
    )
    return found["total"], found["yours"]


def waiting_for_coordinator(agency: Agency) -> int:
    """How many applications in progress wait for the coordinator's next step (2011 §4.1)."""
    return application_counts(agency)[1]


def next_steps(applications: QuerySet[Application]) -> list[Application]:
    """`applications` (from `open_applications`, a page of them) with what the list shows: the
    volunteer, `next_step` (words) and `needs_action` (the coordinator's move rather than
    someone else's). The score sheets still out are counted for the ones waiting on them.

    Two queries: the page's rows and steps in their order, then the people of those rows only
    (joined before the sort, each of 2,200 candidates' employee row was read, issue 18)."""
    steps = dict(applications.values_list("pk", "step"))  # type: ignore[misc]  # annotated
    order = {pk: n for n, pk in enumerate(steps)}
    seats = InterviewScore.objects.filter(interview__application=OuterRef("pk"))
    found: list[Application] = sorted(
        Application.objects.filter(pk__in=steps)
        .select_related("peer_supporter__employee__division")
        .annotate(
            seats=_count(seats), seats_waiting=_count(seats.filter(submitted_at__isnull=True))
        ),
        key=lambda application: order[application.pk],
    )
    for application in found:
        step = Step(steps[application.pk])
        words = step.label
        if step == Step.AWAITING_SCORES:
            waiting, total = application.seats_waiting, application.seats  # type: ignore[attr-defined]
            words = f"Waiting for {waiting} of {total} score sheets"
        application.next_step = words  # type: ignore[attr-defined]
        application.needs_action = step in COORDINATORS  # type: ignore[attr-defined]
    return found


def application_detail(agency: Agency) -> QuerySet[Application]:
    """Applications of the agency, with what their page shows."""
    return _with_progress(Application.objects.filter(peer_supporter__agency=agency))


def recommendations_for(user: User, agency: Agency) -> QuerySet[Recommendation]:
    """Every recommendation asked of `user` in `agency`, unanswered first."""
    return (
        Recommendation.objects.filter(recommender=user, application__peer_supporter__agency=agency)
        .select_related("application__peer_supporter__employee__division", "application__decision")
        .order_by(F("answered_at").desc(nulls_first=True), "-requested_at")
    )


def recommendations_pending_for(
    user: User, agency: Agency | None = None
) -> QuerySet[Recommendation]:
    """Recommendations asked of `user` and not yet answered, on applications still open."""
    found = Recommendation.objects.filter(
        recommender=user,
        answered_at__isnull=True,
        application__withdrawn_at__isnull=True,
        application__decision__isnull=True,
    ).select_related("application__peer_supporter__employee")
    if agency is not None:
        found = found.filter(application__peer_supporter__agency=agency)
    return found


def panel_seats_for(user: User, agency: Agency) -> QuerySet[InterviewScore]:
    return (
        InterviewScore.objects.filter(
            panelist=user, interview__application__peer_supporter__agency=agency
        )
        .select_related(
            "interview__application__peer_supporter__employee__division",
            "interview__application__decision",
        )
        .order_by(F("submitted_at").asc(nulls_first=True), "interview__scheduled_for", "pk")
    )


def panel_seats_pending_for(user: User, agency: Agency | None = None) -> QuerySet[InterviewScore]:
    """Score sheets `user` has still to fill in, on applications not yet decided (§4.1)."""
    found = InterviewScore.objects.filter(
        panelist=user,
        submitted_at__isnull=True,
        interview__application__withdrawn_at__isnull=True,
        interview__application__decision__isnull=True,
    ).select_related("interview__application__peer_supporter__employee")
    if agency is not None:
        found = found.filter(interview__application__peer_supporter__agency=agency)
    return found


@dataclass(frozen=True)
class ScoreRow:
    name: str
    label: str
    values: list[int | None]
    mean: float | None


def score_table(sheets: list[InterviewScore]) -> list[ScoreRow]:
    """Each consideration of 2011 §4.2 with every panelist's score and the mean of the
    submitted sheets."""
    rows = []
    for name, label in CONSIDERATIONS:
        values = [getattr(sheet, name) if sheet.submitted_at else None for sheet in sheets]
        given = [value for value in values if value is not None]
        rows.append(ScoreRow(name, label, values, sum(given) / len(given) if given else None))
    return rows


def agency_users(agency: Agency, exclude: int | None = None) -> QuerySet[User]:
    """Users with a role in the agency, for a recommendation request."""
    found = (
        policy.holders(agency)
        .select_related("employee")
        .order_by("last_name", "first_name", "username")
    )
    return found.exclude(pk=exclude) if exclude else found


PANEL_ROLES = {
    Role.PEER_SUPPORTER: PanelRole.PSP,
    Role.CLINICAL_ADVISOR: PanelRole.MHP,
    Role.COORDINATOR: PanelRole.COORDINATOR,
}


def panel_choices(agency: Agency, exclude: int | None = None) -> list[tuple[User, PanelRole]]:
    """Who may sit on an interview panel: the agency's PSPs, clinical advisors and coordinator."""
    order = list(PanelRole)
    found = [
        (user, PANEL_ROLES[role])
        for user, role in policy.holdings(agency, *PANEL_ROLES)
        if user.pk != exclude
    ]
    return sorted(found, key=lambda pair: order.index(pair[1]))


def unsigned_current(agency: Agency) -> list[PeerSupporter]:
    """Members (and selected candidates) who have not signed the current agreement (§6.8)."""
    return list(unsigned_current_query(agency))


def unsigned_current_query(agency: Agency, *, current: Current = UNREAD) -> QuerySet[PeerSupporter]:
    """`unsigned_current` as a query, by last name: to count them or show a page of them.

    One query whatever the size of the team: "selected" is `is_selected` written in SQL (the
    latest application, not withdrawn, with a decision to select), not asked per candidate.
    """
    current = _current(agency, current)
    selected = Exists(
        Application.objects.filter(
            peer_supporter=OuterRef("pk"),
            withdrawn_at__isnull=True,
            decision__outcome=Outcome.SELECTED,
        ).exclude(Exists(_later()))
    )
    # `NOT IN` a list PostgreSQL hashes once: the anti-join it planned without statistics
    # read the version's signatures once per member (issue 18).
    signed = AgreementSignature.objects.filter(agreement=current).values("peer_supporter")
    unsigned = (
        PeerSupporter.objects.filter(
            agency=agency, status__in=[Status.ACTIVE, Status.ON_LEAVE, Status.CANDIDATE]
        )
        .exclude(pk__in=signed)
        .filter(Q(status__in=[Status.ACTIVE, Status.ON_LEAVE]) | Q(selected))
        .select_related("employee")
        .order_by("employee__last_name", "employee__first_name", "pk")
    )
    return unsigned


def agreements_with_counts(agency: Agency) -> QuerySet[ConfidentialityAgreement]:
    return (
        ConfidentialityAgreement.objects.filter(agency=agency)
        .select_related("published_by")
        .annotate(signed=Count("signatures"))
        .order_by("-version")
    )
