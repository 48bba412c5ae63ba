"""Liveness, readiness and the coordinator's banner when pages are not being sent (2011 §3.3)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from peerline.accounts.models import Role
from peerline.core import health
from peerline.notifications.models import Notification

pytestmark = pytest.mark.django_db


def page_waiting(agency, minutes):
    row = Notification.objects.create(
        key=f"test-{minutes}", agency=agency, kind="email", target="psp@example.org",
        subject="Peer support needed", body="…", next_attempt_at=timezone.now(),
    )  # fmt: skip
    Notification.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_liveness_answers_without_a_log_in():
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"


def test_readiness_is_503_while_no_worker_has_run():
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.content == b"the worker has never run (peerline worker)\n"


def test_readiness_is_200_with_a_fresh_heartbeat_and_nothing_waiting():
    health.beat(timezone.now())
    response = Client().get("/readyz")
    assert (response.status_code, response.content) == (200, b"ready\n")


def test_readiness_names_a_worker_not_seen_for_the_configured_minutes(settings):
    settings.PEERLINE_WORKER_STALE_MINUTES = 3
    health.beat(timezone.now() - timedelta(minutes=4))
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.content == b"the worker has not been seen for more than 3 minutes\n"


def test_readiness_names_a_page_waiting_too_long_without_saying_to_whom(agency, settings):
    settings.PEERLINE_PAGE_STALE_MINUTES = 10
    health.beat(timezone.now())
    page_waiting(agency, 5)
    assert Client().get("/readyz").status_code == 200
    page_waiting(agency, 25)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert b"the oldest unsent page has waited 25 minutes" in response.content
    assert b"example.org" not in response.content


def test_the_coordinator_sees_a_red_banner_when_pages_are_not_sent_2011_3_3(client_for):
    page = client_for(Role.COORDINATOR).get("/").content.decode()
    assert "usa-alert--error" in page and "Pages are not being sent" in page
    health.beat(timezone.now())
    page = client_for(Role.COORDINATOR).get("/").content.decode()
    assert "Pages are not being sent" not in page


def test_an_employee_never_sees_the_paging_banner(client_for):
    page = client_for(Role.EMPLOYEE).get("/").content.decode()
    assert "Pages are not being sent" not in page


def test_readiness_names_migrations_not_applied(monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    health.beat(timezone.now())
    monkeypatch.setattr(health, "_migrated", False)
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("x", False)])
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.content == b"1 migrations not applied (peerline migrate)\n"


def test_readiness_says_the_database_is_unreachable_and_liveness_stays_200(monkeypatch):
    from django.db import OperationalError, connection

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.content == b"database unreachable (OperationalError)\n"
    assert Client().get("/healthz").status_code == 200
