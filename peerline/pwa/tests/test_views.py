"""Peerline installs on a phone and keeps a card for when there is no connection (issue 16 §4).

The card holds nothing about the person signed in: no name, no role's menu, and not the on-call
clinician's name or number (a person's details, which change with every shift)."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peerline.accounts.models import Role
from peerline.clinical.models import Resource, ResourceCategory
from peerline.clinical.tests.helpers import make_clinician, make_shift
from peerline.governance.models import ConfidentialityException

ALL = [*Role, "norole", "outsider"]


def test_the_manifest_has_what_a_phone_needs_to_install(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Peerline peer support"
    assert manifest["short_name"] == "Peerline"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        # the icons exist where the manifest says
        assert client.get(icon["src"]).status_code == 200


def test_the_service_worker_is_served_at_the_root_without_a_log_in(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    assert 'var OFFLINE_URL = "/offline/";' in body
    assert "/static/peerline/offline.js" in body


def test_every_page_names_the_manifest_and_loads_the_worker_script(client_for):
    page = client_for(Role.PEER_SUPPORTER).get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert "/static/peerline/offline.js" in page


@pytest.fixture
def card(agency, other_agency, users):
    Resource.objects.create(
        agency=agency, category=ResourceCategory.CRISIS_LINE, name="Metro Peer Line",
        phone="206-459-0000", always_open=True,
    )  # fmt: skip
    Resource.objects.create(
        agency=other_agency, category=ResourceCategory.CRISIS_LINE, name="Their Line",
        phone="555-0100", always_open=True,
    )  # fmt: skip
    ConfidentialityException.objects.create(
        agency=agency, label="A threat to harm yourself or others", procedure="Call 911.",
        position=1,
    )  # fmt: skip
    ada = make_clinician(agency, "Dr. Ada Park", phone="720-555-0141")
    now = timezone.now()
    make_shift(ada, now - timedelta(hours=1), now + timedelta(hours=8))


@pytest.mark.parametrize("persona", ALL)
def test_the_offline_card_is_for_everyone_signed_in_to_the_agency(persona, users, card, client):
    assert client.get("/offline/").status_code == 302  # signed out: to the log-in page
    user_client = Client()
    user_client.force_login(users[persona])
    response = user_client.get("/offline/")
    if persona == "norole":
        assert response.status_code == 403
        return
    assert response.status_code == 200
    page = response.content.decode()
    if persona == "outsider":
        assert "Their Line" in page and "Metro Peer Line" not in page
    else:
        assert "Metro Peer Line" in page and 'href="tel:2064590000"' in page
        assert "A threat to harm yourself or others" in page  # the limits card, 2011 §6.2


def test_the_offline_card_holds_nothing_about_the_person_or_the_clinician_on_call(
    users, card, client_for
):
    """Kept on the phone: no user's name, no menu, no log-out form (no CSRF token), and not the
    on-call clinician's name or number (2011 §5.1 is reached through the live page)."""
    psp = users[Role.PEER_SUPPORTER]
    psp.first_name, psp.last_name = "Aisha", "Okafor"
    psp.save()
    page = client_for(Role.PEER_SUPPORTER).get("/offline/").content.decode()
    for personal in ["Aisha", "Okafor", psp.username, "Logged in as", "csrfmiddlewaretoken",
                     "Dr. Ada Park", "720-555-0141", "peerline-user"]:  # fmt: skip
        assert personal not in page, personal
    assert 'href="/clinical/now/"' in page


def test_the_contact_log_queues_when_offline_and_correcting_does_not(client_for, agency):
    psp = client_for(Role.PEER_SUPPORTER)
    assert "data-offline-queue" in psp.get(reverse("contacts:log")).content.decode()


def test_the_offline_card_reads_the_limits_once_for_the_list_and_the_law_issue_18(card, client_for):
    """The list of limits and the law and caution beside it are one card (2011 §6.2, §6.4): one
    read of the agency's limits, not one for each."""
    client = client_for(Role.PEER_SUPPORTER)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/offline/").content.decode()
    fetched = [query["sql"] for query in queries.captured_queries]
    assert (
        sum(sql.startswith('SELECT "governance_confidentialityexception".') for sql in fetched) == 1
    )
    assert "<li>A threat to harm yourself or others</li>" in page
    assert 'id="discipline-caution"' in page
