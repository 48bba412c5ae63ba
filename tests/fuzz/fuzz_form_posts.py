"""Hypothesis posts to every form of every page: no answer is a 500 (no input makes a 500).

The URL conf is walked for every page without a parameter; each role GETs it, every POST form on
it is read (its fields and their options), and Hypothesis draws values for each field: text,
control characters and NUL, huge and negative numbers, impossible dates and periods, and the
form's own options. Pages with a parameter (a PSP, a session, an incident, ...) are tried on the
demo agency, one object each: the first link to each such URL pattern that the role's own pages
show. Bounded in examples so it runs in a few minutes; run by `.ci/run` as
`pytest -o python_files='fuzz_*.py' --hypothesis-profile=ci tests/fuzz` (its name keeps it out of
the default suite). The "ci" profile draws the same values on every run (derandomized), so a red
CI is the change's; without it (`make fuzz`) each run draws new ones.
"""

from datetime import date
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client, override_settings
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerline.accounts.models import Membership, Role
from peerline.web import demo as agency_demo

pytestmark = pytest.mark.django_db

ODD = [
    "",
    "\x00",
    "a\x00b",
    "9999-12-31",
    "9999-12-31T23:59",
    "0001-01-01",
    "1850-01-01",
    "9999-Q4",
    "2026-Q9",
    "1e20",
    "NaN",
    "inf",
    "-1",
    "0",
    str(10**20),
    "9" * 40,
    "<script>",
    "' OR 1=1 --",
]
VALUES = st.one_of(
    st.sampled_from(ODD),
    st.text(max_size=40),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.dates().map(str),
)


class _Forms(HTMLParser):
    """The POST forms of a page: (action, {field name: [option values]})."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, list[str]]]] = []
        self._form: dict[str, list[str]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = {}
            self.forms.append((a.get("action", ""), self._form))
        elif self._form is not None and tag in ("input", "textarea", "select", "button"):
            name = a.get("name")
            if name and name != "csrfmiddlewaretoken":
                self._form.setdefault(name, [])
                if a.get("value"):
                    self._form[name].append(a["value"])
            self._select = name if tag == "select" else self._select
        elif tag == "option" and self._form is not None and self._select:
            self._form[self._select].append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


class _Links(HTMLParser):
    """Every same-site path a page links to or posts to."""

    def __init__(self) -> None:
        super().__init__()
        self.paths: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        target = a.get("href") if tag == "a" else a.get("action") if tag == "form" else None
        if target:
            parts = urlsplit(target)
            if not parts.netloc and parts.path.startswith("/"):
                self.paths.append(parts.path)


def pages(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    """Every path of the URL conf that takes no parameter."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = str(entry.pattern)
        if "<" in route or "(?P" in route or route.startswith("^"):
            continue
        if isinstance(entry, URLResolver):
            found += pages(entry, prefix + route)
        elif isinstance(entry, URLPattern):
            found.append("/" + prefix + route)
    return sorted(set(found))


def _skipped(path: str) -> bool:
    return path.startswith(("/api/", "/admin/", "/static/", "/page/")) or path.endswith(
        (".pdf", ".csv", ".ics", ".json")
    )


def forms_on(client: Any, paths: list[str]) -> list[tuple[str, dict[str, list[str]]]]:
    found = []
    for path in paths:
        if _skipped(path):
            continue
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = _Forms()
        parser.feed(response.content.decode())
        found += [
            (action or path, fields)
            for action, fields in parser.forms
            if fields and "logout" not in (action or path)  # keeps the client signed in
        ]
    return found


def forms_for(client: Any) -> list[tuple[str, dict[str, list[str]]]]:
    return forms_on(client, pages())


def object_pages(client: Any) -> dict[str, str]:
    """One path per URL pattern with a parameter: the first the role's pages link to (its own
    pages without parameters, then the pages those link to). {route: path}."""
    found: dict[str, str] = {}
    queue = [path for path in pages() if not _skipped(path)]
    seen = set(queue)
    while queue:
        path = queue.pop(0)
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        links = _Links()
        links.feed(response.content.decode())
        for target in links.paths:
            if target in seen or _skipped(target):
                continue
            seen.add(target)
            try:
                match = resolve(target)
            except Resolver404:
                continue
            if not (match.args or match.kwargs) or match.route in found:
                continue
            found[match.route] = target
            queue.append(target)  # its links may name further objects
    return found


ROLES = [
    Role.COORDINATOR,
    Role.EMPLOYEE,
    Role.PEER_SUPPORTER,
    Role.CLINICAL_ADVISOR,
    Role.COMMAND_STAFF,
    Role.STEERING_COMMITTEE,
]


def post_every_form(client: Client, forms: Any, *, max_examples: int) -> None:
    """Hypothesis posts to each form: listed choices or hostile values; never a 500."""

    @settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def post(data: st.DataObject) -> None:
        for action, fields in forms:
            values = {
                name: data.draw(st.one_of(st.sampled_from(options), VALUES) if options else VALUES)
                for name, options in fields.items()
            }
            response = client.post(action, values)
            assert response.status_code < 500, (action, values)

    post()


@pytest.mark.parametrize("role", ROLES)
def test_no_form_post_answers_500(client_for, role):
    client = client_for(role)
    forms = forms_for(client)
    assert forms or role != Role.COORDINATOR, "the coordinator has forms to try"

    post_every_form(client, forms, max_examples=8)


TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """The demo agency: an object of every kind for the pages with a parameter."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast):
        agency_demo.seed_demo(employees=120, seed=3, today=TODAY)
    yield
    with django_db_blocker.unblock():
        agency_demo.delete_demo()


@pytest.mark.parametrize("role", ROLES)
def test_no_form_post_on_a_page_of_an_object_answers_500(demo, db, role):
    """Every page with a parameter that the role reaches, one object each (issue 13 §3)."""
    membership = (
        Membership.objects.filter(agency__code=agency_demo.DEMO_CODE, role=role)
        .select_related("user")
        .order_by("user_id")
        .first()
    )
    assert membership is not None, f"the demo has a {role}"
    client = Client()
    client.force_login(membership.user)
    reached = object_pages(client)
    if role == Role.COORDINATOR:
        assert len(reached) >= 10, f"the coordinator reaches many objects: {sorted(reached)}"
    forms = forms_on(client, sorted(reached.values()))
    for path in reached.values():  # every object page answers without a 500
        assert client.get(path).status_code < 500, path

    post_every_form(client, forms, max_examples=4)
