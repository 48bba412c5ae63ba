"""Query budgets at scale (issue 14 item 8, issue 18 item 2): no page's query count grows with
the agency's size.

The demo agency is seeded at two sizes, and every page is loaded by every role's demo log-in at
both: every URL of the URL conf that takes no parameter (the list pages, the forms, the exports,
the API's reads), plus the main detail pages, each with one object of the agency, picked as the
largest of its kind where size could matter (the incident with the most deployments, the
training session with the most attendance rows...). A page answering 200 at the small size must
answer the same at the large one with the same number of queries: a query in a loop over
employees, PSPs, sessions or contacts shows as a difference.

Every parameterised URL is either measured (`DETAILS`, `KIOSK_PAGES`) or named in `NOT_MEASURED` with why, so
a new page is measured or consciously left out the day it is added.

Everything runs in one transaction that is rolled back at the end of the module: the seeding
leaves nothing behind for other tests.
"""

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from peerline.accounts import sessions
from peerline.accounts.models import Role, User
from peerline.agencies.models import Agency, Employee
from peerline.testing.second_factor import verified_force_login

# The test database is created for marked tests only; the module's measurement needs it.
pytestmark = pytest.mark.django_db

# The smallest demo with a row of every kind (a volunteer at every stage of selection, an
# interview, a session with attendance...), so no list is empty at the small size and no
# prefetch skipped; and five times as many people.
SMALL, LARGE = 300, 1_500
SEED = 1
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # the demo's log-ins, quickly

# Not pages to measure: log-in and log-out, the load balancer's checks, single sign-on's
# redirects, the passkey ceremony's JSON steps (POST-only or state-changing), the API's schema.
NOT_PAGES = {
    "login",
    "logout",
    "health",
    "ready",
    "signin:sso-start",
    "signin:sso-callback",
    "otp_webauthn:credential-registration-begin",
    "otp_webauthn:credential-registration-complete",
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
    "otp_webauthn:js-i18n-catalog",
    "api:openapi-json",
    "api:api-root",
}


def _first(queryset: Any) -> Any:
    return queryset.first()


def _largest(queryset: Any, related: str) -> Any:
    """The row with the most `related` rows: where a loop over them would show most."""
    return queryset.annotate(_n=Count(related)).order_by("-_n", "pk").first()


def _employee(agency: Agency) -> Any:
    return _largest(Employee.objects.filter(agency=agency), "direct_reports")


def _psp(agency: Agency) -> Any:
    from peerline.team.models import PeerSupporter

    return _largest(
        PeerSupporter.objects.filter(agency=agency, status="active"), "training_attendances"
    )


def _application(agency: Agency) -> Any:
    from peerline.team.models import Application

    return _first(Application.objects.filter(peer_supporter__agency=agency).order_by("pk"))


def _session(agency: Agency) -> Any:
    from peerline.training.models import TrainingSession

    return _largest(TrainingSession.objects.filter(agency=agency), "attendances")


def _incident(agency: Agency) -> Any:
    from peerline.incidents.models import CriticalIncident

    return _largest(CriticalIncident.objects.filter(agency=agency), "deployments")


def _clinician(agency: Agency) -> Any:
    from peerline.clinical.models import MentalHealthProfessional

    return _largest(MentalHealthProfessional.objects.filter(agency=agency), "on_call_shifts")


def _period(agency: Agency) -> Any:
    from peerline.stats.models import ClosedPeriod

    closed = ClosedPeriod.objects.filter(agency=agency).order_by("-period").first()
    return closed and closed.period


def _section(agency: Agency) -> Any:
    from peerline.manual.models import ManualSection

    return _first(ManualSection.objects.filter(agency=agency).order_by("pk"))


def _coordinator_user(agency: Agency) -> Any:
    return User.objects.filter(memberships__agency=agency, memberships__role=Role.COORDINATOR)[0]


def _pk(pick: Callable[[Agency], Any]) -> Callable[[Agency], dict[str, Any] | None]:
    def kwargs(agency: Agency) -> dict[str, Any] | None:
        found = pick(agency)
        return None if found is None else {"pk": found.pk}

    return kwargs


# The main detail pages: URL name → the keyword arguments of one object of the agency.
DETAILS: dict[str, Callable[[Agency], dict[str, Any] | None]] = {
    "employee-detail": _pk(_employee),
    "team:member": _pk(_psp),
    "team:application": _pk(_application),
    "training:session": _pk(_session),
    "training:attendance": _pk(_session),
    "training:transcript": _pk(_psp),
    "training:transcript-pdf": _pk(_psp),
    "clinical:clinician": _pk(_clinician),
    "incidents:detail": _pk(_incident),
    "incidents:board": _pk(_incident),
    "incidents:follow-ups": _pk(_incident),
    "stats:released-pdf": lambda agency: {"period": _period(agency)},
    "stats:released-csv": lambda agency: {"period": _period(agency)},
    "manual:section": _pk(_section),
    "notifications:person": lambda agency: {"user_id": _coordinator_user(agency).pk},
    "api:incident_proposal": lambda agency: {"incident_id": _incident(agency).pk},
}

# Parameterised URLs not measured, and why.
NOT_MEASURED = {
    # Actions: POST-only, each changes one row; a GET answers 405 without reading data.
    **dict.fromkeys(
        [
            "accounts:token-revoke",
            "contacts:delete",
            "contacts:follow-up-done",
            "partners:accept",
            "partners:decline",
            "partners:end",
            "clinical:shift-delete",
            "resources:delete",
            "incidents:activate",
            "incidents:team-size",
            "incidents:close",
            "incidents:mutual-aid-answer",
            "notifications:add",
            "notifications:test-email",
            "notifications:remove",
            "notifications:test",
            "signin:device-remove",
            "governance:limit-remove",
            "governance:limit-move",
            "manual:publish",
            "api:incident_activate",
            "support:revoke",
        ],
        "a POST-only action on one row",
    ),
    # One small row's edit form: reads that row and the form's fixed choices.
    "contacts:edit": "one contact's form (a PSP's own row)",
    "resources:edit": "one resource's form",
    "governance:limit-edit": "one limit's form",
    "notifications:edit": "one channel's form",
    # Reached with a secret in the URL, not by a role's log-in.
    "accounts:password-reset-confirm": "a one-time link, no log-in",
    "accounts:invitation": "a one-time link, no log-in",
    "clinical:ical": "a calendar feed reached by its secret token",
    "respond:page": "a one-tap paging link reached by its token",
    "support:answer": "a one-tap link to an anonymous request, reached by its token",
    # One's own, only for the person asked (a recommendation, a panel seat).
    "team:recommendation": "the recommender's own form; measured through its list page",
    "team:score": "a panel member's own score sheet; measured through its list page",
}


# The kiosk of the agency's access link (issue 16): no log-in, loaded by an anonymous visitor
# with a code made for the measurement, and a request sent for the status page.
KIOSK = "access link"  # in place of a role: nobody is logged in
KIOSK_PAGES = (
    "support:kiosk",
    "support:peers",
    "support:request",
    "support:status",
    "support:limits",
    "support:resources",
)


def _kiosk_urls(agency: Agency) -> dict[str, str]:
    """URL name → URL of each kiosk page, under a fresh access code of `agency`."""
    from django.utils import timezone

    from peerline.support import links, services

    now = timezone.now()
    _link, code = services.access_link_rotate(agency=agency, by=_coordinator_user(agency), now=now)
    ref = links.status_token(services.request_create(agency=agency, now=now).pk, now=now)
    return {
        name: reverse(name, args=[code, ref] if name == "support:status" else [code])
        for name in KIOSK_PAGES
    }


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Any]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(
                entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace
            )
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name, namespace


def _name(name: str | None, namespace: str) -> str:
    return f"{namespace}:{name}" if namespace else str(name)


def routes() -> list[tuple[str, str, bool]]:
    """(URL name, route, takes parameters) of every URL but Django's admin."""
    return [
        (_name(name, namespace), route, "<" in route)
        for route, name, namespace in _walk(get_resolver().url_patterns)
        if namespace != "admin" and _name(name, namespace) not in NOT_PAGES
    ]


def pages(agency: Agency) -> dict[str, str]:
    """URL name → URL of every page measured for `agency`."""
    found = {}
    for name, route, parameterised in routes():
        if not parameterised:
            found[name] = "/" + route
        elif name in DETAILS:
            kwargs = DETAILS[name](agency)
            if kwargs is not None and None not in kwargs.values():
                found[name] = reverse(name, kwargs=kwargs)
    return found


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
