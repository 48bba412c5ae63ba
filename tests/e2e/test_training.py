"""Recording attendance of a training session on a phone, in a real browser (2011 §8.2): the
coordinator filters the roster, ticks, saves; the peer supporter then sees their hours."""

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils.timezone import now as timezone_now
from playwright.sync_api import Page, expect

from peerline.agencies import clock
from peerline.team.models import PeerSupporter, Status, StatusChange
from peerline.testing import personas as p
from peerline.training import compliance
from peerline.training.models import Attendance, TrainingSession, TrainingTopic

from .conftest import assert_accessible_basics, screenshot, watch_console

pytestmark = pytest.mark.e2e


def _on_team(employee: Any) -> PeerSupporter:
    since = clock.local_today(employee.agency).replace(year=2024)
    psp = PeerSupporter.objects.create(
        agency=employee.agency, employee=employee, status=Status.ACTIVE, status_since=since
    )
    StatusChange.objects.create(
        peer_supporter=psp, to_status=Status.ACTIVE, effective_on=since, reason="Onboarding"
    )
    return psp


@pytest.fixture
def training(people: dict[str, Any]) -> dict[str, Any]:
    agency, chain = people["agency"], people["chain"]
    team = [
        _on_team(e) for e in (chain.officer, chain.officer2, chain.sergeant, chain.telecommunicator)
    ]
    for n, (first, last) in enumerate(
        [("Priya", "Raman"), ("Lucas", "Moreau"), ("Lena", "Fischer")]
    ):
        team.append(
            _on_team(
                p.make_employee(agency, f"40{n}", chain.sergeant, first_name=first, last_name=last)
            )
        )
    session = TrainingSession.objects.create(
        agency=agency,
        title="Suicide assessment refresher",
        date=clock.local_today(agency),
        hours=Decimal("3"),
        instructor="Dr. Renee Castillo",
        instructor_is_mhp=True,
    )
    session.topics.set(TrainingTopic.objects.filter(edition="2011", number="8.3.17"))
    return {"team": team, "session": session}


def test_the_coordinator_records_attendance_on_a_phone_and_the_psp_sees_it(
    phone_page: Page, browser: Any, live_server: Any, people: dict[str, Any],
    training: dict[str, Any], log_in_as: Callable[..., None],
):  # fmt: skip
    page = phone_page
    errors = watch_console(page)
    log_in_as(page.context, people["users"]["coordinator"])
    session = training["session"]
    okafor, reed = training["team"][0], training["team"][3]
    page.goto(f"{live_server.url}/training/sessions/{session.pk}/attendance/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance")
    assert_accessible_basics(page)
    rows = page.locator("[data-roster-row]")
    expect(rows).to_have_count(7)
    expect(page.get_by_role("button", name="Filter")).to_be_hidden()  # JavaScript filters live
    screenshot(page, "training-roster-phone")

    # Filter as you type, and tick the one name shown.
    search = page.get_by_label("Find a name")
    search.fill("okaf")
    expect(rows.filter(visible=True)).to_have_count(1)
    page.locator(f"label[for=attended-{okafor.pk}]").tap()
    # Another name, ticked with "tick everyone shown", and part of the session for them.
    search.fill("reed")
    expect(rows.filter(visible=True)).to_have_count(1)
    page.get_by_role("button", name="Tick everyone shown", exact=True).tap()
    search.fill("")
    expect(rows.filter(visible=True)).to_have_count(7)
    expect(page.locator("[data-roster-count]")).to_have_text("2 ticked of 7")
    page.get_by_label("Hours credited to Jamal Reed").fill("1.5")
    screenshot(page, "training-roster-ticked-phone")
    page.get_by_role("button", name="Save attendance").tap()

    expect(page.get_by_role("status").first).to_contain_text("Attendance saved: 2 attending")
    expect(page.locator(f"label[for=attended-{okafor.pk}]")).to_contain_text("credited 3.0 h")
    expect(page.locator(f"label[for=attended-{reed.pk}]")).to_contain_text("credited 1.5 h")
    expect(page.locator("#recorded-summary")).to_contain_text("4.5 hours credited")
    assert dict(Attendance.objects.values_list("peer_supporter_id", "hours_credited")) == {
        okafor.pk: Decimal("3.0"),
        reed.pk: Decimal("1.5"),
    }
    screenshot(page, "training-roster-saved-phone")
    assert errors == []

    # The peer supporter (Aisha Okafor) sees their hours on their own page.
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, locale="en-US")  # fmt: skip
    mine = context.new_page()
    mine_errors = watch_console(mine)
    log_in_as(context, people["users"]["peer_supporter"])
    mine.goto(f"{live_server.url}/training/mine/")
    expect(mine.get_by_role("heading", level=1)).to_have_text("My training")
    expect(mine.locator("#my-credited")).to_have_text("3.0")
    expect(mine.locator("#my-missing")).to_have_text("1.0")
    expect(mine.locator("#my-sessions")).to_contain_text("Suicide assessment refresher")
    expect(mine.locator("body")).not_to_contain_text("Reed")
    assert_accessible_basics(mine)
    screenshot(mine, "training-mine-phone")
    assert mine_errors == []
    context.close()


def test_the_coordinator_sees_compliance_with_a_flag_for_review(
    page: Page, live_server: Any, people: dict[str, Any], training: dict[str, Any],
    log_in_as: Callable[..., None], console_errors: list[str],
):  # fmt: skip
    """Behind two quarters in a row: flagged, with the way to the team page (2011 §4.3)."""
    agency = people["agency"]
    okafor = training["team"][0]
    now = compliance.Quarter.today(agency)
    for n in (1, 2, 3):  # the others every quarter; Okafor not in the last two
        earlier = TrainingSession.objects.create(
            agency=agency, title="Update training", date=now.shift(-n).first,
            hours=Decimal("4"), instructor="Sgt. Maria Jensen",
        )  # fmt: skip
        for member in training["team"][1:] if n < 3 else training["team"]:
            Attendance.objects.create(session=earlier, peer_supporter=member,
                                      hours_credited=4, recorded_at=timezone_now())  # fmt: skip
    log_in_as(page.context, people["users"]["coordinator"])
    page.goto(f"{live_server.url}/training/compliance/?quarter={now.shift(-1).label}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Training compliance")
    flagged = page.locator("#flagged-list")
    expect(flagged).to_contain_text("Aisha Okafor")
    expect(flagged.locator("li")).to_have_count(1)
    expect(
        flagged.get_by_role("link", name=re.compile("deselection review.*Aisha Okafor"))
    ).to_have_attribute("href", f"/team/{okafor.pk}/")
    # The topic chart is folded on a long page (issue 17): one tap opens it.
    chart = page.get_by_role("img", name="Peer supporters who have covered each topic")
    expect(chart).to_be_hidden()
    page.locator("#topic-coverage summary").click()
    expect(chart).to_be_visible()
    assert_accessible_basics(page)
    screenshot(page, "training-compliance")
    assert console_errors == []


def test_the_roster_works_without_javascript(
    browser: Any, live_server: Any, people: dict[str, Any], training: dict[str, Any],
    log_in_as: Callable[..., None],
):  # fmt: skip
    """Progressive enhancement: the filter and "tick everyone shown" post the roster back."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    log_in_as(context, people["users"]["coordinator"])
    session = training["session"]
    page.goto(f"{live_server.url}/training/sessions/{session.pk}/attendance/")
    page.get_by_label("Find a name").fill("kowalski")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("[data-roster-row]:visible")).to_have_count(1)
    page.get_by_role("button", name="Tick everyone shown", exact=True).click()
    expect(page.get_by_text("Not saved yet")).to_be_visible()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved: 1 attending")).to_be_visible()
    sergeant = people["chain"].sergeant
    assert list(Attendance.objects.values_list("peer_supporter__employee", flat=True)) == [
        sergeant.pk
    ]
    context.close()
