"""Scheduled jobs: once per interval however many workers run (DESIGN: two processes, nothing in
cron), and the worker's heartbeat."""

from datetime import UTC, datetime, timedelta

import pytest

from peerline.core import jobs
from peerline.core.models import ScheduledJob, WorkerHeartbeat
from peerline.notifications import worker

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


def schedule(name, every, seen):
    return {name: jobs.Schedule(name=name, every=every, run=lambda now: seen.append(now))}


def test_a_job_runs_once_per_interval_whichever_worker_asks_first():
    seen = []
    table = schedule("test.job", timedelta(minutes=10), seen)
    # Two workers looping at the same moment: one of them runs it.
    assert jobs.run_due(T0, jobs=table) == ["test.job"]
    assert jobs.run_due(T0, jobs=table) == []
    assert jobs.run_due(T0 + timedelta(minutes=9), jobs=table) == []
    assert jobs.run_due(T0 + timedelta(minutes=10), jobs=table) == ["test.job"]
    assert seen == [T0, T0 + timedelta(minutes=10)]
    row = ScheduledJob.objects.get(name="test.job")
    assert row.due_at == T0 + timedelta(minutes=20)
    assert row.last_started_at == T0 + timedelta(minutes=10)


def test_a_claim_is_lost_by_the_second_worker_even_with_its_own_row_copy():
    table = schedule("test.claim", timedelta(hours=1), [])["test.claim"]
    assert jobs.claim(table, T0) is True
    assert jobs.claim(table, T0) is False
    assert jobs.claim(table, T0 + timedelta(minutes=59)) is False


def test_a_failing_job_is_recorded_by_class_and_the_others_still_run(caplog):
    seen = []

    def broken(now):
        raise KeyError("psp0@example.org")

    table = {
        "a.broken": jobs.Schedule("a.broken", timedelta(minutes=1), broken),
        **schedule("b.fine", timedelta(minutes=1), seen),
    }
    assert jobs.run_due(T0, jobs=table) == ["a.broken", "b.fine"]
    assert seen == [T0]
    assert ScheduledJob.objects.get(name="a.broken").last_error == "KeyError"
    assert "example.org" not in caplog.text


def test_the_apps_register_closing_escalation_retention_and_backup_ageing():
    assert {
        "stats.close-periods",
        "incidents.escalation",
        "incidents.retention",
        "core.prune-backups",
    } <= set(jobs.JOBS)


def test_the_worker_loop_writes_its_heartbeat_and_runs_the_jobs(monkeypatch):
    seen = []
    monkeypatch.setattr(jobs, "JOBS", schedule("test.loop", timedelta(minutes=5), seen))
    monkeypatch.setattr(worker, "_TICKS", [])
    worker.run_once(T0)
    worker.run_once(T0 + timedelta(seconds=2))
    assert seen == [T0]
    beat = WorkerHeartbeat.objects.get()
    assert beat.seen_at == T0 + timedelta(seconds=2) and beat.started_at == T0


@pytest.mark.django_db(transaction=True)
def test_of_eight_workers_claiming_at_once_exactly_one_runs_the_job():
    import threading
    import time

    from django.db import OperationalError, connection

    table = schedule("test.race", timedelta(minutes=5), [])["test.race"]
    jobs.claim(table, T0 - timedelta(minutes=5))  # the row exists and is due at T0
    start = threading.Barrier(8)
    wins = []

    def worker_thread():
        try:
            start.wait()
            for _ in range(200):
                try:
                    wins.append(jobs.claim(table, T0))
                    return
                except OperationalError as error:
                    # The suite's in-memory SQLite fails a locked table at once where a
                    # deployment's file database waits (settings: timeout 20): wait here.
                    assert "locked" in str(error)
                    time.sleep(0.05)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker_thread) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(wins) == [False] * 7 + [True]
