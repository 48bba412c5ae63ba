"""Scheduled jobs: periodic work that the worker runs, each once per interval however many
workers run (DESIGN: two processes, nothing in cron).

An app registers its jobs at import time, from its `AppConfig.ready()`:

    @periodic("incidents.retention", every=timedelta(hours=1))
    def erase_expired(now: datetime) -> None: ...

A job takes the current time and must be idempotent: it may run late, and after a crash it runs
again.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

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
