"""Clinical support in a real browser (2011 §5.1): a PSP on a phone taps "On call now" and can
call the clinician; the coordinator fills a hole in the on-call schedule and sees it go."""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from peerline.accounts.models import Role
from peerline.agencies import clock
from peerline.clinical import selectors
from peerline.clinical.models import (
    ClinicalRole,
    Consultation,
    LicenceType,
    MentalHealthProfessional,
    OnCallShift,
)
from peerline.testing import personas as p

from .conftest import assert_accessible_basics, screenshot, watch_console

pytestmark = pytest.mark.e2e


def _clinician(agency: Any, name: str, phone: str, expires: date) -> MentalHealthProfessional:
    return MentalHealthProfessional.objects.create(
        agency=agency, name=name, phone=phone, licence_type=LicenceType.PSYCHOLOGIST,
        licence_number="PSY-4410", licence_state="IL", licence_expires=expires,
        role=ClinicalRole.CONSULTANT,
    )  # fmt: skip


@pytest.fixture
def schedule(people: dict[str, Any]) -> dict[str, Any]:
    """Two clinicians on call around the clock for 31 days from local midnight, but for one
    12-hour hole five days from now; one licence expires within 60 days."""
    agency = people["agency"]
    tz = clock.zone(agency)
    today = timezone.localdate(timezone=tz)
    ada = _clinician(agency, "Dr. Renee Castillo", "(312) 555-0187", today + timedelta(days=700))
    ben = _clinician(agency, "Dr. Owen Pratt", "312-555-0142", today + timedelta(days=40))
    hole_day = today + timedelta(days=5)
    for n in range(31):
        day = today + timedelta(days=n)
        for who, hour, length in ((ada, 8, 12), (ben, 20, 12), (ben, 0, 8)):
            if hour == 0 and n > 0:
                continue  # the first night's early hours only; later nights run 20:00–08:00
            if day == hole_day and hour == 20:
                continue
            starts = datetime.combine(day, time(hour), tzinfo=tz)
            OnCallShift.objects.create(
                agency=agency, clinician=who, starts_at=starts,
                ends_at=(starts.astimezone(tz).replace(tzinfo=None) + timedelta(hours=length)).replace(tzinfo=tz),
            )  # fmt: skip
    return {"ada": ada, "ben": ben, "hole_day": hole_day, "tz": tz}


def test_a_psp_on_a_phone_taps_on_call_now_and_can_call_the_clinician(
    phone_page: Page, live_server: Any, people: dict[str, Any], schedule: dict[str, Any],
    log_in_as: Callable[..., None],
):  # fmt: skip
    page = phone_page
    errors = watch_console(page)
    log_in_as(page.context, people["users"]["peer_supporter"])
    on_now = selectors.on_call_now(agency=people["agency"], at=timezone.now())
    assert len(on_now) == 1
    clinician = on_now[0]
    # The lead links "On call now" from the home card and the navigation; here, the page itself.
    page.goto(f"{live_server.url}/clinical/now/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Who is on call now")
    expect(page.get_by_role("heading", level=2, name=clinician.name)).to_be_visible()
    call = page.get_by_role("link", name=f"Call {clinician.phone}")
    expect(call).to_be_visible()
    digits = "".join(c for c in clinician.phone if c.isdigit())
    expect(call).to_have_attribute("href", f"tel:{digits}")
    box = call.bounding_box()
    assert box is not None and box["height"] >= 44  # a thumb-sized target
    expect(page.locator("#next-on-call")).to_contain_text("Dr.")
    assert_accessible_basics(page)
    screenshot(page, "clinical-on-call-now-phone")
    assert errors == []


def test_the_coordinator_adds_a_shift_that_fills_a_hole_and_the_hole_disappears(
    page: Page, live_server: Any, people: dict[str, Any], schedule: dict[str, Any],
    log_in_as: Callable[..., None],
):  # fmt: skip
    errors = watch_console(page)
    log_in_as(page.context, people["users"]["coordinator"])
    page.goto(f"{live_server.url}/clinical/on-call/")
    expect(page.get_by_role("heading", level=1)).to_have_text("On-call schedule")
    holes = page.locator("[data-hole]")
    expect(holes).to_have_count(1)
    hole_day = schedule["hole_day"]
    expect(holes.first).to_contain_text(f"{hole_day:%b} {hole_day.day}, 20:00")
    expect(page.locator("#licences-expiring")).to_contain_text("Dr. Owen Pratt")
    expect(page.get_by_role("img", name="On-call coverage")).to_be_visible()
    assert_accessible_basics(page)
    screenshot(page, "clinical-on-call-schedule")

    # "Fill this hole" puts its times in the form; choose the clinician and add it.
    holes.first.get_by_role("link", name="Fill this hole").click()
    expect(page.get_by_label("Starts")).to_have_value(f"{hole_day:%Y-%m-%d}T20:00")
    page.get_by_label("Clinician", exact=True).select_option(label="Dr. Renee Castillo")
    page.get_by_role("button", name="Add the shift").click()
    expect(page.get_by_role("status").first).to_contain_text("1 shift added for Dr. Renee Castillo")
    expect(page.locator("[data-hole]")).to_have_count(0)
    expect(page.get_by_role("heading", name="No hole in the next 30 days")).to_be_visible()
    tz = schedule["tz"]
    assert (
        selectors.holes(
            agency=people["agency"],
            start=selectors.local_midnight(timezone.localdate(timezone=tz), tz),
            days=30,
        )
        == []
    )
    screenshot(page, "clinical-on-call-filled")
    assert errors == []


def test_the_resource_directory_on_a_phone_filters_without_javascript(
    phone_page: Page, live_server: Any, people: dict[str, Any], log_in_as: Callable[..., None],
):  # fmt: skip
    page = phone_page
    errors = watch_console(page)
    log_in_as(page.context, people["users"]["command_staff"])
    page.goto(f"{live_server.url}/resources/")
    expect(page.get_by_role("link", name="Call 988")).to_have_attribute("href", "tel:988")
    page.get_by_label("Category").select_option(label="Domestic violence services")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("[data-resource]")).to_have_count(1)
    expect(page.get_by_role("link", name="Text START to 88788")).to_have_attribute(
        "href", "sms:88788?&body=START"
    )
    assert_accessible_basics(page)
    screenshot(page, "clinical-resources-phone")
    assert errors == []


def test_the_clinical_advisor_logs_a_consultation_on_a_phone_and_reads_the_counts(
    browser: Any, phone_page: Page, live_server: Any, people: dict[str, Any],
    schedule: dict[str, Any], log_in_as: Callable[..., None],
):  # fmt: skip
    advisor = p.make_user("clinician", people["agency"], Role.CLINICAL_ADVISOR)
    page = phone_page
    errors = watch_console(page)
    log_in_as(page.context, advisor)
    page.goto(f"{live_server.url}/clinical/consultations/log/")
    assert_accessible_basics(page)
    page.get_by_text("After a critical incident").click()
    page.get_by_text("Referred to a clinician").click()
    # Nothing is answered in advance: the urgency and the month left out stop the save.
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#urgency-error")).to_contain_text("Answer this question")
    assert page.evaluate("() => document.activeElement.name") == "urgency"
    assert not Consultation.objects.exists()
    page.get_by_text("Routine", exact=True).click()
    page.locator("#month-group label").first.click()
    screenshot(page, "clinical-consultation-log-phone")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("Consultation logged")
    assert Consultation.objects.filter(reason="critical_incident", outcome="referred").count() == 1

    desktop = browser.new_context(viewport={"width": 1280, "height": 800})
    page = desktop.new_page()
    errors += watch_console(page)
    log_in_as(desktop, advisor)
    page.goto(f"{live_server.url}/clinical/consultations/")
    expect(page.locator("#consultations-total")).to_have_text("1")
    assert_accessible_basics(page)
    screenshot(page, "clinical-consultations")
    page.goto(f"{live_server.url}/clinical/clinicians/")
    expect(page.locator("#clinicians tbody tr")).to_have_count(2)
    expect(page.locator("#licences-expiring")).to_contain_text("Dr. Owen Pratt")
    assert_accessible_basics(page)
    screenshot(page, "clinical-clinicians")
    page.get_by_role("link", name="Dr. Owen Pratt").first.click()
    expect(page.locator("#licence-alert")).to_contain_text("expires in 40 days")
    expect(page.get_by_role("button", name="Copy the address")).to_be_visible()
    assert_accessible_basics(page)
    screenshot(page, "clinical-clinician")
    desktop.close()
    assert errors == []
