"""Writing and checking the audit trail: `record()` in the same transaction as the change it
describes, `verify()` over the whole chain."""

from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from .chain import FIELDS, GENESIS, Verification, canonical_detail, row_hash, walk
from .models import AuditEvent, ChainCheck

__all__ = ["GENESIS", "Entry", "check", "record", "record_many", "state", "verify"]

# The PostgreSQL advisory lock that makes appending to the chain one writer at a time.
CHAIN_LOCK = 0x5045_4552_4155_4454  # "PEERAUDT" in ASCII


def _lock_chain() -> None:
    """Hold the writers' lock until the transaction ends.

    PostgreSQL: an advisory lock, not `select_for_update` on the last row: a writer that waited
    for that row would still see it as the last one once the other commits (the row it locked
    is re-read, the query is not), and an empty table has no row to lock at all. SQLite: the
    settings open every transaction IMMEDIATE, which already admits one writer at a time. Either
    way `prev_hash` is unique, so a fork could not be written even without the lock.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def actor_of(by: Any) -> tuple[int | None, str]:
    if by is None:
        return None, "system"
    if getattr(by, "pk", None) is None:
        return None, "anonymous"
    return by.pk, by.get_username()


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
    person supported (2011 §6.7).
    """
    (event,) = record_many([Entry(action, by=by, agency=agency, target=target, detail=detail)])
    return event


@dataclass(frozen=True)
class Entry:
    """One event for `record_many`: the arguments `record` takes."""

    action: str
    by: Any = None
    agency: Any = None
    target: str = ""
    detail: dict[str, Any] | None = None


def record_many(entries: list[Entry]) -> list[AuditEvent]:
    """Append events in their order, chained exactly as one `record` after another would chain
    them, in one insert (the bulk services of the demo's hundreds). Same transaction rule."""
    if not entries:
        return []
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev = last if last else (0, GENESIS)
        at = timezone.now()
        events = []
        for entry in entries:
            clean = canonical_detail(entry.detail or {})
            actor_id, actor_label = actor_of(entry.by)
            agency_id = getattr(entry.agency, "pk", entry.agency)
            seq += 1
            fields = {
                "seq": seq,
                "at": at,
                "agency_id": agency_id,
                "actor_id": actor_id,
                "actor_label": actor_label,
                "action": entry.action,
                "target": entry.target,
                "detail": clean,
            }
            digest = row_hash(prev_hash=prev, **fields)
            events.append(AuditEvent(**fields, prev_hash=prev, hash=digest))
            prev = digest
        return AuditEvent.objects.bulk_create(events)


def verify(*, since: tuple[int, str] | None = None) -> Verification:
    """Walk the chain from its first row (`peerline audit verify`, the worker's hourly check),
    or from a row verified before, `since` = (its number, its hash): that row must still have
    that hash, then every row after it is walked (the audit page, between full checks)."""
    rows = AuditEvent.objects.order_by("seq").values(*FIELDS)
    if since is None:
        return walk(rows.iterator(chunk_size=2000))
    seq, digest = since
    anchor = AuditEvent.objects.filter(seq=seq).values("id", "hash").first()
    if seq and (anchor is None or anchor["hash"] != digest):
        reason = "it is gone" if anchor is None else "it changed since it was verified"
        return Verification(0, 0, GENESIS, seq, anchor and anchor["id"], reason)
    return walk(rows.filter(seq__gt=seq).iterator(chunk_size=2000), after=seq, prev=digest)


def check() -> Verification:
    """Verify the whole chain and keep the result, from which the audit page goes on."""
    result = verify()
    ChainCheck.objects.create(
        at=timezone.now(),
        head_seq=result.head_seq,
        head_hash=result.head_hash,
        broken_seq=result.broken_seq,
        reason=result.reason,
    )
    return result


def state() -> tuple[Verification, ChainCheck | None]:
    """The chain now, for the page: from the last full check that held, the rows since; a full
    walk when there is none (and its result kept)."""
    last = ChainCheck.objects.filter(broken_seq__isnull=True).order_by("-at").first()
    if last is None or ChainCheck.objects.filter(at__gt=last.at).exists():
        return check(), None  # never checked, or the last check found a break: look again
    return verify(since=(last.head_seq, last.head_hash)), last
