"""Is this deployment able to do its job? The worker's heartbeat, and the checks behind the
readiness endpoint and the coordinator's banner.

Liveness (`/healthz`) says only that the web process answers. Readiness (`/readyz`) says whether
the deployment works: the database answers, every migration is applied, a worker has been seen
within `PEERLINE_WORKER_STALE_MINUTES`, and no page has waited to be sent longer than
`PEERLINE_PAGE_STALE_MINUTES` (2011 §3.3: a page nobody receives is a team nobody activates).
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import QuerySet, Subquery

from .models import WorkerHeartbeat

WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"


def beat(now: datetime, *, worker: str = WORKER_ID, started_at: datetime | None = None) -> None:
    """Record that this worker is alive (every loop)."""
    updated = WorkerHeartbeat.objects.filter(worker=worker).update(seen_at=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            worker=worker, defaults={"seen_at": now, "started_at": started_at or now}
        )


def _last_seen() -> QuerySet[WorkerHeartbeat, Any]:
    return WorkerHeartbeat.objects.order_by("-seen_at").values("seen_at")[:1]


def worker_last_seen() -> datetime | None:
    found = _last_seen().first()
    return found["seen_at"] if found else None


def _stale_after() -> timedelta:
    return timedelta(minutes=settings.PEERLINE_WORKER_STALE_MINUTES)


def _page_limit() -> timedelta:
    return timedelta(minutes=settings.PEERLINE_PAGE_STALE_MINUTES)


def _oldest(agency_id: int | None) -> QuerySet[Any, dict[str, Any]]:
    # Looked up by name: the outbox belongs to a higher layer than core.
    notification = apps.get_model("notifications", "Notification")
    pending = notification.objects.filter(status="pending")
    if agency_id is not None:
        pending = pending.filter(agency_id=agency_id)
    return pending.order_by("created_at").values("created_at")[:1]


def _oldest_unsent(agency_id: int | None = None) -> datetime | None:
    found = _oldest(agency_id).first()
    return found["created_at"] if found else None


def paging_problems(now: datetime, *, agency_id: int | None = None) -> list[str]:
    """Why pages are not going out, in plain words; empty when they are."""
    return paging_problems_of(now, worker_last_seen(), _oldest_unsent(agency_id))


# The columns `paging_problems_of` reads, for a page that asks them in a query it makes anyway:
# the home page asks them in the one that loads the user, not in two of their own (issue 18).
PAGING_SEEN, PAGING_OLDEST = "paging_seen", "paging_oldest"


def paging_columns(agency_id: int) -> dict[str, Subquery]:
    """`paging_problems`' two reads as scalar subqueries, by column name (`PAGING_SEEN`,
    `PAGING_OLDEST`): each is NULL where the read finds no row."""
    return {PAGING_SEEN: Subquery(_last_seen()), PAGING_OLDEST: Subquery(_oldest(agency_id))}


def paging_problems_of(now: datetime, seen: datetime | None, oldest: datetime | None) -> list[str]:
    """`paging_problems` from what it reads: the worker's last heartbeat and the oldest page
    still waiting to be sent (None: no heartbeat, no page waiting)."""
    problems = []
    minutes = settings.PEERLINE_WORKER_STALE_MINUTES
    if seen is None:
        problems.append("the worker has never run (peerline worker)")
    elif now - seen > _stale_after():
        problems.append(f"the worker has not been seen for more than {minutes} minutes")
    if oldest is not None and now - oldest > _page_limit():
        waited = int((now - oldest).total_seconds() // 60)
        problems.append(f"the oldest unsent page has waited {waited} minutes")
    return problems


def readiness_problems(now: datetime) -> list[str]:
    """Everything that stops this deployment from working, one line each; empty when ready."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return [f"database unreachable ({type(error).__name__})"]
    global _migrated
    if not _migrated:  # once applied they stay applied: read the migration files only until then
        try:
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError as error:
            return [f"database unreachable ({type(error).__name__})"]
        if plan:
            return [f"{len(plan)} migrations not applied (peerline migrate)"]
        _migrated = True
    return paging_problems(now)


_migrated = False
