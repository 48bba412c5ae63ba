"""The interview panel in batches: many panels and score sheets at once, each row by the rules of
its single form in `selection` (2011 §4.1, §4.2), as `selection_many` does for the other stages
(see there). Public through `services`.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from peerline.accounts import policy
from peerline.accounts.models import Role, User
from peerline.agencies.models import Employee
from peerline.audit.services import record_many

from .models import CONSIDERATIONS, Application, Interview, InterviewScore
from .selection import (
    _check_leaving,
    _check_open,
    _check_panel,
    _check_score,
    _panel_warnings,
)
from .selection_many import _audit_entry, _decided, _refused
from .status import TeamError


@dataclass(frozen=True)
class PanelSetting:
    """One row of `set_panels`: the fields `set_panel` takes."""

    application: Application
    members: list[tuple[User, str]]
    scheduled_for: datetime | None
    location: str
    by: User | None


@transaction.atomic
def set_panels(*, panels: list[PanelSetting]) -> list[tuple[Interview, list[str]]]:
    """Set many interview panels at once (2011 §4.1), each as `set_panel` would: on an eligible
    volunteer's open application, PSPs and the MHP each holding their seat's role, nobody who
    has scored taken off; the same event each, and each panel's warnings. One panel per
    application in a batch (a later change goes through `set_panel`)."""
    ids = [row.application.pk for row in panels]
    decided = _decided(set(ids))
    candidates = {
        application.pk: application.peer_supporter.employee
        for application in Application.objects.filter(pk__in=ids).select_related(
            "peer_supporter__employee"
        )
    }
    interviews = {i.application_id: i for i in Interview.objects.filter(application_id__in=ids)}
    sheets: dict[int, list[InterviewScore]] = {}
    for score in InterviewScore.objects.filter(interview__in=interviews.values()).select_related(
        "panelist"
    ):
        sheets.setdefault(score.interview_id, []).append(score)
    held: dict[tuple[int, int, str], bool] = {}

    def holds(user: User, agency_id: int, role: Role) -> bool:
        if (user.pk, agency_id, role) not in held:
            held[user.pk, agency_id, role] = policy.holds(user, agency_id, role)
        return held[user.pk, agency_id, role]

    plans: list[dict[int, tuple[User, str]]] = []
    seen: set[int] = set()
    for n, row in enumerate(panels, start=1):
        application, candidate = row.application, candidates[row.application.pk]
        try:
            if application.pk in seen:
                raise TeamError("One panel per application in a batch.")
            _check_open(
                withdrawn=application.withdrawn_at is not None,
                decided=lambda: application.pk in decided,  # noqa: B023 (called at once)
            )
            seats = _check_panel(
                application=application,
                members=row.members,
                candidate=candidate,
                holds=lambda user, role: holds(user, candidate.agency_id, role),  # noqa: B023
            )
            interview = interviews.get(application.pk)
            for score in sheets.get(interview.pk, []) if interview else []:
                if score.panelist_id not in seats:
                    _check_leaving(score)
        except TeamError as refused:
            raise _refused("Panel", n, refused) from None
        seen.add(application.pk)
        plans.append(seats)

    new = [
        Interview(application=row.application)
        for row in panels
        if row.application.pk not in interviews
    ]
    Interview.objects.bulk_create(new)
    interviews |= {i.application_id: i for i in new}
    leaving: list[int] = []
    changed: list[InterviewScore] = []
    created: list[InterviewScore] = []
    for row, seats in zip(panels, plans, strict=True):
        interview = interviews[row.application.pk]
        interview.scheduled_for, interview.location = row.scheduled_for, row.location.strip()[:200]
        kept = {}
        for score in sheets.get(interview.pk, []):
            if score.panelist_id in seats:
                kept[score.panelist_id] = score
            else:
                leaving.append(score.pk)
        for user_pk, (user, role) in seats.items():
            if user_pk in kept:
                if kept[user_pk].panel_role != role:
                    kept[user_pk].panel_role = role
                    changed.append(kept[user_pk])
            else:
                created.append(InterviewScore(interview=interview, panelist=user, panel_role=role))
    Interview.objects.bulk_update(
        [interviews[row.application.pk] for row in panels], ["scheduled_for", "location"]
    )
    InterviewScore.objects.filter(pk__in=leaving).delete()
    InterviewScore.objects.bulk_update(changed, ["panel_role"])
    InterviewScore.objects.bulk_create(created)
    record_many(
        [
            _audit_entry("selection.panel_set", row.application, row.by, panelists=len(seats))
            for row, seats in zip(panels, plans, strict=True)
        ]
    )
    # Each panel's warnings, as `panel_warnings` gives them, from one read of the panelists.
    on_roster = list(Employee.objects.filter(user_id__in={pk for seats in plans for pk in seats}))
    return [
        (
            interviews[row.application.pk],
            _panel_warnings(
                roles={role for _, role in seats.values()},
                candidate=candidates[row.application.pk],
                panel_employees=[e for e in on_roster if e.user_id in seats],
            ),
        )
        for row, seats in zip(panels, plans, strict=True)
    ]


@dataclass(frozen=True)
class ScoreSubmission:
    """One row of `submit_scores`: the fields `submit_score` takes."""

    score: InterviewScore
    values: dict[str, int]
    comments: str
    by: User
    now: datetime | None = None


@transaction.atomic
def submit_scores(*, submissions: list[ScoreSubmission]) -> list[InterviewScore]:
    """Many panelists' score sheets at once (2011 §4.2), each as `submit_score` would: the
    panelist's own, on an eligible volunteer's open application, every consideration 1 to 5.
    No event, like the single form."""
    sheets = {s.score.pk for s in submissions}
    applications = {
        score.pk: score.interview.application
        for score in InterviewScore.objects.filter(pk__in=sheets).select_related(
            "interview__application"
        )
    }
    decided = _decided({a.pk for a in applications.values()})
    for n, s in enumerate(submissions, start=1):
        application = applications[s.score.pk]
        try:
            _check_score(
                score=s.score,
                values=s.values,
                by=s.by,
                application=lambda: application,  # noqa: B023 (called at once)
                open_=lambda: _check_open(
                    withdrawn=application.withdrawn_at is not None,  # noqa: B023
                    decided=lambda: application.pk in decided,  # noqa: B023
                ),
            )
        except TeamError as refused:
            raise _refused("Score sheet", n, refused) from None
    for s in submissions:
        for name, _ in CONSIDERATIONS:
            setattr(s.score, name, s.values[name])
        s.score.comments = s.comments.strip()
        s.score.submitted_at = s.now or timezone.now()
    InterviewScore.objects.bulk_update(
        list({s.score.pk: s.score for s in submissions}.values()),
        [name for name, _ in CONSIDERATIONS] + ["comments", "submitted_at"],
    )
    return [s.score for s in submissions]
