"""Onboarding's rules (2011 §4.1, §6.8): where a selected candidate stands before activation, who
may sign the confidentiality agreement, and the checks that `services` and its batch forms
(`onboarding_many`) share. No writes here; public through `services`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from peerline.accounts.models import User

from . import selectors
from .models import ConfidentialityAgreement, PeerSupporter
from .status import S, TeamError, has_served, status_label


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
    may_sign: Callable[[], bool],
) -> None:
    """The rules of a signature (2011 §6.8), shared by `sign_agreement` and `sign_agreements`:
    `current` is the agency's version in force, `signed` whether the PSP has signed it,
    `may_sign` asks `can_sign`."""
    employee = peer_supporter.employee
    if by.pk is None or by.pk != employee.user_id:
        raise TeamError("Only the peer supporter can sign their own agreement.")
    if current is None or agreement.pk != current.pk:
        raise TeamError("Only the current version of the agreement can be signed (2011 §6.8).")
    if not may_sign():
        raise TeamError("The agreement is signed once the program has selected you (2011 §6.8).")
    if _normal(typed_name) != _normal(employee.full_name):
        raise TeamError(f"Type your full name as the roster has it: {employee.full_name}.")
    if signed:
        raise TeamError("You have already signed this version.")


def _check_initial_training(*, status: str, on: date, today: date) -> None:
    """The rules of `record_initial_training`, shared with `record_initial_training_many`."""
    if status in (S.DESELECTED, S.ALUMNI):
        raise TeamError("Training is recorded for candidates and members of the team.")
    if on > today:
        raise TeamError("The training date cannot be in the future.")


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
