"""Logging in and out in a real browser, with a mouse, a keyboard and a phone."""

import re

import pytest
from playwright.sync_api import Page, expect

from peerline.testing.second_factor import complete_second_factor

from .conftest import PASSWORD, TOTP_SECRET, assert_accessible_basics, screenshot, watch_console

pytestmark = pytest.mark.e2e


def log_in(page: Page, live_server, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    if password == PASSWORD:
        second_factor(page, live_server, username)


def second_factor(page: Page, live_server, username: str) -> None:
    complete_second_factor(page, base_url=live_server.url, username=username, secret=TOTP_SECRET)


def test_it_logs_the_coordinator_in_and_out(page: Page, live_server, people, console_errors):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    assert_accessible_basics(page, nav=False)
    screenshot(page, "01-login")

    page.get_by_label("User name").fill("coordinator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    second_factor(page, live_server, "coordinator")

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Linda")
    expect(page.locator('[data-role="coordinator"]')).to_be_visible()
    expect(page.locator('[data-role="command_staff"]')).to_have_count(0)
    nav = page.get_by_role("navigation", name="Primary navigation")
    expect(nav.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    # Menus group the coordinator's pages; each opens on a click.
    expect(nav.get_by_role("link", name="Roster")).to_be_hidden()
    nav.get_by_role("button", name="Agency").click()
    expect(nav.get_by_role("link", name="Roster")).to_be_visible()
    expect(nav.get_by_role("link", name="Program settings")).to_be_visible()
    nav.get_by_role("button", name="Team").click()
    expect(nav.get_by_role("link", name="Team members")).to_be_visible()
    expect(nav.get_by_role("link", name="Roster")).to_be_hidden()

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to Peerline")
    page.goto(f"{live_server.url}/roster/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/roster/$"))
    assert console_errors == []


def test_a_wrong_password_shows_the_error_and_does_not_log_in(
    page: Page, live_server, people, console_errors
):
    log_in(page, live_server, "coordinator", "not the password at all")

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Log-in failed")
    expect(alert).to_contain_text("do not match")
    expect(page.get_by_label("User name")).to_have_value("coordinator")
    expect(page.get_by_label("User name")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Password")).to_have_value("")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    assert_accessible_basics(page, nav=False)
    screenshot(page, "02-login-error")

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert console_errors == []


def test_the_keyboard_reaches_the_skip_link_first_then_the_form_in_order(
    page: Page, live_server, people, console_errors
):
    page.goto(f"{live_server.url}/accounts/login/")

    def tab_to() -> str:
        page.keyboard.press("Tab")
        return page.evaluate(
            "() => { const el = document.activeElement;"
            " return el.id || el.getAttribute('class') || el.textContent.trim(); }"
        )

    assert tab_to() == "usa-skipnav"
    expect(page.get_by_role("link", name="Skip to main content")).to_be_visible()
    assert [tab_to() for _ in range(4)] == [
        "peerline-home-link",
        "id_username",
        "id_password",
        "log-in",
    ]

    # The skip link moves focus to the main content.
    page.reload()
    assert tab_to() == "usa-skipnav"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main-content"

    # Typing and Enter log in, with no mouse at all.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "id_username"
    page.keyboard.type("coordinator")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    second_factor(page, live_server, "coordinator")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator('[data-role="coordinator"]')).to_be_visible()
    assert console_errors == []


def test_on_a_phone_the_menu_opens_and_logs_out(phone_page: Page, live_server, people):
    page = phone_page
    errors = watch_console(page)
    log_in(page, live_server, "coordinator")
    expect(page).to_have_url(f"{live_server.url}/")
    logout = page.get_by_role("button", name="Log out")
    expect(logout).to_be_hidden()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390, "no sideways scroll"
    screenshot(page, "10-phone-home")

    menu = page.get_by_role("button", name="Menu")
    menu.click()
    nav = page.get_by_role("navigation", name="Primary navigation")
    expect(nav).to_be_visible()
    nav.get_by_role("button", name="Agency").click()
    expect(nav.get_by_role("link", name="Roster")).to_be_visible()
    expect(logout).to_be_visible()
    screenshot(page, "11-phone-menu-open", full_page=False)

    # Escape closes the menu and gives focus back to the Menu button.
    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    expect(menu).to_be_focused()
    menu.click()
    logout.click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    assert errors == []
