"""Selection in batches: many applications at once, each row by the rules of its single form in
`selection` (2011 §4.1, §4.2). The demo's team of hundreds goes through these; they are public
through `services` like the rest.

Each batch form reads what its rules need for the whole batch in a few queries, checks every
row with the single form's own check (`_check_open`, `_check_request`, …) in the batch's order,
then writes in a few statements, with the same audit events, chained in the same order
(`record_many`). One refusal refuses the whole batch: its message names the row ("Decision 3:
…") and nothing is written. A row that acts again on a row earlier in the same batch is judged
as the single form would judge it after the earlier one (a second answer to a recommendation is
refused; a second decision on an application too).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from peerline.accounts import policy
from peerline.accounts.models import Membership, Role, User
from peerline.agencies import clock
from peerline.agencies.models import Employee
from peerline.audit.services import Entry, record_many

from .models import (
    Application,
    Decision,
    Outcome,
    PeerSupporter,
    Recommendation,
    Recommends,
    StatusChange,
)
from .selection import (
    ALREADY_ASKED,
    _check_answer,
    _check_decision,
    _check_decision_input,
    _check_open,
    _check_request,
    _check_volunteer,
)
from .status import NEW, S, TeamError, check_change, write_change


def _refused(kind: str, n: int, refused: TeamError) -> TeamError:
    return TeamError(f"{kind} {n}: {refused} Nothing was written.")


def _decided(application_ids: set[int]) -> set[int]:
    """Which of these applications have a decision (what `_open` asks one by one)."""
    return set(
        Decision.objects.filter(application_id__in=application_ids).values_list(
            "application_id", flat=True
        )
    )


def _audit_entry(action: str, application: Application, by: User | None, **detail: object) -> Entry:
    """The event `selection._audit` records for one application."""
    return Entry(
        action,
        by=by,
        agency=application.peer_supporter.agency_id,
        target=f"application:{application.pk}",
        detail=detail,
    )


# -- volunteering --------------------------------------------------------------------------------


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
            raise _refused("Volunteer", n, refused) from None
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


# -- eligibility ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EligibilityCheck:
    """One row of `check_eligibility_many`: the fields `check_eligibility` takes."""

    application: Application
    eligible: bool
    note: str
    by: User | None
    now: datetime | None = None


@transaction.atomic
def check_eligibility_many(*, checks: list[EligibilityCheck]) -> list[Application]:
    """The coordinator records many eligibility checks at once (2011 §4.1), each as
    `check_eligibility` would: on an open application, with the same fields and event."""
    decided = _decided({c.application.pk for c in checks})
    for n, c in enumerate(checks, start=1):
        application = c.application
        try:
            _check_open(
                withdrawn=application.withdrawn_at is not None,
                decided=lambda: application.pk in decided,  # noqa: B023 (called at once)
            )
        except TeamError as refused:
            raise _refused("Eligibility check", n, refused) from None
    for c in checks:
        application = c.application
        application.eligible = c.eligible
        application.eligibility_note = c.note.strip()[:300]
        application.eligibility_checked_at = c.now or timezone.now()
        application.eligibility_checked_by = c.by
    Application.objects.bulk_update(
        list({c.application.pk: c.application for c in checks}.values()),
        ["eligible", "eligibility_note", "eligibility_checked_at", "eligibility_checked_by"],
    )
    record_many(
        [
            _audit_entry("selection.eligibility_checked", c.application, c.by, eligible=c.eligible)
            for c in checks
        ]
    )
    return [c.application for c in checks]


# -- recommendations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RecommendationRequest:
    """One row of `request_recommendations`: the fields `request_recommendation` takes."""

    application: Application
    recommender: User
    relation: str
    by: User | None


@transaction.atomic
def request_recommendations(*, requests: list[RecommendationRequest]) -> list[Recommendation]:
    """Ask many recommendations at once (2011 §4.1), each as `request_recommendation` would:
    of an eligible volunteer's open application, of a user of the agency who is not the
    volunteer, once per person asked."""
    ids = {r.application.pk for r in requests}
    decided = _decided(ids)
    facts = dict(
        (pk, (agency_id, user_id))
        for pk, agency_id, user_id in Application.objects.filter(pk__in=ids).values_list(
            "pk", "peer_supporter__agency_id", "peer_supporter__employee__user_id"
        )
    )
    asked = set(
        Recommendation.objects.filter(application_id__in=ids).values_list(
            "application_id", "recommender_id"
        )
    )
    held: dict[tuple[int, int], bool] = {}

    def holds(user: User, agency_id: int) -> bool:
        if (user.pk, agency_id) not in held:
            held[user.pk, agency_id] = policy.holds(user, agency_id)
        return held[user.pk, agency_id]

    for n, r in enumerate(requests, start=1):
        application, recommender = r.application, r.recommender
        agency_id, volunteer_user_id = facts[application.pk]
        try:
            _check_open(
                withdrawn=application.withdrawn_at is not None,
                decided=lambda: application.pk in decided,  # noqa: B023 (called at once)
            )
            _check_request(
                application=application,
                recommender=recommender,
                relation=r.relation,
                volunteer_user_id=volunteer_user_id,
                holds=lambda: holds(recommender, agency_id),  # noqa: B023 (called at once)
            )
            if (application.pk, recommender.pk) in asked:
                raise TeamError(ALREADY_ASKED)
        except TeamError as refused:
            raise _refused("Request", n, refused) from None
        asked.add((application.pk, recommender.pk))
    made = Recommendation.objects.bulk_create(
        [
            Recommendation(application=r.application, recommender=r.recommender,
                           relation=r.relation)
            for r in requests
        ]
    )  # fmt: skip
    record_many(
        [
            _audit_entry("selection.recommendation_requested", r.application, r.by,
                         relation=r.relation)
            for r in requests
        ]
    )  # fmt: skip
    return made


@dataclass(frozen=True)
class RecommendationAnswer:
    """One row of `answer_recommendations`: the fields `answer_recommendation` takes."""

    recommendation: Recommendation
    recommends: str
    comments: str
    by: User
    now: datetime | None = None


@transaction.atomic
def answer_recommendations(*, answers: list[RecommendationAnswer]) -> list[Recommendation]:
    """Many recommenders' answers at once (2011 §4.1), each as `answer_recommendation` would:
    only the person asked, once, on an open application. No event, like the single form."""
    ids = {a.recommendation.application_id for a in answers}
    decided = _decided(ids)
    withdrawn = set(
        Application.objects.filter(pk__in=ids, withdrawn_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    answered: set[int] = set()
    for n, a in enumerate(answers, start=1):
        recommendation = a.recommendation
        application_id = recommendation.application_id

        def open_() -> None:
            _check_open(
                withdrawn=application_id in withdrawn,  # noqa: B023 (called at once)
                decided=lambda: application_id in decided,  # noqa: B023
            )

        try:
            if recommendation.pk in answered:
                raise TeamError("This recommendation has already been answered.")
            _check_answer(recommendation=recommendation, recommends=a.recommends, by=a.by,
                          open_=open_)  # fmt: skip
        except TeamError as refused:
            raise _refused("Answer", n, refused) from None
        answered.add(recommendation.pk)
    for a in answers:
        a.recommendation.recommends = a.recommends
        a.recommendation.comments = a.comments.strip()
        a.recommendation.answered_at = a.now or timezone.now()
    Recommendation.objects.bulk_update(
        [a.recommendation for a in answers], ["recommends", "comments", "answered_at"]
    )
    return [a.recommendation for a in answers]


# -- the decision --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deciding:
    """One row of `decide_many`: the fields `decide` takes."""

    application: Application
    outcome: str
    reasons: str
    by: User | None
    now: datetime | None = None


@transaction.atomic
def decide_many(*, decisions: list[Deciding]) -> list[Decision]:
    """Many selection decisions at once (2011 §4.1, §4.2), each as `decide` would: on an open
    application of a candidate (their rows locked, as `decide` locks one), with reasons; a
    selection needs an eligible volunteer and a favourable recommendation. A candidate not
    selected becomes inactive through `write_change`, as in `decide`."""
    ids = {d.application.pk for d in decisions}
    decided = _decided(ids)
    # The candidates' rows re-read under a lock, as `decide` re-reads one (`status.lock`).
    locked = {
        row.pk: row
        for row in PeerSupporter.objects.select_for_update().filter(
            pk__in={d.application.peer_supporter_id for d in decisions}
        )
    }
    for d in decisions:
        psp, fresh = d.application.peer_supporter, locked[d.application.peer_supporter_id]
        psp.status, psp.status_since = fresh.status, fresh.status_since
        psp.initial_training_on = fresh.initial_training_on
    favourable = set(
        Recommendation.objects.filter(application_id__in=ids, answered_at__isnull=False)
        .filter(~Q(recommends=Recommends.NO))
        .values_list("application_id", flat=True)
    )
    kept: list[str] = []
    for n, d in enumerate(decisions, start=1):
        application = d.application
        try:
            _check_open(
                withdrawn=application.withdrawn_at is not None,
                decided=lambda: application.pk in decided,  # noqa: B023 (called at once)
            )
            reasons = _check_decision_input(reasons=d.reasons, outcome=d.outcome)
            _check_decision(
                application=application,
                outcome=d.outcome,
                status=locked[application.peer_supporter_id].status,
                favourable=lambda: application.pk in favourable,  # noqa: B023 (called at once)
            )
        except TeamError as refused:
            raise _refused("Decision", n, refused) from None
        decided.add(application.pk)
        kept.append(reasons)
    made = Decision.objects.bulk_create(
        [
            Decision(application=d.application, outcome=d.outcome, reasons=reasons,
                     decided_at=d.now or timezone.now(), decided_by=d.by)
            for d, reasons in zip(decisions, kept, strict=True)
        ]
    )  # fmt: skip
    record_many(
        [
            _audit_entry("selection.decided", d.application, d.by, outcome=d.outcome)
            for d in decisions
        ]
    )
    for d, reasons in zip(decisions, kept, strict=True):
        if d.outcome == Outcome.NOT_SELECTED:
            psp = d.application.peer_supporter
            write_change(
                peer_supporter=psp,
                to=S.INACTIVE,
                reason=f"Not selected: {reasons}",
                by=d.by,
                on=max(clock.local_today(psp.agency), psp.status_since),
            )
    return made
