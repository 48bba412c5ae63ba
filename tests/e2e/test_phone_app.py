"""Peerline as an app on a phone (issue 16 §4), in Chromium at 390 × 844: it is installable (a
manifest and a service worker in control), the card with the crisis lines, the limits of
confidentiality and the way to the on-call clinician opens without a connection, and a contact
saved without a connection waits on the phone and is logged when the connection returns."""

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from peerline.clinical.models import Resource, ResourceCategory
from peerline.contacts.models import Contact

from .conftest import PHONE, screenshot
from .test_contacts import Taps, answer_the_rest, this_month, tile

pytestmark = pytest.mark.e2e


@pytest.fixture
def page(browser: Any) -> Iterator[Page]:
    # The one place a service worker may install (the other tests block it).
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US")
    yield context.new_page()
    context.close()


@pytest.fixture
def psp(page: Page, people: dict[str, Any], log_in_as: Callable[..., None]) -> Any:
    Resource.objects.create(
        agency=people["agency"], category=ResourceCategory.CRISIS_LINE, name="Metro Peer Line",
        phone="206-459-0000", always_open=True,
    )  # fmt: skip
    user = people["users"]["peer_supporter"]
    log_in_as(page.context, user)
    return user


def wait_for_the_worker(page: Page) -> str:
    """The service worker's scope, once it is active and controls the page."""
    scope = page.evaluate("() => navigator.serviceWorker.ready.then(r => r.scope)")
    if page.evaluate("() => !navigator.serviceWorker.controller"):
        page.reload()  # the first page of a visit is controlled from the next load on
    page.wait_for_function("() => !!navigator.serviceWorker.controller")
    return str(scope)


def wait_for_the_card(page: Page) -> None:
    page.wait_for_function(
        "async () => { for (const n of await caches.keys()) {"
        " if (await (await caches.open(n)).match('/offline/')) return true; } return false; }",
        polling=200,
    )


def test_peerline_is_installable_manifest_and_worker_issue_16_4(page: Page, live_server, psp):
    page.goto(f"{live_server.url}/")
    href = page.locator('link[rel="manifest"]').get_attribute("href")
    manifest = json.loads(page.request.get(f"{live_server.url}{href}").text())
    assert (manifest["name"], manifest["short_name"]) == ("Peerline peer support", "Peerline")
    assert (manifest["start_url"], manifest["display"]) == ("/", "standalone")
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert wait_for_the_worker(page) == f"{live_server.url}/"
    # Chromium's own verdict on the install criteria (the DevTools "Installability" list): a
    # test's browser context is incognito, where nothing installs; nothing else may be missing
    # (a manifest field, an icon of 144 px or more, a service worker controlling the start URL).
    cdp = page.context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [error["errorId"] for error in errors if error["errorId"] != "in-incognito"] == []
    app = cdp.send("Page.getAppManifest")
    assert app["url"].endswith("/manifest.webmanifest") and app["errors"] == []


def test_the_crisis_lines_limits_and_on_call_open_offline_with_nothing_personal_kept(
    page: Page, live_server, psp
):
    page.goto(f"{live_server.url}/")
    wait_for_the_worker(page)
    wait_for_the_card(page)
    # What the phone keeps: static files and the one card; no page of the person's own.
    kept = page.evaluate(
        "async () => { const out = []; for (const n of await caches.keys()) {"
        " for (const r of await (await caches.open(n)).keys()) out.push(new URL(r.url).pathname); }"
        " return out; }"
    )
    assert [path for path in kept if not path.startswith("/static/")] == ["/offline/"]
    card = page.evaluate(
        "async () => { for (const n of await caches.keys()) {"
        " const hit = await (await caches.open(n)).match('/offline/'); if (hit) return hit.text(); } }"
    )
    for personal in ["Aisha", "Okafor", "Logged in as", "csrfmiddlewaretoken"]:
        assert personal not in card, personal

    page.context.set_offline(True)
    for path in ["/clinical/now/", "/offline/", "/resources/"]:
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_have_text("Help at any hour")
        expect(page.locator("#offline-note")).to_be_visible()
        expect(page.get_by_role("link", name="Call 206-459-0000")).to_have_attribute(
            "href", "tel:2064590000"
        )
        expect(page.get_by_role("heading", name="The limits of confidentiality")).to_be_visible()
        expect(page.get_by_role("heading", name="The on-call clinician")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot(page, "offline-card-phone")
    page.context.set_offline(False)


def test_a_contact_saved_offline_waits_and_is_logged_when_the_connection_returns_2011_6_7(
    page: Page, live_server, people, psp, console_errors
):
    page.goto(f"{live_server.url}/contacts/log/")
    wait_for_the_worker(page)
    page.context.set_offline(True)
    tap = Taps()
    tap(tile(page, "Activity", "Grief"))
    tap(tile(page, "Who was supported", "Family member"))
    tap(tile(page, "How long", "Under 15 minutes"))
    answer_the_rest(page, tap, this_month(people))
    tap(page.get_by_role("button", name="Save", exact=True))

    waiting = page.locator("#waiting-contacts")
    expect(waiting).to_contain_text("1 contact is waiting on this phone to be sent")
    expect(waiting).to_contain_text("when the connection returns")
    assert Contact.objects.count() == 0
    screenshot(page, "contacts-waiting-offline-phone", full_page=False)

    page.context.set_offline(False)  # the connection returns: sent with a fresh CSRF token
    expect(waiting).to_contain_text("The contact saved on this phone was sent and logged.")
    contact = Contact.objects.get()
    assert (contact.activity, contact.recipient_group, contact.duration) == (
        "grief",
        "family",
        "lt15",
    )
    assert (
        page.evaluate(
            "() => new Promise(r => { const q = indexedDB.open('peerline', 1); q.onsuccess = () =>"
            " { const s = q.result.transaction('waiting-contacts').objectStore('waiting-contacts')"
            ".count(); s.onsuccess = () => r(s.result); }; })"
        )
        == 0
    )
    assert console_errors == []
