"""The hash chain: one canonical form of a row, its hash, and the walk that verifies the trail.

The canonical form must read back the same from SQLite and PostgreSQL, so verification is exact
on both: the time is written in UTC with microseconds (both databases keep microseconds), and
`detail` is reduced to what a JSON column gives back unchanged (strings, integers, booleans,
None, lists and objects; anything else, a float or a date included, becomes its string).
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64

FIELDS = (
    "id",
    "seq",
    "prev_hash",
    "at",
    "agency_id",
    "actor_id",
    "actor_label",
    "action",
    "target",
    "detail",
    "hash",
)


def canonical_time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_detail(value: Any) -> Any:
    """`value` as the JSON column will give it back: the form that is stored and hashed."""
    if isinstance(value, dict):
        return {str(key): canonical_detail(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [canonical_detail(item) for item in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)  # floats too: a JSON column may not give back the same float text


def row_hash(
    *,
    seq: int,
    prev_hash: str,
    at: datetime,
    agency_id: int | None,
    actor_id: int | None,
    actor_label: str,
    action: str,
    target: str,
    detail: Any,
) -> str:
    """The hash of one row's content, its place and the hash before it (the chain)."""
    payload = json.dumps(
        [
            seq,
            prev_hash,
            canonical_time(at),
            agency_id,
            actor_id,
            actor_label,
            action,
            target,
            detail,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class Verification:
    """The result of a walk: how far the chain holds, and the first row where it does not."""

    checked: int  # rows that hold, from the first
    head_seq: int  # the last row that holds (0 when none): equal to `checked`, rows being 1, 2…
    head_hash: str
    broken_seq: int | None = None  # the first row that does not hold
    broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None

    def describe(self) -> str:
        if self.ok:
            return f"The audit trail holds: {self.checked} rows verified, head {self.head_hash}."
        where = f"row {self.broken_seq}" + (f" (id {self.broken_id})" if self.broken_id else "")
        held = f" Verified up to row {self.head_seq}." if self.head_seq else ""
        return f"The audit trail is broken at {where}: {self.reason}.{held}"


def walk(rows: Iterable[dict[str, Any]], *, after: int = 0, prev: str = GENESIS) -> Verification:
    """Verify rows given in `seq` order: numbered 1, 2, 3… without a gap, each naming the hash
    of the row before it, each hash matching its content. `after` and `prev` start the walk
    past a row already verified (its number and hash)."""
    checked = after
    for row in rows:
        reason = _fault(row, expected=checked + 1, prev=prev)
        if reason:
            return Verification(checked, checked, prev, row["seq"], row["id"], reason)
        prev, checked = row["hash"], checked + 1
    return Verification(checked, checked, prev)


def _fault(row: dict[str, Any], *, expected: int, prev: str) -> str:
    """Why `row` does not hold as row number `expected` after a row hashed `prev` ("" if it does)."""
    seq = row["seq"]
    if seq != expected:
        missing = f"row {expected}" if seq == expected + 1 else f"rows {expected}–{seq - 1}"
        return f"{missing} missing (deleted) before it"
    if row["prev_hash"] != prev:
        return "it does not follow the row before it (inserted or re-chained)"
    if row_hash(**{k: row[k] for k in FIELDS if k not in ("id", "hash")}) != row["hash"]:
        return "its content does not match its hash (edited)"
    return ""
