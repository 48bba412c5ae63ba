"""End-to-end tests in a real headless Chromium against pytest-django's live server.

Chromium is Debian's (`/usr/bin/chromium`), launched with the flags of STACK-NOTES so that it
stays off the network. The browser is session-scoped (pytest-playwright); each test gets a
fresh context. A missing Chromium fails the launch: these tests never skip.
"""

import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Error, Page

from peerline.accounts.models import Role
from peerline.agencies.models import Employee
from peerline.testing import personas as p
from peerline.testing.second_factor import give_totp

# Playwright's sync API runs an event loop in this thread; the ORM calls in the tests are safe
# because the live server has its own thread and connection.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

PASSWORD = "correct horse battery staple"
# The people's authenticator app: the tests compute its codes (issue 11 §3).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": shutil.which("chromium") or "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser(django_db_setup: None, live_server: Any, browser: Browser) -> Iterator[Browser]:
    """The session's Chromium, started after the test database and the live server, and closed
    before they stop.

    Chromium keeps its connections to the server alive until it closes; each ends a request
    thread, which closes its database connection. Closed while the server still shares the
    in-memory test database with its threads, they end quietly instead of in a thread error.
    """
    yield browser
    browser.close()
    time.sleep(0.5)  # the server's threads see their sockets close


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # Service workers are blocked except in the tests of the phone app (test_phone_app.py): one
    # installing in the background would read the database while the test's teardown empties it.
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 800},
        "locale": "en-US",
        "service_workers": "block",
    }


# Realistic names for the personas' chain of command, so that the pages read like the real thing.
NAMES = {
    "chief": ("Dana", "Whitfield"),
    "commander": ("Marcus", "Bell"),
    "lieutenant": ("Rosa", "Delgado"),
    "sergeant": ("Tom", "Kowalski"),
    "officer": ("Aisha", "Okafor"),
    "officer2": ("Kevin", "Nguyen"),
    "comm_supervisor": ("Linda", "Harper"),
    "telecommunicator": ("Jamal", "Reed"),
}


@pytest.fixture(scope="session")
def password_hash() -> str:
    """The real (Argon2) hash of PASSWORD, computed once: hashing is slow by design."""
    return make_password(PASSWORD)


@pytest.fixture
def people(transactional_db: None, password_hash: str) -> dict[str, Any]:
    """An agency with a chain of command and users with real passwords for the browser."""
    agency = p.make_agency()
    chain = p.make_chain(agency)
    for field, (first, last) in NAMES.items():
        Employee.objects.filter(pk=getattr(chain, field).pk).update(
            first_name=first, last_name=last
        )
    users = {
        "coordinator": p.make_user(
            "coordinator", agency, Role.COORDINATOR, Role.EMPLOYEE, employee=chain.comm_supervisor
        ),
        "command_staff": p.make_user(
            "command", agency, Role.COMMAND_STAFF, Role.EMPLOYEE, employee=chain.commander
        ),
        "peer_supporter": p.make_user(
            "peer", agency, Role.PEER_SUPPORTER, Role.EMPLOYEE, employee=chain.officer
        ),
    }
    for user in users.values():
        employee = Employee.objects.get(user=user)
        user.first_name, user.last_name = employee.first_name, employee.last_name
        user.password = password_hash  # the same as user.set_password(PASSWORD), once
        user.save(update_fields=["first_name", "last_name", "password"])
        give_totp(user, TOTP_SECRET)
    return {"agency": agency, "chain": chain, "users": users}


def watch_console(page: Page) -> list[str]:
    """Collect every console error of `page` (Chromium reports Content-Security-Policy
    violations and failed loads there) and every uncaught exception."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{message.text} ({message.location.get('url', '')})")

    def on_page_error(error: Error) -> None:
        errors.append(f"uncaught: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    return errors


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    return watch_console(page)


@pytest.fixture
def log_in_as(live_server: Any) -> Callable[[BrowserContext, Any], None]:
    """Give a browser context the session of `user` without typing (the log-in form has its
    own tests): a real session row, made by Django's test client, as a cookie."""

    def log_in(context: BrowserContext, user: Any) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies["sessionid"]
        context.add_cookies(
            [{"name": "sessionid", "value": cookie.value, "url": live_server.url, "httpOnly": True}]
        )

    return log_in


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Page]:
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US", service_workers="block"
    )
    page = context.new_page()
    yield page
    context.close()


def screenshot(page: Page, name: str, *, full_page: bool = True) -> None:
    """Save a PNG under test-artifacts/screenshots/ (git-ignored) to look at after a run."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page, animations="disabled"
    )


def assert_accessible_basics(page: Page, *, nav: bool = True) -> None:
    """The basics a screen reader user relies on, checked in the rendered page."""
    found = page.evaluate(
        """() => {
        const visible = (el) => !el.closest('[hidden]');
        const named = (el) =>
          (el.labels && el.labels.length > 0) || el.getAttribute('aria-label') ||
          el.getAttribute('aria-labelledby') || el.getAttribute('title');
        const controls = [...document.querySelectorAll('input, select, textarea')]
          .filter((el) => el.type !== 'hidden' && visible(el));
        const buttons = [...document.querySelectorAll('button, a[href]')];
        const ids = [...document.querySelectorAll('[id]')].map((el) => el.id);
        return {
          lang: document.documentElement.lang,
          title: document.title,
          h1: document.querySelectorAll('h1').length,
          header: document.querySelectorAll('header, [role=banner]').length,
          nav: document.querySelectorAll('nav, [role=navigation]').length,
          main: document.querySelectorAll('main, [role=main]').length,
          footer: document.querySelectorAll('footer, [role=contentinfo]').length,
          unlabelled: controls.filter((el) => !named(el)).map((el) => el.outerHTML),
          nameless: buttons.filter((el) => !(el.innerText.trim() || el.textContent.trim() || el.getAttribute('aria-label')
              || [...el.querySelectorAll('img[alt]')].some((img) => img.alt.trim())))
            .map((el) => el.outerHTML),
          imagesWithoutAlt: [...document.querySelectorAll('img:not([alt])')].map((el) => el.src),
          duplicateIds: ids.filter((id, i) => ids.indexOf(id) !== i),
        };
    }"""
    )
    assert found["lang"] == "en"
    assert found["title"].endswith("· Peerline")
    assert found["h1"] == 1, "a page has exactly one h1"
    assert found["header"] == 1
    assert found["main"] == 1
    assert found["footer"] == 1
    assert found["nav"] >= (1 if nav else 0)
    assert found["unlabelled"] == [], "every form control has a label"
    assert found["nameless"] == [], "every link and button has an accessible name"
    assert found["imagesWithoutAlt"] == []
    assert found["duplicateIds"] == []
