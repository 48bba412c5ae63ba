"""The audit trail page in a real browser, on a desktop and a phone (issue 11 §6)."""

import pytest
from playwright.sync_api import Page, expect

from peerline.accounts.models import Role
from peerline.audit.services import record
from peerline.testing import personas as p

from .conftest import assert_accessible_basics, screenshot

pytestmark = pytest.mark.e2e


def test_the_steering_committee_reads_the_trail_and_filters_it(
    page: Page, live_server, people, log_in_as, console_errors
):
    agency = people["agency"]
    record("settings.changed", agency=agency, target=f"agency:{agency.pk}",
           detail={"suppression_k": {"old": 11, "new": 15}})  # fmt: skip
    record("export.downloaded", agency=agency, target="stats.program_csv",
           detail={"export": "stats.program_csv"})  # fmt: skip
    log_in_as(page.context, p.make_user("committee", agency, Role.STEERING_COMMITTEE))
    page.goto(f"{live_server.url}/audit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    expect(page.get_by_role("status")).to_contain_text("The chain holds")
    expect(page.get_by_text("suppression_k: 11 → 15")).to_be_visible()
    assert_accessible_basics(page)
    screenshot(page, "40-audit-trail")
    page.get_by_label("Kind of event").select_option("exports")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Export downloaded")).to_be_visible()
    expect(page.get_by_text("suppression_k: 11 → 15")).to_have_count(0)
    assert console_errors == []


def test_on_a_phone_the_trail_fits_the_screen(phone_page: Page, live_server, people, log_in_as):
    record("role.granted", agency=people["agency"], target="user:1", detail={"role": "coordinator"})
    log_in_as(phone_page.context, p.make_user("admin", people["agency"], Role.SYSTEM_ADMIN))
    phone_page.goto(f"{live_server.url}/audit/")
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    assert phone_page.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, "41-phone-audit-trail")
