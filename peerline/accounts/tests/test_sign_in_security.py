"""Lockout (django-axes), session limits, no-store, API tokens and their throttle."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.utils import timezone

from peerline.accounts import keys
from peerline.accounts.models import ApiToken, Role, User
from peerline.accounts.tests.test_policy import _url, page_endpoints
from peerline.audit.models import AuditEvent
from peerline.signin.demo import DEMO_TOTP_SECRET
from peerline.testing import personas as p
from peerline.testing.second_factor import give_totp, totp_code
from peerline.testing.throttle import one_minute

PASSWORD = "a long enough passphrase 42"


@pytest.fixture
def coordinator(agency):
    user = p.make_user("coord", agency, Role.COORDINATOR, Role.EMPLOYEE)
    user.password = make_password(PASSWORD)
    user.save()
    return user


def log_in(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


# -- Lockout ------------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(coordinator):
    client = Client()
    for _ in range(4):
        assert log_in(client, "coord", "wrong").status_code == 200
    locked = log_in(client, "coord", "wrong")
    assert locked.status_code == 429
    assert b"Log-in locked for 15 minutes" in locked.content
    # The right password is refused while locked, from any address.
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert log_in(other, "coord", PASSWORD).status_code == 429
    assert "_auth_user_id" not in other.session


def test_the_lock_ends_after_15_minutes(coordinator):
    client = Client()
    for _ in range(5):
        log_in(client, "coord", "wrong")
    later = timezone.now() + timedelta(minutes=16)
    with mock.patch("axes.handlers.proxy.now", return_value=later):
        assert log_in(client, "coord", PASSWORD).status_code == 302


def test_an_unknown_user_gets_the_same_answers_as_a_wrong_password(coordinator):
    known, unknown = Client(), Client()
    first_known = log_in(known, "coord", "wrong")
    first_unknown = log_in(unknown, "nobody-here", "wrong")
    assert first_known.status_code == first_unknown.status_code == 200
    assert b"do not match" in first_known.content and b"do not match" in first_unknown.content
    for _ in range(4):
        last_known = log_in(known, "coord", "wrong")
        last_unknown = log_in(unknown, "nobody-here", "wrong")
    assert last_known.status_code == last_unknown.status_code == 429
    assert _page(last_known, "coord") == _page(last_unknown, "nobody-here")


def _page(response, username: str) -> str:
    # The page less what differs by nature: the name typed and the form's CSRF token.
    html = response.content.decode().replace(username, "")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


@pytest.mark.parametrize("account", ["unknown", "no usable password"])
@pytest.mark.argon2
def test_a_failed_log_in_always_costs_one_password_hash(account, agency):
    """Django's ModelBackend hashes for an unknown user and for an account with no usable
    password (invited, not yet signed in) alike, so timing tells them apart from a wrong
    password on a real account no more than the answer does (ASVS V6.3)."""
    p.make_user("invited", agency, Role.EMPLOYEE)  # no usable password
    name = "ghost" if account == "unknown" else "invited"
    with mock.patch(
        "django.contrib.auth.hashers.Argon2PasswordHasher.encode",
        autospec=True,
        side_effect=lambda self, password, salt: "argon2$x",
    ) as hashed:
        log_in(Client(), name, "wrong")
    assert hashed.call_count == 1  # one hash, as for a wrong password on a real account


def test_an_administrator_unlocks_a_locked_account(coordinator, agency, client_for):
    client = Client()
    for _ in range(5):
        log_in(client, "coord", "wrong")
    admin = client_for(Role.SYSTEM_ADMIN)
    assert admin.post("/accounts/people/unlock/", {"user": coordinator.pk}).status_code == 302
    assert log_in(Client(), "coord", PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(action="lockout.lifted").exists()


def test_another_agency_cannot_unlock_our_people(coordinator, client_for):
    """Someone of another agency answers as nobody does: back to the page, nothing lifted."""
    client = client_for("outsider")
    response = client.post("/accounts/people/unlock/", {"user": coordinator.pk}, follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/people/"
    assert b"Choose someone of this agency to unlock." in response.content
    assert not AuditEvent.objects.filter(action="lockout.lifted").exists()


# -- Sessions -----------------------------------------------------------------------------------


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_privileged_session_ends_after_30_idle_minutes(coordinator):
    client = _signed_in(coordinator)
    assert client.get("/").status_code == 200
    later = timezone.now() + timedelta(minutes=31)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = client.get("/roster/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    follow = client.get(response["Location"])
    assert b"signed out after a while without activity" in follow.content


def test_an_employee_session_lasts_longer_idle(agency):
    employee = p.make_user("emp", agency, Role.EMPLOYEE)
    client = _signed_in(employee)
    later = timezone.now() + timedelta(minutes=31)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert client.get("/").status_code == 200
    much_later = later + timedelta(minutes=121)
    with mock.patch("django.utils.timezone.now", return_value=much_later):
        assert client.get("/").status_code == 302


def test_the_idle_limit_comes_from_settings(coordinator, settings):
    settings.PEERLINE_IDLE_MINUTES_PRIVILEGED = 5
    client = _signed_in(coordinator)
    later = timezone.now() + timedelta(minutes=6)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert client.get("/").status_code == 302


def test_activity_keeps_a_session_until_the_end_of_a_shift(coordinator):
    client = _signed_in(coordinator)
    start = timezone.now()
    for minutes in range(20, 12 * 60, 20):
        with mock.patch(
            "django.utils.timezone.now", return_value=start + timedelta(minutes=minutes)
        ):
            assert client.get("/").status_code == 200, minutes
    end = start + timedelta(hours=12, minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=end):
        assert client.get("/").status_code == 302


def test_a_sensitive_action_asks_for_the_password_again(coordinator, settings):
    client = _signed_in(coordinator)
    later = timezone.now() + timedelta(minutes=settings.PEERLINE_FRESH_SIGNIN_MINUTES + 1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = client.get("/accounts/confirm/?next=/roster/")
        assert response.status_code == 200
        wrong = client.post("/accounts/confirm/", {"password": "nope", "next": "/roster/"})
        assert b"That password is not right" in wrong.content
        right = client.post("/accounts/confirm/", {"password": PASSWORD, "next": "/roster/"})
        assert right.status_code == 302 and right["Location"] == "/roster/"


# -- no-store -----------------------------------------------------------------------------------


def test_every_page_a_signed_in_user_sees_is_no_store(users, chain):
    """The browser's back button after log-out on a shared computer shows nothing again."""
    client = _signed_in(users[Role.COORDINATOR])
    checked = 0
    for route, _view, name in page_endpoints():
        if name in {"logout"}:
            continue
        response = client.get(_url(route, chain))
        cache_control = response.get("Cache-Control", "")
        assert "no-store" in cache_control, (route, response.status_code, cache_control)
        checked += 1
    assert checked > 40


# -- API tokens ---------------------------------------------------------------------------------


def test_a_token_works_until_it_expires(coordinator):
    key = ApiToken.issue(coordinator, days=1)
    assert ApiToken.objects.for_key(key).user == coordinator
    later = timezone.now() + timedelta(days=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert ApiToken.objects.for_key(key) is None


def test_last_used_is_written_at_most_once_a_minute(coordinator, django_assert_num_queries):
    key = ApiToken.issue(coordinator)
    ApiToken.objects.for_key(key)
    with django_assert_num_queries(1):
        ApiToken.objects.for_key(key)
    with (
        mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(minutes=2)),
        django_assert_num_queries(2),
    ):
        ApiToken.objects.for_key(key)


def test_rotating_the_secret_key_keeps_tokens_and_a_legacy_token_is_rehashed(coordinator, settings):
    import hashlib

    key = ApiToken.issue(coordinator)
    settings.SECRET_KEY = "a-brand-new-secret-key-after-rotation"
    assert ApiToken.objects.for_key(key) is not None
    legacy_key = "pl_legacy"
    legacy = ApiToken.objects.create(
        user=coordinator,
        digest=hashlib.sha256(f"{settings.SECRET_KEY}:{legacy_key}".encode()).hexdigest(),
    )
    assert ApiToken.objects.for_key(legacy_key) == legacy
    legacy.refresh_from_db()
    assert legacy.digest == keys.digest(legacy_key)


def test_the_token_key_is_not_the_secret_key(settings):
    keys.token_key.cache_clear()
    try:
        settings.PEERLINE_TOKEN_KEY = "tk"
        assert keys.token_key() == b"tk"
    finally:
        keys.token_key.cache_clear()


def test_two_processes_making_the_token_key_at_once_read_the_same_key(settings, tmp_path):
    """The first start of two processes (two test workers, two server workers): the one that
    makes the key is paused mid-way; the other must not read a key file still being written
    (it read an empty key, kept for its whole life)."""
    import threading

    settings.PEERLINE_TOKEN_KEY, settings.DATA_DIR = "", tmp_path
    making, may_finish, found = threading.Event(), threading.Event(), {}
    real = keys.secrets.token_urlsafe

    def slow(n):
        if not making.is_set():  # the first maker only
            making.set()
            may_finish.wait(10)
        return real(n)

    def start(name):
        found[name] = keys.token_key.__wrapped__()

    with mock.patch.object(keys.secrets, "token_urlsafe", slow):
        first = threading.Thread(target=start, args=["first"])
        first.start()
        assert making.wait(10)
        start("second")
        may_finish.set()
        first.join(10)
    assert found["first"] == found["second"] != b""
    assert [path.name for path in tmp_path.iterdir()] == ["token.key"]


def test_the_tokens_page_creates_once_lists_and_revokes_ones_own(coordinator, agency):
    client = _signed_in(coordinator)
    created = client.post("/accounts/tokens/", {"name": "CAD", "days": 30})
    key = created.context["key"]
    assert key.startswith("pl_") and key.encode() in created.content
    token = ApiToken.objects.get(user=coordinator)
    assert token.name == "CAD" and key.encode() not in client.get("/accounts/tokens/").content
    other = p.make_user("other", agency, Role.COORDINATOR)
    theirs = ApiToken.objects.get(digest=keys.digest(ApiToken.issue(other)))
    assert client.post(f"/accounts/tokens/{theirs.pk}/revoke/").status_code == 404
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    assert list(ApiToken.objects.values_list("user", flat=True)) == [other.pk]
    assert {"token.created", "token.revoked"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_a_password_change_ends_other_sessions_and_revokes_tokens(coordinator):
    key = ApiToken.issue(coordinator)
    give_totp(coordinator, DEMO_TOTP_SECRET)
    elsewhere = _signed_in(coordinator)
    here = Client()
    assert log_in(here, "coord", PASSWORD).status_code == 302
    # A coordinator shows a second factor after the password (peerline/signin).
    assert here.post("/signin/verify/", {"code": totp_code(DEMO_TOTP_SECRET)}).status_code == 302
    new = "another long passphrase 99"
    response = here.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    assert ApiToken.objects.for_key(key) is None


def test_guessed_api_tokens_are_throttled(settings, coordinator, monkeypatch):
    settings.PEERLINE_THROTTLE_PER_MINUTE = 3
    one_minute(monkeypatch)  # the count is per clock minute: one turning mid-test reset it
    client = Client(REMOTE_ADDR="10.1.2.3")
    statuses = [
        client.get("/api/v1/agency", HTTP_AUTHORIZATION=f"Bearer pl_guess{i}").status_code
        for i in range(5)
    ]
    assert statuses == [401, 401, 401, 429, 429]
    key = ApiToken.issue(coordinator)
    other = Client(REMOTE_ADDR="10.1.2.4")
    assert other.get("/api/v1/agency", HTTP_AUTHORIZATION=f"Bearer {key}").status_code != 429


def test_guessed_one_tap_links_are_throttled(settings, monkeypatch):
    settings.PEERLINE_THROTTLE_PER_MINUTE = 2
    one_minute(monkeypatch)  # the count is per clock minute: one turning mid-test reset it
    client = Client(REMOTE_ADDR="10.1.2.5")
    statuses = [client.get(f"/page/not-a-token-{i}/").status_code for i in range(4)]
    assert statuses == [404, 404, 429, 429]


@pytest.mark.parametrize("url", ["/training/report.csv", "/stats/program.csv"])
def test_an_export_asks_for_the_password_again_after_a_while(coordinator, settings, url):
    client = _signed_in(coordinator)
    assert client.get(url).status_code == 200  # just signed in: fresh
    later = timezone.now() + timedelta(minutes=settings.PEERLINE_FRESH_SIGNIN_MINUTES + 1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        asked = client.get(url)
        assert asked.status_code == 302
        assert asked["Location"] == "/accounts/confirm/?next=" + url.replace("/", "%2F")
        client.post("/accounts/confirm/", {"password": PASSWORD, "next": url})
        assert client.get(url).status_code == 200


def test_activating_a_team_member_asks_for_the_password_again(coordinator, settings, chain):
    from datetime import date

    from peerline.team.models import PeerSupporter, Status

    psp = PeerSupporter.objects.create(
        agency=coordinator.memberships.first().agency,
        employee=chain.officer,
        status=Status.CANDIDATE,
        status_since=date(2026, 1, 5),
    )
    client = _signed_in(coordinator)
    later = timezone.now() + timedelta(minutes=settings.PEERLINE_FRESH_SIGNIN_MINUTES + 1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = client.post(
            f"/team/{psp.pk}/",
            {"action": "activate"},
            HTTP_REFERER=f"http://testserver/team/{psp.pk}/",
        )
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/confirm/?next=%2Fteam%2F{psp.pk}%2F"
    psp.refresh_from_db()
    assert psp.status == Status.CANDIDATE


def test_the_sign_in_page_shows_who_is_locked_out(coordinator, client_for):
    client = Client()
    for _ in range(5):
        log_in(client, "coord", "wrong")
    page = client_for(Role.COORDINATOR).get("/accounts/people/")
    html = page.content.decode()
    row = html[html.index('data-user="coord"') :]
    row = row[: row.index("</tr>")]
    assert "Locked out" in row and "Unlock" in row
