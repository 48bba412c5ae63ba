"""The main journeys measured on a phone (issue 17 §5): taps and seconds, printed and written to
test-artifacts/journeys.json to quote in the release note. Nothing here asserts on time (speed
belongs in bench/); each journey asserts it reached its end. And every role's home and main
pages at phone size, saved as screenshots in test-artifacts/screenshots/roles/."""

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from peerline.contacts.models import Contact
from peerline.incidents.models import CriticalIncident, IncidentStatus

from .conftest import PHONE, SCREENSHOTS
from .test_contacts import Taps, answer_the_rest, this_month, tile
from .test_incidents import ready  # noqa: F401  (the fixture: PSPs and a clinician on call)

pytestmark = pytest.mark.e2e

JOURNEYS = SCREENSHOTS.parent / "journeys.json"


def record(name: str, taps: int, seconds: float, **extra: Any) -> None:
    JOURNEYS.parent.mkdir(parents=True, exist_ok=True)
    found = json.loads(JOURNEYS.read_text()) if JOURNEYS.exists() else {}
    found[name] = {"taps": taps, "seconds": round(seconds, 1), "viewport": "390x844", **extra}
    JOURNEYS.write_text(json.dumps(found, indent=2, sort_keys=True))
    print(f"journey {name}: {taps} taps, {seconds:.1f} s on a 390x844 phone")


@pytest.fixture
def page(phone_page: Page) -> Page:
    return phone_page


def test_journey_logging_a_contact_2011_6_7(
    page: Page, live_server: Any, people: dict[str, Any], log_in_as: Callable[..., None]
) -> None:
    log_in_as(page.context, people["users"]["peer_supporter"])
    page.goto(f"{live_server.url}/")
    started = time.monotonic()
    tap = Taps()
    tap(page.get_by_role("link", name="Log a contact").last)
    tap(tile(page, "Activity", "General stress"))
    tap(tile(page, "Who was supported", "Sworn"))
    tap(tile(page, "How long", "15–30 minutes"))
    answer_the_rest(page, tap, this_month(people))
    tap(page.get_by_role("button", name="Save", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact saved")
    record("log a contact (from home)", tap.count, time.monotonic() - started)
    assert Contact.objects.count() == 1


def test_journey_opening_and_activating_an_incident_2011_3_3(
    page: Page,
    live_server: Any,
    ready: dict[str, Any],  # noqa: F811
    log_in_as: Callable[..., None],
) -> None:
    log_in_as(page.context, ready["users"]["coordinator"])
    page.goto(f"{live_server.url}/")
    started = time.monotonic()
    tap = Taps()
    tap(page.locator("#home-open-incident"))  # first on the coordinator's phone home
    tap(page.locator('label[for="type-other"]'))
    tap(page.locator("#open-incident"))
    expect(page.locator("#activate")).to_be_visible()
    tap(page.locator("#activate"))
    expect(page.get_by_role("heading", name="Live board")).to_be_visible()
    record("open and activate an incident (from home)", tap.count, time.monotonic() - started)
    assert CriticalIncident.objects.get().status == IncidentStatus.ACTIVATED


PAGES = {
    "peer_supporter": ["/", "/contacts/log/", "/contacts/mine/", "/clinical/now/", "/offline/"],
    "coordinator": ["/", "/incidents/", "/team/", "/training/compliance/", "/stats/program/"],
    "command_staff": ["/", "/stats/released/", "/peers/", "/resources/"],
}


@pytest.mark.parametrize("role", list(PAGES))
def test_screenshots_of_each_roles_home_and_main_pages_at_phone_size(
    browser: Browser,
    live_server: Any,
    people: dict[str, Any],
    log_in_as: Callable[..., None],
    role: str,
) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US")
    page = context.new_page()
    log_in_as(context, people["users"][role])
    folder = SCREENSHOTS / "roles"
    folder.mkdir(parents=True, exist_ok=True)
    heights = {}
    for path in PAGES[role]:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"], path
        heights[path] = page.evaluate("() => document.documentElement.scrollHeight")
        name = f"{role}{path.rstrip('/').replace('/', '-') or '-home'}.png"
        page.screenshot(path=str(Path(folder) / name), full_page=True, animations="disabled")
    print(f"{role} page heights at 390 px: {heights}")
    context.close()


def test_journey_accepting_a_page_2011_3_3(
    page: Page,
    live_server: Any,
    ready: dict[str, Any],  # noqa: F811
) -> None:
    from django.utils import timezone

    from peerline.incidents import links, services
    from peerline.incidents.models import DeploymentStatus

    agency, chain = ready["agency"], ready["chain"]
    incident = services.incident_open(
        agency=agency, by=None, type="other", occurred_at=timezone.now(), place="East side",
        area=None, principals=[chain.officer], witnesses=[], units=[], team_size=1,
    )  # fmt: skip
    now = timezone.now()
    deployment = next(
        d for d in services.activate(incident=incident, by=None, now=now) if d.peer_supporter_id
    )
    url = f"{live_server.url}/page/{links.make_token(deployment, now=now)}/"
    page.goto(url)  # opened from the page's e-mail or SMS: no log-in
    started = time.monotonic()
    tap = Taps()
    tap(page.locator("#accept"))
    expect(page.locator("#answer-status")).to_contain_text("You accepted")
    record("accept a page (from its link)", tap.count, time.monotonic() - started)
    deployment.refresh_from_db()
    assert deployment.status == DeploymentStatus.ACCEPTED


def test_journey_recording_attendance_2011_8_2(
    page: Page,
    live_server: Any,
    ready: dict[str, Any],  # noqa: F811
    log_in_as: Callable[..., None],
) -> None:
    from decimal import Decimal

    from peerline.agencies.clock import local_today
    from peerline.training.models import Attendance, TrainingSession

    session = TrainingSession.objects.create(
        agency=ready["agency"], title="Update training", date=local_today(ready["agency"]), hours=Decimal("2"),
        instructor="Dr. Ada Lindqvist",
    )  # fmt: skip
    log_in_as(page.context, ready["users"]["coordinator"])
    page.goto(f"{live_server.url}/training/sessions/{session.pk}/attendance/")
    started = time.monotonic()
    tap = Taps()
    tap(page.locator("[data-roster-all]"))
    tap(page.locator("[data-roster-save]"))
    expect(page.locator("#recorded-summary")).to_contain_text("Recorded: 4")
    record("record attendance (4 PSPs)", tap.count, time.monotonic() - started)
    assert Attendance.objects.filter(session=session).count() == 4
