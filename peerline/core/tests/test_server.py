"""The production server's access log: no query string, no page token, no calendar key."""

import re
from types import SimpleNamespace

from django.urls import get_resolver

from peerline.accounts.tests.test_policy import _walk
from peerline.core.server import ACCESS_LOG_FORMAT, RedactingLogger, redact_path

# The anonymous request's access code and reference are bearer secrets too (issue 16).
SECRET_PARAMS = {"token", "key", "secret", "code", "ref"}


def secret_routes():
    routes = []
    for route, _view, _name, _ns in _walk(get_resolver().url_patterns):
        params = re.findall(r"<(?:\w+:)?(\w+)>", route)
        if SECRET_PARAMS & set(params):
            routes.append(route)
    return routes


def test_every_url_with_a_token_in_its_path_is_redacted_in_logs():
    routes = secret_routes()
    assert any(r.startswith("page/") for r in routes)  # the one-tap answer to a page
    assert any("calendar" in r for r in routes)  # the on-call iCal feed
    assert any(r.startswith("reach/a/") for r in routes)  # the agency's access link
    for route in routes:
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: f"Sx{m.group(1)}9", route)
        for param in SECRET_PARAMS:
            assert f"Sx{param}9" not in redact_path(path), route


def test_query_strings_and_long_tokens_never_reach_the_log():
    assert redact_path("/stats/program/?quarter=2026-Q3") == "/stats/program/"
    assert redact_path("/page/a1b2:c3/yes/?x=1") == "/page/<redacted>/yes/"
    assert redact_path("/other/AbCdEf0123456789_-AbCdEf0123/") == "/other/<redacted>/"
    # Hashed static files stay readable.
    name = "/static/vendor/uswds/css/uswds.min.0123456789ab.css"
    assert redact_path(name) == name


def test_the_access_log_line_has_no_token_query_referrer_or_agent():
    from gunicorn.config import Config

    logger = RedactingLogger(Config())
    environ = {
        "PATH_INFO": "/page/sEcReTtOkEn/yes/",
        "RAW_URI": "/page/sEcReTtOkEn/yes/?from=psp0@example.org",
        "QUERY_STRING": "from=psp0@example.org",
        "REQUEST_METHOD": "GET",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": "https://mail.example.org/?to=psp0",
        "HTTP_USER_AGENT": "Mozilla/5.0 (psp0's phone)",
        "REMOTE_ADDR": "10.1.2.3",
    }
    request = SimpleNamespace(
        method="GET", path="/page/sEcReTtOkEn/yes/", query="from=psp0@example.org",
        uri="/page/sEcReTtOkEn/yes/?from=psp0@example.org", version=(1, 1), headers=[],
    )  # fmt: skip
    response = SimpleNamespace(status="200 OK", sent=10, headers=[], response_length=10)
    atoms = logger.atoms(response, request, environ, _elapsed())
    line = ACCESS_LOG_FORMAT % atoms  # what gunicorn writes
    for secret in ("sEcReTtOkEn", "example.org", "psp0", "10.1.2.3"):
        assert secret not in line, secret
    assert atoms["r"] == "GET /page/<redacted>/yes/ HTTP/1.1"


def _elapsed():
    from datetime import timedelta

    return timedelta(milliseconds=5)
