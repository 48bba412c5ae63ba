"""The sign-in policy page (issue 11 §2, §3): the coordinator or system administrator sets the
agency's policy without Django's admin; every change is in the audit trail with who and what.
Also the provider log-out after single sign-on (RP-Initiated Logout; Chromium: tests/e2e)."""

import time

import pytest
from django.test import Client

from peerline.accounts.models import Role
from peerline.accounts.sessions import CONFIRMED_AT
from peerline.audit.models import AuditEvent
from peerline.signin.models import SecondFactorRule, SignInPolicy
from peerline.signin.oidc import SSO_SESSION_KEY, provider_logout_url

URL = "/signin/policy/"
SSO = {
    "OIDC_RP_CLIENT_ID": "peerline",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://idp.example/auth",
    "PEERLINE_OIDC_END_SESSION_ENDPOINT": "https://idp.example/logout",
}


def post(client, **fields):
    data = {"second_factor": "privileged", "group_roles": "", **fields}
    return client.post(URL, data)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.SYSTEM_ADMIN])
def test_the_coordinator_or_administrator_requires_a_second_factor_of_everyone(
    client_for, agency, role, users
):
    client = client_for(role)
    page = client.get(URL)
    assert page.status_code == 200 and b"Sign-in policy" in page.content
    assert "no-store" in page["Cache-Control"]
    assert post(client, local_passwords="on", second_factor="everyone").status_code == 302
    policy = SignInPolicy.objects.get(agency=agency)
    assert policy.second_factor == SecondFactorRule.EVERYONE and policy.local_passwords is True
    event = AuditEvent.objects.get(action="signin.policy_changed")
    assert event.actor_id == users[role].pk and event.agency_id == agency.pk
    assert event.detail["old"]["second_factor"] == "privileged"
    assert event.detail["new"]["second_factor"] == "everyone"


def test_groups_are_mapped_to_roles_line_by_line(client_for, agency, settings):
    for name, value in SSO.items():
        setattr(settings, name, value)
    client = client_for(Role.COORDINATOR)
    text = "psp-team = peer_supporter\n\n  cmd-staff = command_staff  "
    assert post(client, local_passwords="on", group_roles=text).status_code == 302
    policy = SignInPolicy.objects.get(agency=agency)
    assert policy.group_roles == {"psp-team": "peer_supporter", "cmd-staff": "command_staff"}
    assert "cmd-staff = command_staff" in client.get(URL).content.decode()


@pytest.mark.parametrize(
    "text", ["psp-team peer_supporter", "psp-team = captain", "a = employee\na = coordinator"]
)
def test_a_mapping_that_is_not_group_equals_role_saves_nothing(client_for, agency, text):
    response = post(client_for(Role.COORDINATOR), local_passwords="on", group_roles=text)
    assert response.status_code == 200 and b"Nothing was saved" in response.content
    assert not SignInPolicy.objects.filter(agency=agency).exists()
    assert not AuditEvent.objects.filter(action="signin.policy_changed").exists()


def test_passwords_stay_on_while_single_sign_on_is_not_configured(client_for, agency, settings):
    settings.OIDC_RP_CLIENT_ID = ""
    response = post(client_for(Role.COORDINATOR))  # the checkbox unticked: passwords off
    assert response.status_code == 200 and b"nobody could sign in" in response.content
    assert not SignInPolicy.objects.filter(agency=agency).exists()


def test_saving_the_same_policy_records_nothing(client_for, agency):
    client = client_for(Role.COORDINATOR)
    assert post(client, local_passwords="on").status_code == 302
    assert not AuditEvent.objects.filter(action="signin.policy_changed").exists()


@pytest.mark.parametrize(
    "persona",
    [Role.EMPLOYEE, Role.PEER_SUPPORTER, Role.CLINICAL_ADVISOR, Role.COMMAND_STAFF,
     Role.STEERING_COMMITTEE, "norole"],
)  # fmt: skip
def test_every_other_role_is_refused(client_for, agency, persona):
    client = client_for(persona)
    assert client.get(URL).status_code == 403
    assert post(client, second_factor="everyone").status_code == 403
    assert not SignInPolicy.objects.filter(agency=agency).exists()


def test_another_agencys_coordinator_changes_only_their_own(client_for, agency, other_agency):
    response = post(client_for("outsider"), local_passwords="on", second_factor="everyone")
    assert response.status_code == 302
    assert not SignInPolicy.objects.filter(agency=agency).exists()
    assert SignInPolicy.objects.get(agency=other_agency).second_factor == "everyone"
    assert AuditEvent.objects.get(action="signin.policy_changed").agency_id == other_agency.pk


def test_a_change_asks_for_the_password_again_when_it_was_typed_long_ago(client_for, agency):
    client = client_for(Role.COORDINATOR)
    client.get(URL)
    session = client.session
    session[CONFIRMED_AT] = time.time() - 24 * 3600
    session.save()
    response = post(client, local_passwords="on", second_factor="everyone")
    assert response.status_code == 302 and "/accounts/confirm" in response["Location"]
    assert not SignInPolicy.objects.filter(agency=agency).exists()


# -- log-out at the provider ---------------------------------------------------------------------


def test_after_single_sign_on_log_out_goes_on_to_the_providers_end_session(users, settings):
    for name, value in SSO.items():
        setattr(settings, name, value)
    client = Client()
    client.force_login(users[Role.EMPLOYEE])
    session = client.session
    session[SSO_SESSION_KEY] = True
    session.save()
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("https://idp.example/logout?client_id=peerline&")
    assert "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2Faccounts%2Flogin%2F" in location
    assert "_auth_user_id" not in client.session, "logged out of Peerline first"


def test_a_password_session_logs_out_at_peerline_only(users, settings):
    for name, value in SSO.items():
        setattr(settings, name, value)
    client = Client()
    client.force_login(users[Role.EMPLOYEE])
    response = client.post("/accounts/logout/")
    assert response["Location"] == "/accounts/login/"


def test_without_an_end_session_endpoint_log_out_stays_at_peerline(rf, settings):
    settings.OIDC_RP_CLIENT_ID = "peerline"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://idp.example/auth"
    settings.PEERLINE_OIDC_END_SESSION_ENDPOINT = ""
    request = rf.post("/accounts/logout/")
    request.session = {SSO_SESSION_KEY: True}
    assert provider_logout_url(request) == ""
