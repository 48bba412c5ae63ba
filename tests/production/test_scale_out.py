"""Scale-out on one database (docs/deploy.md, "More than one server"): two `peerline serve`
processes and two `peerline worker` processes share one database, as two machines behind a load
balancer would. No page is sent twice (2011 §3.3, §5.1: one page per person and round), no
scheduled job runs twice in one interval, and a session made on one server is valid on the other.

The servers and workers are started with the production environment of docs/deploy.md
(`test_production.production_env`), each its own process; the test is the database's only link
between them. E-mail pages go to an SMTP server in this process that records every message.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from peerline.web import demo

from . import test_production
from .test_production import PEERLINE, Browser, free_port, log_in, peerline, production_env

database_url = test_production.database_url  # the fixture: a new database of the suite's kind

pytestmark = pytest.mark.production

PAGES = 40
JOB = "test.scale-out"
JOB_EVERY = 2.0  # seconds


class Recorder:
    """aiosmtpd handler: keep every message's subject; accept it."""

    def __init__(self) -> None:
        self.subjects: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        from email import message_from_bytes, policy

        message = message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        with self.lock:
            self.subjects.append(str(message.get("Subject", "")))
        return "250 Message accepted for delivery"


# A worker that is `peerline worker` plus one scheduled job of the test's, due every JOB_EVERY
# seconds, that appends "<pid> <now>" to a file each time it runs (`now`: the time the worker
# claimed the run at): the file shows which worker ran which interval. The real jobs are claimed the same way (peerline.core.jobs.claim).
WORKER = textwrap.dedent(
    """
    import os, sys, time
    from datetime import timedelta
    from peerline.core.jobs import periodic

    def record(now):
        with open(os.environ["SCALE_OUT_JOB_LOG"], "a") as out:
            out.write(f"{os.getpid()} {now.timestamp():.6f}\\n")

    periodic(%r, every=timedelta(seconds=%r))(record)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerline.settings")
    from django.core.management import execute_from_command_line
    execute_from_command_line(["peerline", "worker", "--interval", "0.1"])
    """
) % (JOB, JOB_EVERY)

ENQUEUE = (
    textwrap.dedent(
        """
    from django.db import transaction
    from django.utils import timezone
    from peerline.agencies.models import Agency
    from peerline.notifications.outbox import enqueue
    agency = Agency.objects.order_by("pk").first()
    with transaction.atomic():
        for i in range(%d):
            enqueue(agency=agency, key=f"scale-out:{i}", subject=f"scale-out page {i}",
                    body="A test page.", now=timezone.now(), email=f"psp{i}@example.test")
    """
    )
    % PAGES
)


def wait_healthy(port: int, process: subprocess.Popen, log: Path) -> None:
    for _ in range(600):
        try:
            if Browser(port).get("/healthz")[0] == 200:
                return
        except OSError:
            pass
        assert process.poll() is None, log.read_text()
        time.sleep(0.2)
    raise AssertionError(f"server on {port} never answered /healthz")


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_two_servers_and_two_workers_share_one_database(tmp_path, database_url):
    """2011 §3.3, §5.1: each page reaches its person once, however many workers run; the
    scheduled jobs run once per interval; a session is the database's, not a server's."""
    recorder = Recorder()
    smtp_port = free_port()
    catcher = Controller(recorder, hostname="127.0.0.1", port=smtp_port)
    catcher.start()
    env = production_env(tmp_path, database_url)
    env.update(PEERLINE_SMTP_PORT=str(smtp_port), SCALE_OUT_JOB_LOG=str(tmp_path / "job.log"))
    peerline(env, "migrate", "--noinput")
    peerline(env, "collectstatic", "--noinput")
    peerline(env, "seed-demo", "--employees", str(demo.MIN_EMPLOYEES))
    peerline(env, "shell", "-c", ENQUEUE)

    processes: list[subprocess.Popen] = []
    ports = [free_port(), free_port()]
    try:
        for i, port in enumerate(ports):
            log = tmp_path / f"serve-{i}.log"
            with log.open("w") as out:
                processes.append(
                    subprocess.Popen(  # noqa: S603
                        [PEERLINE, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )  # fmt: skip
                )
        workers = []
        for i in range(2):
            with (tmp_path / f"worker-{i}.log").open("w") as out:
                workers.append(
                    subprocess.Popen(  # noqa: S603
                        [sys.executable, "-c", WORKER],
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )  # fmt: skip
                )
        processes += workers

        # A session made on the first server is valid on the second, and ends on both.
        for i, port in enumerate(ports):
            wait_healthy(port, processes[i], tmp_path / f"serve-{i}.log")
        username = demo.DEMO_USERS[0][1]
        first = Browser(ports[0])
        log_in(first, username, demo.DEMO_PASSWORD)
        assert first.get("/")[0] == 200
        second = Browser(ports[1])
        second.cookies = dict(first.cookies)
        status, _, _ = second.get("/")
        assert status == 200, "the second server did not know the first server's session"
        assert Browser(ports[1]).get("/")[0] == 302  # without the session: to the log-in page

        # Every page sent, then the workers keep looping for several job intervals.
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            with recorder.lock:
                if sum(s.startswith("scale-out page") for s in recorder.subjects) >= PAGES:
                    break
            for worker in workers:
                assert worker.poll() is None, (tmp_path / "worker-0.log").read_text()
            time.sleep(0.2)
        # Then at least three runs of the test's job (each worker tries it every 0.1 s), and
        # one more interval for a second run of any of them to show.
        job_log = tmp_path / "job.log"
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if job_log.exists() and len(job_log.read_text().splitlines()) >= 3:
                break
            time.sleep(0.2)
        time.sleep(JOB_EVERY)
    finally:
        stop(processes)
        catcher.stop()

    pages = sorted(s for s in recorder.subjects if s.startswith("scale-out page"))
    assert pages == sorted(f"scale-out page {i}" for i in range(PAGES)), "a page twice or lost"
    sent_by = [(tmp_path / f"worker-{i}.log").read_text() for i in range(2)]
    assert all("Peerline worker:" in text for text in sent_by)

    # The test's job: at least three runs, never two in the same interval, by either worker.
    runs = [line.split() for line in (tmp_path / "job.log").read_text().splitlines()]
    assert len(runs) >= 3
    times = sorted(float(at) for _, at in runs)
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= JOB_EVERY - 0.001, f"the job ran twice in one interval: {runs}"
    assert {pid for pid, _ in runs} <= {str(w.pid) for w in workers}
