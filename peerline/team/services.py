"""The only writer of the team's state: selection, activation, leave and deselection (2011 §4).

Every function runs in one transaction, takes keyword arguments only and raises `TeamError` (a
`ValueError` whose message says in plain words why, citing the clause) when the action is refused.
Peerline never changes anyone's status by itself: each change is a decision of a person, recorded
as a `StatusChange` with its date and reason.

Who may ask is decided twice: the views check the role (`accounts/policy.py`), these functions
check identity where it matters (only the recommender answers, only the panelist scores, only
the PSP signs their own agreement).

The status rules are in `status.py`, selection in `selection.py` and membership once on the
team (leave, deselection, alumni) in `membership.py`; this module re-exports them,
so callers (views, API, commands, tests) only ever import `services`.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from peerline.accounts.models import Membership, Role, User
from peerline.agencies.clock import local_today
from peerline.agencies.models import Agency
from peerline.audit.services import Entry, record, record_many

from . import selectors
from .membership import deselect, leave_end, leave_start, reinstate, retire_from_team, step_down
from .models import (
    AgreementSignature,
    Application,
    ConfidentialityAgreement,
    Decision,
    Outcome,
    PeerSupporter,
    StatusChange,
)
from .selection import (
    SEAT_ROLE,
    Volunteering,
    answer_recommendation,
    check_eligibility,
    decide,
    panel_warnings,
    request_recommendation,
    set_panel,
    submit_score,
    volunteer,
    volunteer_many,
    withdraw,
)
from .status import (
    NEW,
    ON_THE_TEAM,
    TRANSITIONS,
    VIA,
    S,
    TeamError,
    change_status,
    check_change,
    has_served,
    lock,
    status_label,
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
    "activate",
    "activate_many",
    "answer_recommendation",
    "can_sign",
    "change_status",
    "check_eligibility",
    "decide",
    "deselect",
    "leave_end",
    "leave_start",
    "onboarding",
    "panel_warnings",
    "publish_agreement",
    "record_initial_training",
    "reinstate",
    "request_recommendation",
    "retire_from_team",
    "set_panel",
    "Signing",
    "sign_agreement",
    "sign_agreements",
    "step_down",
    "submit_score",
    "volunteer",
    "volunteer_many",
    "Volunteering",
    "withdraw",
]


# -- onboarding: the agreement and the initial training (2011 §4.1, §6.8) ------------------------


@dataclass(frozen=True)
class ChecklistItem:
    label: str
    done: bool
    detail: str


@dataclass(frozen=True)
class Checklist:
    """What a selected candidate needs before activation."""

    selected: bool
    agreement_version: int | None
    agreement_signed: bool  # the CURRENT version (2011 §6.8)
    training_on: date | None

    @property
    def complete(self) -> bool:
        return self.selected and self.agreement_signed and self.training_on is not None

    @property
    def items(self) -> list[ChecklistItem]:
        return [
            ChecklistItem(
                "Selected by the program (2011 §4.1, §4.2)",
                self.selected,
                "Decision recorded" if self.selected else "No selection decision yet",
            ),
            ChecklistItem(
                f"Confidentiality agreement version {self.agreement_version} signed (2011 §6.8)",
                self.agreement_signed,
                "Signed" if self.agreement_signed else "Not signed yet",
            ),
            ChecklistItem(
                "The agency's initial training",
                self.training_on is not None,
                f"Completed {self.training_on:%B %-d, %Y}" if self.training_on else "Not recorded",
            ),
        ]

    @property
    def missing(self) -> list[str]:
        return [item.label for item in self.items if not item.done]


def onboarding(peer_supporter: PeerSupporter) -> Checklist:
    """Where a candidate stands before activation (2011 §4.1, §6.8)."""
    current = selectors.current_agreement(peer_supporter.agency)
    return Checklist(
        selected=selectors.is_selected(peer_supporter),
        agreement_version=current.version if current else None,
        agreement_signed=selectors.has_signed(peer_supporter, current),
        training_on=peer_supporter.initial_training_on,
    )


def _normal(name: str) -> str:
    return " ".join(name.split()).casefold()


def can_sign(peer_supporter: PeerSupporter) -> bool:
    """Selected candidates, members, and former members who may be reinstated sign (§6.8)."""
    if peer_supporter.status in (S.ACTIVE, S.ON_LEAVE):
        return True
    if peer_supporter.status == S.CANDIDATE:
        return onboarding(peer_supporter).selected
    return peer_supporter.status == S.INACTIVE and has_served(peer_supporter)


def _check_signing(
    *,
    peer_supporter: PeerSupporter,
    agreement: ConfidentialityAgreement,
    typed_name: str,
    by: User,
    current: ConfidentialityAgreement | None,
    signed: bool,
) -> None:
    """The rules of a signature (2011 §6.8), shared by `sign_agreement` and `sign_agreements`:
    `current` is the agency's version in force, `signed` whether the PSP has signed it."""
    employee = peer_supporter.employee
    if by.pk is None or by.pk != employee.user_id:
        raise TeamError("Only the peer supporter can sign their own agreement.")
    if current is None or agreement.pk != current.pk:
        raise TeamError("Only the current version of the agreement can be signed (2011 §6.8).")
    if not can_sign(peer_supporter):
        raise TeamError("The agreement is signed once the program has selected you (2011 §6.8).")
    if _normal(typed_name) != _normal(employee.full_name):
        raise TeamError(f"Type your full name as the roster has it: {employee.full_name}.")
    if signed:
        raise TeamError("You have already signed this version.")


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
    )
    return AgreementSignature.objects.create(
        peer_supporter=peer_supporter,
        agreement=agreement,
        signed_by=by,
        signed_at=now,
        typed_name=" ".join(typed_name.split()),
    )


@dataclass(frozen=True)
class Signing:
    """One PSP's signature in `sign_agreements`: the same fields `sign_agreement` takes."""

    peer_supporter: PeerSupporter
    typed_name: str
    by: User
    now: datetime


@transaction.atomic
def sign_agreements(
    *, agreement: ConfidentialityAgreement, signings: list[Signing]
) -> list[AgreementSignature]:
    """Many PSPs sign `agreement` at once (the demo's team of hundreds), each by the rules of
    `sign_agreement` (`_check_signing`, 2011 §6.8), then written in one insert. One refusal
    refuses them all: its message names the row and nothing is signed. A PSP listed twice is
    refused the second time, as a second `sign_agreement` would be. Like `sign_agreement`, no
    audit event: the signature itself is the record of who signed what, when."""
    agencies = {s.peer_supporter.agency_id: s.peer_supporter.agency for s in signings}
    current = {pk: selectors.current_agreement(agency) for pk, agency in agencies.items()}
    signed = set(
        AgreementSignature.objects.filter(
            agreement__in=[a for a in current.values() if a is not None],
            peer_supporter__in=[s.peer_supporter.pk for s in signings],
        ).values_list("peer_supporter_id", "agreement_id")
    )
    rows = []
    for n, signing in enumerate(signings, start=1):
        psp = signing.peer_supporter
        in_force = current[psp.agency_id]
        try:
            _check_signing(
                peer_supporter=psp,
                agreement=agreement,
                typed_name=signing.typed_name,
                by=signing.by,
                current=in_force,
                signed=in_force is not None and (psp.pk, in_force.pk) in signed,
            )
        except TeamError as refused:
            raise TeamError(f"Signature {n}: {refused} Nothing was signed.") from None
        signed.add((psp.pk, agreement.pk))
        rows.append(
            AgreementSignature(
                peer_supporter=psp,
                agreement=agreement,
                signed_by=signing.by,
                signed_at=signing.now,
                typed_name=" ".join(signing.typed_name.split()),
            )
        )
    return AgreementSignature.objects.bulk_create(rows)


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
    if peer_supporter.status in (S.DESELECTED, S.ALUMNI):
        raise TeamError("Training is recorded for candidates and members of the team.")
    if on > local_today(peer_supporter.agency):
        raise TeamError("The training date cannot be in the future.")
    peer_supporter.initial_training_on = on
    peer_supporter.save(update_fields=["initial_training_on"])
    record(
        "team.initial_training_recorded",
        by=by,
        agency=peer_supporter.agency_id,
        target=f"peer_supporter:{peer_supporter.pk}",
    )


def _check_activation(*, status: str, checklist: Checklist) -> str:
    """The rules of activation, shared by `activate` and `activate_many`: a candidate whose
    onboarding is complete (2011 §4.1, §6.8). Returns the reason the change is kept with."""
    if status != S.CANDIDATE:
        raise TeamError(f"Only a candidate can be activated; this one is {status_label(status)}.")
    if not checklist.complete:
        raise TeamError("Not yet: " + "; ".join(checklist.missing) + ".")
    return (
        f"Onboarding complete: selected, agreement version {checklist.agreement_version} "
        f"signed, initial training on {checklist.training_on:%B %-d, %Y}"
    )


@transaction.atomic
def activate(*, peer_supporter: PeerSupporter, by: User | None, on: date) -> StatusChange:
    """A selected candidate becomes active once onboarding is complete: selected, the current
    agreement signed (2011 §6.8) and the initial training done. Grants the peer_supporter role."""
    lock(peer_supporter)
    reason = _check_activation(status=peer_supporter.status, checklist=onboarding(peer_supporter))
    return write_change(peer_supporter=peer_supporter, to=S.ACTIVE, reason=reason, by=by, on=on)


@dataclass(frozen=True)
class Activation:
    """One candidate's activation in `activate_many`: the fields `activate` takes."""

    peer_supporter: PeerSupporter
    by: User | None
    on: date


@transaction.atomic
def activate_many(*, activations: list[Activation]) -> list[StatusChange]:
    """Many candidates become active at once (the demo's hundreds), each by the rules of
    `activate` (`_check_activation`, then `check_change`), their onboarding read in a few
    queries and the changes, roles and audit events written in a few inserts. One refusal
    refuses them all: its message names the row and nothing is written. A PSP listed twice is
    refused the second time (no longer a candidate), as a second `activate` would be."""
    psps = [a.peer_supporter for a in activations]
    fresh = {
        row.pk: row
        for row in PeerSupporter.objects.select_for_update().filter(pk__in=[p.pk for p in psps])
    }
    agencies = {p.agency_id: p.agency for p in psps}
    current = {pk: selectors.current_agreement(agency) for pk, agency in agencies.items()}
    today = {pk: local_today(agency) for pk, agency in agencies.items()}
    latest: dict[int, Application] = {}
    for application in Application.objects.filter(peer_supporter__in=list(fresh)).order_by(
        "submitted_at", "pk"
    ):
        latest[application.peer_supporter_id] = application
    selected = set(
        Decision.objects.filter(
            application__in=[a for a in latest.values() if a.withdrawn_at is None],
            outcome=Outcome.SELECTED,
        ).values_list("application__peer_supporter_id", flat=True)
    )
    signed = set(
        AgreementSignature.objects.filter(
            agreement__in=[a for a in current.values() if a is not None], peer_supporter__in=psps
        ).values_list("peer_supporter_id", flat=True)
    )
    changes = []
    for n, activation in enumerate(activations, start=1):
        psp, row = activation.peer_supporter, fresh[activation.peer_supporter.pk]
        agreement = current[psp.agency_id]
        checklist = Checklist(
            selected=psp.pk in selected,
            agreement_version=agreement.version if agreement else None,
            agreement_signed=psp.pk in signed,
            training_on=row.initial_training_on,
        )
        try:
            reason = check_change(
                old=row.status,
                to=S.ACTIVE,
                reason=_check_activation(status=row.status, checklist=checklist),
                on=activation.on,
                since=row.status_since,
                today=today[psp.agency_id],
            )
        except TeamError as refused:
            raise TeamError(f"Activation {n}: {refused} Nothing was written.") from None
        changes.append(
            StatusChange(peer_supporter=row, from_status=row.status, to_status=S.ACTIVE,
                         effective_on=activation.on, reason=reason, recorded_by=activation.by)
        )  # fmt: skip
        row.status, row.status_since = S.ACTIVE, activation.on
    PeerSupporter.objects.bulk_update(list(fresh.values()), ["status", "status_since"])
    for psp in psps:
        psp.status, psp.status_since = S.ACTIVE, fresh[psp.pk].status_since
    # The peer_supporter role comes with the status (`sync_membership`).
    users = {(p.agency_id, p.employee.user_id) for p in psps if p.employee.user_id}
    have = set(
        Membership.objects.filter(
            role=Role.PEER_SUPPORTER, user_id__in=[u for _, u in users]
        ).values_list("agency_id", "user_id")
    )
    Membership.objects.bulk_create(
        [
            Membership(agency_id=agency_id, user_id=user_id, role=Role.PEER_SUPPORTER)
            for agency_id, user_id in sorted(users - have)
        ]
    )
    record_many(
        [
            Entry("team.status_changed", by=a.by, agency=a.peer_supporter.agency_id,
                  target=f"peer_supporter:{a.peer_supporter.pk}",
                  detail={"old": S.CANDIDATE, "new": S.ACTIVE})
            for a in activations
        ]
    )  # fmt: skip
    return StatusChange.objects.bulk_create(changes)
