"""The demo's past incidents: one of last quarter with the involved links erased, one of last
week with them kept; deployments, follow-ups, nothing open."""

from datetime import date

import pytest

from peerline.incidents.models import (
    CriticalIncident,
    DeploymentStatus,
    IncidentStatus,
    IncidentType,
    Involvement,
)
from peerline.notifications.models import Notification, NotificationStatus
from peerline.web import demo as agency_demo

TODAY = date(2026, 3, 16)


FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(employees: int = 300):
    return agency_demo.seed_demo(employees=employees, seed=3, today=TODAY).agency


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        agency = seed()
    yield agency
    with django_db_blocker.unblock():
        agency_demo.delete_demo()


@pytest.fixture
def seeded(built, db):
    return built


def test_two_closed_incidents_and_nothing_open(seeded):
    incidents = list(CriticalIncident.objects.filter(agency=seeded).order_by("occurred_at"))
    assert [i.status for i in incidents] == [IncidentStatus.CLOSED] * 2
    old, recent = incidents
    assert old.type == IncidentType.OFFICER_INVOLVED_SHOOTING
    assert old.occurred_at.date() < date(2026, 1, 1)  # last quarter
    assert (TODAY - recent.occurred_at.date()).days <= 10


def test_last_quarters_links_are_erased_and_last_weeks_kept(seeded):
    old, recent = CriticalIncident.objects.filter(agency=seeded).order_by("occurred_at")
    assert old.erased_at is not None and not Involvement.objects.filter(incident=old).exists()
    assert (old.principals_count, old.witnesses_count) == (2, 3)
    assert recent.erased_at is None
    assert Involvement.objects.filter(incident=recent).count() == 3


def test_each_has_rounds_of_deployments_and_follow_ups(seeded):
    old, recent = CriticalIncident.objects.filter(agency=seeded).order_by("occurred_at")
    statuses = set(recent.deployments.values_list("status", flat=True))
    assert {DeploymentStatus.ACCEPTED, DeploymentStatus.DECLINED} <= statuses
    assert recent.deployments.filter(round=2).exists()
    assert recent.follow_ups.filter(done_at__isnull=False).exists()
    assert recent.follow_ups.filter(done_at__isnull=True, skipped=False).exists()  # a month on
    # The erased one keeps only counts by role (2011 §6.7).
    assert not old.deployments.exists() and not old.follow_ups.exists()
    tallies = {t.role: (t.paged, t.accepted) for t in old.tallies.all()}
    assert tallies and all(paged >= accepted for paged, accepted in tallies.values())
    assert sum(accepted for _, accepted in tallies.values()) > 0


def test_the_worker_finds_nothing_to_send(seeded):
    pages = Notification.objects.filter(agency=seeded, key__startswith="incident:")
    assert pages.exists()
    assert not pages.exclude(status=NotificationStatus.SENT).exists()


def test_the_same_seed_gives_the_same_incidents(db, settings):
    settings.PASSWORD_HASHERS = FAST_HASHER

    def fingerprint():
        agency = seed(employees=120)
        return [
            (i.type, i.occurred_at, sorted(
                (d.peer_supporter.employee.employee_number if d.peer_supporter else d.role, d.status)
                for d in i.deployments.select_related("peer_supporter__employee")
            ))
            for i in CriticalIncident.objects.filter(agency=agency).order_by("occurred_at")
        ]  # fmt: skip

    assert fingerprint() == fingerprint()


def test_the_demo_coordinator_sees_the_history(seeded):
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(get_user_model().objects.get(username="coordinator"))
    old, recent = CriticalIncident.objects.filter(agency=seeded).order_by("occurred_at")
    assert client.get(reverse("incidents:list")).status_code == 200  # (dated by the real clock)
    page = client.get(reverse("incidents:detail", args=[old.pk])).content.decode()
    assert 'id="erased-note"' in page and "Live board" in page and "hx-trigger" not in page
    page = client.get(reverse("incidents:detail", args=[recent.pk])).content.decode()
    assert "erased-note" not in page and "1 principal, 2 witnesses" in page
    assert client.get(reverse("incidents:follow-ups", args=[recent.pk])).status_code == 200
