"""Logging a contact on a phone in a real browser: every question answered by the PSP, one tap
each, guidance at once, nothing typed."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from peerline.agencies import clock
from peerline.contacts import services
from peerline.contacts.models import Contact, FollowUpReminder

from .conftest import assert_accessible_basics, screenshot

pytestmark = pytest.mark.e2e


@pytest.fixture
def page(phone_page: Page) -> Page:
    """Every test here runs on a phone (390×844, touch); `console_errors` listens to it."""
    return phone_page


@pytest.fixture
def psp(page: Page, people: dict[str, Any], log_in_as: Callable[..., None]) -> Any:
    user = people["users"]["peer_supporter"]
    log_in_as(page.context, user)
    return user


class Taps:
    """Taps on the screen, counted: the fastest log must stay a handful of them."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, target: Locator) -> None:
        target.tap()
        self.count += 1


def question(page: Page, legend: str) -> Locator:
    return page.get_by_role("group", name=legend, exact=True)


def tile(page: Page, legend: str, answer: str) -> Locator:
    return question(page, legend).locator("label").get_by_text(answer, exact=True).first


def answer_the_rest(page: Page, tap: Callable[[Locator], None], month: str) -> None:
    """The questions every contact answers, with the most common answers."""
    tap(tile(page, "Month of the contact", month))
    tap(tile(page, "How", "In person"))
    tap(tile(page, "Who asked for it", "The person themselves"))
    tap(tile(page, "Did you explain the limits of confidentiality at the outset?", "Yes"))
    tap(tile(page, "Was a limit of confidentiality reached?", "No"))
    tap(tile(page, "Is this person your supervisor or subordinate?", "No"))
    tap(tile(page, "Contacts with this person so far", "First contact"))
    tap(tile(page, "Referrals made", "No referral"))


def this_month(people: dict[str, Any]) -> str:
    return f"{clock.local_today(people['agency']):%B %Y}"


def assert_fits_the_screen(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, "nothing makes the page scroll sideways"


FASTEST_TAPS = 12
"""Eleven questions, each one tap (none is answered for the PSP), and Save: measured below on a
390×844 phone viewport in Chromium."""


def test_a_psp_logs_a_contact_answering_every_question_in_twelve_taps_2011_6_7(
    page: Page, live_server, people, psp, console_errors
):
    page.goto(f"{live_server.url}/contacts/log/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a contact")
    expect(page.get_by_role("region", name="Read this aloud at the outset")).to_contain_text(
        "Threat to self"
    )
    assert_accessible_basics(page)
    assert_fits_the_screen(page)
    # What the phone shows first: the Save button stays at the bottom of the screen.
    expect(page.get_by_role("button", name="Save", exact=True)).to_be_in_viewport()
    expect(page.locator("input:checked")).to_have_count(1)  # only "No reminder"
    screenshot(page, "contacts-form-phone-screen", full_page=False)

    tap = Taps()
    tap(tile(page, "Activity", "Post-critical-incident support"))
    tap(tile(page, "Who was supported", "Sworn"))
    tap(tile(page, "How long", "30–60 minutes"))
    answer_the_rest(page, tap, this_month(people))
    # Scrolled to the end, the sticky Save bar sits in its own place in the full-page image.
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    screenshot(page, "contacts-form-phone")
    tap(page.get_by_role("button", name="Save", exact=True))

    expect(page.get_by_role("heading", level=1)).to_have_text("Contact saved")
    expect(page).to_have_url(f"{live_server.url}/contacts/saved/")
    print(f"fastest contact log on a 390x844 phone: {tap.count} taps")
    assert tap.count == FASTEST_TAPS, f"{tap.count} taps"
    contact = Contact.objects.get()
    assert (contact.activity, contact.recipient_group, contact.duration) == (
        "post_critical_incident",
        "sworn",
        "30-60",
    )
    assert (contact.mode, contact.initiated_by, contact.prior_contacts) == (
        "in_person",
        "self",
        "first",
    )
    assert contact.limits_explained and not contact.role_conflict and contact.exception is None
    expect(page.get_by_role("link", name="Log another")).to_be_visible()
    expect(page.get_by_role("link", name="My contacts")).to_be_visible()
    assert_accessible_basics(page)
    assert_fits_the_screen(page)
    screenshot(page, "contacts-saved-phone")
    assert console_errors == []


def test_an_unanswered_question_stops_the_save_with_the_focus_on_it_2011_6_2(
    page: Page, live_server, people, psp, console_errors
):
    page.goto(f"{live_server.url}/contacts/log/")
    tap = Taps()
    tap(tile(page, "Activity", "Grief"))
    tap(tile(page, "Who was supported", "Retiree"))
    tap(tile(page, "How long", "Under 15 minutes"))
    answer_the_rest(page, tap, this_month(people))
    # The limits question left unanswered: un-tap it (a PSP skipping it).
    page.evaluate(
        "() => document.querySelectorAll('[name=limits_explained]').forEach(i => i.checked = false)"
    )
    page.get_by_role("button", name="Save", exact=True).tap()

    expect(
        page.get_by_role("heading", name="Nothing was saved: check these answers")
    ).to_be_visible()
    group = page.locator("#limits_explained-group")
    expect(group.locator(".usa-error-message")).to_have_text(
        "Answer this question: it is counted in the statistics, so no answer is chosen for you."
    )
    focused = page.evaluate("() => [document.activeElement.name, document.activeElement.value]")
    assert focused == ["limits_explained", "yes"]
    assert not Contact.objects.exists()
    screenshot(page, "contacts-unanswered-phone", full_page=False)
    assert console_errors == []


def test_answers_that_need_action_show_their_guidance_at_once_2011_6_3_7_2_7_3(
    page: Page, live_server, people, psp, console_errors
):
    agency = people["agency"]
    exception = agency.confidentiality_exceptions.get(category="threat_to_self")
    page.goto(f"{live_server.url}/contacts/log/")
    procedure = page.get_by_text(exception.procedure).first
    role_conflict = page.get_by_role("heading", name="Refer this person to someone else")
    referral = page.get_by_role("heading", name="Consider a referral")
    expect(procedure).to_be_hidden()
    expect(role_conflict).to_be_hidden()
    expect(referral).to_be_hidden()

    limit = "Was a limit of confidentiality reached?"
    tile(page, limit, "Threat to self").tap()
    expect(page.get_by_role("heading", name="Do this now: Threat to self")).to_be_visible()
    expect(procedure).to_be_visible()
    tile(page, limit, "Threat to others").tap()
    expect(procedure).to_be_hidden()
    tile(page, limit, "Threat to self").tap()

    tile(page, "Is this person your supervisor or subordinate?", "Yes").tap()
    expect(role_conflict).to_be_visible()
    tile(page, "Contacts with this person so far", "4 or more").tap()
    expect(referral).to_be_visible()
    screenshot(page, "contacts-guidance-phone")

    tile(page, "Activity", "General stress").tap()
    tile(page, "Who was supported", "Civilian").tap()
    tile(page, "How long", "Under 15 minutes").tap()
    tile(page, "Month of the contact", this_month(people)).tap()
    tile(page, "How", "Phone").tap()
    tile(page, "Who asked for it", "The person themselves").tap()
    tile(page, "Did you explain the limits of confidentiality at the outset?", "Yes").tap()
    tile(page, "Referrals made", "Another peer supporter").tap()
    page.get_by_role("button", name="Save", exact=True).tap()

    expect(page.get_by_role("heading", level=1)).to_have_text("Contact saved")
    expect(page.get_by_role("heading", name="Do this now: Threat to self")).to_be_visible()
    expect(page.get_by_text(exception.procedure)).to_be_visible()
    expect(role_conflict).to_be_visible()
    expect(referral).to_be_visible()
    contact = Contact.objects.get()
    assert contact.exception == exception and contact.role_conflict
    assert contact.prior_contacts == "4+" and contact.referral_another_psp
    assert_accessible_basics(page)
    screenshot(page, "contacts-saved-guidance-phone")
    assert console_errors == []


def test_a_second_tap_on_save_while_saving_is_ignored(page: Page, live_server, people, psp):
    """On a slow network a PSP taps Save again; the contact must still count once. Two submit
    events in a row: one contact is sent (by the page itself, so that a dropped connection
    keeps it on the phone instead of losing it: issue 16 §4)."""
    page.goto(f"{live_server.url}/contacts/log/")
    tap = Taps()
    tap(tile(page, "Activity", "Grief"))
    tap(tile(page, "Who was supported", "Retiree"))
    tap(tile(page, "How long", "Under 15 minutes"))
    answer_the_rest(page, tap, this_month(people))
    page.evaluate(
        """() => {
        const form = document.querySelector('[data-contact-form]');
        const submit = () => form.dispatchEvent(new SubmitEvent('submit', {cancelable: true}));
        return [submit(), submit()];
    }"""
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact saved")
    assert Contact.objects.count() == 1


def test_without_javascript_the_form_works_and_guidance_shows_after_saving(
    browser, live_server, people, log_in_as
):
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    log_in_as(context, people["users"]["peer_supporter"])
    page.goto(f"{live_server.url}/contacts/log/")
    tile(page, "Activity", "Grief").click()
    tile(page, "Who was supported", "Retiree").click()
    tile(page, "How long", "1–2 hours").click()
    answer_the_rest(page, lambda target: target.click(), this_month(people))
    tile(page, "Was a limit of confidentiality reached?", "Child abuse").click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", name="Do this now: Child abuse")).to_be_visible()
    assert Contact.objects.get().exception.category == "child_abuse"
    context.close()


def test_my_contacts_follow_ups_and_a_correction(
    page: Page, live_server, people, psp, console_errors
):
    agency = people["agency"]
    month = clock.local_today(agency).replace(day=1)
    base = {
        "month": month,
        "recipient_group": "sworn",
        "mode": "in_person",
        "initiated_by": "self",
        "duration": "15-30",
        "limits_explained": True,
        "role_conflict": False,
        "prior_contacts": "first",
    }
    for activity in ("grief", "career", "financial"):
        services.contact_log(agency=agency, peer_supporter=psp, data={**base, "activity": activity})
    services.contact_log(
        agency=agency,
        peer_supporter=psp,
        data={**base, "activity": "relationship", "follow_up_days": 7},
    )
    today = clock.local_today(agency)
    FollowUpReminder.objects.update(due_week=today - timedelta(days=today.weekday()))

    page.goto(f"{live_server.url}/contacts/mine/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My contacts")
    reminder = page.get_by_text("A follow-up you set is due")
    expect(reminder).to_be_visible()
    expect(page.locator("[data-contact]")).to_have_count(4)
    assert_accessible_basics(page)
    assert_fits_the_screen(page)
    screenshot(page, "contacts-mine-phone")

    page.get_by_role("button", name="Done").tap()
    expect(reminder).to_have_count(0)
    expect(page.get_by_text("Follow-up done.")).to_be_visible()

    page.get_by_role("link", name="Correct: Grief").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Correct a contact")
    expect(question(page, "Activity").get_by_label("Grief")).to_be_checked()
    assert_accessible_basics(page)
    assert_fits_the_screen(page)
    screenshot(page, "contacts-edit-phone", full_page=False)
    tile(page, "Activity", "Death notification").tap()
    page.get_by_role("button", name="Save the correction").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact corrected")
    assert Contact.objects.filter(activity="death_notification").count() == 1
    assert Contact.objects.filter(activity="grief").count() == 0
    assert console_errors == []
