"""Issue 16 "done when", in Chromium on a phone (390×844), without logging in: open the agency's
access link, request a peer with a callback number, a PSP accepts on their one-tap page and sees
the number; then the number is gone from the database, the request is counted, and the
coordinator's pages never showed it (IACP 2011 §3.6, §2.3.7, §6.7; DESIGN principle 8)."""

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from peerline.notifications.models import Notification
from peerline.notifications.outbox import rendered_body
from peerline.support import links, services
from peerline.support.models import SupportRequest, SupportTally
from peerline.team.models import PeerSupporter, Status

from .conftest import PHONE, assert_accessible_basics, screenshot
from .test_every_page import axe_violations

pytestmark = pytest.mark.e2e

NUMBER = "+13125550199"


def every_table_holds(text: str) -> list[str]:
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608  (names from the schema)
            if text in repr(cursor.fetchall()):
                found.append(table)
    return found


def test_an_anonymous_request_reaches_a_psp_and_leaves_only_a_count(
    browser: Any,
    live_server: Any,
    people: dict[str, Any],
    log_in_as: Callable[..., None],
    settings: Any,
) -> None:
    settings.BASE_URL = live_server.url
    agency, users = people["agency"], people["users"]
    psp = PeerSupporter.objects.create(
        agency=agency,
        employee=people["chain"].officer,
        status=Status.ACTIVE,
        status_since=date(2025, 1, 1),
        reach_email="aisha.okafor@psp.example",  # where her page goes
    )
    coordinator_seen: list[str] = []

    # The coordinator issues the agency's access link.
    desk = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    log_in_as(desk, users["coordinator"])
    office = desk.new_page()

    def coordinator_looks() -> None:
        for path in ("/reach/manage/", "/stats/program/", "/", "/audit/", "/notifications/"):
            office.goto(live_server.url + path)
            coordinator_seen.append(office.content())

    office.goto(f"{live_server.url}/reach/manage/")
    office.get_by_role("button", name=re.compile("Make a new access link")).click()
    access_url = office.locator("#access-url").inner_text().strip()
    assert "/reach/a/" in access_url

    # On a phone, without an account: open the link, request a peer with a callback number.
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US")
    asker = phone.new_page()
    asker.goto(access_url.replace("http://testserver", live_server.url))
    expect(asker.locator("#crisis-lines")).to_contain_text("988")
    asker.get_by_role("link", name="Request a peer", exact=True).first.tap()
    expect(asker.get_by_role("heading", level=1)).to_have_text("Request a peer")
    assert_accessible_basics(asker, nav=True)
    asker.get_by_label("Phone number to call or text you back (optional)").fill(NUMBER)
    asker.locator("#send").tap()
    expect(asker.locator("#request-state")).to_contain_text("Your request was sent")
    expect(asker.locator("#crisis-lines")).to_be_visible()
    screenshot(asker, "support-request-sent-phone")
    assert NUMBER not in asker.url
    assert {cookie["name"] for cookie in phone.cookies()} <= {"csrftoken"}
    coordinator_looks()

    # The PSP opens the one-tap link of their page, logged out, and accepts.
    (row,) = Notification.objects.filter(topic__startswith="support:")
    assert NUMBER not in row.body and "/reach/answer/" not in row.body  # no live link stored
    link = re.search(r"Open to accept: (\S+)", rendered_body(row))  # as the worker sends it
    assert link and link.group(1).startswith(live_server.url)
    pager = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US")
    psp_page = pager.new_page()
    psp_page.goto(link.group(1))
    expect(psp_page.get_by_role("heading", level=1)).to_have_text(
        "Someone asks for a peer supporter"
    )
    assert NUMBER not in psp_page.content()
    psp_page.get_by_role("button", name="Accept").tap()
    call = psp_page.locator("#callback-phone")
    expect(call).to_have_text(NUMBER)
    expect(call).to_have_attribute("href", f"tel:{NUMBER}")
    assert_accessible_basics(psp_page, nav=False)
    screenshot(psp_page, "support-accepted-phone")
    assert SupportRequest.objects.get().pages.get().peer_supporter == psp

    asker.reload()
    expect(asker.locator("#request-state")).to_contain_text("A peer supporter will call you")
    coordinator_looks()

    # Done: the details are erased everywhere; the count remains.
    psp_page.get_by_role("button", name=re.compile("Done")).tap()
    expect(psp_page.get_by_role("heading", level=1)).to_have_text("This request is closed")
    assert every_table_holds(NUMBER) == []
    assert every_table_holds("3125550199") == []
    tally = SupportTally.objects.get(agency=agency)
    assert (tally.requests, tally.answered) == (1, 1)
    coordinator_looks()
    office.goto(f"{live_server.url}/stats/program/")
    expect(office.locator("#support-counts")).to_contain_text("Requests for a peer")
    assert all(NUMBER not in html and "3125550199" not in html for html in coordinator_seen)
    for context in (desk, phone, pager):
        context.close()


def test_the_pages_without_an_account_pass_axe_on_a_phone(
    browser: Any, live_server: Any, people: dict[str, Any], log_in_as: Callable[..., None]
) -> None:
    """Screen readers and keyboards (WCAG through axe-core): every kiosk page, the answer page,
    what Peerline stores, and the coordinator's access-link page."""
    agency, users = people["agency"], people["users"]
    PeerSupporter.objects.create(
        agency=agency,
        employee=people["chain"].officer,
        status=Status.ACTIVE,
        status_since=date(2025, 1, 1),
        reach_email="aisha.okafor@psp.example",
    )
    _link, code = services.access_link_rotate(
        agency=agency, by=users["coordinator"], now=timezone.now()
    )
    sent = services.request_create(agency=agency, now=timezone.now(), callback_phone=NUMBER)
    answer = links.make_token(sent.pages.get())
    phone = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US", bypass_csp=True
    )
    page = phone.new_page()
    paths = [
        f"/reach/a/{code}/{tail}" for tail in ("", "peers/", "request/", "limits/", "resources/")
    ]
    paths += ["/reach/stored/", f"/reach/answer/{answer}/"]
    for path in paths:
        page.goto(live_server.url + path)
        assert axe_violations(page) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
    log_in_as(phone, users["coordinator"])
    page.goto(f"{live_server.url}/reach/manage/")
    assert axe_violations(page) == []
    phone.close()
