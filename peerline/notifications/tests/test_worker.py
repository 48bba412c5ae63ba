"""The worker against a real SMTP server (2011 §3.3, §5.1): every page arrives exactly once;
refusals are retried with back-off; nothing personal reaches the logs."""

import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest

from peerline.notifications import worker
from peerline.notifications.models import ContactChannel, Notification
from peerline.notifications.outbox import enqueue

from .conftest import make_psp

T0 = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)


def page_many(agency, n, now=T0, prefix="incident:7"):
    addresses = [f"psp{i}@example.org" for i in range(n)]
    for i, address in enumerate(addresses):
        enqueue(
            agency=agency,
            key=f"{prefix}:psp:{i}:round:1",
            subject="Peer support page: officer-involved shooting",
            body=f"You are asked to support.\nAccept: http://x/page/{i}/accept",
            now=now,
            email=address,
        )
    return addresses


class Ours:
    """What our own loggers wrote (pytest also listens to Apprise's, which settings.LOGGING
    sends nowhere: see test_apprise_logs_go_nowhere)."""

    def __init__(self, caplog):
        self.caplog = caplog

    @property
    def text(self):
        return "\n".join(
            r.getMessage() for r in self.caplog.records if r.name.startswith("peerline")
        )


@pytest.fixture
def worker_log(caplog):
    caplog.set_level(logging.INFO, logger="peerline")
    return Ours(caplog)


def test_apprise_logs_go_nowhere(settings):
    """Apprise names recipients in its log: settings.LOGGING keeps it off every handler."""
    config = settings.LOGGING["loggers"]["apprise"]
    assert config["propagate"] is False
    assert [settings.LOGGING["handlers"][h]["class"] for h in config["handlers"]] == [
        "logging.NullHandler"
    ]


def test_2011_s3_3_email_pages_are_received_by_the_smtp_server_once_each(agency, smtp_server):
    addresses = page_many(agency, 7)
    assert worker.send_due(now=T0) == 7
    assert len(smtp_server.accepted) == 7
    assert smtp_server.per_recipient() == dict.fromkeys(addresses, 1)
    first = smtp_server.accepted[0]
    assert first.to == "psp0@example.org"
    assert first.subject == "Peer support page: officer-involved shooting"
    assert "Accept: http://x/page/0/accept" in first.body
    rows = Notification.objects.all()
    assert {(n.status, n.attempts, n.claimed_at) for n in rows} == {("sent", 1, None)}
    assert all(n.sent_at is not None for n in rows)
    # Nothing more is sent, however often the worker runs.
    assert worker.send_due(now=T0 + timedelta(hours=1)) == 0
    assert len(smtp_server.accepted) == 7


def test_the_limit_and_the_due_time_are_honoured(agency, smtp_server):
    page_many(agency, 3)
    page_many(agency, 2, now=T0 + timedelta(minutes=5), prefix="later")
    assert worker.send_due(now=T0, limit=2) == 2
    assert worker.send_due(now=T0) == 1
    assert worker.send_due(now=T0 + timedelta(minutes=5)) == 2
    assert len(smtp_server.accepted) == 5


def test_2011_s5_1_sms_and_channels_go_through_their_gateway(agency, smtp_server, settings):
    settings.PEERLINE_SMS_GATEWAY = "{number}@sms.example.net"
    psp = make_psp(agency, "5001", "psp-one", email="account@example.org")
    ContactChannel.objects.create(agency=agency, user=psp, kind="sms", target="5551234567")
    ContactChannel.objects.create(agency=agency, user=psp, kind="email", target="work@example.org")
    enqueue(agency=agency, key="k", subject="Page", body="b", now=T0, user=psp)
    assert worker.send_due(now=T0) == 2
    assert smtp_server.per_recipient() == {"5551234567@sms.example.net": 1, "work@example.org": 1}


def test_refused_pages_are_retried_with_back_off_then_sent(agency, smtp_server, worker_log):
    page_many(agency, 1)
    smtp_server.refuse = 2
    assert worker.send_due(now=T0) == 0
    row = Notification.objects.get()
    assert (row.status, row.attempts, row.claimed_at) == ("pending", 1, None)
    assert row.next_attempt_at == pytest.approx(
        T0 + timedelta(seconds=30), abs=timedelta(seconds=2)
    )
    assert "451" in row.last_error and "example.org" not in row.last_error
    # Not due yet: nothing is tried.
    assert worker.send_due(now=T0 + timedelta(seconds=20)) == 0
    assert smtp_server.seen == 1
    assert worker.send_due(now=T0 + timedelta(seconds=31)) == 0
    row.refresh_from_db()
    assert row.attempts == 2
    assert row.next_attempt_at == pytest.approx(
        T0 + timedelta(seconds=31 + 60), abs=timedelta(seconds=2)
    )
    assert worker.send_due(now=T0 + timedelta(seconds=95)) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, "")
    assert smtp_server.refused == 2 and len(smtp_server.accepted) == 1
    assert "retry in 30s" in worker_log.text and "retry in 60s" in worker_log.text
    assert "psp0" not in worker_log.text and "example.org" not in worker_log.text


def test_back_off_doubles_and_is_capped(settings):
    settings.PEERLINE_WORKER_BACKOFF_SECONDS, settings.PEERLINE_WORKER_BACKOFF_MAX_SECONDS = 30, 300
    assert [worker.backoff(n).total_seconds() for n in range(1, 7)] == [30, 60, 120, 240, 300, 300]


def test_a_page_fails_after_the_last_attempt(agency, smtp_server, settings, worker_log, capfd):
    settings.PEERLINE_WORKER_MAX_ATTEMPTS = 3
    page_many(agency, 1)
    smtp_server.refuse = 10
    now = T0
    for _ in range(3):
        assert worker.send_due(now=now) == 0
        now += timedelta(hours=1)
    row = Notification.objects.get()
    assert (row.status, row.attempts, row.claimed_at) == ("failed", 3, None)
    assert worker.send_due(now=now + timedelta(days=1)) == 0
    assert smtp_server.seen == 3
    assert "failed after 3 attempts" in worker_log.text
    # Neither our log nor Apprise's (which names recipients) shows an address anywhere.
    out, err = capfd.readouterr()
    for text in (worker_log.text, out, err, row.last_error):
        assert "psp0" not in text and "@" not in text


def test_an_unreachable_server_is_an_error_not_a_crash(agency, settings):
    import socket

    # A port held bound and never listening: refused for sure, where a port found free and let
    # go could be taken meanwhile by another test worker's SMTP server.
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        settings.PEERLINE_SMTP_PORT, settings.PEERLINE_SMTP_TIMEOUT = held.getsockname()[1], 2
        page_many(agency, 1)
        assert worker.send_batch(now=T0).retrying == 1
    row = Notification.objects.get()
    assert row.status == "pending" and row.last_error and "psp0" not in row.last_error


def test_a_live_lease_is_not_taken_an_expired_one_is(agency, smtp_server, settings):
    settings.PEERLINE_WORKER_LEASE_SECONDS = 120
    page_many(agency, 1)
    claimed = worker.claim_one(T0)
    assert claimed is not None and claimed.attempts == 1
    # Another worker, while the lease is live: nothing to take, nothing sent.
    assert worker.claim_one(T0 + timedelta(seconds=60)) is None
    assert worker.send_due(now=T0 + timedelta(seconds=119)) == 0
    # The first worker died: after the lease, the page is sent, once.
    assert worker.send_due(now=T0 + timedelta(seconds=121)) == 1
    assert len(smtp_server.accepted) == 1
    row = Notification.objects.get()
    assert (row.status, row.attempts) == ("sent", 2)


class Crash(BaseException):
    """Stands for the process dying: nothing after it runs, no handler catches it."""


@pytest.mark.django_db(transaction=True)
def test_2011_s3_3_a_crash_mid_send_then_a_restart_still_gives_one_page_per_key(
    agency, smtp_server, settings, monkeypatch
):
    """In a thread, as the worker would run: the 3rd message crashes the worker before the
    server acknowledged it; the lease is left; after it expires every key is sent exactly once."""
    settings.PEERLINE_WORKER_LEASE_SECONDS = 60
    addresses = page_many(agency, 5)
    deliver = worker.deliver
    calls = []

    def crashing(notification):
        calls.append(notification.pk)
        if len(calls) == 3:
            raise Crash
        return deliver(notification)

    monkeypatch.setattr(worker, "deliver", crashing)
    failures = []
    thread = threading.Thread(
        target=lambda: _catch(failures, lambda: worker.send_due(now=T0)), daemon=True
    )
    thread.start()
    thread.join(30)
    assert failures == ["Crash"]
    assert len(smtp_server.accepted) == 2
    stuck = Notification.objects.get(pk=calls[2])
    assert stuck.status == "pending" and stuck.claimed_at is not None
    # Restarted before the lease expired: the others go, the stuck one waits.
    assert worker.send_due(now=T0 + timedelta(seconds=30)) == 2
    # The worker dates each claim by the clock as it runs (T0 plus the time it took to send
    # the first two), so take it over well after the 60 s lease.
    assert stuck.claimed_at >= T0
    assert worker.send_due(now=stuck.claimed_at + timedelta(seconds=50)) == 0
    assert worker.send_due(now=stuck.claimed_at + timedelta(seconds=61)) == 1
    assert smtp_server.per_recipient() == dict.fromkeys(addresses, 1)
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def _catch(failures, fn):
    from django.db import connection

    try:
        fn()
    except Crash:
        failures.append("Crash")
    except Exception as error:
        failures.append(repr(error))
    finally:
        connection.close()


def test_ticks_run_after_sending_and_a_failing_tick_does_not_stop_the_others(
    agency, smtp_server, monkeypatch, worker_log
):
    monkeypatch.setattr(worker, "_TICKS", [])
    seen = []

    def broken(now):
        raise KeyError("psp0@example.org")

    def escalate_due(now):
        seen.append((now, len(smtp_server.accepted)))

    worker.register_tick(broken)
    worker.register_tick(escalate_due)
    worker.register_tick(escalate_due)
    page_many(agency, 2)
    batch = worker.run_once(T0)
    assert (batch.sent, batch.retrying, batch.failed) == (2, 0, 0)
    assert seen == [(T0, 2)]
    assert "tick broken failed: KeyError" in worker_log.text
    assert "example.org" not in worker_log.text


def test_run_stops_when_asked(agency, smtp_server, monkeypatch):
    monkeypatch.setattr(worker, "_TICKS", [])
    page_many(agency, 2, now=datetime.now(UTC) - timedelta(seconds=1))
    batches = []

    def report(batch):
        batches.append(str(batch))
        worker.stop()

    worker.run(0.05, stop_after=10, report=report)
    assert batches == ["sent 2, to retry 0, failed 0"]
    assert not worker._stop.is_set()  # the next run, or batch, is not stopped before it starts
    assert len(smtp_server.accepted) == 2


def test_errors_are_summarised_without_addresses_urls_or_numbers():
    text = (
        'Sending email to "psp0@example.org" failed; url mailto://10.0.0.1:25?to=x; '
        "host 127.0.0.1:1025; text +1 (555) 123-4567; Jordan"
    )
    clean = worker.redact(text, "Jordan")
    assert clean == (
        'Sending email to "<address>" failed; url <url> host <server>; text <number>; <target>'
    )


def test_an_unexpected_error_while_sending_is_retried_not_fatal(agency, monkeypatch):
    page_many(agency, 1)

    def broken(notification):
        raise RuntimeError("psp0@example.org")

    monkeypatch.setattr(worker, "deliver", broken)
    assert worker.send_batch(now=T0).retrying == 1
    row = Notification.objects.get()
    assert (row.status, row.claimed_at, row.last_error) == (
        "pending",
        None,
        "unexpected error: RuntimeError",
    )


def test_a_page_withdrawn_while_the_worker_sends_it_is_recorded_as_sent(
    agency, smtp_server, monkeypatch
):
    """The incident closed while this page was in the worker's hands: it went all the same, and
    the outbox must say so rather than "withdrawn"."""
    page_many(agency, 1)
    deliver = worker.deliver

    def withdrawn_meanwhile(notification):
        Notification.objects.filter(pk=notification.pk).update(status="withdrawn")
        return deliver(notification)

    monkeypatch.setattr(worker, "deliver", withdrawn_meanwhile)
    assert worker.send_due(now=T0) == 1
    assert Notification.objects.get().status == "sent"
    assert len(smtp_server.accepted) == 1


def test_a_withdrawn_page_is_never_sent(agency, smtp_server):
    page_many(agency, 2)
    first = Notification.objects.order_by("pk").first()
    Notification.objects.filter(pk=first.pk).update(status="withdrawn")
    assert worker.send_due(now=T0) == 1
    assert Notification.objects.get(pk=first.pk).status == "withdrawn"
    assert len(smtp_server.accepted) == 1
