"""Each main page in a real browser: it loads without a console error or a Content-Security-Policy
violation, passes the accessibility basics, and leaves a full-page screenshot to look at."""

import re

import pytest
from playwright.sync_api import Page, expect

from peerline.accounts.models import Membership, Role
from peerline.testing import personas as p

from .conftest import assert_accessible_basics, screenshot

pytestmark = pytest.mark.e2e


# (screenshot name, persona, a path or the chain member whose page it is, the h1, the status)
PAGES = [
    ("03-home-coordinator", "coordinator", "/", "Welcome, Linda", 200),
    ("04-home-command-staff", "command_staff", "/", "Welcome, Marcus", 200),
    ("05-home-peer-supporter", "peer_supporter", "/", "Welcome, Aisha", 200),
    ("06-roster", "coordinator", "/roster/", "Roster", 200),
    ("08-employee-detail", "coordinator", "sergeant", "Tom Kowalski", 200),
    ("09-agency-settings", "coordinator", "/agency/", "Test City Police Department", 200),
    ("12-forbidden", "command_staff", "/roster/", "You do not have access to this page", 403),
    ("17-not-found", "coordinator", "/roster/999999/", "Page not found", 404),
]


def path_of(where: str, people) -> str:
    return where if where.startswith("/") else f"/roster/{getattr(people['chain'], where).pk}/"


@pytest.mark.parametrize(
    ("name", "persona", "where", "h1", "status"), PAGES, ids=[page[0] for page in PAGES]
)
def test_the_page_loads_cleanly(
    page: Page, live_server, people, log_in_as, console_errors, name, persona, where, h1, status
):
    log_in_as(page.context, people["users"][persona])
    response = page.goto(f"{live_server.url}{path_of(where, people)}")

    assert response is not None and response.status == status
    expect(page.get_by_role("heading", level=1)).to_have_text(h1)
    assert_accessible_basics(page)
    screenshot(page, name)
    # Chromium reports a 4xx document as a failed resource; anything else is an error.
    expected = f"status of {status}" if status >= 400 else None
    assert [e for e in console_errors if not (expected and expected in e)] == []


PHONE_PAGES = [
    ("13-phone-roster", "/roster/", "Roster"),
    ("14-phone-employee-detail", "sergeant", "Tom Kowalski"),
    ("15-phone-agency-settings", "/agency/", "Test City Police Department"),
]


@pytest.mark.parametrize(
    ("name", "where", "h1"), PHONE_PAGES, ids=[page[0] for page in PHONE_PAGES]
)
def test_on_a_phone_the_page_fits_the_screen(
    phone_page: Page, live_server, people, log_in_as, name, where, h1
):
    page = phone_page
    log_in_as(page.context, people["users"]["coordinator"])
    page.goto(f"{live_server.url}{path_of(where, people)}")
    expect(page.get_by_role("heading", level=1)).to_have_text(h1)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, "nothing makes the page scroll sideways"
    screenshot(page, name)


def test_the_design_system_and_htmx_are_served(page: Page, live_server, console_errors):
    statics: dict[str, int] = {}
    page.on(
        "response",
        lambda response: (
            statics.update({response.url: response.status}) if "/static/" in response.url else None
        ),
    )
    page.goto(f"{live_server.url}/accounts/login/")

    assert len(statics) >= 4, statics  # the USWDS CSS and JS, ours, htmx
    assert set(statics.values()) == {200}, statics
    assert page.evaluate("() => typeof window.htmx") == "object"
    assert (
        page.evaluate("() => document.documentElement.classList.contains('usa-js-loading')")
        is False
    )
    assert_accessible_basics(page, nav=False)
    assert console_errors == []


def test_each_role_sees_only_its_own_cards(page: Page, live_server, people, log_in_as):
    log_in_as(page.context, people["users"]["command_staff"])
    page.goto(f"{live_server.url}/")
    expect(page.locator("[data-role]")).to_have_count(2)
    expect(page.locator('[data-role="command_staff"]')).to_be_visible()
    expect(page.locator('[data-role="coordinator"]')).to_have_count(0)
    nav = page.get_by_role("navigation", name="Primary navigation")
    expect(nav.get_by_role("link", name="Roster")).to_have_count(0)


def test_a_coordinator_of_two_agencies_switches_between_them(
    page: Page, live_server, people, log_in_as, console_errors
):
    other = p.make_agency(code="NORTH", name="North County Sheriff's Office")
    Membership.objects.create(
        user=people["users"]["coordinator"], agency=other, role=Role.COORDINATOR
    )
    log_in_as(page.context, people["users"]["coordinator"])
    page.goto(f"{live_server.url}/")
    acting_in = page.locator(".peerline-logo__agency")
    switch = page.get_by_label("Agency", exact=True)
    # The session starts in the first of the user's agencies by code (NORTH before TEST).
    expect(acting_in).to_have_text("North County Sheriff's Office")
    expect(switch).to_have_value(str(other.pk))
    assert_accessible_basics(page)
    screenshot(page, "16-home-two-agencies")

    switch.select_option(label="Test City Police Department")
    page.get_by_role("button", name="Switch agency").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(acting_in).to_have_text("Test City Police Department")
    expect(switch).to_have_value(str(people["agency"].pk))
    expect(page.locator('[data-role="coordinator"]')).to_be_visible()
    assert console_errors == []


def test_the_roster_pages_through_fifty_at_a_time_and_by_division(
    page: Page, live_server, people, log_in_as, console_errors
):
    for n in range(50):
        p.make_employee(
            people["agency"], f"5{n:03}", people["chain"].sergeant, last_name=f"Zeta{n:02}"
        )
    log_in_as(page.context, people["users"]["coordinator"])
    page.goto(f"{live_server.url}/roster/")
    expect(page.get_by_role("table")).to_contain_text("page 1 of 2")

    page.get_by_role("link", name="Next page").click()
    expect(page).to_have_url(f"{live_server.url}/roster/?page=2")
    expect(page.get_by_role("table")).to_contain_text("page 2 of 2")
    expect(page.locator("tbody tr")).to_have_count(8)
    assert_accessible_basics(page)
    screenshot(page, "18-roster-page-2")

    page.get_by_label("Division").select_option(label="Communications")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("tbody tr")).to_have_count(2)
    expect(page.get_by_label("Division")).to_have_value(
        str(people["chain"].telecommunicator.division_id)
    )
    assert console_errors == []


def test_the_roster_search_finds_by_last_name_without_a_reload_or_a_name_in_the_url(
    page: Page, live_server, people, log_in_as, console_errors
):
    log_in_as(page.context, people["users"]["coordinator"])
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    page.goto(f"{live_server.url}/roster/")
    page.evaluate("() => { window.peerlineNoReload = true; }")

    page.get_by_label("Find by last name").press_sequentially("okaf", delay=20)

    results = page.locator("#search-results")
    expect(results.get_by_role("link", name="Okafor, Aisha")).to_be_visible()
    expect(results).to_contain_text("1 match")
    expect(results.get_by_role("link", name="Nguyen, Kevin")).to_have_count(0)
    assert page.evaluate("() => window.peerlineNoReload") is True, "the page did not reload"
    assert page.url == f"{live_server.url}/roster/"
    assert not [url for url in urls if re.search("okaf", url, re.IGNORECASE)]
    assert_accessible_basics(page)
    screenshot(page, "07-roster-search")

    # Enter submits the same search through htmx, still without a reload.
    page.get_by_label("Find by last name").fill("Kowalski")
    page.get_by_label("Find by last name").press("Enter")
    expect(results.get_by_role("link", name="Kowalski, Tom")).to_be_visible()
    assert page.evaluate("() => window.peerlineNoReload") is True
    assert not [url for url in urls if re.search("kowalski", url, re.IGNORECASE)]

    results.get_by_role("link", name="Kowalski, Tom").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tom Kowalski")
    assert console_errors == []
