"""The only writer of the team's state: selection, activation, leave and deselection (2011 §4).

Every function runs in one transaction, takes keyword arguments only and raises `TeamError` (a
`ValueError` whose message says in plain words why, citing the clause) when the action is refused.
Peerline never changes anyone's status by itself: each change is a decision of a person, recorded
as a `StatusChange` with its date and reason.

Who may ask is decided twice: the views check the role (`accounts/policy.py`), these functions
check identity where it matters (only the recommender answers, only the panelist scores, only
the PSP signs their own agreement).

The status rules are in `status.py`, selection in `selection.py`, onboarding's rules in
`onboarding.py` and membership once on the team (leave, deselection, alumni) in
`membership.py`; the batch forms (many rows at once, by the same rules) are in
`selection_many.py`, `interview_many.py` and `onboarding_many.py`. This module re-exports them all, so callers
(views, API, commands, tests) only ever import `services`.
"""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from peerline.accounts.models import User
from peerline.agencies.clock import local_today
from peerline.agencies.models import Agency
from peerline.audit.services import record

from . import selectors
from .interview_many import PanelSetting, ScoreSubmission, set_panels, submit_scores
from .membership import deselect, leave_end, leave_start, reinstate, retire_from_team, step_down
from .models import (
    AgreementSignature,
    ConfidentialityAgreement,
    PeerSupporter,
    StatusChange,
)
from .onboarding import (
    Checklist,
    ChecklistItem,
    _check_activation,
    _check_initial_training,
    _check_signing,
    can_sign,
    onboarding,
)
from .onboarding_many import (
    Activation,
    InitialTraining,
    Signing,
    activate_many,
    record_initial_training_many,
    sign_agreements,
)
from .selection import (
    SEAT_ROLE,
    answer_recommendation,
    check_eligibility,
    decide,
    panel_warnings,
    request_recommendation,
    set_panel,
    submit_score,
    volunteer,
    withdraw,
)
from .selection_many import (
    Deciding,
    EligibilityCheck,
    RecommendationAnswer,
    RecommendationRequest,
    Volunteering,
    answer_recommendations,
    check_eligibility_many,
    decide_many,
    request_recommendations,
    volunteer_many,
)
from .status import (
    NEW,
    ON_THE_TEAM,
    TRANSITIONS,
    VIA,
    S,
    TeamError,
    change_status,
    lock,
    write_change,
)

__all__ = [
    "NEW",
    "ON_THE_TEAM",
    "SEAT_ROLE",
    "TRANSITIONS",
    "VIA",
    "Checklist",
    "ChecklistItem",
    "TeamError",
    "Activation",
    "Deciding",
    "EligibilityCheck",
    "InitialTraining",
    "PanelSetting",
    "RecommendationAnswer",
    "RecommendationRequest",
    "ScoreSubmission",
    "activate",
    "activate_many",
    "answer_recommendation",
    "answer_recommendations",
    "can_sign",
    "change_status",
    "check_eligibility",
    "check_eligibility_many",
    "decide",
    "decide_many",
    "deselect",
    "leave_end",
    "leave_start",
    "onboarding",
    "panel_warnings",
    "publish_agreement",
    "record_initial_training",
    "record_initial_training_many",
    "reinstate",
    "request_recommendation",
    "request_recommendations",
    "retire_from_team",
    "set_panel",
    "set_panels",
    "Signing",
    "sign_agreement",
    "sign_agreements",
    "step_down",
    "submit_score",
    "submit_scores",
    "volunteer",
    "volunteer_many",
    "Volunteering",
    "withdraw",
]


# -- onboarding: the agreement and the initial training (2011 §4.1, §6.8) ------------------------


@transaction.atomic
def sign_agreement(
    *,
    peer_supporter: PeerSupporter,
    agreement: ConfidentialityAgreement,
    typed_name: str,
    by: User,
    now: datetime,
) -> AgreementSignature:
    """The PSP signs the current version of the confidentiality agreement (2011 §6.8): who,
    when and which version are kept. Only the PSP's own log-in signs, with their full name."""
    current = selectors.current_agreement(peer_supporter.agency)
    _check_signing(
        peer_supporter=peer_supporter,
        agreement=agreement,
        typed_name=typed_name,
        by=by,
        current=current,
        signed=selectors.has_signed(peer_supporter, current),
        may_sign=lambda: can_sign(peer_supporter),
    )
    return AgreementSignature.objects.create(
        peer_supporter=peer_supporter,
        agreement=agreement,
        signed_by=by,
        signed_at=now,
        typed_name=" ".join(typed_name.split()),
    )


@transaction.atomic
def publish_agreement(
    *, agency: Agency, text: str, by: User | None, now: datetime | None = None
) -> ConfidentialityAgreement:
    """Publish a new version of the agreement; a version is never edited (2011 §6.8). Every PSP
    then signs again (`selectors.unsigned_current` lists who has not). `now` (default: this
    instant) is the publication time: the demo publishes its version 2 two months back."""
    text = text.strip().replace("\r\n", "\n")
    if not text:
        raise TeamError("The agreement needs its text.")
    Agency.objects.select_for_update().filter(pk=agency.pk).first()
    current = selectors.current_agreement(agency)
    if current is not None and current.text.strip() == text:
        raise TeamError("This is the text of the current version: change it to publish a new one.")
    agreement = ConfidentialityAgreement.objects.create(
        agency=agency,
        version=(current.version + 1) if current else 1,
        text=text,
        published_at=now or timezone.now(),
        published_by=by,
    )
    record("team.agreement_published", by=by, agency=agency, target=f"v{agreement.version}")
    return agreement


@transaction.atomic
def record_initial_training(*, peer_supporter: PeerSupporter, on: date, by: User | None) -> None:
    """The coordinator records the agency's initial training (2011 §4.1, §8.1)."""
    lock(peer_supporter)
    _check_initial_training(
        status=peer_supporter.status, on=on, today=local_today(peer_supporter.agency)
    )
    peer_supporter.initial_training_on = on
    peer_supporter.save(update_fields=["initial_training_on"])
    record(
        "team.initial_training_recorded",
        by=by,
        agency=peer_supporter.agency_id,
        target=f"peer_supporter:{peer_supporter.pk}",
    )


@transaction.atomic
def activate(*, peer_supporter: PeerSupporter, by: User | None, on: date) -> StatusChange:
    """A selected candidate becomes active once onboarding is complete: selected, the current
    agreement signed (2011 §6.8) and the initial training done. Grants the peer_supporter role."""
    lock(peer_supporter)
    reason = _check_activation(status=peer_supporter.status, checklist=onboarding(peer_supporter))
    return write_change(peer_supporter=peer_supporter, to=S.ACTIVE, reason=reason, by=by, on=on)
