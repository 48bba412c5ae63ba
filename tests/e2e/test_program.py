"""The written program in a real browser: a steering committee member chooses the edition, edits
the limits, records the committee, publishes the manual and downloads the self-assessment
(2011 §3.2, §3.5, §6.3)."""

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from peerline.accounts.models import Role
from peerline.manual import services as manual
from peerline.manual.models import ManualVersion
from peerline.testing import personas as p

from .conftest import PASSWORD, assert_accessible_basics, screenshot, watch_console

pytestmark = pytest.mark.e2e


def test_a_committee_member_runs_the_written_program_in_the_browser(
    page: Page, live_server: Any, people: dict[str, Any], password_hash: str,
    log_in_as: Callable[..., None],
):  # fmt: skip
    agency, chain = people["agency"], people["chain"]
    member = p.make_user("steering", agency, Role.STEERING_COMMITTEE, employee=chain.lieutenant)
    member.password = password_hash
    member.save(update_fields=["password"])
    assert PASSWORD  # the same password as the other personas
    errors = watch_console(page)
    log_in_as(page.context, member)

    # The edition (the committee's choice) and its record.
    page.goto(f"{live_server.url}/committee/settings/")
    page.get_by_label("Guidelines the program follows").select_option("2006")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.locator("#setting-changes")).to_contain_text("guideline_edition")
    expect(page.locator("#setting-changes")).to_contain_text("2006")

    # A limit of the agency's own, with its procedure.
    page.goto(f"{live_server.url}/program/limits/")
    page.get_by_label("The limit, as read aloud").fill("Workers' compensation claim")
    page.get_by_label("Procedure").fill("Refer the claim to Human Resources.")
    page.get_by_role("button", name="Add the limit").click()
    expect(page.locator("#limits-list")).to_contain_text("Workers' compensation claim")
    expect(page.locator("#limits-versions")).to_contain_text("Added")
    assert_accessible_basics(page)
    screenshot(page, "program-limits")

    # The committee's composition.
    page.goto(f"{live_server.url}/committee/")
    page.get_by_label("Name", exact=True).fill("Dr. Ana Ruiz")
    page.get_by_label("Seat", exact=True).select_option("licensed_mhp")
    page.get_by_label("Licence state (licensed MHP only)").fill("IL")
    page.get_by_label("Since", exact=True).fill("2026-01-05")
    page.get_by_role("button", name="Add the member").click()
    expect(page.locator("#composition")).to_contain_text(
        "Met: A mental health professional licensed in IL"
    )
    # A decision of the committee (program-level, never about a person supported).
    page.get_by_label("Date", exact=True).fill("2026-11-02")
    page.get_by_label("Subject", exact=True).fill("Training plan 2027")
    page.get_by_label("Decision", exact=True).fill("Two refresher days.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#decisions")).to_contain_text("Nov 2, 2026 · Training plan 2027")

    # The coordinator's draft, published by the committee member.
    manual.draft(agency=agency, by=people["users"]["coordinator"])
    page.goto(f"{live_server.url}/manual/")
    expect(page.locator("#manual-diff")).to_contain_text("Workers' compensation claim")
    page.get_by_role("button", name="Approve and publish version 1").click()
    expect(page.locator("#manual-version")).to_contain_text("Version 1, approved by the steering")
    assert ManualVersion.objects.get(agency=agency).approved_by == member

    # The self-assessment and its PDF.
    page.goto(f"{live_server.url}/assessment/")
    expect(page.locator("#clause-administration-5")).to_contain_text("Partly met")
    assert_accessible_basics(page)
    screenshot(page, "program-assessment")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF for an accreditation file").click()
    assert download.value.suggested_filename == "self-assessment.pdf"
    assert errors == []
