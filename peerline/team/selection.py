"""Selection: volunteering, eligibility, recommendations, the interview panel and the decision
(2011 §4.1, §4.2). Public through `services`, which re-exports every function here.
"""

from collections.abc import Callable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from peerline.accounts import policy
from peerline.accounts.models import Role, User
from peerline.agencies import chain, clock
from peerline.agencies.clock import local_today
from peerline.agencies.models import Employee
from peerline.audit.services import record

from .models import (
    CONSIDERATIONS,
    Application,
    Decision,
    Interview,
    InterviewScore,
    Outcome,
    PanelRole,
    PeerSupporter,
    Recommendation,
    RecommenderRelation,
    Recommends,
)
from .status import (
    NEW,
    ON_THE_TEAM,
    S,
    TeamError,
    display_name,
    lock,
    write_change,
)


@transaction.atomic
def volunteer(*, employee: Employee, statement: str, by: User | None, now: datetime) -> Application:
    """An employee volunteers with a short statement (2011 §4.1: PSPs are volunteers).

    Eligibility is not a gate here: the coordinator sees the facts (`selectors.eligibility_facts`)
    and records the check with `check_eligibility`.
    """
    peer_supporter = PeerSupporter.objects.filter(employee=employee).first()
    if peer_supporter is not None:
        lock(peer_supporter)
    statement = _check_volunteer(
        employee=employee,
        statement=statement,
        status=peer_supporter.status if peer_supporter else NEW,
    )
    if peer_supporter is None:
        peer_supporter = PeerSupporter(
            agency=employee.agency,
            employee=employee,
            status_since=clock.local_today(employee.agency, now),
        )
    write_change(
        peer_supporter=peer_supporter,
        to=S.CANDIDATE,
        reason="Volunteered",
        by=by,
        on=clock.local_today(employee.agency, now),
    )
    return Application.objects.create(
        peer_supporter=peer_supporter, submitted_at=now, statement=statement
    )


def _check_volunteer(*, employee: Employee, statement: str, status: str) -> str:
    """The rules of volunteering, shared by `volunteer` and `volunteer_many`: `status` is the
    employee's on the team (`NEW` before any application). Returns the statement as kept."""
    statement = statement.strip()
    if not statement:
        raise TeamError("Write a few words on why you want to serve as a peer supporter.")
    if employee.separated_on is not None:
        raise TeamError("Only a current employee of the agency can volunteer (2011 §4.1).")
    if status == S.CANDIDATE:
        raise TeamError("There is already an application in progress.")
    if status in ON_THE_TEAM:
        raise TeamError("Already on the peer support team.")
    if status == S.ALUMNI:
        raise TeamError(
            "A former member (alumni) cannot apply again here: ask the program coordinator."
        )
    return statement


def _open(application: Application) -> None:
    """Refuse work on an application that is withdrawn or already decided."""
    _check_open(
        withdrawn=application.withdrawn_at is not None,
        decided=lambda: Decision.objects.filter(application=application).exists(),
    )


def _check_open(*, withdrawn: bool, decided: Callable[[], bool]) -> None:
    """The rule of `_open`, shared with the batch forms (`selection_many`), which read whether
    each application is decided for the whole batch at once."""
    if withdrawn:
        raise TeamError("This application was withdrawn.")
    if decided():
        raise TeamError("This application has been decided.")


def _eligible(application: Application) -> None:
    """Recommendations and the interview come after the eligibility check (2011 §4.1): nobody
    is asked about, or scored, a volunteer who may not serve (issue 17)."""
    if application.eligible is not True:
        raise TeamError(
            "Record the eligibility check first: recommendations and the interview are for an "
            "eligible volunteer (2011 §4.1)."
        )


@transaction.atomic
def check_eligibility(
    *,
    application: Application,
    eligible: bool,
    note: str,
    by: User | None,
    now: datetime | None = None,
) -> Application:
    """The coordinator records whether the volunteer is eligible: good standing and the agency's
    minimum service (2011 §4.1). `now` (default: this instant) is when: the demo's are past."""
    _open(application)
    application.eligible = eligible
    application.eligibility_note = note.strip()[:300]
    application.eligibility_checked_at = now or timezone.now()
    application.eligibility_checked_by = by
    application.save()
    _audit("selection.eligibility_checked", application, by, eligible=eligible)
    return application


@transaction.atomic
def withdraw(*, application: Application, by: User | None) -> Application:
    """The volunteer (or the coordinator for them) withdraws before activation: inactive."""
    if application.withdrawn_at is not None:
        raise TeamError("This application was already withdrawn.")
    peer_supporter = application.peer_supporter
    lock(peer_supporter)
    decision = Decision.objects.filter(application=application).first()
    if peer_supporter.status != S.CANDIDATE or (decision and decision.outcome != Outcome.SELECTED):
        raise TeamError("Only an application still in progress can be withdrawn.")
    application.withdrawn_at = timezone.now()
    application.save()
    write_change(
        peer_supporter=peer_supporter,
        to=S.INACTIVE,
        reason="Application withdrawn",
        by=by,
        on=max(local_today(peer_supporter.agency), peer_supporter.status_since),
    )
    return application


@transaction.atomic
def request_recommendation(
    *, application: Application, recommender: User, relation: str, by: User | None
) -> Recommendation:
    """Ask a superior or a peer for a recommendation (2011 §4.1); they answer on their own
    log-in at the request's page."""
    _open(application)
    _check_request(
        application=application,
        recommender=recommender,
        relation=relation,
        volunteer_user_id=application.peer_supporter.employee.user_id,
        holds=lambda: policy.holds(recommender, application.peer_supporter.agency_id),
    )
    try:
        with transaction.atomic():
            recommendation = Recommendation.objects.create(
                application=application, recommender=recommender, relation=relation
            )
    except IntegrityError:
        raise TeamError(ALREADY_ASKED) from None
    _audit("selection.recommendation_requested", application, by, relation=relation)
    return recommendation


def _check_request(
    *,
    application: Application,
    recommender: User,
    relation: str,
    volunteer_user_id: int | None,
    holds: Callable[[], bool],
) -> None:
    """The rules of asking for a recommendation after `_open`, shared by
    `request_recommendation` and `request_recommendations`."""
    _eligible(application)
    if relation not in RecommenderRelation.values:
        raise TeamError("Choose superior or peer.")
    if recommender.pk == volunteer_user_id:
        raise TeamError("A volunteer cannot recommend themselves.")
    if not holds():
        raise TeamError("The recommender must be a user of this agency.")


ALREADY_ASKED = "A recommendation was already asked of this person."


@transaction.atomic
def answer_recommendation(
    *,
    recommendation: Recommendation,
    recommends: str,
    comments: str,
    by: User,
    now: datetime | None = None,
) -> Recommendation:
    """The recommender answers, once (2011 §4.1); `now` as in `check_eligibility`."""
    _check_answer(
        recommendation=recommendation,
        recommends=recommends,
        by=by,
        open_=lambda: _open(recommendation.application),
    )
    recommendation.recommends = recommends
    recommendation.comments = comments.strip()
    recommendation.answered_at = now or timezone.now()
    recommendation.save()
    return recommendation


def _check_answer(
    *, recommendation: Recommendation, recommends: str, by: User, open_: Callable[[], None]
) -> None:
    """The rules of answering, shared by `answer_recommendation` and `answer_recommendations`
    (`open_` refuses a withdrawn or decided application, as `_open` does)."""
    if by.pk != recommendation.recommender_id:
        raise TeamError("Only the person asked can answer this recommendation.")
    if recommendation.answered_at is not None:
        raise TeamError("This recommendation has already been answered.")
    open_()
    if recommends not in Recommends.values:
        raise TeamError("Choose one of the answers.")


def _audit(action: str, application: Application, by: User | None, **detail: str | int) -> None:
    record(
        action,
        by=by,
        agency=application.peer_supporter.agency_id,
        target=f"application:{application.pk}",
        detail=detail,
    )


# The role a panelist must hold in the agency for each seat (2011 §4.1: PSPs and the MHP).
SEAT_ROLE = {
    PanelRole.PSP: Role.PEER_SUPPORTER,
    PanelRole.MHP: Role.CLINICAL_ADVISOR,
    PanelRole.COORDINATOR: Role.COORDINATOR,
}


@transaction.atomic
def set_panel(
    *,
    application: Application,
    members: list[tuple[User, str]],
    scheduled_for: datetime | None,
    location: str,
    by: User | None,
) -> tuple[Interview, list[str]]:
    """Set the interview panel: peer supporters and the licensed mental health professional
    (2011 §4.1). Returns the interview and warnings that do not block (no MHP, no PSP, a
    panelist in the candidate's chain of command)."""
    _open(application)
    candidate = application.peer_supporter.employee
    seats = _check_panel(
        application=application,
        members=members,
        candidate=candidate,
        holds=lambda user, role: policy.holds(user, candidate.agency_id, role),
    )
    interview, _ = Interview.objects.get_or_create(application=application)
    interview.scheduled_for, interview.location = scheduled_for, location.strip()[:200]
    interview.save()
    for score in interview.scores.exclude(panelist_id__in=seats):
        _check_leaving(score)
        score.delete()
    kept = {s.panelist_id: s for s in interview.scores.all()}
    for user_pk, (user, role) in seats.items():
        if user_pk in kept:
            if kept[user_pk].panel_role != role:
                kept[user_pk].panel_role = role
                kept[user_pk].save(update_fields=["panel_role"])
        else:
            InterviewScore.objects.create(interview=interview, panelist=user, panel_role=role)
    _audit("selection.panel_set", application, by, panelists=len(seats))
    return interview, panel_warnings(interview)


def _check_panel(
    *,
    application: Application,
    members: list[tuple[User, str]],
    candidate: Employee,
    holds: Callable[[User, Role], bool],
) -> dict[int, tuple[User, str]]:
    """The rules of a panel after `_open`, shared by `set_panel` and `set_panels`: an eligible
    volunteer, at least one member, one seat each, not the candidate, each holding the seat's
    role in the agency (`holds`). Returns the seats by user id."""
    _eligible(application)
    if not members:
        raise TeamError("Choose at least one panel member.")
    seats: dict[int, tuple[User, str]] = {}
    for user, role in members:
        if user.pk in seats:
            raise TeamError(f"{display_name(user)} can hold only one seat on the panel.")
        if user.pk == candidate.user_id:
            raise TeamError("The candidate cannot sit on their own panel.")
        if not holds(user, SEAT_ROLE[PanelRole(role)]):
            raise TeamError(
                f"{display_name(user)} does not hold the role for that seat in this agency."
            )
        seats[user.pk] = (user, role)
    return seats


def _check_leaving(score: InterviewScore) -> None:
    """A panelist who has scored stays on the panel (`set_panel`, `set_panels`)."""
    if score.submitted_at is not None:
        raise TeamError(
            f"{display_name(score.panelist)} has already scored: keep them on the panel."
        )


def panel_warnings(interview: Interview) -> list[str]:
    candidate = interview.application.peer_supporter.employee
    # By the panelists' ids alone (a unique index): filtered on the agency too, SQLite walked
    # the agency's whole roster, a tenth of a second per panel at 50,000 employees.
    panelists = list(interview.scores.values_list("panelist_id", flat=True))
    return _panel_warnings(
        roles={score.panel_role for score in interview.scores.all()},
        candidate=candidate,
        panel_employees=list(Employee.objects.filter(user_id__in=panelists)),
    )


def _panel_warnings(
    *, roles: set[str], candidate: Employee, panel_employees: list[Employee]
) -> list[str]:
    """What `panel_warnings` says of a panel of `roles` whose panelists have the employee
    records `panel_employees` (in the roster's order), shared with `set_panels`."""
    warnings = []
    if PanelRole.MHP not in roles:
        warnings.append(
            "The panel has no licensed mental health professional: 2011 §4.1 suggests the "
            "program's clinical advisor sits on it."
        )
    if PanelRole.PSP not in roles:
        warnings.append(
            "The panel has no peer supporter: 2011 §4.1 suggests team members sit on it."
        )
    for employee in panel_employees:
        if employee.agency_id != candidate.agency_id:
            continue
        if (
            candidate.chain_path
            and employee.chain_path
            and chain.in_chain_of_command(employee, candidate)
        ):
            warnings.append(
                f"{employee.full_name} is in the candidate's chain of command: consider another "
                "panelist (2011 §7.2)."
            )
    return warnings


@transaction.atomic
def submit_score(
    *,
    score: InterviewScore,
    values: dict[str, int],
    comments: str,
    by: User,
    now: datetime | None = None,
) -> InterviewScore:
    """A panelist scores each consideration of 2011 §4.2 from 1 to 5; they may change their
    sheet until the decision is made. `now` as in `check_eligibility`."""
    _check_score(
        score=score,
        values=values,
        by=by,
        application=lambda: score.interview.application,
        open_=lambda: _open(score.interview.application),
    )
    for name, _ in CONSIDERATIONS:
        setattr(score, name, values[name])
    score.comments = comments.strip()
    score.submitted_at = now or timezone.now()
    score.save()
    return score


def _check_score(
    *,
    score: InterviewScore,
    values: dict[str, int],
    by: User,
    application: Callable[[], Application],
    open_: Callable[[], None],
) -> None:
    """The rules of a score sheet, shared by `submit_score` and `submit_scores`."""
    if by.pk != score.panelist_id:
        raise TeamError("Only the panelist can fill in their own score sheet.")
    open_()
    _eligible(application())
    for name, label in CONSIDERATIONS:
        value = values.get(name)
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise TeamError(f"Score “{label}” from 1 to 5 (2011 §4.2).")


@transaction.atomic
def decide(
    *,
    application: Application,
    outcome: str,
    reasons: str,
    by: User | None,
    now: datetime | None = None,
) -> Decision:
    """Record the selection decision with its reasons (2011 §4.1, §4.2).

    Not selected: the candidate becomes inactive, with the reasons. Selected: they stay a
    candidate until onboarding is complete (`activate`). Selection needs an eligible volunteer
    with at least one favourable recommendation (2011 §4.1). `now` as in `check_eligibility`.
    """
    _open(application)
    reasons = _check_decision_input(reasons=reasons, outcome=outcome)
    peer_supporter = application.peer_supporter
    lock(peer_supporter)
    _check_decision(
        application=application,
        outcome=outcome,
        status=peer_supporter.status,
        favourable=lambda: (
            application.recommendations.filter(answered_at__isnull=False)
            .exclude(recommends=Recommends.NO)
            .exists()
        ),
    )
    decision = Decision.objects.create(
        application=application,
        outcome=outcome,
        reasons=reasons,
        decided_at=now or timezone.now(),
        decided_by=by,
    )
    _audit("selection.decided", application, by, outcome=outcome)
    if outcome == Outcome.NOT_SELECTED:
        write_change(
            peer_supporter=peer_supporter,
            to=S.INACTIVE,
            reason=f"Not selected: {reasons}",
            by=by,
            on=max(local_today(peer_supporter.agency), peer_supporter.status_since),
        )
    return decision


def _check_decision_input(*, reasons: str, outcome: str) -> str:
    """What the decision says, checked after `_open` and before the candidate's row is locked
    (`decide`, `decide_many`). Returns the reasons as kept."""
    reasons = reasons.strip()
    if not reasons:
        raise TeamError("Give the reasons for the decision.")
    if outcome not in Outcome.values:
        raise TeamError("Choose selected or not selected.")
    return reasons


def _check_decision(
    *, application: Application, outcome: str, status: str, favourable: Callable[[], bool]
) -> None:
    """The rules of a decision on the locked candidate, shared by `decide` and `decide_many`:
    a candidate; selection needs an eligible volunteer with at least one favourable
    recommendation (2011 §4.1)."""
    if status != S.CANDIDATE:
        raise TeamError("Only a candidate's application can be decided.")
    if outcome == Outcome.SELECTED:
        if application.eligible is not True:
            raise TeamError(
                "Record the eligibility check first: a PSP is a volunteer in good standing "
                "(2011 §4.1)."
            )
        if not favourable():
            raise TeamError(
                "A PSP is selected with a recommendation from a superior or a peer (2011 §4.1): "
                "none has been received in favour yet."
            )
