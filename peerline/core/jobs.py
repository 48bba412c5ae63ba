"""Scheduled jobs: periodic work that the worker runs, each once per interval however many
workers run (DESIGN: two processes, nothing in cron).

An app registers its jobs at import time, from its `AppConfig.ready()`:

    @periodic("incidents.retention", every=timedelta(hours=1))
    def erase_expired(now: datetime) -> None: ...

A job takes the current time and must be idempotent: it may run late, and after a crash it runs
again.

Once per interval: each job has a `ScheduledJob` row with the time it is next due. A worker runs a
job only if its conditional UPDATE moved `due_at` forward (`WHERE name = … AND due_at <= now`):
on SQLite and PostgreSQL alike exactly one of several workers changes the row, and the others
see no row changed and skip it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

log = logging.getLogger("peerline.core.jobs")

Job = Callable[[datetime], None]


@dataclass(frozen=True)
class Schedule:
    name: str
    every: timedelta
    run: Job


JOBS: dict[str, Schedule] = {}


def periodic(name: str, *, every: timedelta) -> Callable[[Job], Job]:
    """Register `fn(now)` to run every `every` under `name` (the name is the job's identity)."""

    def register(fn: Job) -> Job:
        JOBS[name] = Schedule(name=name, every=every, run=fn)
        return fn

    return register


def claim(schedule: Schedule, now: datetime) -> bool:
    """Take this interval's run of `schedule`; False if it is not due or another worker has it."""
    from .models import ScheduledJob

    ScheduledJob.objects.bulk_create(
        [ScheduledJob(name=schedule.name, due_at=now)], ignore_conflicts=True
    )
    won = ScheduledJob.objects.filter(name=schedule.name, due_at__lte=now).update(
        due_at=now + schedule.every, last_started_at=now
    )
    return won == 1


def run_due(now: datetime, *, jobs: dict[str, Schedule] | None = None) -> list[str]:
    """Run every job that is due and that this worker claimed; returns their names. A failing
    job is logged by name and class and does not stop the others (it runs again next interval)."""
    from django.utils import timezone

    from .models import ScheduledJob

    ran = []
    for schedule in sorted((jobs if jobs is not None else JOBS).values(), key=lambda s: s.name):
        if not claim(schedule, now):
            continue
        error = ""
        try:
            schedule.run(now)
        except Exception as failure:  # one failing job must not stop paging or the others
            error = type(failure).__name__
            log.error("job %s failed: %s", schedule.name, error)
        ScheduledJob.objects.filter(name=schedule.name).update(
            last_finished_at=timezone.now(), last_error=error
        )
        ran.append(schedule.name)
    return ran
