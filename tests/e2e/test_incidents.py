"""Critical incident activation in a real browser (2011 §3.3, §3.9): the coordinator opens an
officer-involved shooting, sees the proposed team and activates it; the worker sends the pages
to a real local SMTP server; a peer supporter opens the signed link from the e-mail on a phone
and taps Accept; the coordinator's board changes without a reload (htmx polling)."""

import re
import socket
import time
from collections.abc import Callable, Iterator
from datetime import date
from email import message_from_bytes
from email import policy as email_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone
from playwright.sync_api import Page, expect

from peerline.clinical.models import LicenceType, MentalHealthProfessional, OnCallShift
from peerline.incidents.models import CriticalIncident, DeploymentStatus, IncidentStatus
from peerline.notifications import worker
from peerline.team.models import PeerSupporter, Status
from peerline.testing import personas as p

from .conftest import assert_accessible_basics, screenshot

pytestmark = pytest.mark.e2e


class Inbox:
    """What the local SMTP server accepted: (recipients, plain-text body)."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content, policy=email_policy.default)
        part = message.get_body(preferencelist=("plain",))  # type: ignore[attr-defined]
        self.messages.append((list(envelope.rcpt_tos), part.get_content() if part else ""))
        return "250 OK"

    def to(self, address: str) -> list[str]:
        return [body for rcpts, body in self.messages if address in rcpts]


@pytest.fixture
def inbox(settings: Any) -> Iterator[Inbox]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.PEERLINE_SMTP_HOST, settings.PEERLINE_SMTP_PORT = "127.0.0.1", port
    settings.PEERLINE_SMTP_MODE = "insecure"
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def ready(people: dict[str, Any]) -> dict[str, Any]:
    """Three PSPs in Investigations (away from patrol), one in Patrol, an MHP on call now."""
    agency = people["agency"]
    inv = agency.divisions.get(code="INV")
    for i, (first, last) in enumerate([("Grace", "Holland"), ("Omar", "Said"), ("Lena", "Voss")]):
        employee = p.make_employee(agency, f"40{i}", division=inv, first_name=first, last_name=last)
        p.make_user(f"psp{i}", agency, p.Role.PEER_SUPPORTER, employee=employee)
        employee.user.email = f"psp{i}@test.example"
        employee.user.save()
        PeerSupporter.objects.create(
            agency=agency,
            employee=employee,
            status=Status.ACTIVE,
            status_since=timezone.localdate(),
        )
    # The principal's sergeant is on the team too: in her chain of command, never proposed.
    PeerSupporter.objects.create(
        agency=agency, employee=people["chain"].sergeant, status=Status.ACTIVE,
        status_since=timezone.localdate(),
    )  # fmt: skip
    # A fixed expiry: today's date in 2035 is a ValueError on 29 February.
    mhp = MentalHealthProfessional.objects.create(
        agency=agency, name="Dr. Ana Ruiz", email="ruiz@clinic.example",
        licence_type=LicenceType.PSYCHOLOGIST, licence_number="PSY-1", licence_state="IL",
        licence_expires=date(2099, 12, 31), role="clinical_advisor",
    )  # fmt: skip
    now = timezone.now()
    OnCallShift.objects.create(
        agency=agency, clinician=mhp, starts_at=now - timezone.timedelta(hours=2),
        ends_at=now + timezone.timedelta(hours=10),
    )  # fmt: skip
    return people


def test_shooting_reported_to_an_acknowledged_team(
    page: Page,
    browser: Any,
    live_server: Any,
    ready: dict[str, Any],
    log_in_as: Callable[..., None],
    console_errors: list[str],
    settings: Any,
    inbox: Inbox,
) -> None:
    settings.BASE_URL = live_server.url
    log_in_as(page.context, ready["users"]["coordinator"])
    clicks = 0
    page.goto(f"{live_server.url}/incidents/")
    page.get_by_role("link", name="Open an incident").click()
    clicks += 1
    expect(page.get_by_role("heading", level=1)).to_have_text("Open an incident")
    assert_accessible_basics(page)

    page.locator('label[for="type-ois"]').click()
    page.get_by_label("More about the place (optional, no names)").fill("Warehouse district")
    page.get_by_label("Find by last name, first name or employee number").fill("Okafor")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name="Principal: Aisha Okafor").click()
    clicks += 4
    expect(page.get_by_role("heading", name="Principals (1)")).to_be_visible()
    assert "Okafor" not in page.url
    screenshot(page, "incidents-new")
    page.get_by_role("button", name="Open and see the proposed team").click()
    clicks += 1

    expect(page.get_by_role("heading", level=1)).to_have_text("Officer-involved shooting")
    expect(page.locator("#proposed-table tbody tr")).to_have_count(3)
    expect(page.locator("#excluded-table")).to_contain_text("Tom Kowalski")  # her sergeant
    expect(page.locator("#excluded-table")).to_contain_text("chain of command")
    # A 2011 agency: the 2006 rule (a licensed MHP for the individual intervention) does not apply.
    expect(page.locator("#clinicians")).to_contain_text("Clinician on call")
    assert_accessible_basics(page)
    screenshot(page, "incidents-proposal")
    page.get_by_role("button", name="Activate: page the team now").click()
    clicks += 1
    assert clicks <= 8, clicks

    board = page.locator("#board")
    expect(board).to_be_visible()
    expect(page.locator("#board-accepted")).to_have_text("0")
    incident = CriticalIncident.objects.get()
    assert incident.status == IncidentStatus.ACTIVATED
    deployment = incident.deployments.filter(peer_supporter__isnull=False).first()
    row = page.locator(f"#deployment-{deployment.pk}")
    expect(row).to_have_attribute("data-status", "paged")

    # The worker sends the pages (one e-mail each) to the local SMTP server.
    assert worker.run_once(timezone.now()).sent == 4
    assert len(inbox.messages) == 4
    expect(row.locator(".peerline-delivery")).to_have_text("delivered", timeout=12_000)

    # The PSP opens the link of the e-mail on a phone, logged out, and taps Accept.
    (body,) = inbox.to(deployment.peer_supporter.employee.user.email)
    assert "Okafor" not in body and "Warehouse district" in body
    link = re.search(r"^Accept: (\S+)", body, re.MULTILINE).group(1)
    assert link.startswith(live_server.url)
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    psp_page = phone.new_page()
    psp_page.goto(link)
    expect(psp_page.get_by_role("heading", level=1)).to_have_text("Officer-involved shooting")
    expect(psp_page.locator("#page-facts")).not_to_contain_text("Okafor")
    assert_accessible_basics(psp_page, nav=False)
    screenshot(psp_page, "incidents-page-phone")
    accepted_at = time.monotonic()
    psp_page.get_by_role("button", name="Accept").tap()
    expect(psp_page.get_by_role("heading", name=re.compile("You accepted"))).to_be_visible()
    deployment.refresh_from_db()
    assert deployment.status == DeploymentStatus.ACCEPTED
    # A second tap on the same link answers nothing.
    psp_page.goto(link)
    expect(psp_page.locator("#answer-form")).to_have_count(0)
    phone.close()

    # The coordinator's board changes without a reload.
    url_before = page.url
    expect(row).to_have_attribute("data-status", "accepted", timeout=12_000)
    expect(page.locator("#board-accepted")).to_have_text("1")
    assert time.monotonic() - accepted_at < 12
    assert page.url == url_before
    screenshot(page, "incidents-board")
    assert console_errors == []
    page.goto("about:blank")  # stop polling before the live server and database go away
