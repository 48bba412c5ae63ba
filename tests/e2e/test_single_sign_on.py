"""Single sign-on in Chromium against a real OpenID Connect provider process (issue 11 §2).

The provider is npm's certified `oidc-provider`, started by `tests/oidc/fixtures.py`; each test
says who can sign in there. Peerline matches them to the roster and never creates anyone.
"""

import copy
import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from peerline.accounts.models import Membership, Role
from peerline.agencies.models import Employee
from peerline.audit.models import AuditEvent
from peerline.signin.models import SignInPolicy
from peerline.testing import personas as p
from tests.oidc.fixtures import OIDCProvider, oidc_provider  # noqa: F401 (a fixture)

from .conftest import assert_accessible_basics

pytestmark = pytest.mark.e2e


@pytest.fixture
def sso(oidc_provider: OIDCProvider, settings) -> OIDCProvider:  # noqa: F811
    for name, value in oidc_provider.settings().items():
        setattr(settings, name, value)
    # As settings.py does when the end-session endpoint is set: the log-out form's redirect to
    # the provider is allowed by CSP form-action.
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = ["'self'", oidc_provider.issuer]
    settings.CONTENT_SECURITY_POLICY = policy
    return oidc_provider


@pytest.fixture
def imported(people):
    """Kevin Nguyen, officer 2002, as the roster import leaves him: an account waiting,
    inactive, for its first sign-in."""
    employee = people["chain"].officer2
    Employee.objects.filter(pk=employee.pk).update(email="kevin.nguyen@test-city.example")
    user = p.make_user("knguyen", people["agency"], employee=employee)
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


def sign_in_at_provider(page: Page, live_server, login: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Sign in with Test identity provider").click()
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_label("Login name").fill(login)
    page.get_by_role("button", name="Sign in").click()


def test_an_imported_employee_signs_in_through_the_provider_and_lands_on_home(
    page: Page, live_server, sso, imported, console_errors
):
    sso.set_accounts({"kn": {"employee_number": "2002", "email": "someone@else.example"}})
    sign_in_at_provider(page, live_server, "kn")

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Kevin")
    imported.refresh_from_db()
    assert imported.is_active, "the first sign-in activates the account the import made"
    assert set(Membership.objects.filter(user=imported).values_list("role", flat=True)) == {
        Role.EMPLOYEE
    }
    assert console_errors == []


def test_logging_out_ends_the_providers_session_too(page: Page, live_server, sso, imported):
    """RP-Initiated Logout: after log-out the next person at this computer meets the provider's
    sign-in form, not the last person's live session (issue 11 §2, §5)."""
    sso.set_accounts({"kn": {"employee_number": "2002"}})
    sign_in_at_provider(page, live_server, "kn")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Kevin")

    page.get_by_role("button", name="Log out").click()
    # oidc-provider asks to confirm the sign-out; then it sends the browser back to Peerline.
    expect(page).to_have_url(re.compile(re.escape(sso.issuer) + r"/session/end"))
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")

    page.get_by_role("link", name="Sign in with Test identity provider").click()
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    expect(page.get_by_label("Login name")).to_be_visible()


def test_a_session_not_from_the_provider_logs_out_at_peerline_only(
    page: Page, live_server, sso, people, log_in_as
):
    """Not signed in through the provider: log-out stays at Peerline."""
    log_in_as(page.context, people["users"]["peer_supporter"])
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/")
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")


def test_the_e_mail_claim_matches_when_no_employee_number_is_sent(
    page: Page, live_server, sso, imported
):
    sso.set_accounts({"kn": {"email": "Kevin.Nguyen@test-city.example"}})
    sign_in_at_provider(page, live_server, "kn")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Kevin")


def test_someone_not_on_the_roster_is_refused_and_no_account_is_made(
    page: Page, live_server, sso, people, console_errors
):
    sso.set_accounts({"stranger": {"employee_number": "9999", "email": "who@else.example"}})
    users_before = get_user_model().objects.count()

    sign_in_at_provider(page, live_server, "stranger")

    expect(page).to_have_url(f"{live_server.url}/signin/refused/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Peerline cannot sign you in")
    expect(page.get_by_role("alert")).to_have_text(
        "You are not on your agency's roster in Peerline."
    )
    assert_accessible_basics(page, nav=False)
    assert get_user_model().objects.count() == users_before
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    refusal = AuditEvent.objects.get(action="sso.refused")
    assert refusal.detail == {"reason": "not_on_roster"}
    assert "9999" not in str(refusal.detail) and "who@else" not in refusal.target
    # The refusal answers 403, which Chromium reports; nothing else went wrong.
    assert [error for error in console_errors if "/signin/refused/" not in error] == []


def test_a_separated_employee_is_refused(page: Page, live_server, sso, imported):
    Employee.objects.filter(user=imported).update(separated_on=date(2026, 11, 30))
    sso.set_accounts({"kn": {"employee_number": "2002"}})

    sign_in_at_provider(page, live_server, "kn")

    expect(page.get_by_role("alert")).to_have_text(
        "The roster lists you as no longer with the agency."
    )
    imported.refresh_from_db()
    assert not imported.is_active
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_a_second_factor_the_provider_asserted_in_amr_is_not_asked_again(
    page: Page, live_server, sso, people
):
    # Linda Harper, coordinator: her role needs a second factor, and she has an app.
    sso.set_accounts({"lh": {"employee_number": "3000", "amr": ["pwd", "mfa"]}})
    sign_in_at_provider(page, live_server, "lh")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator('[data-role="coordinator"]')).to_be_visible()
    page.goto(f"{live_server.url}/roster/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/signin/" not in page.url


def test_without_mfa_in_amr_the_coordinator_shows_her_own_second_factor(
    page: Page, live_server, sso, people
):
    sso.set_accounts({"lh": {"employee_number": "3000", "amr": ["pwd"]}})
    sign_in_at_provider(page, live_server, "lh")
    expect(page).to_have_url(re.compile(r"/signin/verify/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")


def test_groups_grant_roles_only_where_the_agency_maps_them(
    page: Page, live_server, sso, imported, browser
):
    sso.set_accounts({"kn": {"employee_number": "2002", "groups": ["pl-coordinators"]}})

    # No mapping: the provider's groups give nothing.
    sign_in_at_provider(page, live_server, "kn")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Kevin")
    assert not Membership.objects.filter(user=imported, role=Role.COORDINATOR).exists()

    # The agency hands the coordinator role to that group: the next sign-in grants it, and the
    # role's second factor is asked for at once.
    SignInPolicy.objects.create(
        agency=imported.employee.agency, group_roles={"pl-coordinators": Role.COORDINATOR.value}
    )
    other = browser.new_context()
    second = other.new_page()
    sign_in_at_provider(second, live_server, "kn")
    expect(second).to_have_url(re.compile(r"/signin/enrol/\?next="))
    assert Membership.objects.filter(user=imported, role=Role.COORDINATOR).exists()
    # Recorded once, by the audit trail, naming the account.
    granted = AuditEvent.objects.get(
        action="role.granted", detail__role="coordinator", target=f"user:{imported.pk}"
    )
    assert granted.actor_id is None or granted.actor_id == imported.pk

    # Taken out of the group at the provider: the role goes with it.
    sso.set_accounts({"kn": {"employee_number": "2002", "groups": []}})
    third = browser.new_context().new_page()
    sign_in_at_provider(third, live_server, "kn")
    expect(third.get_by_role("heading", level=1)).to_have_text("Welcome, Kevin")
    assert not Membership.objects.filter(user=imported, role=Role.COORDINATOR).exists()
    other.close()
    third.context.close()
