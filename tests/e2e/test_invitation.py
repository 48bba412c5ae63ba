"""From the HR roster to the directory in a real browser (CJIS AC-2; 2011 §3.6, §6.8, §7.2).

The roster import makes Kevin Nguyen's log-in; the coordinator invites everyone not signed in
yet; the invitation arrives at a real SMTP server; Kevin sets a password from its link, signs
in, volunteers, signs the confidentiality agreement once selected, and finds a peer with his
own sergeant left out of the directory.
"""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone
from playwright.sync_api import Page, expect

from peerline.accounts import services
from peerline.agencies.models import Employee
from peerline.audit.models import AuditEvent
from peerline.notifications.tests.conftest import SmtpServer, free_port
from peerline.roster.importer import import_personnel
from peerline.team import services as team
from peerline.team.models import Outcome, PeerSupporter, RecommenderRelation, Recommends, Status

from .conftest import assert_accessible_basics, screenshot, watch_console

pytestmark = pytest.mark.e2e

KEVIN_EMAIL = "Kevin.Nguyen@test.example"
NEW_PASSWORD = "night shift coffee 2026"


@pytest.fixture
def mail_server(settings: Any) -> Iterator[SmtpServer]:
    handler = SmtpServer(port=free_port())
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", handler.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield handler
    finally:
        controller.stop()


def _roster_csv(agency: Any) -> list[str]:
    """The agency's roster as HR would export it, with Kevin's work e-mail."""
    lines = [
        "employee_number,first_name,last_name,email,category,job_family,division,supervisor_number\n"
    ]
    for e in Employee.objects.filter(agency=agency).select_related("division", "supervisor"):
        email = KEVIN_EMAIL if e.last_name == "Nguyen" else ""
        boss = e.supervisor.employee_number if e.supervisor else ""
        lines.append(
            f"{e.employee_number},{e.first_name},{e.last_name},{email},{e.category},"
            f"{e.job_family},{e.division.code},{boss}\n"
        )
    return lines


def test_an_imported_employee_is_invited_signs_in_volunteers_and_finds_a_peer(
    browser, live_server, people: dict[str, Any], mail_server: SmtpServer, log_in_as
):
    agency, chain, users = people["agency"], people["chain"], people["users"]
    for member in (chain.sergeant, chain.officer):
        PeerSupporter.objects.create(
            agency=agency, employee=member, status=Status.ACTIVE, status_since="2024-01-01"
        )
    import_personnel(agency=agency, lines=_roster_csv(agency))
    kevin = Employee.objects.get(pk=chain.officer2.pk).user
    assert kevin is not None and not kevin.is_active
    url = live_server.url

    # 1. The coordinator sees who has not signed in and invites them.
    coord_context = browser.new_context(locale="en-US")
    log_in_as(coord_context, users["coordinator"])
    coord = coord_context.new_page()
    coord.set_default_navigation_timeout(90_000)  # a loaded CI machine, not a measurement
    coord_errors = watch_console(coord)
    coord.goto(f"{url}/accounts/people/")
    expect(coord.get_by_role("heading", level=1)).to_have_text("Who has signed in")
    row = coord.locator('tr[data-user="kevin.nguyen@test.example"]')
    expect(row).to_contain_text("Not invited yet")
    assert_accessible_basics(coord)
    coord.get_by_role("button", name=re.compile("Invite everyone not signed in yet")).click()
    expect(coord.get_by_role("status").first).to_contain_text("invitation")
    expect(row).to_contain_text("Invited")
    screenshot(coord, "accounts-people")

    # 2. The worker's job e-mails it (never the coordinator's request); it reaches the SMTP
    # server with a link and Kevin's user name.
    assert services.invitations_deliver(timezone.now()) >= 1
    [message] = [m for m in mail_server.accepted if m.rcpt_tos == [KEVIN_EMAIL]]
    assert "kevin.nguyen@test.example" in message.body
    link = re.search(r"https?://\S+/accounts/invitation/\S+", message.body)
    assert link is not None
    path = "/" + link.group(0).split("/", 3)[3]

    # 3. On his phone, Kevin sets a password from the link, then logs in with it.
    phone_context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="en-US"
    )
    phone = phone_context.new_page()
    phone.set_default_navigation_timeout(90_000)
    errors = watch_console(phone)
    phone.goto(url + path)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Set up your Peerline account")
    assert_accessible_basics(phone, nav=False)
    phone.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    phone.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    screenshot(phone, "accounts-invitation-phone")
    phone.get_by_role("button", name="Set password").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your password is set")
    phone.get_by_role("link", name="Log in").click()
    phone.get_by_label("User name").fill("kevin.nguyen@test.example")
    phone.get_by_label("Password").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    expect(phone).to_have_url(f"{url}/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Welcome, Kevin")

    # The link worked once.
    phone.goto(url + path)
    expect(phone.get_by_role("heading", name="This link no longer works")).to_be_visible()

    # 4. Kevin volunteers (2011 §4.1).
    phone.goto(f"{url}/team/volunteer/")
    phone.get_by_label("Why do you want to serve as a peer supporter?").fill(
        "A peer sat with me after a hard call; I want to do that too."
    )
    phone.get_by_role("button", name="Volunteer").click()
    expect(phone.locator("#my-application")).to_contain_text("In selection")

    # Selection itself (its own end-to-end test walks it in the browser).
    application = PeerSupporter.objects.get(employee=chain.officer2).applications.get()
    coordinator = users["coordinator"]
    team.check_eligibility(application=application, eligible=True, note="", by=coordinator)
    rec = team.request_recommendation(
        application=application,
        recommender=users["command_staff"],
        relation=RecommenderRelation.SUPERIOR,
        by=coordinator,
    )
    team.answer_recommendation(
        recommendation=rec, recommends=Recommends.YES, comments="", by=users["command_staff"]
    )
    team.decide(application=application, outcome=Outcome.SELECTED, reasons="Good.", by=coordinator)

    # 5. He signs the confidentiality agreement (2011 §6.8).
    phone.goto(f"{url}/team/volunteer/")
    phone.get_by_role("link", name="Read and sign the confidentiality agreement").click()
    phone.get_by_label("Your full name, typed as your signature").fill("kevin nguyen")
    phone.locator("label").filter(has_text="I have read this agreement").click()
    phone.get_by_role("button", name=re.compile("^Sign version")).click()
    expect(phone.locator("#signed")).to_contain_text("You have signed version")

    # 6. The directory leaves out his own sergeant (2011 §7.2) and shows Aisha.
    phone.goto(f"{url}/peers/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Find a peer")
    expect(phone.get_by_role("heading", name="Aisha Okafor")).to_be_visible()
    expect(phone.get_by_role("heading", name="Tom Kowalski")).to_have_count(0)
    screenshot(phone, "accounts-directory-after-invitation")

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"accounts.linked", "invitation.sent", "invitation.accepted"} <= actions
    assert errors == [] and coord_errors == []
    phone_context.close()
    coord_context.close()


def test_the_back_button_after_log_out_shows_nothing_again(
    page: Page, live_server, people: dict[str, Any], log_in_as
):
    """no-store: on a shared computer, the roster is not kept in the browser's cache."""
    log_in_as(page.context, people["users"]["coordinator"])
    page.goto(f"{live_server.url}/roster/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Roster")
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to Peerline")
    expect(page.get_by_text("Kowalski")).to_have_count(0)
