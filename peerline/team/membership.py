"""Membership once on the team: leave, stepping down, deselection, alumni, reinstatement (2011
§4.3, §4.4). Each change is a person's decision, recorded as a `StatusChange`; re-exported by
`services`, which callers import."""

from datetime import date

from django.db import transaction

from peerline.accounts.models import User

from . import selectors
from .models import (
    Deselection,
    DeselectionCriterion,
    LeaveOfAbsence,
    LeaveReason,
    PeerSupporter,
    StatusChange,
)
from .status import VIA, S, TeamError, change_status, has_served, lock, status_label, write_change


@transaction.atomic
def leave_start(
    *,
    peer_supporter: PeerSupporter,
    starts_on: date,
    expected_return: date,
    reason: str,
    by: User | None,
) -> LeaveOfAbsence:
    """A leave of absence, with the expected return the coordinator is reminded of (2011 §4.4).
    The reason is a category only: the PSP's reasons are their own."""
    lock(peer_supporter)
    if peer_supporter.status != S.ACTIVE:
        raise TeamError(
            f"Only an active PSP takes a leave; this one is {status_label(peer_supporter.status)}."
        )
    if reason not in LeaveReason.values:
        raise TeamError("Choose a kind of leave.")
    if expected_return < starts_on:
        raise TeamError("The expected return cannot be before the leave starts.")
    write_change(
        peer_supporter=peer_supporter,
        to=S.ON_LEAVE,
        reason=f"Leave of absence ({LeaveReason(reason).label.lower()}), expected back "
        f"{expected_return:%B %-d, %Y} (2011 §4.4)",
        by=by,
        on=starts_on,
    )
    leave = LeaveOfAbsence.objects.create(
        peer_supporter=peer_supporter,
        starts_on=starts_on,
        expected_return=expected_return,
        reason=reason,
        recorded_by=by,
    )
    return leave


@transaction.atomic
def leave_end(*, peer_supporter: PeerSupporter, returned_on: date, by: User | None) -> StatusChange:
    """Back from leave: active again (2011 §4.4)."""
    lock(peer_supporter)
    if peer_supporter.status != S.ON_LEAVE:
        raise TeamError("This PSP is not on leave.")
    leave = peer_supporter.leaves.filter(returned_on__isnull=True).order_by("-starts_on").first()
    if leave is not None and returned_on < leave.starts_on:
        raise TeamError("The return cannot be before the leave started.")
    change = write_change(
        peer_supporter=peer_supporter, to=S.ACTIVE, reason="Back from leave", by=by, on=returned_on
    )
    if leave is not None:
        leave.returned_on = returned_on
        leave.save(update_fields=["returned_on"])
    return change


@transaction.atomic
def deselect(
    *, peer_supporter: PeerSupporter, criterion: str, reasons: str, by: User | None, on: date
) -> Deselection:
    """A recorded decision to remove a PSP from the team by the criteria of 2011 §4.3. Peerline
    never deselects anyone by itself: a person decides, and the reasons are kept."""
    lock(peer_supporter)
    if criterion not in DeselectionCriterion.values:
        raise TeamError("Choose the criterion of 2011 §4.3.")
    reasons = reasons.strip()
    if not reasons:
        raise TeamError("Give the reasons for the deselection.")
    if (peer_supporter.status, S.DESELECTED) not in VIA:
        raise TeamError(
            f"A PSP who is {status_label(peer_supporter.status)} cannot be deselected (2011 §4.3)."
        )
    label = DeselectionCriterion(criterion).label
    write_change(
        peer_supporter=peer_supporter,
        to=S.DESELECTED,
        reason=f"Deselected: {label} (2011 §4.3)",
        by=by,
        on=on,
    )
    return Deselection.objects.create(
        peer_supporter=peer_supporter,
        criterion=criterion,
        decided_on=on,
        reasons=reasons,
        decided_by=by,
    )


def step_down(
    *, peer_supporter: PeerSupporter, reason: str, by: User | None, on: date
) -> StatusChange:
    """A member steps down from the team (inactive); they may be reinstated later."""
    return change_status(peer_supporter=peer_supporter, to=S.INACTIVE, reason=reason, by=by, on=on)


def retire_from_team(
    *, peer_supporter: PeerSupporter, reason: str, by: User | None, on: date
) -> StatusChange:
    """A member leaves the agency or retires from the team in good standing (alumni)."""
    return change_status(peer_supporter=peer_supporter, to=S.ALUMNI, reason=reason, by=by, on=on)


@transaction.atomic
def reinstate(
    *, peer_supporter: PeerSupporter, reason: str, by: User | None, on: date
) -> StatusChange:
    """A former member who stepped down comes back: only with the current agreement signed
    (2011 §6.8). A volunteer who was never active applies again instead."""
    lock(peer_supporter)
    if peer_supporter.status != S.INACTIVE:
        raise TeamError(
            f"Only an inactive PSP is reinstated; this one is {status_label(peer_supporter.status)}."
        )
    if not has_served(peer_supporter):
        raise TeamError("This person never served on the team: they apply again (2011 §4.1).")
    current = selectors.current_agreement(peer_supporter.agency)
    if not selectors.has_signed(peer_supporter, current):
        raise TeamError(
            f"Not yet: the confidentiality agreement version {current.version if current else '—'} "
            "is not signed (2011 §6.8)."
        )
    return write_change(peer_supporter=peer_supporter, to=S.ACTIVE, reason=reason, by=by, on=on)
