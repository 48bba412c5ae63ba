"""The fixed cost of every signed-in request (issue 18), and that cutting it changed no rule.

Every page pays for its session, its user and roles, the second-factor check and the layout's
menu before it does anything of its own. The counts below are written from what each step must
read (the session's row; the user with their roles and agencies; the device a verified session
showed, or whether an unverified one must show one), not read back from the code.
"""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.template.response import TemplateResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from peerline.accounts import policy
from peerline.accounts.models import Membership, Role, User, user_with_roles
from peerline.accounts.session_store import SessionStore
from peerline.signin.middleware import device_from_persistent_id
from peerline.signin.models import SecondFactorRule, SignInPolicy
from peerline.signin.selectors import has_second_factor, second_factor_required, second_factor_state
from peerline.testing import personas as p
from peerline.testing.second_factor import give_totp, unverified_force_login
from peerline.urls import urlpatterns as product_urls

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@policy.requires(policy.Permission.HOME)
def layout(request):
    """A page that is only the layout: what every page pays before its own work."""
    return TemplateResponse(request, "base.html", {})


urlpatterns = [path("layout-only/", layout), *product_urls]
uses_layout_page = pytest.mark.urls(__name__)


def _nav_links(html: str) -> list[str]:
    """The menu's link targets, in order."""
    nav = html.split('aria-label="Primary navigation"', 1)[1].split("peerline-account", 1)[0]
    return [part.split('"', 1)[0] for part in nav.split('href="')[1:]]


# -- what every page pays -----------------------------------------------------------------------


@uses_layout_page
def test_a_verified_session_pays_three_queries_for_the_layout(agency, django_assert_num_queries):
    """The session's row, the user with their roles and agencies, the device it was verified
    with (django-otp must see it still exists): nothing more for the menu or the policy."""
    user = p.make_user("coord", agency, Role.COORDINATOR, Role.EMPLOYEE)
    client = Client()
    client.force_login(user)  # the suite's: a session that showed its second factor
    client.get("/layout-only/")
    with django_assert_num_queries(3):
        response = client.get("/layout-only/")
    assert response.status_code == 200
    assert "/roster/" in _nav_links(response.content.decode())


@uses_layout_page
@pytest.mark.unverified
def test_an_unverified_session_pays_one_query_for_the_second_factor_check(
    agency, django_assert_num_queries
):
    """An employee with no factor is not asked for one; finding that out is one query (it was
    seven), and a privileged role's redirect to enrol costs the same."""
    employee = p.make_user("emp", agency, Role.EMPLOYEE)
    client = Client()
    unverified_force_login(client, employee)
    client.get("/layout-only/")
    with django_assert_num_queries(3):
        assert client.get("/layout-only/").status_code == 200
    coordinator = p.make_user("coord", agency, Role.COORDINATOR)
    other = Client()
    unverified_force_login(other, coordinator)
    with django_assert_num_queries(3):
        response = other.get("/layout-only/")
    assert response.status_code == 302 and response["Location"].startswith("/signin/enrol/")


# -- the menu -----------------------------------------------------------------------------------


@uses_layout_page
def test_the_menu_differs_by_role_and_follows_a_role_change(agency):
    user = p.make_user("emp", agency, Role.EMPLOYEE)
    coordinator = p.make_user("coord", agency, Role.COORDINATOR)
    client, other = Client(), Client()
    client.force_login(user)
    other.force_login(coordinator)
    employee_menu = _nav_links(client.get("/layout-only/").content.decode())
    coordinator_menu = _nav_links(other.get("/layout-only/").content.decode())
    assert "/roster/" in coordinator_menu and "/roster/" not in employee_menu
    assert "/peers/" in employee_menu
    granted = Membership.objects.create(user=user, agency=agency, role=Role.COORDINATOR)
    assert "/roster/" in _nav_links(client.get("/layout-only/").content.decode())
    granted.delete()
    assert _nav_links(client.get("/layout-only/").content.decode()) == employee_menu


@uses_layout_page
def test_the_menu_follows_the_agencys_own_grants_and_never_gives_command_staff_names(agency):
    """`activation_roles` lets PSPs activate the team in this agency (it decides the menu, so
    it is in the cache's key); command staff never see incident pages whatever they hold."""
    psp = p.make_user("psp", agency, Role.PEER_SUPPORTER)
    command = p.make_user("cmd", agency, Role.COMMAND_STAFF, Role.COORDINATOR)
    client, other = Client(), Client()
    client.force_login(psp)
    other.force_login(command)
    assert "/incidents/" not in _nav_links(client.get("/layout-only/").content.decode())
    agency.activation_roles = [Role.PEER_SUPPORTER.value]
    agency.save()
    assert "/incidents/" in _nav_links(client.get("/layout-only/").content.decode())
    agency.activation_roles = [Role.PEER_SUPPORTER.value, Role.COORDINATOR.value]
    agency.save(update_fields=["activation_roles"])
    command_menu = _nav_links(other.get("/layout-only/").content.decode())
    assert "/roster/" in command_menu and "/incidents/" not in command_menu


@uses_layout_page
def test_the_shared_menu_holds_nothing_of_an_agency_or_a_person(agency, other_agency):
    """Two coordinators of two agencies get one menu object (built once for one permission
    set), and each page still names its own agency and person only: those are added per
    request, outside the cache."""
    users = {
        "alpha-zulu-person": p.make_user("alpha-zulu-person", agency, Role.COORDINATOR),
        "bravo-yankee-person": p.make_user("bravo-yankee-person", other_agency, Role.COORDINATOR),
    }
    pages = {}
    for name, user in users.items():
        client = Client()
        client.force_login(user)
        pages[name] = client.get("/layout-only/")
    first, second = pages["alpha-zulu-person"], pages["bravo-yankee-person"]
    assert first.context["nav_groups"] is second.context["nav_groups"]
    first_html, second_html = first.content.decode(), second.content.decode()
    assert agency.name in first_html and other_agency.name not in first_html
    assert other_agency.name in second_html and agency.name not in second_html
    assert "bravo-yankee-person" not in first_html and "alpha-zulu-person" not in second_html


def test_the_layouts_remembered_links_are_djangos_own(settings):
    """`static_once` and `url_once` render what `{% static %}` and `{% url %}` would, and a
    changed setting is not answered from memory."""
    from django.template import engines

    django_engine = engines["django"]
    ours = django_engine.from_string(
        "{% load layout %}{% static_once 'peerline/peerline.css' %} {% url_once 'logout' %}"
    )
    theirs = django_engine.from_string(
        "{% load static %}{% static 'peerline/peerline.css' %} {% url 'logout' %}"
    )
    assert ours.render({}) == theirs.render({})
    settings.STATIC_URL = "/elsewhere/"
    assert ours.render({}) == theirs.render({})
    assert ours.render({}).startswith("/elsewhere/peerline/peerline.css ")


# -- the session --------------------------------------------------------------------------------


def _session_writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


@uses_layout_page
def test_a_plain_get_does_not_rewrite_the_session_and_idle_time_still_counts(agency):
    """The "last seen" stamp is written at most once a minute, so a page view does not rewrite
    the session row each time; the idle limit counts from the stamp, which is never later than
    the last activity, so a session is never kept past the limit (CJIS AC-11)."""
    coordinator = p.make_user("coord", agency, Role.COORDINATOR)
    client = Client()
    client.force_login(coordinator)
    stamped = timezone.now() + timedelta(seconds=61)
    with mock.patch("django.utils.timezone.now", return_value=stamped):
        client.get("/layout-only/")  # more than a minute after signing in: stamped
    with CaptureQueriesContext(connection) as queries:
        for seconds in (5, 20, 50):
            with mock.patch(
                "django.utils.timezone.now", return_value=stamped + timedelta(seconds=seconds)
            ):
                assert client.get("/layout-only/").status_code == 200
    assert _session_writes(queries) == []
    later = stamped + timedelta(seconds=65)
    with (
        CaptureQueriesContext(connection) as queries,
        mock.patch("django.utils.timezone.now", return_value=later),
    ):
        assert client.get("/layout-only/").status_code == 200
    assert len(_session_writes(queries)) == 1, "the stamp, once the minute is over"
    with mock.patch("django.utils.timezone.now", return_value=later + timedelta(minutes=29)):
        assert client.get("/layout-only/").status_code == 200
    idle = later + timedelta(minutes=29) + timedelta(minutes=30, seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=idle):
        response = client.get("/layout-only/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@uses_layout_page
def test_activity_left_unstamped_never_extends_the_idle_limit(agency):
    """A request within the minute after the stamp is not written; the limit still ends the
    session 30 minutes after that last activity at the latest (stricter, never looser)."""
    coordinator = p.make_user("coord", agency, Role.COORDINATOR)
    client = Client()
    client.force_login(coordinator)  # stamped now
    last = timezone.now() + timedelta(seconds=50)
    with mock.patch("django.utils.timezone.now", return_value=last):
        assert client.get("/layout-only/").status_code == 200
    with mock.patch("django.utils.timezone.now", return_value=last + timedelta(minutes=30)):
        response = client.get("/layout-only/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_session_store_reads_what_djangos_would(agency):
    """The session's row is read by a statement of our own (issue 18): a live row loads, an
    expired or unknown one is no session (and its key is dropped, as Django does)."""
    store = SessionStore()
    store["k"] = "v"
    store.create()
    key = store.session_key
    assert SessionStore(key).load() == {"k": "v"}
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(key)
    assert expired.load() == {} and expired.session_key is None
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {} and unknown.session_key is None


# -- the user, roles and devices, each read by a statement of our own ---------------------------


def test_the_user_is_read_with_their_roles_and_agencies_in_one_query(
    agency, other_agency, django_assert_num_queries
):
    user = p.make_user("both", agency, Role.COORDINATOR, Role.EMPLOYEE)
    Membership.objects.create(user=user, agency=other_agency, role=Role.STEERING_COMMITTEE)
    nobody = p.make_user("nobody")
    with django_assert_num_queries(1):
        found = user_with_roles(user.pk)
        rows = found._peerline_membership_rows
        read = sorted((m.agency.code, m.role, m.user.pk) for m in rows)
        assert [m.agency.code for m in rows] == ["OTHER", "TEST", "TEST"]  # agency code order
    assert read == sorted(
        (m.agency.code, m.role, m.user_id) for m in Membership.objects.select_related("agency")
    )
    stored = User.objects.get(pk=user.pk)
    assert (found.username, found.date_joined, found.password) == (
        stored.username, stored.date_joined, stored.password,
    )  # fmt: skip
    assert timezone.is_aware(found.date_joined) and timezone.is_aware(rows[0].created_at)
    assert user_with_roles(nobody.pk)._peerline_membership_rows == []
    assert user_with_roles(10**9) is None


@pytest.mark.parametrize(
    "backend",
    ["peerline.signin.backends.PasswordBackend", "peerline.signin.oidc.RosterOIDCBackend"],
)
def test_a_disabled_account_loses_its_session_at_the_next_request(agency, backend):
    """Both backends a session may name read the user with their roles, and neither keeps a
    disabled account signed in (single sign-on's own `get_user` did not check)."""
    user = p.make_user("emp", agency, Role.EMPLOYEE)
    client = Client()
    client.force_login(user, backend=backend)
    assert client.get("/resources/").status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client.get("/resources/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_verified_device_is_read_as_django_otp_would(agency):
    user = p.make_user("coord", agency, Role.COORDINATOR)
    app = give_totp(user, SECRET)
    codes = StaticDevice.objects.create(user=user, name="codes", confirmed=False)
    for persistent_id in (app.persistent_id, codes.persistent_id):
        found, expected = (
            device_from_persistent_id(persistent_id),
            Device.from_persistent_id(persistent_id),
        )
        assert (type(found), found.pk, found.user_id, found.confirmed) == (
            type(expected), expected.pk, expected.user_id, expected.confirmed,
        )  # fmt: skip
    for nothing in ("otp_totp.totpdevice/999999", "otp_totp.totpdevice/x", "nowhere.model/1", "x"):
        assert device_from_persistent_id(nothing) is None
        assert Device.from_persistent_id(nothing) is None
    # A model that is no device: None here (django-otp's own raises AttributeError).
    assert device_from_persistent_id(f"accounts.user/{user.pk}") is None


def test_a_deleted_device_unverifies_the_session(agency):
    user = p.make_user("coord", agency, Role.COORDINATOR)
    client = Client()
    client.force_login(user)  # the suite's: verified with a device of its own
    assert client.get("/roster/").status_code == 200
    TOTPDevice.objects.filter(user=user).delete()
    assert client.get("/roster/")["Location"].startswith("/signin/enrol/")


def _cases(agency, other_agency):
    """(user, roles anywhere, agency ids from roles) for every rule of the second factor."""
    from peerline.agencies.models import Employee

    made = []

    def person(name, *roles, where=agency, roster=None, superuser=False, active=True):
        user = p.make_user(name, where if roles else None, *roles)
        User.objects.filter(pk=user.pk).update(is_superuser=superuser, is_active=active)
        user.refresh_from_db()
        if roster is not None:
            employee = Employee.objects.filter(agency=roster, user__isnull=True).first()
            if employee is None:
                chain = p.make_chain(roster)
                employee = chain.officer
            employee.user = user
            employee.save(update_fields=["user"])
        made.append(user)
        return user

    person("plain", Role.EMPLOYEE)
    person("psp", Role.PEER_SUPPORTER)
    for role in (Role.COORDINATOR, Role.CLINICAL_ADVISOR, Role.COMMAND_STAFF,
                 Role.STEERING_COMMITTEE, Role.SYSTEM_ADMIN):  # fmt: skip
        person(f"priv-{role.value}", role)
    person("no-role")
    person("super", superuser=True)
    person("gone", Role.COORDINATOR, active=False)
    person("other-agency", Role.EMPLOYEE, where=other_agency)
    person("roster-only", roster=other_agency)  # no role: their roster row's agency
    person("roster-and-role", Role.EMPLOYEE, roster=other_agency)
    give_totp(person("with-app", Role.EMPLOYEE), SECRET)
    StaticDevice.objects.create(user=person("with-codes", Role.EMPLOYEE), name="c", confirmed=True)
    TOTPDevice.objects.create(user=person("unconfirmed", Role.EMPLOYEE), name="a", confirmed=False)
    WebAuthnCredential.objects.create(
        user=person("with-passkey", Role.EMPLOYEE), name="k", confirmed=True,
        credential_id=b"id", credential_id_sha256="0" * 64, public_key=b"pk", sign_count=0,
    )  # fmt: skip
    return made


def _same_answers(users):
    for user in users:
        memberships = list(Membership.objects.filter(user=user))
        state = second_factor_state(
            user,
            roles={Role(m.role) for m in memberships},
            agency_ids={m.agency_id for m in memberships},
        )
        assert state == (second_factor_required(user), has_second_factor(user)), user.username


def test_the_second_factor_check_answers_as_the_rules_do(agency, other_agency):
    """One query instead of seven, and the same answer for every rule: a privileged role, a
    superuser, an agency asking everyone (through a role there or the roster row), a confirmed
    device of any kind (not an unconfirmed one), an inactive account."""
    users = _cases(agency, other_agency)
    _same_answers(users)
    SignInPolicy.objects.create(agency=other_agency, second_factor=SecondFactorRule.EVERYONE)
    _same_answers(users)
    by_name = {user.username: user for user in users}
    for name, required in [("other-agency", True), ("roster-only", True), ("plain", False)]:
        user = by_name[name]
        memberships = list(Membership.objects.filter(user=user))
        state = second_factor_state(
            user,
            roles={Role(m.role) for m in memberships},
            agency_ids={m.agency_id for m in memberships},
        )
        assert state.required is required, name
