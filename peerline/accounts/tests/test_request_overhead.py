"""The fixed cost of every signed-in request (issue 18), and that cutting it changed no rule.

Every page pays for its session, its user and roles, the second-factor check and the layout's
menu before it does anything of its own. The counts below are written from what each step must
read (the session's row; the user with their roles and agencies; the device a verified session
showed, or whether an unverified one must show one), not read back from the code.
"""

import pytest
from django.template.response import TemplateResponse
from django.test import Client
from django.urls import path
from django.utils import timezone

from peerline.accounts import policy
from peerline.accounts.models import Membership, Role, User, user_with_roles
from peerline.testing import personas as p
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
