"""Two factors in Chromium (issue 11 §3): an authenticator app with codes computed here, a
passkey on Chromium's virtual authenticator, and a recovery code."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import Page, Route, expect

from peerline.accounts.models import Role
from peerline.testing import personas as p
from peerline.testing.second_factor import complete_second_factor, fresh_code

from .conftest import PASSWORD, TOTP_SECRET, assert_accessible_basics, screenshot

pytestmark = pytest.mark.e2e


@pytest.fixture
def newcomer(people, password_hash):
    """A coordinator who has never set up a second factor."""
    user = p.make_user("newcoord", people["agency"], Role.COORDINATOR)
    user.first_name, user.password = "Nora", password_hash
    user.save(update_fields=["first_name", "password"])
    return user


def log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next=/roster/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to Peerline")


def test_a_coordinator_enrols_an_authenticator_app_then_verifies_with_it(
    page: Page, live_server, newcomer, console_errors
):
    log_in(page, live_server, "newcoord")
    expect(page).to_have_url(re.compile(r"/signin/enrol/\?next=%2Froster%2F$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your second factor")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    assert_accessible_basics(page)
    screenshot(page, "40-enrol-totp")
    # What a person would type from the key shown, into their app: the code it makes.
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Six-digit code").fill("000000")
    page.get_by_role("button", name="Add the app").click()
    expect(page.get_by_role("alert")).to_have_text(re.compile("That code does not match"))
    expect(page.get_by_label("Six-digit code")).to_have_attribute("aria-invalid", "true")

    # fresh_code remembers the step it gave, so the verification below uses another one.
    page.get_by_label("Six-digit code").fill(fresh_code(live_server.url, "newcoord", secret))
    page.get_by_role("button", name="Add the app").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have kept them").click()
    expect(page).to_have_url(f"{live_server.url}/roster/")

    log_out(page)
    log_in(page, live_server, "newcoord")
    expect(page).to_have_url(re.compile(r"/signin/verify/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    assert_accessible_basics(page)
    complete_second_factor(page, base_url=live_server.url, username="newcoord", secret=secret)
    expect(page).to_have_url(f"{live_server.url}/roster/")
    assert console_errors == []


def test_a_recovery_code_stands_in_for_the_app_once(page: Page, live_server, people):
    from django_otp.plugins.otp_static.models import StaticDevice

    coordinator = people["users"]["coordinator"]
    recovery = StaticDevice.objects.create(user=coordinator, name="Recovery codes")
    recovery.token_set.create(token="k7m2q4w6z8")
    log_in(page, live_server, "coordinator")
    page.get_by_label("Six-digit code, or a recovery code").fill("k7m2q4w6z8")
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(f"{live_server.url}/roster/")
    expect(page.get_by_role("status")).to_contain_text("That was your last recovery code")

    log_out(page)
    log_in(page, live_server, "coordinator")
    page.get_by_label("Six-digit code, or a recovery code").fill("k7m2q4w6z8")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_have_text(re.compile("That code does not match"))
    assert "/signin/verify/" in page.url


def test_a_passkey_on_the_virtual_authenticator_enrols_and_verifies(
    page: Page, live_server, newcomer, settings, console_errors
):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    # The library's translations load apart from its script (async): held back here, so that the
    # moment between the button showing and it working lasts as long as the test needs.
    translations = Translations(page)
    translations.hold()
    log_in(page, live_server, "newcoord")
    expect(page).to_have_url(re.compile(r"/signin/enrol/"))
    add = page.get_by_role("button", name="Add a passkey")
    expect(add).to_be_visible()
    # Shown but not usable yet: disabled, so an early click does nothing at all (it used to
    # throw "gettext is not defined" and leave the person waiting).
    expect(add).to_be_disabled()
    add.click(force=True)
    translations.release()
    expect(add).to_be_enabled()
    add.click()
    # The ceremony is two round trips and a key made in the browser: on a loaded CI machine it
    # takes more than the default five seconds.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes", timeout=30_000)
    assert WebAuthnCredential.objects.filter(user=newcomer, confirmed=True).count() == 1
    assert not TOTPDevice.objects.filter(user=newcomer).exists()
    page.get_by_role("link", name="I have kept them").click()
    expect(page).to_have_url(f"{live_server.url}/roster/")

    log_out(page)
    translations.hold()
    log_in(page, live_server, "newcoord")
    expect(page).to_have_url(re.compile(r"/signin/verify/"))
    use = page.get_by_role("button", name="Use a passkey")
    expect(use).to_be_visible()
    expect(use).to_be_disabled()
    use.click(force=True)
    assert "/signin/verify/" in page.url
    translations.release()
    expect(use).to_be_enabled()
    use.click()
    expect(page).to_have_url(f"{live_server.url}/roster/", timeout=30_000)  # the ceremony again
    # The page of one's factors offers another passkey the same way.
    translations.hold()
    # Not waiting for "load": the held catalog holds it back.
    page.goto(f"{live_server.url}/signin/devices/", wait_until="domcontentloaded")
    another = page.get_by_role("button", name="Add a passkey")
    expect(another).to_be_disabled()
    translations.release()
    expect(another).to_be_enabled()
    assert console_errors == []


class Translations:
    """django-otp-webauthn's translation catalog, held back (`hold`) until `release`: a request
    made while held waits; one made after `release` goes through."""

    def __init__(self, page: Page) -> None:
        self.holding = False
        self.waiting: list[Route] = []
        page.route(re.compile(r"/jsi18n/"), self.on_request)

    def on_request(self, route: Route) -> None:
        if self.holding:
            self.waiting.append(route)
        else:
            route.continue_()

    def hold(self) -> None:
        self.holding = True

    def release(self) -> None:
        self.holding = False
        while self.waiting:
            self.waiting.pop().continue_()


def test_the_helper_completes_the_step_in_an_http_session_as_against_the_demo(live_server, people):
    """`complete_second_factor` with a `requests` session, as a production check signing in
    as each demo role would."""
    import requests

    session = requests.Session()
    login = f"{live_server.url}/accounts/login/"
    form = session.get(login)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    answer = session.post(
        login,
        data={"csrfmiddlewaretoken": token, "username": "command", "password": PASSWORD},
        headers={"Referer": login},
    )
    assert "/signin/verify/" in answer.url
    complete_second_factor(
        session, base_url=live_server.url, username="command", secret=TOTP_SECRET
    )
    assert session.get(f"{live_server.url}/").url == f"{live_server.url}/"
    assert session.get(f"{live_server.url}/stats/released/").status_code == 200
