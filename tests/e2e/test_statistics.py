"""From a PSP's phone to the program's statistics, in a real browser (2011 §3.1, §3.9, §6.7)."""

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from peerline.agencies import clock, periods
from peerline.contacts import services
from peerline.stats import releases

from .conftest import screenshot
from .test_contacts import answer_the_rest

pytestmark = pytest.mark.e2e


def _log(agency, user, month, activity, count):
    for _ in range(count):
        services.contact_log(
            agency=agency,
            peer_supporter=user,
            data={
                "month": month,
                "activity": activity,
                "recipient_group": "sworn",
                "mode": "phone",
                "initiated_by": "self",
                "duration": "15-30",
                "limits_explained": True,
                "role_conflict": False,
                "prior_contacts": "first",
            },
        )


def test_a_logged_contact_is_counted_for_the_coordinator_and_suppressed_for_command(
    browser, live_server, people: dict[str, Any], log_in_as, phone_page
):
    agency, users = people["agency"], people["users"]
    # The PSP logs a contact on a phone.
    page = phone_page
    log_in_as(page.context, users["peer_supporter"])
    page.goto(f"{live_server.url}/contacts/log/")
    page.get_by_role("group", name="Activity").get_by_text("Death notification").click()
    page.get_by_role("group", name="Who was supported").get_by_text("Sworn").click()
    page.get_by_role("group", name="How long").get_by_text("30–60 minutes").click()
    answer_the_rest(page, lambda target: target.click(), f"{clock.local_today(agency):%B %Y}")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact saved")

    # The coordinator sees it counted in this quarter's utilisation data (§3.9).
    coordinator = browser.new_context()
    log_in_as(coordinator, users["coordinator"])
    program = coordinator.new_page()
    program.goto(f"{live_server.url}/stats/program/")
    first_stat = program.locator(".peerline-stat").first
    expect(first_stat).to_contain_text("1")
    expect(first_stat).to_contain_text("contact")
    # Live, it is a count only: what the contact was shows once the quarter has closed (§7.2).
    expect(program.locator("body")).not_to_contain_text("Death notification")
    screenshot(program, "e2e-stats-program")

    # Last quarter, closed: 14 general-stress contacts and 2 death notifications.
    today = clock.local_today(agency)
    last_quarter_day = periods.last_day(periods.quarter_of(today)) - timedelta(days=100)
    month = f"{last_quarter_day:%Y-%m}"
    _log(agency, users["peer_supporter"], month, "general_stress", 14)
    _log(agency, users["peer_supporter"], month, "death_notification", 2)
    period = periods.quarter_of(last_quarter_day)
    releases.period_close(agency=agency, period=period, acting_user=None)

    # Command staff see the released table with the small count suppressed (§3.1).
    command = browser.new_context()
    log_in_as(command, users["command_staff"])
    report = command.new_page()
    report.goto(f"{live_server.url}/stats/released/?period={period}")
    expect(report.get_by_role("heading", level=1)).to_be_visible()
    death = report.get_by_role("row", name="Death notification")
    expect(death).to_contain_text("suppressed")
    expect(death).not_to_contain_text("2")
    expect(report.locator("body")).not_to_contain_text(f"<{agency.suppression_k}")
    expect(report.locator("#legend")).to_contain_text(
        f"the smallest count shown is {agency.suppression_k}"
    )
    screenshot(report, "e2e-stats-released")
    # …and never the coordinator's per-PSP page.
    assert report.goto(f"{live_server.url}/stats/program/").status == 403
