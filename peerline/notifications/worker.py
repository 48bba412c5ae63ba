"""The worker: sends the outbox through Apprise, one message at a time, runs the scheduled jobs
(`peerline.core.jobs`, each once per interval however many workers run) and writes its heartbeat.

Exactly one page per key (2011 §3.3, §5.1): a row is claimed with a lease (`claimed_at`), sent,
and marked sent right after the server accepted it. A worker killed mid-send leaves a claimed,
unsent row; it is retried once the lease has expired, so a page is never lost. For e-mail a
message is delivered only when the server answered 250; one the server never acknowledged is
not a page, and sending it again makes the one page.

Nothing personal reaches the logs: rows are named by their id, errors are summarised with every
address, URL and number removed (Apprise's own log, which names recipients, is kept off the
console in settings.LOGGING).
"""

from __future__ import annotations

import logging
import re
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import FrameType

import apprise
from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from peerline.core import health, jobs
from peerline.notifications.models import Notification, NotificationStatus
from peerline.notifications.outbox import apprise_url, rendered_body

log = logging.getLogger("peerline.notifications.worker")

Tick = Callable[[datetime], None]
_TICKS: list[Tick] = []
_stop = threading.Event()


def register_tick(fn: Tick) -> Tick:
    """Run `fn(now)` on every loop of every worker, after sending. Registering the same function
    twice keeps one. Usable as a decorator. Prefer `peerline.core.jobs.periodic`, which runs a
    job once per interval across workers."""
    if fn not in _TICKS:
        _TICKS.append(fn)
    return fn


def lease_seconds() -> int:
    return int(getattr(settings, "PEERLINE_WORKER_LEASE_SECONDS", 120))


def max_attempts() -> int:
    return int(getattr(settings, "PEERLINE_WORKER_MAX_ATTEMPTS", 8))


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after `attempts` failed ones: 30 s, 1 min, 2 min, … capped."""
    base = int(getattr(settings, "PEERLINE_WORKER_BACKOFF_SECONDS", 30))
    cap = int(getattr(settings, "PEERLINE_WORKER_BACKOFF_MAX_SECONDS", 900))
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


@dataclass
class Batch:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def __bool__(self) -> bool:
        return bool(self.sent or self.retrying or self.failed)

    def __str__(self) -> str:
        return f"sent {self.sent}, to retry {self.retrying}, failed {self.failed}"


def _due(at: datetime) -> QuerySet[Notification]:
    expired = at - timedelta(seconds=lease_seconds())
    return Notification.objects.filter(
        status=NotificationStatus.PENDING, next_attempt_at__lte=at
    ).filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=expired))


def claim_one(at: datetime) -> Notification | None:
    """Take the lease on the next due row, or None. A live lease (younger than
    PEERLINE_WORKER_LEASE_SECONDS) is never taken; an expired one is (its worker died)."""
    order = ("next_attempt_at", "pk")
    if connection.features.has_select_for_update_skip_locked:
        # PostgreSQL: concurrent workers skip each other's rows instead of waiting.
        with transaction.atomic():
            pk = (
                _due(at)
                .select_for_update(skip_locked=True)
                .order_by(*order)
                .values_list("pk", flat=True)
                .first()
            )
            if pk is None:
                return None
            Notification.objects.filter(pk=pk).update(claimed_at=at, attempts=F("attempts") + 1)
    else:
        # SQLite: a conditional UPDATE; whoever changes the row holds the lease.
        for _ in range(5):
            pk = _due(at).order_by(*order).values_list("pk", flat=True).first()
            if pk is None:
                return None
            if _due(at).filter(pk=pk).update(claimed_at=at, attempts=F("attempts") + 1) == 1:
                break
        else:
            return None
    return Notification.objects.get(pk=pk)


_REDACT = [
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)*"), "<address>"),
    (re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.I), "<url>"),
    (re.compile(r"\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b"), "<server>"),
    (re.compile(r"\+?\d[\d\s().-]{5,}\d"), "<number>"),
]


def redact(text: str, *secrets: str) -> str:
    """An error message with addresses, URLs, phone numbers and the given strings removed."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<target>")
    for pattern, replacement in _REDACT:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())[:300]


def deliver(notification: Notification) -> str:
    """Send one message through Apprise. Returns "" when the server accepted it, otherwise a
    short error without any address."""
    try:
        url = apprise_url(notification.kind, notification.target)
    except ValueError as error:
        return redact(str(error), notification.target)
    pager = apprise.Apprise()  # one per message: nothing is shared between recipients
    if not pager.add(url):
        return "the channel's address is not a usable notification URL"
    # Apprise says why only in its log (the server's reply is at DEBUG): read it, redacted.
    with apprise.LogCapture(level=logging.DEBUG, fmt="%(levelname)s %(message)s") as captured:
        accepted = pager.notify(
            title=notification.subject,
            body=rendered_body(notification),
            body_format=apprise.NotifyFormat.TEXT,
        )
    if accepted:
        return ""
    reasons = [
        line.split(" ", 1)[-1]
        for line in captured.getvalue().splitlines()
        if line.startswith(("WARNING", "ERROR")) or "Exception" in line
    ]
    return redact("; ".join(reasons[-2:]) or "not accepted", notification.target, url)


def _finish(notification: Notification, error: str, at: datetime) -> str:
    """Record the outcome; returns "sent", "retry" or "failed"."""
    mine = Notification.objects.filter(pk=notification.pk, status=NotificationStatus.PENDING)
    if not error:
        # Withdrawn while in our hands: it went all the same, and the record says so.
        Notification.objects.filter(
            pk=notification.pk,
            status__in=[NotificationStatus.PENDING, NotificationStatus.WITHDRAWN],
        ).update(status=NotificationStatus.SENT, sent_at=at, claimed_at=None, last_error="")
        return "sent"
    if notification.attempts >= max_attempts():
        mine.update(status=NotificationStatus.FAILED, claimed_at=None, last_error=error)
        log.warning(
            "notification %s failed after %s attempts", notification.pk, notification.attempts
        )
        return "failed"
    delay = backoff(notification.attempts)
    mine.update(claimed_at=None, last_error=error, next_attempt_at=at + delay)
    log.info(
        "notification %s: attempt %s not accepted; retry in %ss",
        notification.pk,
        notification.attempts,
        int(delay.total_seconds()),
    )
    return "retry"


def send_batch(*, now: datetime, limit: int = 50) -> Batch:
    """Claim and send up to `limit` due rows, one at a time (each lease covers one send)."""
    batch = Batch()
    started = time.monotonic()
    for _ in range(limit):
        if _stop.is_set():
            break
        # The clock moves on while we send: later claims carry the time they were made.
        at = now + timedelta(seconds=time.monotonic() - started)
        notification = claim_one(at)
        if notification is None:
            break
        if notification.attempts > max_attempts():
            # Taken over from workers that kept dying on it: give up rather than loop forever.
            outcome = _finish(notification, "gave up after the worker stopped mid-send", at)
        else:
            try:
                error = deliver(notification)
            except Exception as unexpected:  # a plugin's bug must not strand the row
                error = f"unexpected error: {type(unexpected).__name__}"
            outcome = _finish(
                notification, error, now + timedelta(seconds=time.monotonic() - started)
            )
        if outcome == "sent":
            batch.sent += 1
        elif outcome == "retry":
            batch.retrying += 1
        else:
            batch.failed += 1
    return batch


def send_due(*, now: datetime, limit: int = 50) -> int:
    """Claim due rows with a lease, send each through Apprise, mark it sent; failures are
    retried with exponential back-off up to PEERLINE_WORKER_MAX_ATTEMPTS, then FAILED. Returns
    how many were sent."""
    return send_batch(now=now, limit=limit).sent


def run_ticks(now: datetime) -> None:
    for tick in list(_TICKS):
        try:
            tick(now)
        except Exception as error:  # one failing job must not stop paging
            log.error("tick %s failed: %s", getattr(tick, "__name__", "?"), type(error).__name__)


def run_once(now: datetime) -> Batch:
    """Record the heartbeat, send what is due, then run the scheduled jobs that are due and the
    registered ticks."""
    health.beat(now)
    batch = send_batch(now=now)
    jobs.run_due(now)
    run_ticks(now)
    return batch


def stop() -> None:
    """Ask a running `run` loop to finish the message in hand and return."""
    _stop.set()


def _fresh_connection() -> None:
    # Drop a connection the database closed (PostgreSQL restarts, idle timeouts) between
    # loops; never inside a transaction (a test's), which that would end.
    if not connection.in_atomic_block:
        close_old_connections()


def run(
    interval: float,
    stop_after: float | None = None,
    report: Callable[[Batch], None] | None = None,
) -> None:
    """Loop: send, tick, sleep `interval` seconds, until SIGTERM/SIGINT (or `stop()`, or
    `stop_after` seconds). A signal lets the message in hand finish."""
    _stop.clear()
    previous: dict[int, object] = {}

    def on_signal(signum: int, frame: FrameType | None) -> None:
        _stop.set()

    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, on_signal)
    deadline = None if stop_after is None else time.monotonic() + stop_after
    try:
        while not _stop.is_set():
            _fresh_connection()
            try:
                batch = run_once(timezone.now())
            except Exception as error:  # e.g. the database restarting: try again next loop
                log.error("worker loop failed: %s", type(error).__name__)
            else:
                if report is not None and batch:
                    report(batch)
            if deadline is not None and time.monotonic() >= deadline:
                break
            _stop.wait(interval)
    finally:
        _stop.clear()  # later batches in this process (tests, --once) run normally
        _fresh_connection()
        for number, handler in previous.items():
            signal.signal(number, handler)  # type: ignore[arg-type]
