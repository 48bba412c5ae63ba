"""Matching single sign-on to the roster, group roles, local passwords and the demo's codes
(issue 11 §2, §3). The browser flow is in tests/e2e/test_single_sign_on.py."""

from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from peerline.accounts.models import Membership, Role
from peerline.agencies.models import Employee
from peerline.audit.models import AuditEvent
from peerline.signin.models import SignInPolicy
from peerline.signin.services import SignInRefused, match_employee, sso_sign_in
from peerline.testing import personas as p
from peerline.testing.second_factor import give_totp, totp_code

PASSWORD = "a long enough test password"


def test_the_employee_number_claim_names_the_employee(chain):
    assert match_employee({"employee_number": "2001"}) == chain.officer


def test_the_e_mail_claim_names_the_employee_when_no_number_is_sent(chain):
    Employee.objects.filter(pk=chain.officer.pk).update(email="a.okafor@test.example")
    assert match_employee({"email": "A.Okafor@TEST.example"}) == chain.officer


@pytest.mark.parametrize(
    "claims,reason",
    [
        ({}, "no_claim"),
        ({"employee_number": "9999"}, "not_on_roster"),
        ({"email": "nobody@test.example"}, "not_on_roster"),
    ],
)
def test_anyone_the_roster_does_not_list_is_refused(chain, claims, reason):
    with pytest.raises(SignInRefused) as refused:
        match_employee(claims)
    assert refused.value.reason == reason


def test_the_same_number_in_two_agencies_is_refused_as_ambiguous(chain, other_agency):
    p.make_employee(other_agency, "2001")
    with pytest.raises(SignInRefused) as refused:
        match_employee({"employee_number": "2001"})
    assert refused.value.reason == "ambiguous"


def test_one_agency_may_be_named_for_the_deployment(chain, other_agency, settings):
    p.make_employee(other_agency, "2001")
    settings.PEERLINE_OIDC_AGENCY = "TEST"
    assert match_employee({"employee_number": "2001"}) == chain.officer


def test_a_separated_employee_is_refused_and_the_refusal_keeps_no_claim(chain, agency):
    p.make_user("okafor", agency, Role.EMPLOYEE, employee=chain.officer)
    Employee.objects.filter(pk=chain.officer.pk).update(separated_on=date(2026, 10, 1))
    with pytest.raises(SignInRefused):
        sso_sign_in(claims={"employee_number": "2001", "email": "a@x.example"})
    event = AuditEvent.objects.get(action="sso.refused")
    assert event.detail == {"reason": "separated"}
    assert event.agency_id == agency.pk and event.target == ""


def test_single_sign_on_never_creates_an_account(chain):
    before = get_user_model().objects.count()
    with pytest.raises(SignInRefused) as refused:
        sso_sign_in(claims={"employee_number": "2001"})
    assert refused.value.reason == "no_account"
    assert get_user_model().objects.count() == before


def test_a_disabled_account_stays_disabled(chain, agency):
    user = p.make_user("okafor", agency, Role.EMPLOYEE, employee=chain.officer)
    get_user_model().objects.filter(pk=user.pk).update(
        is_active=False, last_login="2026-01-01T00:00Z"
    )
    with pytest.raises(SignInRefused) as refused:
        sso_sign_in(claims={"employee_number": "2001"})
    assert refused.value.reason == "disabled"


def test_groups_give_no_role_unless_mapped_and_then_give_and_take_only_mapped_roles(chain, agency):
    user = p.make_user("okafor", agency, Role.PEER_SUPPORTER, employee=chain.officer)
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    claims = {"employee_number": "2001", "groups": ["g-coord", "g-steer"]}
    sso_sign_in(claims=claims)
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    assert roles == {Role.PEER_SUPPORTER, Role.EMPLOYEE}

    SignInPolicy.objects.create(
        agency=agency, group_roles={"g-coord": "coordinator", "g-cmd": "command_staff"}
    )
    sso_sign_in(claims=claims)
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    assert roles == {Role.PEER_SUPPORTER, Role.EMPLOYEE, Role.COORDINATOR}

    sso_sign_in(claims={"employee_number": "2001", "groups": []})
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    assert roles == {Role.PEER_SUPPORTER, Role.EMPLOYEE}, "the PSP role is Peerline's own"
    actions = list(
        AuditEvent.objects.filter(id__gt=before, action__startswith="role.")
        .order_by("id")
        .values_list("action", "detail__role")
    )
    assert actions == [
        ("role.granted", "employee"),
        ("role.granted", "coordinator"),
        ("role.removed", "coordinator"),
    ]


def test_an_agency_without_local_passwords_refuses_them_and_points_to_sso(agency, chain):
    user = p.make_user("okafor", agency, Role.EMPLOYEE, employee=chain.officer)
    user.set_password(PASSWORD)
    user.save()
    assert Client().login(username="okafor", password=PASSWORD)

    SignInPolicy.objects.create(agency=agency, local_passwords=False)
    assert not Client().login(username="okafor", password=PASSWORD)
    page = Client().post("/accounts/login/", {"username": "okafor", "password": PASSWORD})
    assert page.status_code == 200
    assert b"signs in to Peerline only through single sign-on" in page.content
    wrong = Client().post("/accounts/login/", {"username": "okafor", "password": "wrong one!"})
    assert b"single sign-on" not in wrong.content, "only someone who knows the password learns it"


def test_the_log_in_page_offers_single_sign_on_only_when_configured(db, settings):
    assert b"Sign in with" not in Client().get("/accounts/login/").content
    assert Client().get("/signin/sso/start/").status_code == 404
    settings.OIDC_RP_CLIENT_ID = "peerline"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://login.example/authorize"
    settings.PEERLINE_OIDC_PROVIDER_NAME = "Microsoft Entra ID"
    page = Client().get("/accounts/login/?next=/roster/")
    assert b"Sign in with Microsoft Entra ID" in page.content
    start = Client().get("/signin/sso/start/")
    assert start.status_code == 302
    assert start["Location"].startswith("https://login.example/authorize?")
    assert "code_challenge=" in start["Location"], "PKCE"


def test_the_demo_code_command_prints_the_demo_apps_code_for_demo_log_ins_only(db):
    from peerline.signin.demo import DEMO_TOTP_SECRET

    demo = p.make_agency(code="DEMO", name="Demo")
    coordinator = p.make_user("coordinator", demo, Role.COORDINATOR)
    give_totp(coordinator, DEMO_TOTP_SECRET)
    out = StringIO()
    before = totp_code(DEMO_TOTP_SECRET)
    call_command("demo-code", "coordinator", stdout=out)
    assert out.getvalue().strip() in {before, totp_code(DEMO_TOTP_SECRET)}  # a step may pass

    real = p.make_agency(code="REAL", name="Real PD")
    p.make_user("realcoord", real, Role.COORDINATOR)
    with pytest.raises(CommandError, match="only for the demo agency"):
        call_command("demo-code", "realcoord", stdout=StringIO())
    with pytest.raises(CommandError, match="only for the demo agency"):
        call_command("demo-code", "nobody", stdout=StringIO())


def test_seed_demo_gives_the_roles_that_see_program_data_the_published_demo_app(db):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from peerline.signin.demo import DEMO_TOTP_SECRET

    out = StringIO()
    call_command("seed-demo", "--employees", "50", "--seed", "3", stdout=out)
    with_app = set(TOTPDevice.objects.values_list("user__username", flat=True))
    assert with_app == {"coordinator", "clinician", "command", "steering", "admin"}
    assert DEMO_TOTP_SECRET in out.getvalue()
    assert "peerline demo-code USERNAME" in out.getvalue()
