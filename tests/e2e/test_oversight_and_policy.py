"""Two pages on a 390 px phone: the clinical advisor's oversight summary (2011 §3.4) and the
coordinator's sign-in policy (issue 11 §2, §3). Fits the screen, labelled, changed by keyboard."""

from typing import Any

import pytest
from playwright.sync_api import expect

from peerline.accounts.models import Role
from peerline.signin.models import SignInPolicy
from peerline.testing import personas as p

from .conftest import PHONE, assert_accessible_basics, screenshot, watch_console

pytestmark = pytest.mark.e2e


def fits(page: Any) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))


def test_the_advisor_reads_the_summary_on_a_phone(browser, live_server, people, log_in_as):
    advisor = p.make_user("advisor", people["agency"], Role.CLINICAL_ADVISOR)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US")
    log_in_as(context, advisor)
    page = context.new_page()
    errors = watch_console(page)
    page.goto(f"{live_server.url}/committee/oversight/")
    page.get_by_role("link", name="The oversight summary of the team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Oversight summary")
    expect(page.locator("#summary-contacts")).to_have_text("0 contacts logged.")
    assert_accessible_basics(page)
    assert fits(page)
    screenshot(page, "advisor-summary-phone")
    assert errors == []
    context.close()


def test_the_coordinator_sets_the_policy_by_keyboard_on_a_phone(
    browser, live_server, people, log_in_as
):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US")
    log_in_as(context, people["users"]["coordinator"])
    page = context.new_page()
    errors = watch_console(page)
    page.goto(f"{live_server.url}/accounts/people/")
    page.get_by_role(
        "link", name="Sign-in policy: passwords, second factors, identity provider groups"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in policy")
    assert_accessible_basics(page)
    assert fits(page)
    page.get_by_label("Second factor required for").focus()
    page.keyboard.press("ArrowDown")  # the next option: everyone
    page.get_by_role("button", name="Save the sign-in policy").press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Sign-in policy saved.")
    assert SignInPolicy.objects.get(agency=people["agency"]).second_factor == "everyone"
    screenshot(page, "sign-in-policy-phone")
    assert errors == []
    context.close()
