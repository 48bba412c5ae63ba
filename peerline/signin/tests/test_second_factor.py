"""Two factors (issue 11 §3): who must show one, and what they can reach before they do."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from peerline.accounts.models import Membership, Role
from peerline.accounts.tests.test_policy import _url, page_endpoints
from peerline.audit.models import AuditEvent
from peerline.signin.models import SecondFactorRule, SignInPolicy
from peerline.signin.oidc import PROVIDER_MFA_SESSION_KEY
from peerline.signin.selectors import second_factor_required, second_factor_required_many
from peerline.testing import personas as p
from peerline.testing.second_factor import give_totp, totp_code

pytestmark = pytest.mark.unverified
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PRIVILEGED = [
    Role.COORDINATOR,
    Role.CLINICAL_ADVISOR,
    Role.COMMAND_STAFF,
    Role.STEERING_COMMITTEE,
    Role.SYSTEM_ADMIN,
]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)  # Django's own: no second factor shown (the `unverified` mark)
    return client


@pytest.fixture
def privileged(agency, chain):
    """One person holding every role that sees program data."""
    return p.make_user("all-privileged", agency, *PRIVILEGED)


def test_a_privileged_user_without_a_second_factor_reaches_no_program_page(privileged, chain):
    client = logged_in(privileged)
    reached, checked = [], 0
    for route, view, name in page_endpoints():
        if getattr(view, "required_permission", None) is None or getattr(
            view, "second_factor_open", False
        ):
            continue  # open pages (log-in, refusal) and the second-factor pages themselves
        url = _url(route, chain)
        checked += 1
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url)
        if not (response.status_code == 302 and response["Location"].startswith("/signin/enrol/")):
            reached.append((name, url, response.status_code))
    assert reached == []
    assert checked > 50, "the URL conf was walked"
    assert client.get("/api/v1/me").status_code == 403
    assert client.get("/signin/enrol/").status_code == 200


@pytest.mark.parametrize("role", PRIVILEGED)
def test_each_role_that_sees_program_data_is_sent_to_enrol(role, agency):
    user = p.make_user(f"needs-{role.value}", agency, role)
    response = logged_in(user).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/signin/enrol/?next=%2F"


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.PEER_SUPPORTER])
def test_employees_and_peer_supporters_need_none_unless_they_enrolled(role, agency):
    user = p.make_user(f"optional-{role.value}", agency, role)
    assert logged_in(user).get("/").status_code == 200
    give_totp(user, SECRET)
    response = logged_in(user).get("/")
    assert response.status_code == 302 and response["Location"].startswith("/signin/verify/")


def test_an_agency_may_require_a_second_factor_of_everyone(agency):
    user = p.make_user("plain-employee", agency, Role.EMPLOYEE)
    SignInPolicy.objects.create(agency=agency, second_factor=SecondFactorRule.EVERYONE)
    response = logged_in(user).get("/")
    assert response["Location"].startswith("/signin/enrol/")


def test_a_code_from_the_app_verifies_once_and_not_twice(agency):
    user = p.make_user("coord", agency, Role.COORDINATOR)
    give_totp(user, SECRET)
    client = logged_in(user)
    assert client.get("/roster/")["Location"] == "/signin/verify/?next=%2Froster%2F"
    page = client.get("/signin/verify/?next=/roster/")
    assert b"Confirm it is you" in page.content
    wrong = client.post("/signin/verify/", {"code": "000000", "next": "/roster/"})
    assert wrong.status_code == 400 and b"That code does not match" in wrong.content
    TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0)  # no wait in tests
    code = totp_code(SECRET)
    right = client.post("/signin/verify/", {"code": code, "next": "/roster/"})
    assert right.status_code == 302 and right["Location"] == "/roster/"
    assert client.get("/roster/").status_code == 200

    again = logged_in(user)
    replay = again.post("/signin/verify/", {"code": code, "next": "/"})
    assert replay.status_code == 400, "a code already used does not work again"


def test_an_unsafe_next_is_not_followed(agency):
    user = p.make_user("coord", agency, Role.COORDINATOR)
    give_totp(user, SECRET)
    client = logged_in(user)
    response = client.post(
        "/signin/verify/", {"code": totp_code(SECRET), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_enrolling_an_app_gives_recovery_codes_and_is_audited(agency):
    user = p.make_user("coord", agency, Role.COORDINATOR)
    client = logged_in(user)
    page = client.get("/signin/enrol/?next=/roster/")
    assert page.status_code == 200
    assert b'src="data:image/svg+xml' in page.content, "a QR code, inline (CSP allows data:)"
    secret = re.search(rb'id="totp-secret">([A-Z2-7 ]+)<', page.content).group(1).decode()
    key = client.session["peerline_totp_key"]
    assert TOTP(bytes.fromhex(key)).token() == int(totp_code(secret.replace(" ", "")))

    wrong = client.post("/signin/enrol/", {"code": "12345"})
    assert b"That code does not match" in wrong.content
    done = client.post(
        "/signin/enrol/", {"code": totp_code(secret.replace(" ", "")), "next": "/roster/"}
    )
    assert done["Location"] == "/signin/recovery-codes/?next=%2Froster%2F"
    codes_page = client.get(done["Location"])
    codes = re.findall(rb"<li><code>([a-z2-7]+)</code></li>", codes_page.content)
    assert len(codes) == 10
    assert client.get("/signin/recovery-codes/").status_code == 302, "shown once"
    assert client.get("/roster/").status_code == 200
    assert TOTPDevice.objects.get(user=user).confirmed
    kinds = [e.detail["kind"] for e in AuditEvent.objects.filter(action="mfa.enrolled")]
    assert sorted(kinds) == ["recovery codes", "totp"]
    assert AuditEvent.objects.filter(action="mfa.enrolled", actor_id=user.pk).count() == 2


def test_a_recovery_code_works_once(agency):
    user = p.make_user("coord", agency, Role.COORDINATOR)
    give_totp(user, SECRET)
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    device.token_set.create(token="abcd2345ef")
    client = logged_in(user)
    used = client.post("/signin/verify/", {"code": "ABCD 2345EF", "next": "/roster/"})
    assert used["Location"] == "/roster/"
    StaticDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    second = logged_in(user).post("/signin/verify/", {"code": "abcd2345ef"})
    assert second.status_code == 400


def test_the_last_factor_of_a_privileged_role_cannot_be_removed_but_an_extra_one_can(agency):
    user = p.make_user("coord", agency, Role.COORDINATOR)
    first = give_totp(user, SECRET, "Phone")
    second = give_totp(user, SECRET, "Tablet")
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = first.persistent_id
    session.save()
    assert client.get("/signin/devices/").status_code == 200
    client.post(reverse("signin:device-remove", args=["app", second.pk]))
    assert list(TOTPDevice.objects.filter(user=user)) == [first]
    removed = AuditEvent.objects.get(action="mfa.removed")
    assert removed.detail == {"kind": "TOTPDevice"} and removed.actor_id == user.pk
    client.post(reverse("signin:device-remove", args=["app", first.pk]))
    assert TOTPDevice.objects.filter(user=user).exists(), "the role needs one"


def test_another_persons_device_cannot_be_removed(agency, users):
    owner = p.make_user("owner", agency, Role.EMPLOYEE)
    device = give_totp(owner, SECRET)
    client = Client()
    client.force_login(users[Role.EMPLOYEE])
    response = client.post(reverse("signin:device-remove", args=["app", device.pk]))
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_a_second_factor_the_identity_provider_asserted_is_not_asked_again(agency):
    user = p.make_user("coord", agency, Role.COORDINATOR)
    client = logged_in(user)
    session = client.session
    session[PROVIDER_MFA_SESSION_KEY] = True
    session.save()
    assert client.get("/roster/").status_code == 200


def test_the_suites_force_login_shows_a_second_factor(agency, request):
    """What every other test relies on (conftest.py): a verified session."""
    from peerline.testing.second_factor import verified_force_login

    user = p.make_user("coord", agency, Role.COORDINATOR)
    client = Client()
    verified_force_login(client, user)
    assert client.get("/roster/").status_code == 200
    assert Membership.objects.filter(user=user).count() == 1


def test_the_batch_form_names_exactly_those_one_by_one_would(agency, chain, other_agency):
    """`second_factor_required_many` (the demo's hundreds) against `second_factor_required`:
    the roles that see program data, a superuser, everyone of an agency that asks everyone
    (by a role or by the employee record alone), and nobody inactive."""
    SignInPolicy.objects.create(agency=other_agency, second_factor=SecondFactorRule.EVERYONE)
    coordinator = p.make_user("coord", agency, Role.COORDINATOR)
    employee = p.make_user("plain", agency, Role.EMPLOYEE)
    psp = p.make_user("psp", agency, Role.PEER_SUPPORTER)
    admin = p.make_user("root")
    admin.is_superuser = True
    admin.save()
    elsewhere = p.make_user("elsewhere", other_agency, Role.EMPLOYEE)
    on_its_roster = p.make_user("rostered", employee=p.make_employee(other_agency, "9001"))
    gone = p.make_user("gone", agency, Role.COMMAND_STAFF)
    gone.is_active = False
    gone.save()
    everyone = [coordinator, employee, psp, admin, elsewhere, on_its_roster, gone]
    expected = {coordinator.pk, admin.pk, elsewhere.pk, on_its_roster.pk}
    assert {user.pk for user in everyone if second_factor_required(user)} == expected
    assert second_factor_required_many(everyone) == expected
