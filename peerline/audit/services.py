"""Writing to the audit trail: `record()` in the same transaction as the change it describes."""

import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import AuditEvent

GENESIS = "0" * 64


def row_hash(
    *,
    prev_hash: str,
    at: str,
    agency_id: int | None,
    actor_id: int | None,
    actor_label: str,
    action: str,
    target: str,
    detail: dict[str, Any],
) -> str:
    """The hash of one row's content and the hash before it (the chain `verify` walks)."""
    payload = json.dumps(
        [prev_hash, at, agency_id, actor_id, actor_label, action, target, detail],
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def record(
    action: str,
    *,
    by: Any = None,
    agency: Any = None,
    target: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Call it inside the transaction of the change, so both land or neither.

    `by` is the acting user (None for the system, e.g. the worker); `agency` the agency acted in.
    `detail` holds old and new values of program settings and the like, never anything about a
    person supported.
    """
    detail = detail or {}
    with transaction.atomic():
        # One writer at a time extends the chain: lock the last row (PostgreSQL); SQLite's
        # IMMEDIATE transactions already serialise writers.
        last = AuditEvent.objects.select_for_update().order_by("-id").only("hash").first()
        prev = last.hash if last else GENESIS
        at = timezone.now()
        actor_id = getattr(by, "pk", None)
        actor_label = getattr(by, "username", "") if by is not None else "system"
        agency_id = getattr(agency, "pk", None)
        digest = row_hash(
            prev_hash=prev,
            at=at.isoformat(),
            agency_id=agency_id,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            target=target,
            detail=detail,
        )
        return AuditEvent.objects.create(
            at=at,
            agency_id=agency_id,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            target=target,
            detail=detail,
            prev_hash=prev,
            hash=digest,
        )
