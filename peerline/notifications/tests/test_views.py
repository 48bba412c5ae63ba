"""The channels page (2011 §3.3, §3.9, §5.1): the coordinator sets how each person is paged."""

import re
from datetime import UTC, date, datetime

import pytest
from django.test import Client
from django.urls import reverse

from peerline.accounts.models import Role
from peerline.clinical.models import MentalHealthProfessional
from peerline.notifications import worker
from peerline.notifications.models import ContactChannel, Notification
from peerline.notifications.services import TEST_SUBJECT
from peerline.team.models import PeerSupporter, Status
from peerline.testing import personas as p

from .conftest import make_psp

TEAMS = (
    "https://prod-00.westus.logic.azure.com:443/workflows/643e69f83c8944438d68119179a10a64"
    "/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun"
    "&sv=1.0&sig=KODuebWbDGYFr0z0eu-6Rj8aUKz7108W3wrNJZxFE5A"
)


@pytest.fixture
def team(agency, other_agency, users):
    psp = make_psp(agency, "5001", "psp-jordan", email="jordan@example.org", first_name="Jordan")
    quiet = make_psp(agency, "5002", "psp-quinn", first_name="Quinn")  # no e-mail
    gone = make_psp(agency, "5003", "psp-gone", email="gone@example.org", first_name="Gone")
    PeerSupporter.objects.filter(employee__user=gone).update(status=Status.DESELECTED)
    p.make_employee(agency, "5004", first_name="Nologin")
    PeerSupporter.objects.create(
        agency=agency,
        employee=agency.employees.get(employee_number="5004"),
        status=Status.ACTIVE,
        status_since=date(2025, 1, 1),
    )
    mhp_user = p.make_user("dr-rivera", agency, Role.CLINICAL_ADVISOR)
    mhp_user.email = "rivera@example.org"
    mhp_user.save()
    MentalHealthProfessional.objects.create(
        agency=agency,
        user=mhp_user,
        name="Dr Avery Rivera",
        licence_type="psychologist",
        licence_number="PSY-1",
        licence_state="IL",
        licence_expires=date(2099, 12, 31),  # not 2030: a licence the real clock sees expire
        role="consultant",
    )
    stranger = make_psp(other_agency, "9001", "psp-stranger", email="s@example.org")
    ContactChannel.objects.create(agency=other_agency, user=stranger, kind="sms", target="5550001")
    return {"psp": psp, "quiet": quiet, "gone": gone, "mhp": mhp_user, "stranger": stranger}


def person_url(user):
    return reverse("notifications:person", args=[user.pk])


def add(client, user, kind, target, enabled="on"):
    data = {"new-kind": kind, "new-target": target}
    if enabled:
        data["new-enabled"] = enabled
    return client.post(reverse("notifications:add", args=[user.pk]), data)


def test_2011_s3_9_the_coordinator_sees_everyone_paged_and_how(client_for, team):
    response = client_for(Role.COORDINATOR).get(reverse("notifications:channels"))
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("Jordan Last5001", "Quinn Last5002", "Dr Avery Rivera", "persona-coordinator"):
        assert name in page
    # Deselected, without a log-in, or another agency's: not paged from here.
    for absent in ("Gone", "Nologin", "psp-stranger", "Last9001"):
        assert absent not in page
    assert "E-mail to jordan@example.org" in page
    assert "E-mail to rivera@example.org" in page
    assert "No way to page them" in page  # Quinn: no channel and no e-mail


@pytest.mark.parametrize(
    "role", [Role.PEER_SUPPORTER, Role.CLINICAL_ADVISOR, Role.COMMAND_STAFF, Role.EMPLOYEE]
)
def test_only_the_coordinator_manages_channels(client_for, team, role):
    client = client_for(role)
    channel = ContactChannel.objects.create(
        agency=team["psp"].memberships.first().agency, user=team["psp"], kind="sms", target="5551"
    )
    assert client.get(reverse("notifications:channels")).status_code == 403
    assert client.get(person_url(team["psp"])).status_code == 403
    assert add(client, team["psp"], "email", "x@example.org").status_code == 403
    for name in ("edit", "remove", "test"):
        assert client.post(reverse(f"notifications:{name}", args=[channel.pk])).status_code == 403
    assert (
        client.post(reverse("notifications:test-email", args=[team["psp"].pk])).status_code == 403
    )
    assert ContactChannel.objects.filter(user=team["psp"]).count() == 1
    assert Notification.objects.count() == 0


def test_another_agencys_person_or_channel_is_a_404(client_for, team):
    client = client_for(Role.COORDINATOR)
    stranger = team["stranger"]
    theirs = ContactChannel.objects.get(user=stranger)
    assert client.get(person_url(stranger)).status_code == 404
    assert client.get(person_url(team["gone"])).status_code == 404
    assert add(client, stranger, "email", "x@example.org").status_code == 404
    assert client.post(reverse("notifications:test-email", args=[stranger.pk])).status_code == 404
    for name in ("edit", "remove", "test"):
        assert client.post(reverse(f"notifications:{name}", args=[theirs.pk])).status_code == 404
    assert ContactChannel.objects.filter(user=stranger).count() == 1
    assert Notification.objects.count() == 0


@pytest.mark.parametrize(
    "kind,target,saved",
    [
        ("email", "jordan.work@example.org", "jordan.work@example.org"),
        ("sms", "+1 (555) 123-4567", "+15551234567"),
        ("sms", "5551234567@vtext.example", "5551234567@vtext.example"),
        (
            "ntfy",
            "https://ntfy.example.org/peer-team-jordan",
            "https://ntfy.example.org/peer-team-jordan",
        ),
        ("teams", TEAMS, TEAMS),
        ("apprise", "json://hooks.example.org/page", "json://hooks.example.org/page"),
    ],
)
def test_a_valid_channel_is_added(client_for, team, kind, target, saved):
    response = add(client_for(Role.COORDINATOR), team["psp"], kind, target)
    assert response.status_code == 302 and response["Location"] == person_url(team["psp"])
    channel = ContactChannel.objects.get(user=team["psp"])
    assert (channel.kind, channel.target, channel.enabled) == (kind, saved, True)
    assert channel.agency.code == "TEST"


@pytest.mark.parametrize(
    "kind,target,message",
    [
        ("email", "not-an-address", "valid email"),
        ("sms", "call me", "7 to 15 digits"),
        ("sms", "123", "7 to 15 digits"),
        ("ntfy", "peer-team-jordan", "topic&#x27;s URL"),
        ("ntfy", "https://", "server and topic"),
        ("ntfy", "https://ntfy.example.org/", "server and topic"),
        ("teams", "https://example.org/hook", "Workflows webhook"),
        ("apprise", "nonsense://x", "does not recognise"),
        ("carrier-pigeon", "x", "valid choice"),
    ],
)
def test_an_invalid_channel_is_refused_with_the_reason(client_for, team, kind, target, message):
    response = add(client_for(Role.COORDINATOR), team["psp"], kind, target)
    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    assert message in response.content.decode()
    assert not ContactChannel.objects.filter(user=team["psp"]).exists()


def test_the_same_channel_twice_is_refused(client_for, team):
    client = client_for(Role.COORDINATOR)
    assert add(client, team["psp"], "sms", "555 123 4567").status_code == 302
    response = add(client, team["psp"], "sms", "5551234567")
    assert response.status_code == 200
    assert "already has this channel" in response.content.decode()
    assert ContactChannel.objects.filter(user=team["psp"]).count() == 1


def test_edit_disable_and_remove_a_channel(client_for, team):
    client = client_for(Role.COORDINATOR)
    add(client, team["psp"], "sms", "5551234567")
    channel = ContactChannel.objects.get(user=team["psp"])
    # Saving it unchanged is not a duplicate of itself.
    prefix = f"c{channel.pk}"
    response = client.post(
        reverse("notifications:edit", args=[channel.pk]),
        {f"{prefix}-kind": "sms", f"{prefix}-target": "5551234567", f"{prefix}-enabled": "on"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("notifications:edit", args=[channel.pk]),
        {f"{prefix}-kind": "email", f"{prefix}-target": "bad"},
    )
    assert response.status_code == 200 and "Nothing was saved" in response.content.decode()
    channel.refresh_from_db()
    assert (channel.kind, channel.target) == ("sms", "5551234567")
    response = client.post(
        reverse("notifications:edit", args=[channel.pk]),
        {f"{prefix}-kind": "email", f"{prefix}-target": "jw@example.org"},
    )
    assert response.status_code == 302
    channel.refresh_from_db()
    assert (channel.kind, channel.target, channel.enabled) == ("email", "jw@example.org", False)
    # Disabled: the person falls back to the account e-mail, as the list says.
    page = client.get(reverse("notifications:channels")).content.decode()
    assert "E-mail to jordan@example.org" in page and "some channels off" in page
    assert client.post(reverse("notifications:remove", args=[channel.pk])).status_code == 302
    assert not ContactChannel.objects.filter(pk=channel.pk).exists()


def test_2011_s5_1_a_test_page_goes_through_the_outbox_and_arrives(client_for, team, smtp_server):
    client = client_for(Role.COORDINATOR)
    add(client, team["psp"], "email", "jordan.work@example.org")
    channel = ContactChannel.objects.get(user=team["psp"])
    for _ in range(2):  # each press is its own page
        assert client.post(reverse("notifications:test", args=[channel.pk])).status_code == 302
    assert (
        client.post(reverse("notifications:test-email", args=[team["mhp"].pk])).status_code == 302
    )
    tests = Notification.objects.filter(subject=TEST_SUBJECT)
    assert tests.count() == 3 and {n.status for n in tests} == {"pending"}
    assert "queued" in client.get(person_url(team["psp"])).content.decode()
    assert worker.send_due(now=datetime.now(UTC)) == 3
    assert smtp_server.per_recipient() == {"jordan.work@example.org": 2, "rivera@example.org": 1}
    assert smtp_server.accepted[0].subject == TEST_SUBJECT
    assert "Test City Police Department" in smtp_server.accepted[0].body
    page = client.get(person_url(team["psp"])).content.decode()
    assert 'data-test-status="sent"' in page


def test_a_test_page_to_nobody_is_refused(client_for, team):
    client = client_for(Role.COORDINATOR)
    response = client.post(reverse("notifications:test-email", args=[team["quiet"].pk]))
    assert response.status_code == 302
    assert Notification.objects.count() == 0
    assert "no e-mail address" in client.get(person_url(team["quiet"])).content.decode()


def test_a_psp_cannot_open_the_page_and_addresses_travel_by_post(client_for, team):
    """Addresses travel by POST only: no target in any link of the page."""
    client = Client()
    client.force_login(team["psp"])
    assert client.get(reverse("notifications:channels")).status_code == 403
    page = client_for(Role.COORDINATOR).get(person_url(team["psp"])).content.decode()
    assert 'method="post"' in page and "?new-target" not in page


def _rows(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-person="(\d+)">', html)]


def test_a_large_team_is_listed_50_a_page_and_the_unreachable_filter_is_kept(
    agency, client_for, users
):
    """Issue 18: a team of thousands is paged, not one page of every person; those who cannot
    be paged at all are counted and listed on their own, the filter kept from page to page."""
    users[Role.COORDINATOR].email = "coordinator@example.org"  # reachable: only PSPs are not
    users[Role.COORDINATOR].save()
    made = []
    for i in range(120):
        email = "" if i % 2 else f"psp{i}@example.org"  # every other one: no way to page them
        made.append(make_psp(agency, f"6{i:03}", f"psp-{i:03}", email=email, first_name="P"))
    ContactChannel.objects.create(agency=agency, user=made[1], kind="sms", target="5550101")
    no_way = {u.pk for i, u in enumerate(made) if i % 2 and i != 1}  # 59: made[1] has a channel
    client = client_for(Role.COORDINATOR)
    html = client.get(reverse("notifications:channels")).content.decode()
    assert len(_rows(html)) == 50 and 'aria-label="Next page"' in html
    assert "121 people are paged" in html  # the 120 and the coordinator
    assert f"<strong>{len(no_way)} have no way to be paged</strong>" in html
    seen, url = [], reverse("notifications:channels") + "?show=unreachable"
    while url:
        html = client.get(url).content.decode()
        seen += _rows(html)
        found = re.search(r'href="\?([^"]+)"[^>]*aria-label="Next page"', html)
        url = (
            reverse("notifications:channels") + "?" + found.group(1).replace("&amp;", "&")
            if found
            else ""
        )
        assert not url or "show=unreachable" in url
    assert sorted(seen) == sorted(no_way) and len(seen) == len(set(seen))
