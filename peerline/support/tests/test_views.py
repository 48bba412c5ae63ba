"""The door without an account, the one-tap answer and the coordinator's access link, against
the wrong role, the wrong agency and the wrong code (issue 16.1, 16.2, 16.5; 2011 §2.3.7, §3.6)."""

import re
from datetime import UTC, datetime, timedelta

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from peerline.accounts.models import Role
from peerline.audit.models import AuditEvent
from peerline.clinical.models import Resource, ResourceCategory
from peerline.notifications.models import Notification
from peerline.notifications.outbox import rendered_body
from peerline.support import links, services
from peerline.support.models import AccessLink, SupportRequest, SupportSettings, SupportTally
from peerline.testing import personas as p
from peerline.testing.throttle import one_minute

PHONE = "+13125550199"
KIOSK_PAGES = (
    "support:kiosk",
    "support:peers",
    "support:request",
    "support:limits",
    "support:resources",
)


def send(client: Client, code: str, **data: str):
    return client.post(reverse("support:request", args=[code]), data)


def answer_path(body: str) -> str:
    match = re.search(r"https?://[^/]+(/reach/answer/[^/\s]+/)", body)
    assert match, body
    return match.group(1)


def pages_of(request: SupportRequest) -> list[str]:
    """The answer links as the worker sends them (made at sending: the outbox row has none)."""
    rows = Notification.objects.filter(topic=f"support:{request.pk}").order_by("pk")
    return [answer_path(rendered_body(row)) for row in rows]


def test_every_kiosk_page_opens_with_the_code_and_no_account_or_session_2011_2_3_7(
    agency, team, access_code
):
    Resource.objects.create(
        agency=agency,
        category=ResourceCategory.CRISIS_LINE,
        name="Badge of Life",
        phone="5551230000",
    )
    client = Client()
    for name in KIOSK_PAGES:
        response = client.get(reverse(name, args=[access_code]))
        assert response.status_code == 200, name
        assert "no-store" in response["Cache-Control"]
        assert "sessionid" not in response.cookies
        page = response.content.decode()
        assert "Badge of Life" in page and "988" in page  # the crisis lines, always
    assert not Session.objects.exists()


def test_the_first_kiosk_page_sets_the_csrf_cookie_the_request_form_then_uses(
    agency, team, access_code
):
    """Opened first, the start page (no form of its own) sets the cookie: the request form's
    token then matches it whatever else the phone fetched in between (a 403 "forged" once
    met a person asking for a peer)."""
    client = Client(enforce_csrf_checks=True)
    start = client.get(reverse("support:kiosk", args=[access_code]))
    assert "csrftoken" in start.cookies
    cookie = client.cookies["csrftoken"].value
    form = client.get(reverse("support:request", args=[access_code]))
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.content)
    assert token and client.cookies["csrftoken"].value == cookie  # the same secret
    sent = send(client, access_code, csrfmiddlewaretoken=token.group(1).decode())
    assert sent.status_code == 302


def test_a_wrong_revoked_or_expired_code_opens_nothing(agency, access_code):
    client = Client()
    assert client.get(reverse("support:kiosk", args=["not-the-code"])).status_code == 404
    link = AccessLink.objects.get()
    link.expires_at = datetime.now(tz=UTC) - timedelta(seconds=1)
    link.save()
    assert client.get(reverse("support:kiosk", args=[access_code])).status_code == 404
    link.expires_at = datetime.now(tz=UTC) + timedelta(days=1)
    link.revoked_at = datetime.now(tz=UTC)
    link.save()
    assert client.get(reverse("support:request", args=[access_code])).status_code == 404


def test_guessing_codes_is_rate_limited(agency, access_code, settings, monkeypatch):
    settings.PEERLINE_THROTTLE_PER_MINUTE = 3
    one_minute(monkeypatch)  # the count is per clock minute: one turning mid-test reset it
    client = Client()
    for guess in range(3):
        assert client.get(reverse("support:kiosk", args=[f"guess{guess}"])).status_code == 404
    assert client.get(reverse("support:kiosk", args=[access_code])).status_code == 429


def test_sending_requests_is_rate_limited(agency, team, access_code, settings, monkeypatch):
    settings.PEERLINE_THROTTLE_PER_MINUTE = 2
    one_minute(monkeypatch)  # the count is per clock minute: one turning mid-test reset it
    client = Client()
    assert send(client, access_code).status_code == 302
    assert send(client, access_code).status_code == 302
    assert send(client, access_code).status_code == 429
    assert SupportRequest.objects.count() == 2


def test_the_only_cookie_is_the_random_csrf_token(agency, team, access_code):
    client = Client()
    client.get(reverse("support:request", args=[access_code]))
    response = send(client, access_code, callback_phone=PHONE)
    assert set(client.cookies) <= {"csrftoken"}
    assert not Session.objects.exists()
    assert PHONE not in response["Location"]


def test_request_answer_and_taken_end_to_end_through_the_pages_2011_3_6(agency, team, access_code):
    SupportSettings.objects.create(agency=agency, psps_per_round=3)
    requester = Client()
    response = send(requester, access_code, callback_phone="+1 (312) 555-0199")
    status_url = response["Location"]
    assert "A peer supporter will call you" not in requester.get(status_url).content.decode()
    sent = SupportRequest.objects.get()
    assert sent.callback_phone == PHONE  # separators dropped
    first, second, _ = pages_of(sent)
    psp = Client()
    before = psp.get(first).content.decode()
    assert PHONE not in before and "Accept" in before
    assert psp.post(first, {"action": "accept"}).status_code == 302
    shown = psp.get(first).content.decode()
    assert f'href="tel:{PHONE}"' in shown
    other = Client()
    # Taken: the other PSPs' links stop working (single-purpose, revoked on accept).
    closed = other.get(second)
    assert closed.status_code == 404 and PHONE not in closed.content.decode()
    assert "This request is closed" in closed.content.decode()
    assert other.post(second, {"action": "accept"}).status_code == 404
    assert "A peer supporter will call you" in requester.get(status_url).content.decode()
    psp.post(first, {"action": "done"})
    assert psp.get(first).status_code == 404
    assert not SupportRequest.objects.exists()
    assert "This request is closed" in requester.get(status_url).content.decode()
    assert SupportTally.objects.get().answered == 1


def test_a_tampered_answer_link_is_a_404(agency, team, access_code):
    send(Client(), access_code)
    path = pages_of(SupportRequest.objects.get())[0]
    assert Client().get(path[:-3] + "xx/").status_code == 404


def test_a_status_link_does_not_open_under_another_agencys_code(
    agency, other_agency, team, access_code
):
    theirs = services.request_create(agency=other_agency, now=datetime.now(tz=UTC))
    ref = links.status_token(theirs.pk, now=datetime.now(tz=UTC))
    response = Client().get(reverse("support:status", args=[access_code, ref]))
    assert response.status_code == 404


def test_the_requester_can_take_it_back(agency, team, access_code):
    client = Client()
    status_url = send(client, access_code, callback_phone=PHONE)["Location"]
    client.post(status_url)
    assert not SupportRequest.objects.exists()
    assert SupportTally.objects.get().requests == 1


def test_the_access_link_pages_are_the_coordinators_only(client_for, users):
    for role in Role:
        expected = 200 if role == Role.COORDINATOR else 403
        assert client_for(role).get(reverse("support:manage")).status_code == expected, role
        if role != Role.COORDINATOR:
            assert client_for(role).post(reverse("support:rotate")).status_code == 403
            assert client_for(role).post(reverse("support:settings")).status_code == 403
    assert client_for("norole").get(reverse("support:manage")).status_code == 403


def test_another_agencys_coordinator_cannot_revoke_this_agencys_link(
    agency, client_for, users, access_code
):
    link = AccessLink.objects.get(agency=agency)
    response = client_for("outsider").post(reverse("support:revoke", args=[link.pk]))
    assert response.status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def test_rotating_shows_the_code_once_stores_a_hash_and_ends_the_old_one(
    agency, client_for, users, access_code
):
    coordinator = client_for(Role.COORDINATOR)
    page = coordinator.post(reverse("support:rotate")).content.decode()
    code = re.search(r'id="access-code">([^<]+)<', page)
    assert code
    new = code.group(1)
    assert not AccessLink.objects.filter(code_hash=new).exists()
    assert Client().get(reverse("support:kiosk", args=[new])).status_code == 200
    assert Client().get(reverse("support:kiosk", args=[access_code])).status_code == 404
    assert new not in coordinator.get(reverse("support:manage")).content.decode()
    event = AuditEvent.objects.filter(action="support.access_link.rotated").last()
    assert event is not None and new not in str(event.detail)
    link = AccessLink.objects.exclude(revoked_at__isnull=False).get()
    coordinator.post(reverse("support:revoke", args=[link.pk]))
    assert Client().get(reverse("support:kiosk", args=[new])).status_code == 404


def test_the_agency_closes_the_door_to_families_2011_2_3_7(agency, team, client_for, access_code):
    data = {
        "families_may_use": "",
        "retirees_may_use": "on",
        "expiry_hours": "24",
        "escalate_after_minutes": "10",
        "psps_per_round": "3",
        "shown_hours": "2",
    }
    assert client_for(Role.COORDINATOR).post(reverse("support:settings"), data).status_code == 302
    form = Client().get(reverse("support:request", args=[access_code])).content.decode()
    assert 'value="family"' not in form and 'value="retiree"' in form
    assert send(Client(), access_code, requester="family").status_code == 200
    assert not SupportRequest.objects.exists()
    assert AuditEvent.objects.filter(action="support.settings").exists()


def test_no_one_but_the_accepting_psp_sees_the_details(agency, team, client_for, access_code):
    send(Client(), access_code, callback_phone=PHONE, callback_email="me@home.example")
    pages = {
        Role.COORDINATOR: ["support:manage", "stats:program", "home", "notifications:channels"],
        Role.COMMAND_STAFF: ["stats:released", "home"],
        Role.SYSTEM_ADMIN: ["home", "audit:events"],
    }
    for role, names in pages.items():
        for name in names:
            response = client_for(role).get(reverse(name))
            content = response.content.decode()
            assert PHONE not in content and "me@home.example" not in content, (role, name)


def test_the_counts_reach_the_coordinators_statistics_and_command_staff_only_above_k(
    agency, team, client_for
):
    now = datetime.now(tz=UTC)
    for _ in range(2):
        services.request_create(agency=agency, now=now)
    coordinator = client_for(Role.COORDINATOR).get(reverse("stats:program")).content.decode()
    section = coordinator[coordinator.index('id="support-counts"') :]
    assert re.search(r'<td class="text-right">2</td>', section)
    command = client_for(Role.COMMAND_STAFF).get(reverse("stats:released")).content.decode()
    section = command[command.index('id="support-counts"') :]
    assert "withheld" in section and '<td class="text-right">2</td>' not in section


def test_what_peerline_stores_is_read_from_the_models_16_5():
    page = Client().get(reverse("support:stored")).content.decode()
    # Verbose names written on the models, not in the page's template.
    assert "phone to call back" in page and "e-mail to write to" in page
    assert "activity" in page and "recipient group" in page
    supported = page[page.index("When you are supported") :]
    fields = " ".join(
        re.findall(r"<li><strong>([^<]+)</strong>", supported[: supported.index("</section>")])
    )
    assert "activity" in fields
    for naming in ("first name", "employee number", "callback", "phone to call back", "user"):
        assert naming not in fields


def test_the_request_page_and_the_card_link_to_what_peerline_stores(agency, access_code):
    stored = reverse("support:stored")
    for name in ("support:request", "support:limits"):
        assert stored in Client().get(reverse(name, args=[access_code])).content.decode()


def test_no_access_link_without_one_made(agency, other_agency):
    p.make_user("x", agency, Role.COORDINATOR)
    assert Client().get(reverse("support:kiosk", args=["anything"])).status_code == 404


def test_the_link_is_closed_to_families_the_program_does_not_serve_2011_2_3_7(
    agency, team, access_code
):
    """The coordinator's link setting cannot open the door wider than the steering committee's
    scope: with families out of the program, the form offers no "family member", a family
    request is refused, and the start page does not say families are welcome."""
    SupportSettings.objects.create(agency=agency, families_may_use=True, retirees_may_use=True)
    agency.serves_families = False
    agency.save(update_fields=["serves_families"])
    client = Client()
    start = client.get(reverse("support:kiosk", args=[access_code])).content.decode()
    assert "open to retirees too" in start and "family" not in start
    form = client.get(reverse("support:request", args=[access_code])).content.decode()
    assert 'value="retiree"' in form and 'value="family"' not in form
    refused = send(client, access_code, requester="family")
    assert refused.status_code == 200 and not SupportRequest.objects.exists()
    assert send(client, access_code, requester="retiree").status_code == 302
    agency.serves_families = True
    agency.save(update_fields=["serves_families"])
    start = client.get(reverse("support:kiosk", args=[access_code])).content.decode()
    assert "open to family members and retirees too" in start


def test_the_link_settings_say_when_the_program_does_not_serve_retirees(agency, client_for):
    agency.serves_retirees = False
    agency.save(update_fields=["serves_retirees"])
    page = client_for(Role.COORDINATOR).get(reverse("support:manage")).content.decode()
    assert "The program does not serve retirees" in page
    assert "The program does not serve families" not in page
