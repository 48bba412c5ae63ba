"""Every page of every role, on a phone: it fits the screen, axe-core finds nothing serious, and no
focused control of a form hides behind a sticky bar (WCAG 2.2 SC 2.4.11).

The crawl starts at each demo role's home page and follows every link of the page and its
navigation, as that role, on a 390 × 844 viewport. Pages whose path differs only in a number (one
employee's page, another employee's page) are one page to check. Downloads (PDF, CSV, calendar
feeds) are fetched but not opened in the browser. Each page leaves a screenshot in
test-artifacts/screenshots/phone/.
"""

import re
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from playwright.sync_api import Browser, Page

from peerline.web.demo import DEMO_USERS, seed_demo

from .conftest import PHONE, SCREENSHOTS, watch_console

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 800}
# Not pages to crawl: leaving, the administration site (Django's own), the one-tap page links
# (signed per person), the JSON API and static files.
NOT_PAGES = re.compile(r"^/(accounts/logout|admin/|page/|api/|static/)")
MAX_TAB_STOPS = 80


def pattern(path: str) -> str:
    """A page's shape: the same view with another object's number is the same page to check."""
    return re.sub(r"\d+", "N", path)


def links(page: Page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(el => el.getAttribute('href'))")
    found = []
    for href in hrefs:
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        url = urlsplit(urljoin(base, href))
        if url.netloc != urlsplit(base).netloc or NOT_PAGES.match(url.path):
            continue
        found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


def axe_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations
          .filter(v => v.impact === 'serious' || v.impact === 'critical')
          .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
    }"""
    )
    return list(result)


# The focused control (or, for a visually hidden radio or checkbox, its label) must be in the
# viewport and on top at its centre: not under a sticky bar, a header or a dialog.
OBSCURED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || !el.closest('main form')) return null;
  let target = el;
  let r = el.getBoundingClientRect();
  if ((r.width <= 1 || r.height <= 1 || r.right < 0 || r.left > innerWidth) && el.labels && el.labels.length) {
    target = el.labels[0];
    r = target.getBoundingClientRect();
  }
  const describe = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.name ? '[name=' + e.name + ']' : '');
  const top = Math.max(r.top, 0), bottom = Math.min(r.bottom, innerHeight);
  if (bottom <= top) return describe(el) + ' is out of view';
  // The centre of the part in view must show the control itself.
  const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
  const hit = document.elementFromPoint(x, (top + bottom) / 2);
  if (!hit || hit === target || target.contains(hit) || hit.contains(target)) return '';
  if (el.labels && [...el.labels].some(l => l === hit || l.contains(hit))) return '';
  return describe(el) + ' is under ' + describe(hit) + (hit.className ? '.' + String(hit.className).split(' ')[0] : '');
}"""


def obscured_focus(page: Page) -> list[str]:
    """Tab through the page's main forms and name every stop whose control is hidden."""
    first = page.locator("main form :is(input, select, textarea, button):visible").first
    if first.count() == 0:
        return []
    first.focus()
    problems = []
    for _ in range(MAX_TAB_STOPS):
        found = page.evaluate(OBSCURED)
        if found is None:
            break
        if found:
            problems.append(found)
        page.keyboard.press("Tab")
    return problems


@pytest.fixture
def demo(transactional_db: None) -> Any:
    return seed_demo(employees=120, seed=1)


def session_cookie(live_server: Any, username: str) -> dict[str, Any]:
    from peerline.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return {
        "name": "sessionid",
        "value": client.cookies["sessionid"].value,
        "url": live_server.url,
        "httpOnly": True,
    }


def test_every_page_of_every_role_fits_a_phone_and_passes_axe(
    browser: Browser, live_server: Any, demo: Any
) -> None:
    assert AXE.exists(), "axe-core is installed by `make test` (tests/e2e/axe)"
    shots = SCREENSHOTS / "phone"
    shots.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    checked: set[str] = set()
    forms_seen: set[str] = set()
    for role, username, _ in DEMO_USERS:
        context = browser.new_context(
            viewport=PHONE,
            is_mobile=True,
            has_touch=True,
            locale="en-US",
            bypass_csp=True,
            service_workers="block",
        )
        context.add_cookies([session_cookie(live_server, username)])
        page = context.new_page()
        errors = watch_console(page)
        queue = deque(["/"])
        seen = {"/"}
        while queue:
            path = queue.popleft()
            response = page.request.get(f"{live_server.url}{path}", max_redirects=0)
            kind = response.headers.get("content-type", "")
            if response.status in (301, 302):
                continue  # a form's action or a shortcut; its target is linked elsewhere
            if response.status != 200:
                problems.append(f"{role.value} {path}: {response.status}")
                continue
            if not kind.startswith("text/html"):
                continue
            page.goto(f"{live_server.url}{path}")
            for found in links(page, page.url):
                if found not in seen and (pattern(found) not in checked or found == "/"):
                    seen.add(found)
                    queue.append(found)
            key = pattern(path) if path != "/" else f"/ as {role.value}"
            if key in checked:
                continue
            checked.add(key)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                problems.append(f"{role.value} {path}: {width} px wide on a 390 px phone")
            problems += [f"{role.value} {path}: axe {v}" for v in axe_violations(page)]
            problems += [f"{role.value} {path} (phone): {v}" for v in obscured_focus(page)]
            if page.locator("main form").count() and pattern(path) not in forms_seen:
                forms_seen.add(pattern(path))
                page.set_viewport_size(DESKTOP)
                page.goto(f"{live_server.url}{path}")
                problems += [f"{role.value} {path} (desktop): {v}" for v in obscured_focus(page)]
                page.set_viewport_size(PHONE)
                page.goto(f"{live_server.url}{path}")
            name = re.sub(r"[^a-z0-9]+", "-", f"{role.value}{path}".lower()).strip("-")
            page.screenshot(path=str(shots / f"{name}.png"), full_page=True, animations="disabled")
        problems += [f"{role.value}: console {e}" for e in errors]
        context.close()
    assert len(checked) > 40, sorted(checked)  # the crawl reached the program's pages
    assert problems == [], "\n".join(problems)


def test_the_administration_site_loads_without_a_console_error(
    page: Page, live_server: Any, console_errors: list[str]
) -> None:
    """Django's admin asks for /favicon.ico unless the page names an icon; ours names Peerline's."""
    page.goto(f"{live_server.url}/admin/login/")
    assert page.locator("link[rel=icon]").count() == 1
    assert console_errors == []
