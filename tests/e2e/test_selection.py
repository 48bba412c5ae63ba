"""Selection to activation in a real browser: an employee volunteers on a phone, the coordinator
runs selection, a superior recommends, a panel scores, the candidate signs the agreement and the
coordinator activates them (IACP 2011 §4.1, §4.2, §6.8)."""

import re
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from peerline.accounts.models import Membership, Role
from peerline.agencies.clock import local_today
from peerline.agencies.models import Employee
from peerline.team.models import AgreementSignature, PeerSupporter, Status
from peerline.testing import personas as p

from .conftest import assert_accessible_basics, screenshot, watch_console

pytestmark = pytest.mark.e2e


def _login(people: dict[str, Any], password_hash: str, username: str, employee, *roles, name=None):
    user = p.make_user(username, people["agency"], *roles, employee=employee)
    if employee is not None:
        employee.refresh_from_db()
        user.first_name, user.last_name = employee.first_name, employee.last_name
    else:
        user.first_name, user.last_name = name
    user.password = password_hash
    user.save()
    return user


def _open(browser, live_server, log_in_as, user, *, phone: bool = False) -> tuple[Page, list[str]]:
    if phone:
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="en-US"
        )
    else:
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    log_in_as(context, user)
    page = context.new_page()
    return page, watch_console(page)


def _action(page: Page, title: str) -> Any:
    """Open a coordinator's action (an accordion) and return it."""
    toggle = page.locator("button.usa-accordion__button").filter(
        has_text=re.compile(f"^{re.escape(title)}$")
    )
    toggle.click()
    body = page.locator(f"#{toggle.get_attribute('aria-controls')}")
    expect(body).to_be_visible()
    return body


def _choose(scope: Any, question: str, answer: str) -> None:
    scope.get_by_role("group", name=question).locator("label").filter(has_text=answer).first.click()


def test_an_application_from_volunteering_to_active_2011_4_1_6_8(
    browser, live_server, people: dict[str, Any], password_hash: str, log_in_as
):
    agency, chain, users = people["agency"], people["chain"], people["users"]
    Employee.objects.filter(pk=chain.officer2.pk).update(hire_date=date(2015, 1, 5))
    candidate = _login(people, password_hash, "kevin", chain.officer2, Role.EMPLOYEE)
    superior = _login(people, password_hash, "tom", chain.sergeant, Role.EMPLOYEE)
    clinician = _login(people, password_hash, "maya", None, Role.CLINICAL_ADVISOR,
                       name=("Maya", "Chen"))  # fmt: skip
    url = live_server.url
    errors: list[list[str]] = []

    # 1. Kevin volunteers on his phone.
    phone, console = _open(browser, live_server, log_in_as, candidate, phone=True)
    errors.append(console)
    phone.goto(f"{url}/team/volunteer/")
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Volunteer for the peer support team"
    )
    assert_accessible_basics(phone)
    phone.get_by_label("Why do you want to serve as a peer supporter?").fill(
        "Nights on patrol are long. A peer sat with me after a hard call; I want to do that too."
    )
    screenshot(phone, "team-volunteer-phone")
    phone.get_by_role("button", name="Volunteer").click()
    expect(phone.locator("#my-application")).to_contain_text("In selection")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot(phone, "team-volunteered-phone")

    # 2. The coordinator checks eligibility and asks the sergeant for a recommendation.
    coord, console = _open(browser, live_server, log_in_as, users["coordinator"])
    errors.append(console)
    coord.goto(f"{url}/team/")
    expect(coord.get_by_role("heading", level=1)).to_have_text("Peer support team")
    row = coord.locator("#applications").get_by_role("row").filter(has_text="Nguyen, Kevin")
    expect(row).to_contain_text("Check eligibility")
    assert_accessible_basics(coord)
    screenshot(coord, "team-roster")
    row.get_by_role("link", name="Nguyen, Kevin").click()
    expect(coord.get_by_role("heading", level=1)).to_have_text("Application of Kevin Nguyen")
    expect(coord.locator("#eligibility-facts")).to_contain_text("since January 5, 2015")
    form = _action(coord, "Record the eligibility check")
    _choose(form, "Is the volunteer eligible?", "Yes")
    form.get_by_label("Note").fill("Good standing; eleven years of service.")
    form.get_by_role("button", name="Record").click()
    expect(coord.get_by_role("status").first).to_contain_text("Eligibility check recorded")
    form = _action(coord, "Ask for a recommendation")
    form.get_by_label("Ask").select_option(label="Kowalski, Tom · Sergeant")
    _choose(form, "Who they are to the volunteer", "Superior")
    form.get_by_role("button", name="Ask", exact=True).click()
    link = coord.locator("#recommendations code").inner_text()
    assert link.startswith(f"{url}/team/recommendations/")
    assert_accessible_basics(coord)

    # 3. The sergeant follows the link and answers on his own log-in.
    sergeant, console = _open(browser, live_server, log_in_as, superior)
    errors.append(console)
    sergeant.goto(link)
    expect(sergeant.get_by_role("heading", level=1)).to_have_text("Do you recommend Kevin Nguyen?")
    assert_accessible_basics(sergeant)
    _choose(sergeant, "Your recommendation", "Strongly recommend")
    sergeant.get_by_label("Comments").fill("Calm on hard calls; the shift trusts him.")
    sergeant.get_by_role("button", name="Send my recommendation").click()
    expect(sergeant.locator("#answered")).to_contain_text("Strongly recommend")
    screenshot(sergeant, "team-recommendation-answered")

    # 4. The coordinator sets the panel: a PSP and the clinical advisor (2011 §4.1).
    coord.reload()
    expect(coord.locator("#recommendations")).to_contain_text("Strongly recommend")
    form = _action(coord, "Interview panel")
    form.locator("label").filter(has_text="Okafor, Aisha").click()
    form.locator("label").filter(has_text="Maya Chen").click()
    form.get_by_label("Date and time").fill("2030-05-01T14:00")
    form.get_by_label("Place").fill("Training room B")
    form.get_by_role("button", name="Save the panel").click()
    expect(coord.get_by_role("status").first).to_contain_text("Panel saved")
    expect(coord.locator("body")).not_to_contain_text("The panel has no")

    # 5. Each panelist scores the six considerations of 2011 §4.2.
    for panelist, score, name in [(users["peer_supporter"], "4 · Good", "psp"),
                                  (clinician, "5 · Excellent", "mhp")]:  # fmt: skip
        sheet, console = _open(browser, live_server, log_in_as, panelist)
        errors.append(console)
        sheet.goto(f"{url}/team/interviews/")
        sheet.get_by_role("link", name="Kevin Nguyen").click()
        expect(sheet.get_by_role("heading", level=1)).to_have_text("Score sheet: Kevin Nguyen")
        for question in ["Previous education and training", "Resolved traumatic experiences",
                         "Maturity", "Judgment", "Personal and professional ethics",
                         "Credibility"]:  # fmt: skip
            _choose(sheet, question, score)
        assert_accessible_basics(sheet)
        screenshot(sheet, f"team-score-sheet-{name}")
        sheet.get_by_role("button", name="Save my scores").click()
        expect(sheet.locator("#seats")).to_contain_text("Submitted")

    # 6. The coordinator reads the scores and decides: selected, with reasons.
    coord.reload()
    expect(coord.locator("#scores").get_by_role("row").filter(has_text="Maturity")).to_contain_text(
        "4.5"
    )
    form = _action(coord, "Decide")
    _choose(form, "Decision", "Selected")
    form.get_by_label("Reasons").fill("Strong recommendation; panel mean 4.5 on every point.")
    form.get_by_role("button", name="Record the decision").click()
    expect(coord.locator("#decision")).to_contain_text("Selected")
    assert_accessible_basics(coord)
    screenshot(coord, "team-application-selected")

    # 7. Kevin signs the confidentiality agreement on his phone (2011 §6.8).
    phone.goto(f"{url}/team/volunteer/")
    expect(phone.locator("#my-application")).to_contain_text("Selected")
    phone.get_by_role("link", name="Read and sign the confidentiality agreement").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Confidentiality agreement")
    phone.get_by_label("Your full name, typed as your signature").fill("kevin nguyen")
    phone.locator("label").filter(has_text="I have read this agreement").click()
    assert_accessible_basics(phone)
    screenshot(phone, "team-agreement-phone")
    phone.get_by_role("button", name="Sign version 1").click()
    expect(phone.locator("#signed")).to_contain_text("You have signed version 1")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert AgreementSignature.objects.get().signed_by == candidate

    # 8. The coordinator records the initial training and activates him.
    coord.get_by_role("link", name="Record training and activate").click()
    expect(coord.get_by_role("heading", level=1)).to_have_text("Kevin Nguyen")
    form = _action(coord, "Record the initial training")
    form.get_by_role("button", name="Record training").click()
    expect(coord.get_by_role("status").first).to_contain_text("Initial training recorded")
    form = _action(coord, "Activate")
    form.get_by_role("button", name="Activate now").click()
    expect(coord.get_by_role("status").first).to_contain_text("now an active peer supporter")
    expect(coord.locator("#member-status")).to_contain_text("Active since")
    today = local_today(agency)
    history = coord.locator(".peerline-history li")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("Candidate")
    expect(history.nth(1)).to_contain_text(f"Active · {today:%B} {today.day}, {today.year}")
    expect(history.nth(1)).to_contain_text("Onboarding complete")
    assert_accessible_basics(coord)
    screenshot(coord, "team-member-active")

    psp = PeerSupporter.objects.get(employee=chain.officer2)
    assert psp.status == Status.ACTIVE
    assert Membership.objects.filter(
        user=candidate, agency=agency, role=Role.PEER_SUPPORTER
    ).exists()
    assert [e for console in errors for e in console] == []
