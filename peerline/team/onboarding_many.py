"""Onboarding in batches: many signatures, initial trainings and activations at once, each row by
the rules of its single form in `services` (2011 §4.1, §6.8). The demo's team of hundreds goes
through these; they are public through `services`.

Each reads what its rules need for the whole batch in a few queries, checks every row with the
single form's own check (`onboarding`), then writes in a few statements. One refusal refuses the
whole batch: its message names the row and nothing is written.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction

from peerline.accounts.models import Membership, Role, User
from peerline.agencies.clock import local_today
from peerline.agencies.models import Agency
from peerline.audit.services import Entry, record_many

from . import selectors
from .models import (
    AgreementSignature,
    Application,
    ConfidentialityAgreement,
    Decision,
    Outcome,
    PeerSupporter,
    StatusChange,
)
from .onboarding import (
    Checklist,
    _check_activation,
    _check_initial_training,
    _check_signing,
)
from .status import S, TeamError, check_change


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
    may = _can_sign_many([s.peer_supporter for s in signings])
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
                may_sign=lambda: psp.pk in may,  # noqa: B023 (called at once)
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


def _can_sign_many(psps: list[PeerSupporter]) -> set[int]:
    """`can_sign` for many PSPs in three queries: the ids of those who may sign."""
    candidates = [p.pk for p in psps if p.status == S.CANDIDATE]
    inactive = [p.pk for p in psps if p.status == S.INACTIVE]
    selected = _selected_many(candidates) if candidates else set()
    served = set(
        StatusChange.objects.filter(peer_supporter__in=inactive, to_status=S.ACTIVE).values_list(
            "peer_supporter_id", flat=True
        )
    )
    return {
        p.pk
        for p in psps
        if p.status in (S.ACTIVE, S.ON_LEAVE)
        or (p.status == S.CANDIDATE and p.pk in selected)
        or (p.status == S.INACTIVE and p.pk in served)
    }


def _selected_many(psp_ids: Iterable[int]) -> set[int]:
    """`selectors.is_selected` for many PSPs at once: the ids of those whose latest application
    was selected and not withdrawn (2011 §4.1)."""
    latest: dict[int, Application] = {}
    for application in Application.objects.filter(peer_supporter__in=list(psp_ids)).order_by(
        "submitted_at", "pk"
    ):
        latest[application.peer_supporter_id] = application
    return set(
        Decision.objects.filter(
            application__in=[a for a in latest.values() if a.withdrawn_at is None],
            outcome=Outcome.SELECTED,
        ).values_list("application__peer_supporter_id", flat=True)
    )


@dataclass(frozen=True)
class InitialTraining:
    """One row of `record_initial_training_many`: the fields `record_initial_training` takes."""

    peer_supporter: PeerSupporter
    on: date
    by: User | None


@transaction.atomic
def record_initial_training_many(*, trainings: list[InitialTraining]) -> None:
    """Many initial trainings recorded at once (the demo's team), each as
    `record_initial_training` would: the rows locked and re-read, the same rules, the same
    event each. One refusal refuses them all: its message names the row and nothing is
    written."""
    locked = {
        row.pk: row
        for row in PeerSupporter.objects.select_for_update().filter(
            pk__in={t.peer_supporter.pk for t in trainings}
        )
    }
    agencies = Agency.objects.in_bulk({row.agency_id for row in locked.values()})
    today = {pk: local_today(agency) for pk, agency in agencies.items()}
    for n, t in enumerate(trainings, start=1):
        psp, fresh = t.peer_supporter, locked[t.peer_supporter.pk]
        psp.status, psp.status_since = fresh.status, fresh.status_since
        try:
            _check_initial_training(status=fresh.status, on=t.on, today=today[fresh.agency_id])
        except TeamError as refused:
            raise TeamError(f"Training {n}: {refused} Nothing was written.") from None
    for t in trainings:
        t.peer_supporter.initial_training_on = locked[t.peer_supporter.pk].initial_training_on = (
            t.on
        )
    PeerSupporter.objects.bulk_update(list(locked.values()), ["initial_training_on"])
    record_many(
        [
            Entry("team.initial_training_recorded", by=t.by, agency=t.peer_supporter.agency_id,
                  target=f"peer_supporter:{t.peer_supporter.pk}")
            for t in trainings
        ]
    )  # fmt: skip


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
    selected = _selected_many(fresh)
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
