"""Secure defaults that every page relies on."""

import os
import subprocess
import sys

from django.test import Client

from peerline.accounts.models import Role


def test_pages_send_a_strict_content_security_policy(client_for):
    response = client_for(Role.COORDINATOR).get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_posts_without_a_csrf_token_are_refused(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users[Role.COORDINATOR])
    assert client.post("/roster/search/", {"q": "Last"}).status_code == 403


def test_a_name_search_is_never_put_in_the_url(client_for, chain):
    """Names stay out of URLs and so out of access logs and browser history."""
    client = client_for(Role.COORDINATOR)
    assert client.get("/roster/search/", {"q": chain.officer.last_name}).status_code == 405
    response = client.post("/roster/search/", {"q": chain.officer.last_name})
    assert chain.officer.last_name in response.content.decode()


def _settings_import(**env):
    code = "import django; from django.conf import settings; settings.SECRET_KEY"
    return subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "peerline.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _settings_import(
        PEERLINE_ENV="production", PEERLINE_SECRET_KEY="", PEERLINE_ALLOWED_HOSTS="x"
    )
    assert result.returncode != 0
    assert "PEERLINE_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _settings_import(
        PEERLINE_ENV="production", PEERLINE_SECRET_KEY="k" * 50, PEERLINE_ALLOWED_HOSTS=""
    )
    assert result.returncode != 0
    assert "PEERLINE_ALLOWED_HOSTS must be set" in result.stderr
