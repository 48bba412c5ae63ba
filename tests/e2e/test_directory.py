"""Find a peer on a phone, in a real browser (2011 §3.6, §7.2): filter, see, tap to call; and a
PSP's own card, edited and then seen by a colleague."""

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from peerline.accounts.models import Role
from peerline.agencies.models import Category, JobFamily
from peerline.team.models import Language, PeerSupporter, Status
from peerline.testing import personas as p

from .conftest import PHONE, assert_accessible_basics, screenshot, watch_console

pytestmark = pytest.mark.e2e


@pytest.fixture
def page(phone_page: Page) -> Page:
    """Every test here runs on a phone (390×844, touch); `console_errors` listens to it."""
    return phone_page


def psp(employee: Any, **fields: Any) -> PeerSupporter:
    return PeerSupporter.objects.create(
        agency_id=employee.agency_id,
        employee=employee,
        status=Status.ACTIVE,
        status_since="2024-01-01",
        **fields,
    )


@pytest.fixture
def team(people: dict[str, Any]) -> dict[str, Any]:
    """A civilian dispatcher and a civilian records clerk on the team, the patrol officer
    (who logs in as "peer") with an empty card, and the officers' own sergeant."""
    agency, chain = people["agency"], people["chain"]
    civilian = {"category": Category.CIVILIAN, "shift": agency.shifts.get(code="NIGHT")}
    dispatcher = p.make_employee(
        agency, "3002", chain.comm_supervisor, first_name="Maria", last_name="Lopez",
        division=agency.divisions.get(code="COMM"), job_family=JobFamily.TELECOMMUNICATIONS,
        rank="Senior Telecommunicator", **civilian,
    )  # fmt: skip
    clerk = p.make_employee(
        agency, "4001", chain.chief, first_name="Grace", last_name="Kim",
        division=agency.divisions.get(code="INV"), job_family=JobFamily.RECORDS,
        rank="Records Clerk", **civilian,
    )  # fmt: skip
    return {
        "dispatcher": psp(
            dispatcher,
            languages=[Language.SPANISH],
            experience_areas=["dispatch"],
            reach_phone="312-555-0177",
            reach_note="Text first, I work nights.",
        ),
        "clerk": psp(clerk, reach_email="grace.kim@test.example"),
        "officer": psp(chain.officer),
        "sergeant": psp(chain.sergeant, reach_phone="312-555-0111"),
    }


@pytest.fixture
def employee(people: dict[str, Any]) -> Any:
    """Kevin Nguyen, patrol officer: his sergeant is on the team, and in his chain."""
    return p.make_user("kevin", people["agency"], Role.EMPLOYEE, employee=people["chain"].officer2)


def cards(page: Page):
    return page.locator("#directory-cards article")


def assert_fits_the_screen(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "nothing makes the page scroll sideways"


def test_an_employee_filters_on_a_phone_and_taps_to_call_2011_3_6(
    page: Page, live_server, team, employee, log_in_as: Callable[..., None], console_errors
):
    log_in_as(page.context, employee)
    page.goto(f"{live_server.url}/peers/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a peer")
    status = page.get_by_role("status").filter(has_text="peer supporter")
    expect(status).to_have_text("3 peer supporters.")
    # 2011 §7.2: Kevin's own sergeant is on the team but not offered to him.
    expect(page.get_by_role("heading", name="Tom Kowalski")).to_have_count(0)
    expect(page.get_by_role("heading", name="Aisha Okafor")).to_be_visible()
    assert_fits_the_screen(page)
    screenshot(page, "directory-phone")

    page.get_by_text("Filters", exact=True).tap()
    # Checked with the filters open: Chromium gives controls in a closed <details> no text.
    assert_accessible_basics(page)
    screenshot(page, "directory-phone-filters-open", full_page=False)
    page.locator("label", has_text="Civilian").tap()
    expect(status).to_have_text("2 peer supporters match your filters.")
    page.get_by_label("Job family", exact=True).select_option("telecommunications")
    expect(status).to_have_text("1 peer supporter matches your filters.")
    expect(cards(page)).to_have_count(1)
    card = cards(page).first
    expect(card.get_by_role("heading")).to_have_text("Maria Lopez")
    expect(card).to_contain_text("Civilian")
    expect(card).to_contain_text("Spanish")
    expect(card).to_contain_text("Text first, I work nights.")
    call = card.get_by_role("link", name="Call Maria Lopez")
    expect(call).to_have_attribute("href", "tel:3125550177")
    expect(card.get_by_role("link", name="Text Maria Lopez")).to_have_attribute(
        "href", "sms:3125550177"
    )
    box = call.bounding_box()
    assert box is not None and box["height"] >= 44, "a big tap target"
    # The criteria never reach the address bar.
    assert page.url == f"{live_server.url}/peers/"
    assert_accessible_basics(page)
    assert_fits_the_screen(page)
    screenshot(page, "directory-phone-filtered")
    assert console_errors == []


def test_the_directory_works_with_the_keyboard_alone(
    page: Page, live_server, team, employee, log_in_as: Callable[..., None], console_errors
):
    log_in_as(page.context, employee)
    page.goto(f"{live_server.url}/peers/")

    def tab_until(selector: str, limit: int = 60) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"() => document.activeElement.matches({selector!r})"):
                return
        raise AssertionError(f"the keyboard never reached {selector}")

    tab_until("summary.peerline-directory__summary")
    page.keyboard.press("Enter")
    expect(page.locator("details.peerline-directory__filters")).to_have_attribute("open", "")
    tab_until("#id_category_0")
    page.keyboard.press("ArrowRight")  # Sworn
    page.keyboard.press("ArrowRight")  # Civilian
    status = page.get_by_role("status").filter(has_text="peer supporter")
    expect(status).to_have_text("2 peer supporters match your filters.")
    tab_until("button.peerline-directory__apply")
    # Wait for the results to be swapped in, or the swap could take the focus away from the link.
    with page.expect_response(lambda r: r.request.method == "POST" and "/peers/" in r.url):
        page.keyboard.press("Enter")
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling')")
    expect(status).to_have_text("2 peer supporters match your filters.")
    tab_until('a[href="tel:3125550177"]')
    expect(page.get_by_role("link", name="Call Maria Lopez")).to_be_focused()
    assert console_errors == []


def test_without_javascript_the_filters_post_the_whole_page(
    browser, live_server, team, employee, log_in_as: Callable[..., None]
):
    context = browser.new_context(viewport=PHONE, is_mobile=True, java_script_enabled=False)
    page = context.new_page()
    log_in_as(context, employee)
    page.goto(f"{live_server.url}/peers/")
    page.get_by_text("Filters", exact=True).click()
    page.locator("label", has_text="Civilian").click()
    page.get_by_role("button", name="Show peer supporters").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a peer")
    expect(page.get_by_role("status").filter(has_text="peer")).to_have_text(
        "2 peer supporters match your filters."
    )
    assert page.url == f"{live_server.url}/peers/"
    expect(page.get_by_label("Civilian", exact=True)).to_be_checked()
    context.close()


def _many(people: dict[str, Any], n: int) -> None:
    agency, chain = people["agency"], people["chain"]
    for i in range(n):
        psp(p.make_employee(agency, f"8{i:03d}", chain.chief, last_name=f"Zeta{i:03d}"))


def test_a_keyboard_user_pages_through_a_large_team_on_a_phone(
    page: Page, live_server, team, people, employee, log_in_as: Callable[..., None],
    console_errors,
):  # fmt: skip
    """Issue 18: a page of 24 cards, the next page by keyboard; focus goes to the results'
    heading, the count says which cards are shown, the URL never changes (2011 §3.6)."""
    _many(people, 30)  # 3 of the team + 30 = 33 listed for Kevin
    log_in_as(page.context, employee)
    page.goto(f"{live_server.url}/peers/")
    status = page.get_by_role("status").filter(has_text="peer supporter")
    expect(status).to_have_text("33 peer supporters; showing 1 to 24, by last name.")
    expect(cards(page)).to_have_count(24)
    page.get_by_role("button", name="Next 24").focus()
    with page.expect_response(lambda r: r.request.method == "POST" and "/peers/" in r.url):
        page.keyboard.press("Enter")
    expect(status).to_have_text("33 peer supporters; showing 25 to 33, by last name.")
    expect(cards(page)).to_have_count(9)
    expect(page.locator("#results-heading")).to_be_focused()
    assert page.url == f"{live_server.url}/peers/"
    assert_fits_the_screen(page)
    screenshot(page, "directory-page-two-phone")
    assert console_errors == []


def test_without_javascript_the_next_page_posts_the_whole_page(
    browser, live_server, team, people, employee, log_in_as: Callable[..., None]
):
    _many(people, 30)
    context = browser.new_context(viewport=PHONE, is_mobile=True, java_script_enabled=False)
    page = context.new_page()
    log_in_as(context, employee)
    page.goto(f"{live_server.url}/peers/")
    page.get_by_role("button", name="Next 24").click()
    expect(page.get_by_role("status").filter(has_text="peer")).to_have_text(
        "33 peer supporters; showing 25 to 33, by last name."
    )
    assert page.url == f"{live_server.url}/peers/#directory-results"
    context.close()


def test_a_psp_edits_their_card_and_a_colleague_sees_it(
    page: Page, browser, live_server, people, team, log_in_as: Callable[..., None], console_errors
):
    log_in_as(page.context, people["users"]["peer_supporter"])  # Aisha Okafor, patrol
    page.goto(f"{live_server.url}/peers/me/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My directory card")
    preview = page.get_by_role("region", name="Preview")
    expect(preview).to_contain_text("Aisha Okafor")
    assert_accessible_basics(page)
    assert_fits_the_screen(page)

    page.locator("label", has_text="Spanish").tap()
    page.locator("label", has_text="Military service and deployment").tap()
    page.get_by_label("Phone or text").fill("not a number")
    page.get_by_label("How and when to reach me").fill("Call after 6 pm.")
    page.get_by_role("button", name="Save my card").tap()
    # The error sits next to the field, and nothing typed is lost.
    expect(page.locator("#reach_phone-error")).to_contain_text("Enter a phone number")
    expect(page.get_by_label("How and when to reach me")).to_have_value("Call after 6 pm.")
    expect(page.get_by_label("Spanish", exact=True)).to_be_checked()
    screenshot(page, "directory-card-error-phone")

    page.get_by_label("Phone or text").fill("312-555-0142")
    page.get_by_role("button", name="Save my card").tap()
    expect(page.get_by_text("Your card is saved.")).to_be_visible()
    expect(preview).to_contain_text("Spanish")
    expect(preview.get_by_role("link", name="Call Aisha Okafor")).to_have_attribute(
        "href", "tel:3125550142"
    )
    assert_accessible_basics(page)
    screenshot(page, "directory-card-phone")
    assert console_errors == []

    # Jamal, a telecommunicator outside Aisha's chain, finds her by language.
    jamal = p.make_user(
        "jamal", people["agency"], Role.EMPLOYEE, employee=people["chain"].telecommunicator
    )
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    other = context.new_page()
    errors = watch_console(other)
    log_in_as(context, jamal)
    other.goto(f"{live_server.url}/peers/")
    other.get_by_text("Filters", exact=True).tap()
    other.get_by_label("Language", exact=True).select_option("es")
    status = other.get_by_role("status").filter(has_text="peer supporter")
    expect(status).to_have_text("2 peer supporters match your filters.")
    aisha = other.locator("article", has=other.get_by_role("heading", name="Aisha Okafor"))
    expect(aisha).to_contain_text("Military service and deployment")
    expect(aisha).to_contain_text("Call after 6 pm.")
    expect(aisha.get_by_role("link", name="Call Aisha Okafor")).to_have_attribute(
        "href", "tel:3125550142"
    )
    screenshot(other, "directory-colleague-sees-card-phone")
    assert errors == []
    context.close()


def test_a_coordinator_shares_the_directory_with_a_partner_2011_3_8_2(
    browser, live_server, people, team, employee, log_in_as: Callable[..., None]
):
    """The coordinator offers an agreement, the partner's coordinator accepts it; the partner's
    employees then see our PSPs, and nothing crosses before the acceptance."""
    partner = p.make_agency(code="SO", name="County Sheriff's Office")
    deputy = p.make_employee(partner, "S100", division=partner.divisions.first())
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors = watch_console(page)
    log_in_as(context, people["users"]["coordinator"])
    page.goto(f"{live_server.url}/partners/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Partner agencies")
    page.get_by_label("Partner agency").select_option(label="County Sheriff's Office")
    page.locator(
        "label", has_text="Our peer supporters appear in their find-a-peer directory"
    ).click()
    expect(
        page.get_by_label("Our peer supporters appear in their find-a-peer directory")
    ).to_be_checked()
    page.get_by_label("Starts on").fill("2024-01-01")
    page.get_by_role("button", name="Offer the agreement").click()
    sides = page.get_by_role("table", name="Agreements this agency is a side of")
    expect(sides).to_contain_text("County Sheriff's Office")
    expect(sides).to_contain_text("waiting for them")
    assert_accessible_basics(page)
    screenshot(page, "partners")
    assert errors == []
    context.close()

    # The partner's coordinator accepts, keeping the item offered.
    theirs = p.make_user("so-coordinator", partner, Role.COORDINATOR)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    log_in_as(context, theirs)
    page.goto(f"{live_server.url}/partners/")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("table", name="Agreements this agency is a side of")).to_contain_text(
        "in force"
    )
    context.close()

    # A deputy of the partner agency now finds our PSPs, each marked with our agency's name.
    user = p.make_user("deputy", partner, Role.EMPLOYEE, employee=deputy)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    phone = context.new_page()
    log_in_as(context, user)
    phone.goto(f"{live_server.url}/peers/")
    status = phone.get_by_role("status").filter(has_text="peer supporter")
    expect(status).to_have_text("4 peer supporters.")
    expect(cards(phone).first).to_contain_text(people["agency"].name)
    context.close()
