"""Completing the second factor in tests and against the demo (issue 11 §3).

`verified_force_login` is what the test suite's `Client.force_login` does (see `conftest.py`):
a session that already showed a second factor, as django-otp marks one. `complete_second_factor`
types a TOTP code on the verify page, in a Playwright page or an HTTP session, for a person whose
app secret the caller knows: a test's own, or the demo's documented `DEMO_TOTP_SECRET`.
"""

import re
import time
from typing import Any
from urllib.parse import urljoin

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from peerline.signin.demo import DEMO_TOTP_SECRET, code_at, key_hex

VERIFY_PATH = "/signin/verify/"
LOGIN_PATH = "/accounts/login/"
STEP = 30

_original_force_login = Client.force_login
# The last time step whose code was typed, per (site, username): a code works only once.
_spent: dict[tuple[str, str], int] = {}


def totp_code(secret_base32: str, *, step: int | None = None) -> str:
    """The six-digit code an authenticator app shows for `secret_base32` (now, or at `step`)."""
    return code_at(secret_base32, int(time.time()) // STEP if step is None else step)


def fresh_code(site: str, username: str, secret_base32: str) -> str:
    """A code not yet typed for this person on this site: the current step's, or the next one's
    (accepted one step early) when the current one was spent; waits if both were."""
    now = int(time.time()) // STEP
    step = max(now, _spent.get((site, username), -1) + 1)
    if step > now + 1:
        time.sleep((step - 1) * STEP - time.time() + 0.5)
    _spent[(site, username)] = step
    return code_at(secret_base32, step)


def complete_second_factor(
    target: Any, *, base_url: str, username: str, secret: str = DEMO_TOTP_SECRET
) -> None:
    """Complete the second-factor step after a password log-in.

    `target` is a Playwright `Page` that has just submitted the log-in form with the right
    password (it waits to leave the log-in page, then types a code if it is on the verify page),
    or a `requests.Session`-like object that is logged in (it GETs the
    verify page and POSTs a code with the page's CSRF token). Raises AssertionError if the code is
    refused.
    """
    if hasattr(target, "get_by_label"):  # a Playwright page
        target.wait_for_url(lambda url: LOGIN_PATH not in url)
        if VERIFY_PATH not in target.url:
            return
        target.get_by_label("Six-digit code, or a recovery code").fill(
            fresh_code(base_url, username, secret)
        )
        target.get_by_role("button", name="Verify").click()
        try:
            target.wait_for_url(lambda url: VERIFY_PATH not in url, timeout=10_000)
        except Exception as error:  # Playwright's TimeoutError: still on the verify page
            raise AssertionError("the second factor was refused") from error
        return
    url = urljoin(base_url, VERIFY_PATH)
    page = target.get(url)
    if VERIFY_PATH not in str(page.url):
        return
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the verify page"
    answer = target.post(
        url,
        data={
            "csrfmiddlewaretoken": token.group(1),
            "code": fresh_code(base_url, username, secret),
        },
        headers={"Referer": url},
    )
    assert VERIFY_PATH not in str(answer.url), "the second factor was refused"


def give_totp(user: Any, secret: str, name: str = "Authenticator app") -> TOTPDevice:
    """A confirmed authenticator app for `user` with the base32 `secret`."""
    return TOTPDevice.objects.create(user=user, name=name, key=key_hex(secret), confirmed=True)


def verified_force_login(client: Client, user: Any, backend: str | None = None) -> None:
    """`Client.force_login`, with the session marked as having shown a second factor."""
    _original_force_login(client, user, backend)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def unverified_force_login(client: Client, user: Any, backend: str | None = None) -> None:
    """Django's own `force_login`: a session that has shown no second factor."""
    _original_force_login(client, user, backend)
