"""Selection: volunteering, eligibility, recommendations, the interview panel and the decision
(2011 §4.1, §4.2). Public through `services`, which re-exports every function here.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from peerline.accounts import policy
from peerline.accounts.models import Membership, Role, User
from peerline.agencies import chain, clock
from peerline.agencies.clock import local_today
from peerline.agencies.models import Employee
from peerline.audit.services import Entry, record, record_many

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
    StatusChange,
)
from .status import (
    NEW,
    ON_THE_TEAM,
    S,
    TeamError,
    check_change,
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


@dataclass(frozen=True)
class Volunteering:
    """One employee's application in `volunteer_many`: the fields `volunteer` takes."""

    employee: Employee
    statement: str
    by: User | None
    now: datetime


@transaction.atomic
def volunteer_many(*, volunteerings: list[Volunteering]) -> list[Application]:
    """Many employees volunteer at once (the demo's hundreds), each by the rules of `volunteer`
    (`_check_volunteer`, then `check_change`), written in a few inserts with the same status
    history, role and audit events. One refusal refuses them all: its message names the row and
    nothing is written. An employee listed twice is refused the second time, as a second
    `volunteer` would be. A former member whom `volunteer` takes back (inactive: stepped down or
    not selected; deselected, 2011 §4.3) comes back here too, their row changed as `volunteer`
    changes it, under the same rules (the date not before their status began); an alumnus is
    refused by both (2011 §4.1)."""
    employees = [v.employee for v in volunteerings]
    known = {
        psp.employee_id: psp
        for psp in PeerSupporter.objects.select_for_update().filter(employee__in=employees)
    }
    status = {employee_id: psp.status for employee_id, psp in known.items()}
    today = {e.agency_id: clock.local_today(e.agency) for e in employees}
    # (the row, its status before, the volunteering, the statement kept), in the batch's order.
    rows: list[tuple[PeerSupporter, str, Volunteering, str]] = []
    for n, v in enumerate(volunteerings, start=1):
        employee = v.employee
        day = clock.local_today(employee.agency, v.now)
        old = status.get(employee.pk, NEW)
        found = known.get(employee.pk)
        try:
            statement = _check_volunteer(employee=employee, statement=v.statement, status=old)
            check_change(
                old=old, to=S.CANDIDATE, reason="Volunteered", on=day,
                since=found.status_since if found is not None else None,
                today=today[employee.agency_id],
            )  # fmt: skip
        except TeamError as refused:
            raise TeamError(f"Volunteer {n}: {refused} Nothing was written.") from None
        status[employee.pk] = S.CANDIDATE
        if found is None:
            psp = PeerSupporter(
                agency_id=employee.agency_id, employee=employee, status=S.CANDIDATE,
                status_since=day,
            )  # fmt: skip
        else:
            psp = found
            psp.status, psp.status_since = S.CANDIDATE, day
        rows.append((psp, old, v, statement))
    PeerSupporter.objects.bulk_create([psp for psp, old, _, _ in rows if old == NEW])
    PeerSupporter.objects.bulk_update(
        [psp for psp, old, _, _ in rows if old != NEW], ["status", "status_since"]
    )
    # A candidate holds no peer_supporter role (`sync_membership`).
    for agency_id in today:
        Membership.objects.filter(
            agency_id=agency_id,
            role=Role.PEER_SUPPORTER,
            user_id__in=[e.user_id for e in employees if e.agency_id == agency_id and e.user_id],
        ).delete()
    StatusChange.objects.bulk_create(
        [
            StatusChange(peer_supporter=psp, from_status=old, to_status=S.CANDIDATE,
                         effective_on=psp.status_since, reason="Volunteered", recorded_by=v.by)
            for psp, old, v, _ in rows
        ]
    )  # fmt: skip
    record_many(
        [
            Entry("team.status_changed", by=v.by, agency=psp.agency_id,
                  target=f"peer_supporter:{psp.pk}", detail={"old": old, "new": S.CANDIDATE})
            for psp, old, v, _ in rows
        ]
    )  # fmt: skip
    return Application.objects.bulk_create(
        [
            Application(peer_supporter=psp, submitted_at=v.now, statement=statement)
            for psp, _, v, statement in rows
        ]
    )


def _open(application: Application) -> None:
    """Refuse work on an application that is withdrawn or already decided."""
    if application.withdrawn_at is not None:
        raise TeamError("This application was withdrawn.")
    if Decision.objects.filter(application=application).exists():
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
    _eligible(application)
    if relation not in RecommenderRelation.values:
        raise TeamError("Choose superior or peer.")
    if recommender.pk == application.peer_supporter.employee.user_id:
        raise TeamError("A volunteer cannot recommend themselves.")
    if not policy.holds(recommender, application.peer_supporter.agency_id):
        raise TeamError("The recommender must be a user of this agency.")
    try:
        with transaction.atomic():
            recommendation = Recommendation.objects.create(
                application=application, recommender=recommender, relation=relation
            )
    except IntegrityError:
        raise TeamError("A recommendation was already asked of this person.") from None
    _audit("selection.recommendation_requested", application, by, relation=relation)
    return recommendation


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
    if by.pk != recommendation.recommender_id:
        raise TeamError("Only the person asked can answer this recommendation.")
    if recommendation.answered_at is not None:
        raise TeamError("This recommendation has already been answered.")
    _open(recommendation.application)
    if recommends not in Recommends.values:
        raise TeamError("Choose one of the answers.")
    recommendation.recommends = recommends
    recommendation.comments = comments.strip()
    recommendation.answered_at = now or timezone.now()
    recommendation.save()
    return recommendation


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
    _eligible(application)
    if not members:
        raise TeamError("Choose at least one panel member.")
    candidate = application.peer_supporter.employee
    seats: dict[int, tuple[User, str]] = {}
    for user, role in members:
        if user.pk in seats:
            raise TeamError(f"{display_name(user)} can hold only one seat on the panel.")
        if user.pk == candidate.user_id:
            raise TeamError("The candidate cannot sit on their own panel.")
        if not policy.holds(user, candidate.agency_id, SEAT_ROLE[PanelRole(role)]):
            raise TeamError(
                f"{display_name(user)} does not hold the role for that seat in this agency."
            )
        seats[user.pk] = (user, role)
    interview, _ = Interview.objects.get_or_create(application=application)
    interview.scheduled_for, interview.location = scheduled_for, location.strip()[:200]
    interview.save()
    for score in interview.scores.exclude(panelist_id__in=seats):
        if score.submitted_at is not None:
            raise TeamError(
                f"{display_name(score.panelist)} has already scored: keep them on the panel."
            )
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


def panel_warnings(interview: Interview) -> list[str]:
    roles = {score.panel_role for score in interview.scores.all()}
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
    candidate = interview.application.peer_supporter.employee
    # By the panelists' ids alone (a unique index): filtered on the agency too, SQLite walked
    # the agency's whole roster, a tenth of a second per panel at 50,000 employees.
    panelists = list(interview.scores.values_list("panelist_id", flat=True))
    panel_employees = [
        employee
        for employee in Employee.objects.filter(user_id__in=panelists)
        if employee.agency_id == candidate.agency_id
    ]
    for employee in panel_employees:
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
    if by.pk != score.panelist_id:
        raise TeamError("Only the panelist can fill in their own score sheet.")
    _open(score.interview.application)
    _eligible(score.interview.application)
    for name, label in CONSIDERATIONS:
        value = values.get(name)
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise TeamError(f"Score “{label}” from 1 to 5 (2011 §4.2).")
        setattr(score, name, value)
    score.comments = comments.strip()
    score.submitted_at = now or timezone.now()
    score.save()
    return score


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
    reasons = reasons.strip()
    if not reasons:
        raise TeamError("Give the reasons for the decision.")
    if outcome not in Outcome.values:
        raise TeamError("Choose selected or not selected.")
    peer_supporter = application.peer_supporter
    lock(peer_supporter)
    if peer_supporter.status != S.CANDIDATE:
        raise TeamError("Only a candidate's application can be decided.")
    if outcome == Outcome.SELECTED:
        if application.eligible is not True:
            raise TeamError(
                "Record the eligibility check first: a PSP is a volunteer in good standing "
                "(2011 §4.1)."
            )
        favourable = application.recommendations.filter(answered_at__isnull=False).exclude(
            recommends=Recommends.NO
        )
        if not favourable.exists():
            raise TeamError(
                "A PSP is selected with a recommendation from a superior or a peer (2011 §4.1): "
                "none has been received in favour yet."
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
