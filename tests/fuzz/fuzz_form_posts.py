"""Hypothesis posts to every form of every page: no answer is a 500 (no input makes a 500).

The URL conf is walked for every page without a parameter; each role GETs it, every POST form on
it is read (its fields and their options), and Hypothesis draws values for each field: text,
control characters and NUL, huge and negative numbers, impossible dates and periods, and the
form's own options. Bounded in examples so it runs in a few minutes; run by `.ci/run` as
`pytest -o python_files='fuzz_*.py' tests/fuzz` (its name keeps it out of the default suite).
"""

from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerline.accounts.models import Role

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


def forms_for(client: Any) -> list[tuple[str, dict[str, list[str]]]]:
    found = []
    for path in pages():
        if path.startswith(("/api/", "/admin/", "/static/")) or path.endswith(".pdf"):
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


ROLES = [
    Role.COORDINATOR,
    Role.EMPLOYEE,
    Role.PEER_SUPPORTER,
    Role.CLINICAL_ADVISOR,
    Role.COMMAND_STAFF,
    Role.STEERING_COMMITTEE,
]


@pytest.mark.parametrize("role", ROLES)
def test_no_form_post_answers_500(client_for, role):
    client = client_for(role)
    forms = forms_for(client)
    assert forms or role != Role.COORDINATOR, "the coordinator has forms to try"

    @settings(
        max_examples=8,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def post_every_form(data: st.DataObject) -> None:
        for action, fields in forms:
            values = {
                name: data.draw(st.one_of(st.sampled_from(options), VALUES) if options else VALUES)
                for name, options in fields.items()
            }
            response = client.post(action, values)
            assert response.status_code < 500, (action, values)

    post_every_form()
