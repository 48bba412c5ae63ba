"""The production configuration, started exactly as docs/deploy.md says, answers every role's
pages (DESIGN principle 6: the production server and configuration exercised by a test).

Each step is the `peerline` command of the guide, run as a subprocess with the guide's
environment: `check --deploy`, `migrate`, `collectstatic`, the demo seed, then `peerline serve` on
a loopback port behind what a TLS proxy would send (`X-Forwarded-Proto: https`, trusted through
PEERLINE_TRUST_PROXY_HEADERS). Then each demo role logs in and follows every link of its
navigation: every page 200, none 500.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.db import connection

from peerline.signin.demo import DEMO_TOTP_SECRET
from peerline.testing.second_factor import VERIFY_PATH, fresh_code
from peerline.web import demo

pytestmark = pytest.mark.production
PEERLINE = str(Path(sys.executable).with_name("peerline"))


@pytest.fixture
def database_url(tmp_path):
    """A new, empty database of the suite's kind, as an administrator creates it (deploy §1)."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'peerline.sqlite3'}"
        return
    import psycopg

    db = connection.settings_dict
    name = f"{db['NAME']}_production_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    server = {
        "host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432,
        "user": db["USER"], "password": db["PASSWORD"] or None,
    }  # fmt: skip

    def admin(sql: str) -> None:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
            conn.execute(sql)

    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    try:
        yield f"postgres://{auth}@{server['host']}:{server['port']}/{name}"
    finally:
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def production_env(data_dir: Path, url: str) -> dict[str, str]:
    """The environment of docs/deploy.md."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PEERLINE_", "DJANGO_"))}
    env.update(
        PEERLINE_ENV="production",
        PEERLINE_SECRET_KEY=secrets.token_urlsafe(50),
        PEERLINE_ALLOWED_HOSTS="127.0.0.1",
        PEERLINE_TRUST_PROXY_HEADERS="true",
        PEERLINE_DATA_DIR=str(data_dir),
        PEERLINE_BACKUP_DIR=str(data_dir / "backups"),
        PEERLINE_WEB_WORKERS="1",
        PEERLINE_WEB_THREADS="4",
        DATABASE_URL=url,
    )
    return env


def peerline(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(  # noqa: S603
        [PEERLINE, *args], env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert result.returncode == 0, f"peerline {' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Browser:
    """A minimal HTTPS-behind-a-proxy client: keeps cookies (Secure ones too, as a browser on
    https would), sends the proxy's scheme header, and never follows redirects by itself."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.origin = f"https://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "Referer": self.origin + path,
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            from urllib.parse import urlencode

            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        conn.close()
        return response.status, response.headers, text

    def get(self, path: str):
        return self.request("GET", path)


def log_in(browser: Browser, username: str, password: str) -> None:
    """The one place the test logs in (a second factor for privileged roles goes here)."""
    status, _, page = browser.get("/accounts/login/")
    assert status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    status, headers, _ = browser.request(
        "POST",
        "/accounts/login/",
        {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password},
    )
    assert status == 302 and headers["Location"] == "/", f"{username} could not log in"
    # The roles that see program data show their second factor first: the demo's authenticator
    # app, whose key seed-demo prints.
    status, headers, _ = browser.get("/")
    if status == 302 and headers["Location"].startswith(VERIFY_PATH):
        verify = headers["Location"]
        status, _, page = browser.get(verify)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert status == 200 and token is not None
        code = fresh_code(browser.origin, username, DEMO_TOTP_SECRET)
        status, headers, _ = browser.request(
            "POST", verify, {"csrfmiddlewaretoken": token.group(1), "code": code}
        )
        assert status == 302 and not headers["Location"].startswith(VERIFY_PATH), (
            f"{username}'s second factor was refused"
        )


def navigation_links(page: str) -> list[str]:
    nav = re.search(r'<nav aria-label="Primary navigation".*?</nav>', page, re.S)
    assert nav is not None
    return sorted(set(re.findall(r'<a href="(/[^"]*)"', nav.group(0))))


@pytest.fixture
def production_server(tmp_path, database_url):
    env = production_env(tmp_path, database_url)
    checked = peerline(env, "check", "--deploy", "--fail-level", "WARNING")
    assert "WARNING" not in checked.stdout + checked.stderr
    assert "no issues" in checked.stdout
    peerline(env, "migrate", "--noinput")
    peerline(env, "collectstatic", "--noinput")
    peerline(env, "seed-demo", "--employees", str(demo.MIN_EMPLOYEES))
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(  # noqa: S603
            [PEERLINE, "serve", "--bind", f"127.0.0.1:{port}"],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        for _ in range(600):
            try:
                if Browser(port).get("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, log.read_text()
            time.sleep(0.2)
        yield Browser(port), log
    finally:
        server.terminate()
        server.wait(timeout=60)


def test_every_demo_role_gets_200_on_every_page_of_its_navigation(production_server):
    browser, log = production_server
    visited = 0
    for role, username, _kind in demo.DEMO_USERS:
        user = Browser(browser.port)
        log_in(user, username, demo.DEMO_PASSWORD)
        status, _, home = user.get("/")
        assert status == 200, role
        links = navigation_links(home)
        assert "/" in links, role
        for link in links:
            status, _, _ = user.get(link)
            assert status == 200, f"{role.label}: {link} answered {status}"
            visited += 1
        # The design system's files come from the manifest, served by WhiteNoise.
        for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', home):
            assert user.get(asset)[0] == 200, asset
    assert visited >= 3 * len(demo.DEMO_USERS)

    # Behind the proxy, https is served as is; plain http is sent to https once (no loop).
    plain = http.client.HTTPConnection("127.0.0.1", browser.port, timeout=60)
    plain.request("GET", "/accounts/login/", headers={"Host": f"127.0.0.1:{browser.port}"})
    response = plain.getresponse()
    assert response.status == 301
    assert response.headers["Location"] == f"https://127.0.0.1:{browser.port}/accounts/login/"

    # No worker runs here: readiness says so; liveness stays 200.
    status, _, body = browser.get("/readyz")
    assert status == 503 and "the worker has never run" in body
    assert browser.get("/healthz")[0] == 200

    # The access log is on, without query strings or page tokens.
    browser.get("/stats/program/?quarter=2026-Q1")
    browser.get("/page/AbCdEfGhIjKlMnOpQrStUvWxYz012345/")
    served = log.read_text()
    assert '"GET / HTTP/1.1" 200' in served
    assert "quarter=" not in served and "AbCdEfGhIjKlMnOpQrStUvWxYz012345" not in served
