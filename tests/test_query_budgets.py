"""Query budgets at scale (issue 14 item 8, issue 18 item 2): no page's query count grows with
the agency's size.

The demo agency is seeded at two sizes, and every page is loaded by every role's demo log-in at
both: every URL of the URL conf that takes no parameter (the list pages, the forms, the exports,
the API's reads), plus the main detail pages, each with one object of the agency, picked as the
largest of its kind where size could matter (the incident with the most deployments, the
training session with the most attendance rows...). A page answering 200 at the small size must
answer the same at the large one with the same number of queries: a query in a loop over
employees, PSPs, sessions or contacts shows as a difference.

Every parameterised URL is either measured (`DETAILS`, `KIOSK_PAGES`) or named in `NOT_MEASURED`
with why (`peerline/testing/pages.py`), so a new page is measured or consciously left out the day
it is added.

Everything runs in one transaction that is rolled back at the end of the module: the seeding
leaves nothing behind for other tests.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peerline.accounts import sessions
from peerline.accounts.models import Role, User
from peerline.agencies.models import Agency
from peerline.testing.pages import (
    DETAILS,
    KIOSK_PAGES,
    NOT_MEASURED,
    coordinator_user,
    pages,
    routes,
)
from peerline.testing.second_factor import verified_force_login

# The test database is created for marked tests only; the module's measurement needs it.
pytestmark = pytest.mark.django_db

# The smallest demo with a row of every kind (a volunteer at every stage of selection, an
# interview, a session with attendance...), so no list is empty at the small size and no
# prefetch skipped; and five times as many people.
SMALL, LARGE = 300, 1_500
SEED = 1
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # the demo's log-ins, quickly

# The kiosk of the agency's access link (issue 16): no log-in, loaded by an anonymous visitor
# with a code made for the measurement, and a request sent for the status page.
KIOSK = "access link"  # in place of a role: nobody is logged in


def _kiosk_urls(agency: Agency) -> dict[str, str]:
    """URL name → URL of each kiosk page, under a fresh access code of `agency`."""
    from django.utils import timezone

    from peerline.support import links, services

    now = timezone.now()
    _link, code = services.access_link_rotate(agency=agency, by=coordinator_user(agency), now=now)
    ref = links.status_token(services.request_create(agency=agency, now=now).pk, now=now)
    return {
        name: reverse(name, args=[code, ref] if name == "support:status" else [code])
        for name in KIOSK_PAGES
    }


@pytest.fixture(scope="module")
def seed_demo() -> Callable[..., Any]:
    """The demo seeding, imported in one place: if it moves, this line changes."""
    from peerline.web.demo import seed_demo

    return seed_demo


# (role or KIOSK, URL name) → (status, queries)
Measured = dict[tuple[str, str], tuple[int, int]]


def _measure(client: Client, url: str) -> tuple[int, int]:
    connection.queries_log.clear()  # a full log (9,000) would count nothing
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, len(queries)


def _load(seed: Callable[..., Any], employees: int, only: set[tuple[str, str]] | None) -> Measured:
    """Seed the demo at `employees` and load every page (or `only` these) as each role."""
    result = seed(employees=employees, seed=SEED)
    agency, found = result.agency, {}
    urls = pages(agency)
    for login in result.logins:
        client = Client()
        verified_force_login(client, User.objects.get(username=login.username))
        for name, url in urls.items():
            if only is not None and (login.role, name) not in only:
                continue
            found[(login.role, name)] = _measure(client, url)
    for name, url in _kiosk_urls(agency).items():
        if only is None or (KIOSK, name) in only:
            found[(KIOSK, name)] = _measure(Client(), url)
    return found


def _no_pdf(html: Any, **options: Any) -> bytes:
    return b"%PDF-1.7\n"


@pytest.fixture(scope="module")
def measured(
    django_db_setup: Any, django_db_blocker: Any, seed_demo: Callable[..., Any]
) -> dict[int, Measured]:
    """The status and query count of every page for every role, at both sizes.

    A first round at the small size fills the process's own caches (content types, compiled
    templates) and finds which pages each role may open; the demo is then seeded afresh at
    each size and those pages loaded once: both counts are of a first visit to fresh data.
    """
    with (
        django_db_blocker.unblock(),
        pytest.MonkeyPatch.context() as patch,
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
    ):
        # The session's "last seen" is rewritten once a minute: not in the middle of a count.
        patch.setattr(sessions, "SEEN_EVERY", timedelta(days=1))
        # PDFs are drawn from HTML already rendered, with every query done: skip the drawing.
        patch.setattr("weasyprint.HTML.write_pdf", _no_pdf)
        with transaction.atomic():
            warm_up = _load(seed_demo, SMALL, None)
            opened = {key for key, (status, _) in warm_up.items() if status == 200}
            found = {size: _load(seed_demo, size, opened) for size in (SMALL, LARGE)}
            transaction.set_rollback(True)
    return found


def test_every_parameterised_page_is_measured_or_named_with_why():
    parameterised = {name for name, _, takes in routes() if takes}
    assert parameterised - set(DETAILS) - set(KIOSK_PAGES) - set(NOT_MEASURED) == set()
    assert set(KIOSK_PAGES) - parameterised == set(), "a kiosk page that no longer exists"
    assert set(KIOSK_PAGES) & set(NOT_MEASURED) == set(), "measured and left out"
    assert set(DETAILS) - parameterised == set(), "a detail page that no longer exists"
    assert set(NOT_MEASURED) - parameterised == set(), "a page left out that no longer exists"


def test_every_role_loads_its_pages_at_both_sizes(measured):
    """The measurement covers what it claims: each role's own pages answer 200 at both sizes,
    and every measured detail page found its object."""
    small = measured[SMALL]
    for role in Role:
        loaded = [name for (who, name), (status, _) in small.items() if who == role]
        answered = [name for name in loaded if small[(role, name)][0] == 200]
        assert "home" in answered and "directory:index" in answered, role
    names = {name for _, name in small}
    assert set(DETAILS) <= names, set(DETAILS) - names
    coordinator = {name for (who, name), (s, _) in small.items() if who == Role.COORDINATOR}
    for name in ("team:roster", "team:agreements", "training:compliance", "roster"):
        assert small[(Role.COORDINATOR, name)][0] == 200 and name in coordinator
    for name in KIOSK_PAGES:  # the access link's pages, with no log-in (issue 16)
        assert small[(KIOSK, name)][0] == 200, name


def _growth(measured: dict[int, Measured]) -> list[str]:
    grown = []
    for key, (status, queries) in sorted(measured[SMALL].items()):
        if status != 200:
            continue
        large_status, large_queries = measured[LARGE][key]
        if large_status != status or large_queries != queries:
            role, name = key
            grown.append(
                f"{role} {name}: {status}/{queries} queries at {SMALL} employees, "
                f"{large_status}/{large_queries} at {LARGE}"
            )
    return grown


def test_no_page_of_any_role_grows_with_the_agency_issue_14_item_8(measured):
    """Equal counts at 300 and 1,500 employees, for every page every role can open."""
    assert _growth(measured) == []
