"""`peerline worker` and `peerline mail-catcher` as real processes (2011 §3.3, §5.1).

The issue's test: kill the worker mid-send and restart — still exactly one page per key. The
worker runs as its own process on the test's database (committed rows: transactional tests; on
SQLite the in-memory test database is copied to a file the process can open).
"""

import os
import re
import signal
import smtplib
import sqlite3
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from peerline.notifications.models import Notification
from peerline.notifications.outbox import enqueue

from .conftest import free_port

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


def database_url(tmp_path: Path) -> str:
    """A DATABASE_URL for a child process that sees this test's database as it is now."""
    if connection.vendor == "sqlite":
        path = tmp_path / "worker.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}"
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def rows_after(url: str) -> list[tuple[str, str, int]]:
    """(key, status, attempts) of every outbox row, as the worker processes left them."""
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            found = db.execute(
                "select key, status, attempts from notifications_notification order by key"
            ).fetchall()
        return [(k, s, a) for k, s, a in found]
    return list(Notification.objects.order_by("key").values_list("key", "status", "attempts"))


def start(*args: str, url: str = "", port: int = 0, **extra: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "peerline.settings",
        "PEERLINE_SMTP_HOST": "127.0.0.1",
        "PEERLINE_SMTP_PORT": str(port),
        "PEERLINE_SMTP_TIMEOUT": "5",
        **({"DATABASE_URL": url} if url else {}),
        **extra,
    }
    return subprocess.Popen(  # noqa: S603 (our own manage.py)
        [sys.executable, MANAGE, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.django_db(transaction=True)
def test_2011_s3_3_kill_the_worker_mid_send_and_restart_still_one_page_per_key(
    agency, smtp_server, tmp_path
):
    addresses = [f"psp{i}@example.org" for i in range(5)]
    for i, address in enumerate(addresses):
        enqueue(
            agency=agency,
            key=f"incident:9:psp:{i}:round:1",
            subject="Peer support page: line-of-duty death",
            body="Accept or decline: http://127.0.0.1:8000/page/token",
            now=timezone.now(),
            email=address,
        )
    url = database_url(tmp_path)
    lease = {"PEERLINE_WORKER_LEASE_SECONDS": "1"}
    first = start("worker", "--interval", "0.2", url=url, port=smtp_server.port, **lease)

    def kill_on_the_third(seen: int) -> str | None:
        # The server has the whole 3rd message but has not said 250: the worker dies now.
        if seen == 3:
            os.kill(first.pid, signal.SIGKILL)
            return "451 4.3.0 not accepted"
        return None

    smtp_server.before_ack = kill_on_the_third
    try:
        first.wait(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == -signal.SIGKILL
    assert len(smtp_server.accepted) == 2
    after_kill = rows_after(url)
    assert [s for _, s, _ in after_kill].count("sent") == 2

    # Restart: the claimed row is taken over once its lease expires; the rest go at once.
    second = start("worker", "--interval", "0.2", url=url, port=smtp_server.port, **lease)
    try:
        assert wait_for(lambda: len(smtp_server.accepted) >= 5, timeout=60)
        time.sleep(2)  # long enough for any duplicate to show up
    finally:
        second.send_signal(signal.SIGTERM)
        out, err = second.communicate(timeout=30)
    assert second.returncode == 0, err
    assert "Peerline worker stopped." in out
    assert smtp_server.per_recipient() == dict.fromkeys(addresses, 1)
    final = rows_after(url)
    assert [s for _, s, _ in final] == ["sent"] * 5
    assert sorted(a for _, _, a in final) == [1, 1, 1, 1, 2]
    # The worker's output is counts only: no address, no key.
    assert "@" not in out + err and "incident:" not in out + err


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_page_once(agency, smtp_server, tmp_path):
    """Each worker's lease keeps the other off the row it is sending: both send, none twice."""
    addresses = [f"psp{i}@example.org" for i in range(24)]
    for i, address in enumerate(addresses):
        enqueue(
            agency=agency, key=f"k{i}", subject="S", body="B", now=timezone.now(), email=address
        )
    url = database_url(tmp_path)

    def slow_server(seen: int) -> None:
        if seen == 1:  # the first page waits for the other worker's first claim: a worker that
            # came up late (a loaded machine) found every row sent, and `min(sent)` was 0
            wait_for(lambda: sum(attempts for *_, attempts in rows_after(url)) >= 2, timeout=60)
            connections.close_all()  # this thread's, if it read PostgreSQL
        time.sleep(0.15)  # long enough for the two workers to overlap

    smtp_server.before_ack = slow_server
    patient = {"PEERLINE_SMTP_TIMEOUT": "90"}  # the first page may be held up to 60 s
    workers = [
        start("worker", "--interval", "0.1", url=url, port=smtp_server.port, **patient)
        for _ in "ab"
    ]
    try:
        assert wait_for(lambda: len(smtp_server.accepted) >= 24, timeout=90)
        time.sleep(1)
    finally:
        for proc in workers:
            proc.send_signal(signal.SIGTERM)
        outputs = [proc.communicate(timeout=30) for proc in workers]
    assert [proc.returncode for proc in workers] == [0, 0], outputs
    assert smtp_server.per_recipient() == dict.fromkeys(addresses, 1)
    assert [s for _, s, _ in rows_after(url)] == ["sent"] * 24
    sent = [sum(map(int, re.findall(r" sent (\d+),", out))) for out, _ in outputs]
    assert sum(sent) == 24 and min(sent) > 0, sent


@pytest.mark.django_db(transaction=True)
def test_worker_once_sends_and_exits(agency, smtp_server, tmp_path):
    enqueue(agency=agency, key="k", subject="S", body="B", now=timezone.now(), email="a@x.org")
    url = database_url(tmp_path)
    proc = start("worker", "--once", url=url, port=smtp_server.port)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert out.strip().endswith("sent 1, to retry 0, failed 0")
    assert smtp_server.per_recipient() == {"a@x.org": 1}


def test_the_mail_catcher_prints_each_message():
    port = free_port()
    proc = start("mail-catcher", "--port", str(port))
    try:
        assert proc.stdout is not None
        assert "Mail catcher on" in proc.stdout.readline()
        message = EmailMessage()
        message["From"], message["To"] = "peerline@localhost", "psp@example.org"
        message["Subject"] = "Peer support page: child death"
        message.set_content("Accept: http://127.0.0.1:8000/page/abc")
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            refused = client.send_message(message)
        assert refused == {}
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Message 1 to psp@example.org" in out
    assert "Subject: Peer support page: child death" in out
    assert "Accept: http://127.0.0.1:8000/page/abc" in out
