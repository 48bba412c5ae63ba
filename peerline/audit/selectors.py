"""Reading the audit trail: an agency's events, and how far the chain holds for them."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from .chain import Verification
from .models import AuditEvent

# The kinds of event the page filters by: fixed choices, so a URL never carries free text.
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "sign-in": ("Signing in and lockout", ("auth.",)),
    "roles": ("Roles and activation roles", ("role.", "activation_roles.")),
    "settings": ("Program settings", ("settings.", "agency.")),
    "team": ("Selection and team status", ("selection.", "team.")),
    "incidents": ("Critical incidents", ("incident.",)),
    "exports": ("Exports", ("export.",)),
}


def events_for(*, agency_id: int, deployment_wide: bool, kind: str = "") -> QuerySet[AuditEvent]:
    """The agency's events, newest first; with `deployment_wide` (system administrators only)
    also those of no agency, such as a sign-in by an account with no role."""
    events = _visible(agency_id, deployment_wide)
    if kind in KINDS:
        prefixes = Q()
        for prefix in KINDS[kind][1]:
            prefixes |= Q(action__startswith=prefix)
        events = events.filter(prefixes)
    return events.order_by("-seq")


def _visible(agency_id: int, deployment_wide: bool) -> QuerySet[AuditEvent]:
    scope = Q(agency_id=agency_id)
    if deployment_wide:
        scope |= Q(agency__isnull=True)
    return AuditEvent.objects.filter(scope)


@dataclass(frozen=True)
class ChainState:
    """The chain's state as an agency may see it: counts of its own rows, never another's."""

    ok: bool
    verified: int  # the viewer's rows within the part of the chain that holds
    last_verified: AuditEvent | None
    broken_here: AuditEvent | None  # the first broken row, when it is one the viewer may see


def chain_state(result: Verification, *, agency_id: int, deployment_wide: bool) -> ChainState:
    """How far the chain holds (`result` from `services.verify`, the command's own walk)."""
    mine = _visible(agency_id, deployment_wide)
    held = mine.filter(seq__lte=result.head_seq)
    broken = mine.filter(pk=result.broken_id).first() if result.broken_id else None
    return ChainState(
        ok=result.ok,
        verified=held.count(),
        last_verified=held.order_by("-seq").first(),
        broken_here=broken,
    )


ACTIONS = {
    "auth.signed_in": "Signed in",
    "auth.sign_in_failed": "Sign-in failed",
    "auth.locked_out": "Account locked out",
    "role.granted": "Role granted",
    "role.changed": "Role changed",
    "role.removed": "Role removed",
    "activation_roles.changed": "Roles that may activate the team changed",
    "settings.changed": "Program settings changed",
    "agency.created": "Agency created",
    "agency.deleted": "Agency deleted",
    "selection.recommendation_requested": "Recommendation requested",
    "selection.panel_set": "Interview panel set",
    "selection.eligibility_checked": "Eligibility recorded",
    "selection.decided": "Selection decided",
    "team.status_changed": "Team status changed",
    "team.initial_training_recorded": "Initial training recorded",
    "team.agreement_published": "Confidentiality agreement published",
    "incident.opened": "Incident opened",
    "incident.activated": "Team activated for an incident",
    "incident.closed": "Incident closed",
    "incident.mutual_aid_answered": "Mutual aid request answered",
    "export.downloaded": "Export downloaded",
}


def labelled(events: list[AuditEvent]) -> list[AuditEvent]:
    """Give each event of a page a readable action and, for accounts, the user name (one query)."""
    ids = {int(e.target[5:]) for e in events if e.target.startswith("user:")}
    model = get_user_model()
    names = dict(model._default_manager.filter(pk__in=ids).values_list("pk", model.USERNAME_FIELD))
    for event in events:
        event.label = ACTIONS.get(event.action, event.action)  # type: ignore[attr-defined]
        if event.target.startswith("user:"):
            name = names.get(int(event.target[5:]))
            event.shown_target = name or event.target  # type: ignore[attr-defined]
        else:
            event.shown_target = event.target  # type: ignore[attr-defined]
        event.shown_detail = _readable(event.detail)  # type: ignore[attr-defined]
    return events


def _readable(detail: object) -> str:
    """`{"k": {"old": 11, "new": 15}}` as "k: 11 → 15"; other values as they are."""
    if not isinstance(detail, dict):
        return str(detail)
    if detail.keys() == {"old", "new"}:
        return f"{_readable(detail['old'])} → {_readable(detail['new'])}"
    return "; ".join(f"{key}: {_readable(value)}" for key, value in detail.items())
