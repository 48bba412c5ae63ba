"""Coverage, forecast and recruitment plan in a real browser, on a desktop and on a phone
(2011 §3.8.1, §3.8.3, §4.1)."""

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from peerline.agencies.clock import local_today
from peerline.agencies.models import Category, JobFamily
from peerline.coverage.forecast import forecast_dates
from peerline.coverage.tests.builders import candidate, leave, psp, staff
from peerline.team.models import Status

from .conftest import assert_accessible_basics, screenshot, watch_console

pytestmark = pytest.mark.e2e


@pytest.fixture
def covered(people: dict[str, Any]) -> dict[str, Any]:
    """A few dozen employees over shifts and divisions: some cells met, some short, one empty,
    a PSP leaving next year, one on leave, and two candidates."""
    agency, chain = people["agency"], people["chain"]
    today = local_today(agency)
    comm = {
        "division": "COMM",
        "category": Category.CIVILIAN,
        "job_family": JobFamily.TELECOMMUNICATIONS,
    }
    day = staff(agency, 30)
    night = staff(agency, 12, shift="NIGHT")
    comm_night = staff(agency, 14, shift="NIGHT", **comm)
    staff(agency, 6, shift="EVE", division="INV", job_family=JobFamily.INVESTIGATIONS)
    psp(day[0])
    leaving = night[0]
    leaving.separation_date, leaving.separation_kind = today + timedelta(days=200), "transfer"
    leaving.save()
    psp(leaving)
    away = psp(day[1], Status.ON_LEAVE)
    leave(away, today - timedelta(days=30), today + timedelta(days=90))
    psp(chain.officer)
    candidate(comm_night[1], days_ago=20)
    candidate(day[2], days_ago=5)
    return {**people, "leaving": leaving}


def _open(page: Page, url: str, h1: str) -> list[str]:
    errors = watch_console(page)
    response = page.goto(url)
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(h1)
    return errors


def test_the_coordinator_reads_coverage_forecast_and_plan_on_a_desktop(
    page: Page, live_server, covered, log_in_as
):
    log_in_as(page.context, covered["users"]["coordinator"])
    errors = _open(page, f"{live_server.url}/coverage/", "Coverage")
    sworn = page.get_by_role(
        "table", name="Sworn employees: active peer supporters / needed, by shift and division"
    )
    expect(sworn).to_be_visible()
    expect(sworn.get_by_role("row", name="Night shift")).to_contain_text("1 / 1")
    expect(
        page.get_by_text("None active", exact=True).first
    ).to_be_visible()  # words, not colour only
    expect(page.get_by_role("table", name="By job family")).to_contain_text("Telecommunications")
    assert_accessible_basics(page)
    screenshot(page, "e2e-coverage-matrix")

    page.get_by_role("link", name="Forecast, next 24 months").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Coverage forecast")
    expect(
        page.get_by_role("img", name="Active peer supporters and the number needed")
    ).to_be_visible()
    # The transfer of the night shift's only PSP takes that cell below target on the first
    # forecast date after it.
    moved = covered["leaving"].separation_date
    falls = next(day for day in forecast_dates(local_today(covered["agency"])) if day >= moved)
    night = page.get_by_role("row", name="Night shift · Patrol · sworn")
    expect(night.get_by_role("cell").nth(0)).to_have_text(f"{falls:%b} {falls.day}, {falls.year}")
    page.get_by_text("Night shift · Patrol · sworn (below from").click()
    expect(
        page.get_by_role("table", name="Night shift · Patrol · sworn, month by month")
    ).to_be_visible()
    assert_accessible_basics(page)
    screenshot(page, "e2e-coverage-forecast")

    page.get_by_role("link", name="Recruitment plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recruitment plan")
    plan = page.get_by_role("table", name="Candidates to select, with the gaps each helps close")
    expect(plan).to_contain_text("Night shift · Communications · civilian: 0 of 1 needed")
    expect(plan).to_contain_text("Telecommunications: 0 of 1 needed")
    assert_accessible_basics(page)
    screenshot(page, "e2e-coverage-recruitment")
    assert errors == []


def test_the_pages_work_on_a_phone(phone_page: Page, live_server, covered, log_in_as):
    page = phone_page
    log_in_as(page.context, covered["users"]["coordinator"])
    for path, h1, name in [
        ("/coverage/", "Coverage", "e2e-phone-coverage-matrix"),
        ("/coverage/forecast/", "Coverage forecast", "e2e-phone-coverage-forecast"),
        ("/coverage/recruitment/", "Recruitment plan", "e2e-phone-coverage-recruitment"),
    ]:
        errors = _open(page, f"{live_server.url}{path}", h1)
        # Wide tables scroll inside their container; the page itself does not scroll sideways.
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"] + 1, (path, width)
        assert_accessible_basics(page)
        screenshot(page, name)
        assert errors == [], path


def test_the_steering_committee_sees_counts_but_not_the_plan(
    page: Page, live_server, covered, log_in_as
):
    from peerline.accounts.models import Role
    from peerline.testing.personas import make_user

    steering = make_user("steering-e2e", covered["agency"], Role.STEERING_COMMITTEE)
    log_in_as(page.context, steering)
    _open(page, f"{live_server.url}/coverage/", "Coverage")
    expect(page.get_by_role("link", name="Recruitment plan")).to_have_count(0)
    assert page.goto(f"{live_server.url}/coverage/recruitment/").status == 403
