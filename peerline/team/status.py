"""The team's status rules: the one place a PSP's status is written (2011 §4).

`TRANSITIONS` says which changes exist; `VIA` names the changes that need more than a reason and
the service that makes each of them. `write_change` is the only writer of `PeerSupporter.status`
and of `StatusChange`; it also keeps the peer_supporter role in step with the status. Callers use
`services` (which re-exports what is public here), never this module's helpers directly.
"""

from datetime import date

from django.db import transaction

from peerline.accounts.models import Membership, Role, User
from peerline.agencies.clock import local_today
from peerline.audit.services import record

from .models import PeerSupporter, Status, StatusChange


class TeamError(ValueError):
    """A refused action; the message is shown to the person as it is."""


NEW = ""  # before the first application there is no PeerSupporter row
S = Status
TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({S.CANDIDATE}),
    S.CANDIDATE: frozenset({S.ACTIVE, S.INACTIVE}),
    S.ACTIVE: frozenset({S.ON_LEAVE, S.INACTIVE, S.DESELECTED, S.ALUMNI}),
    S.ON_LEAVE: frozenset({S.ACTIVE, S.INACTIVE, S.DESELECTED, S.ALUMNI}),
    S.INACTIVE: frozenset({S.CANDIDATE, S.ACTIVE, S.DESELECTED, S.ALUMNI}),
    S.DESELECTED: frozenset({S.CANDIDATE}),
    S.ALUMNI: frozenset(),
}
# Transitions that need more than a reason, and the one function that makes each of them.
VIA: dict[tuple[str, str], str] = {
    **{(old, S.CANDIDATE): "volunteering" for old in (NEW, S.INACTIVE, S.DESELECTED)},
    (S.CANDIDATE, S.ACTIVE): "activation, once onboarding is complete",
    (S.CANDIDATE, S.INACTIVE): "the selection decision or a withdrawal",
    (S.INACTIVE, S.ACTIVE): "reinstatement",
    (S.ACTIVE, S.ON_LEAVE): "starting a leave of absence",
    (S.ON_LEAVE, S.ACTIVE): "the return from leave",
    **{(old, S.DESELECTED): "a recorded deselection" for old in (S.ACTIVE, S.ON_LEAVE, S.INACTIVE)},
}
# The peer_supporter role (what lets a person log contacts) is held exactly in these statuses.
ON_THE_TEAM = frozenset({S.ACTIVE, S.ON_LEAVE})
REASON_MAX = StatusChange._meta.get_field("reason").max_length or 500


def status_label(status: str) -> str:
    return Status(status).label.lower() if status else "not on the team"


def sync_membership(peer_supporter: PeerSupporter) -> None:
    user_id = peer_supporter.employee.user_id
    if user_id is None:
        return
    found = Membership.objects.filter(
        user_id=user_id, agency_id=peer_supporter.agency_id, role=Role.PEER_SUPPORTER
    )
    if peer_supporter.status in ON_THE_TEAM:
        if not found.exists():
            Membership.objects.create(
                user_id=user_id, agency_id=peer_supporter.agency_id, role=Role.PEER_SUPPORTER
            )
    else:
        found.delete()


def lock(peer_supporter: PeerSupporter) -> None:
    """Re-read the row under a lock, so two people acting at once cannot both change it."""
    fresh = PeerSupporter.objects.select_for_update().get(pk=peer_supporter.pk)
    peer_supporter.status, peer_supporter.status_since = fresh.status, fresh.status_since
    peer_supporter.initial_training_on = fresh.initial_training_on


def check_change(
    *, old: str, to: str, reason: str, on: date, since: date | None, today: date
) -> str:
    """The rules of one change (`TRANSITIONS`, a reason, a date neither in the future nor before
    the current status began), shared by `write_change` and the bulk services. Returns the
    reason as it is kept."""
    if to not in TRANSITIONS[old]:
        raise TeamError(
            f"A peer supporter who is {status_label(old)} cannot become {status_label(to)} "
            "(the team's status rules, 2011 §4)."
        )
    reason = " ".join(reason.split())
    if not reason:
        raise TeamError("Give the reason for the change: every change is recorded with one.")
    if on > today:
        raise TeamError("A change is recorded when it happens: the date cannot be in the future.")
    if since is not None and on < since:
        raise TeamError(f"The date cannot be before the current status began ({since}).")
    return reason


def write_change(
    *, peer_supporter: PeerSupporter, to: str, reason: str, by: User | None, on: date
) -> StatusChange:
    """Write one change of status: the only place that does (see `change_status`)."""
    old = peer_supporter.status if peer_supporter.pk else NEW
    reason = check_change(
        old=old,
        to=to,
        reason=reason,
        on=on,
        since=peer_supporter.status_since if peer_supporter.pk else None,
        today=local_today(peer_supporter.agency),
    )
    if old == S.ON_LEAVE:
        # Leaving the team ends a leave too; returning from it is `leave_end`.
        peer_supporter.leaves.filter(returned_on__isnull=True).update(returned_on=on)
    peer_supporter.status, peer_supporter.status_since = to, on
    peer_supporter.save()
    sync_membership(peer_supporter)
    if len(reason) > REASON_MAX:
        reason = reason[: REASON_MAX - 1] + "…"
    record(
        "team.status_changed",
        by=by,
        agency=peer_supporter.agency_id,
        target=f"peer_supporter:{peer_supporter.pk}",
        detail={"old": old, "new": to},  # the reason stays on the team's own record
    )
    return StatusChange.objects.create(
        peer_supporter=peer_supporter,
        from_status=old,
        to_status=to,
        effective_on=on,
        reason=reason,
        recorded_by=by,
    )


@transaction.atomic
def change_status(
    *, peer_supporter: PeerSupporter, to: str, reason: str, by: User | None, on: date
) -> StatusChange:
    """Change a PSP's status, with its date and reason, by the table `TRANSITIONS`.

    The transitions in `VIA` need more than a reason (a signed agreement, a leave, a recorded
    deselection), so they are refused here and made only by the function named there.
    """
    if peer_supporter.pk:
        lock(peer_supporter)
    via = VIA.get((peer_supporter.status if peer_supporter.pk else NEW, to))
    if via:
        raise TeamError(f"This change is made by {via}: it needs more than a reason.")
    return write_change(peer_supporter=peer_supporter, to=to, reason=reason, by=by, on=on)


def has_served(peer_supporter: PeerSupporter) -> bool:
    return peer_supporter.history.filter(to_status=S.ACTIVE).exists()


def display_name(user: User) -> str:
    return user.get_full_name() or user.get_username()
