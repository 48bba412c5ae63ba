"""Accounts follow the roster (CJIS AC-2): made on import, disabled on separation, and opened
by the person through a single-use, expiring invitation."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from peerline.accounts import services
from peerline.accounts.models import (
    ApiToken,
    Disabled,
    Membership,
    PendingInvitation,
    Role,
    User,
)
from peerline.agencies.models import Employee
from peerline.audit.models import AuditEvent
from peerline.roster.importer import import_personnel
from peerline.testing import personas as p

from .conftest import link_in

HEADER = "employee_number,first_name,last_name,email,category,job_family,division,supervisor_number"
PASSWORD = "a long enough passphrase 42"


def roster(*rows: str) -> list[str]:
    return [HEADER + "\n", *(row + "\n" for row in rows)]


ANA = "5001,Ana,Ruiz,Ana.Ruiz@Agency.example,sworn,patrol,PATROL,"
BEN = "5002,Ben,Cole,ben@agency.example,civilian,records,INV,5001"
NOMAIL = "5003,Cy,Nomail,,sworn,patrol,PATROL,5001"


def test_import_makes_an_inactive_log_in_for_each_employee_with_a_work_email(agency):
    import_personnel(agency=agency, lines=roster(ANA, BEN, NOMAIL))

    ana = Employee.objects.get(employee_number="5001")
    assert ana.user is not None
    assert ana.user.username == "ana.ruiz@agency.example"
    assert not ana.user.is_active and not ana.user.has_usable_password()
    assert set(Membership.objects.filter(agency=agency).values_list("user_id", "role")) == {
        (ana.user_id, "employee"),
        (Employee.objects.get(employee_number="5002").user_id, "employee"),
    }
    assert Employee.objects.get(employee_number="5003").user is None
    # A second import changes nothing.
    import_personnel(agency=agency, lines=roster(ANA, BEN, NOMAIL))
    assert User.objects.count() == 2


def test_import_links_an_existing_account_by_email_ignoring_case(agency):
    existing = p.make_user("aruiz", agency, Role.COORDINATOR)
    existing.email = "ana.ruiz@AGENCY.example"
    existing.save()

    import_personnel(agency=agency, lines=roster(ANA))

    assert Employee.objects.get(employee_number="5001").user_id == existing.pk
    assert User.objects.count() == 1
    existing.refresh_from_db()
    assert existing.is_active  # a working account stays as it was


def test_separation_disables_the_log_in_ends_sessions_revokes_tokens_and_drops_roles(agency):
    import_personnel(agency=agency, lines=roster(ANA, BEN))
    ben = User.objects.get(employee__employee_number="5002")
    ben.set_password(PASSWORD)
    ben.is_active = True
    ben.save()
    Membership.objects.create(user=ben, agency=agency, role=Role.COMMAND_STAFF)
    key = ApiToken.issue(ben, name="reports")
    client = Client()
    client.force_login(ben)
    assert client.get("/").status_code == 200

    import_personnel(agency=agency, lines=roster(ANA))  # Ben left

    ben.refresh_from_db()
    assert not ben.is_active and ben.disabled_reason == Disabled.SEPARATED
    assert client.get("/").status_code == 302  # the session is over
    assert ApiToken.objects.for_key(key) is None
    assert not Client().login(username=ben.username, password=PASSWORD)
    assert list(Membership.objects.filter(user=ben).values_list("role", flat=True)) == ["employee"]
    assert AuditEvent.objects.filter(action="account.disabled", target=f"user:{ben.pk}").exists()
    assert AuditEvent.objects.filter(action="roles.removed").get().detail["roles"] == [
        "command_staff"
    ]
    # A separated employee cannot be invited.
    assert services.invitations_send(users=[ben], agency=agency, by=None) == 0


def test_reinstatement_reopens_the_link_for_a_new_invitation_only(agency, mail_server):
    import_personnel(agency=agency, lines=roster(ANA, BEN))
    import_personnel(agency=agency, lines=roster(ANA))
    import_personnel(agency=agency, lines=roster(ANA, BEN))

    ben = User.objects.get(employee__employee_number="5002")
    assert not ben.is_active and ben.disabled_reason == ""
    assert services.invitations_send(users=[ben], agency=agency, by=None) == 1
    assert services.invitations_deliver(timezone.now()) == 1
    assert mail_server.accepted[0].to == "ben@agency.example"


def test_an_invitation_link_sets_the_password_once_and_opens_the_account(agency, mail_server):
    import_personnel(agency=agency, lines=roster(ANA))
    coordinator = p.make_user("coord", agency, Role.COORDINATOR)
    client = Client()
    client.force_login(coordinator)

    response = client.post("/accounts/people/invite/", {"who": "everyone"})

    assert response.status_code == 302
    assert mail_server.accepted == [], "nothing is sent in the request: the worker sends"
    assert PendingInvitation.objects.filter(user__email="Ana.Ruiz@Agency.example").exists()
    assert services.invitations_deliver(timezone.now()) == 1
    assert not PendingInvitation.objects.exists()
    [message] = mail_server.accepted
    assert message.rcpt_tos == ["Ana.Ruiz@Agency.example"]
    assert "ana.ruiz@agency.example" in message.body  # the user name to log in with
    link = link_in(message.body)
    visitor = Client()
    form = visitor.get(link, follow=True)
    assert b"Set up your Peerline account" in form.content
    done = visitor.post(
        form.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert done.status_code == 302
    ana = User.objects.get(username="ana.ruiz@agency.example")
    assert ana.is_active and ana.check_password(PASSWORD)
    assert Client().login(username="ana.ruiz@agency.example", password=PASSWORD)
    # Used once: the same link no longer works.
    again = Client().get(link, follow=True)
    assert b"This link no longer works" in again.content
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "invitation.sent" in actions and "invitation.accepted" in actions


def test_an_invitation_expires(agency, settings):
    import_personnel(agency=agency, lines=roster(ANA))
    ana = User.objects.get(username="ana.ruiz@agency.example")
    link = services.invitation_link(ana)
    path = link.split("127.0.0.1:8000", 1)[1] if "127.0.0.1:8000" in link else link
    # Eight days later, past the seven an invitation lasts (a fixed clock: no race with the
    # second the link was made in).
    from datetime import datetime, timedelta
    from unittest import mock

    from peerline.accounts.invitations import InvitationTokenGenerator

    later = datetime.now() + timedelta(days=settings.PEERLINE_INVITATION_DAYS + 1)  # noqa: DTZ005
    with mock.patch.object(InvitationTokenGenerator, "_now", return_value=later):
        response = Client().get(path, follow=True)
    assert b"This link no longer works" in response.content


def test_a_division_invitation_goes_only_to_that_division_not_signed_in(
    agency, mail_server, client_for
):
    import_personnel(agency=agency, lines=roster(ANA, BEN))
    inv = agency.divisions.get(code="INV")
    client = client_for(Role.COORDINATOR)
    client.post("/accounts/people/invite/", {"who": "division", "division": inv.pk})
    services.invitations_deliver(timezone.now())
    assert [m.rcpt_tos for m in mail_server.accepted] == [["ben@agency.example"]]


def test_a_clinician_is_invited_with_their_role(agency, mail_server, client_for):
    client = client_for(Role.COORDINATOR)
    client.post(
        "/accounts/people/invite-person/",
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@clinic.example",
            "role": "clinical_advisor",
        },
    )
    ada = User.objects.get(email="ada@clinic.example")
    assert not ada.is_active
    assert Membership.objects.filter(user=ada, role=Role.CLINICAL_ADVISOR, agency=agency).exists()
    services.invitations_deliver(timezone.now())
    assert mail_server.accepted[0].rcpt_tos == ["ada@clinic.example"]


def test_the_people_page_lists_who_signed_in_and_who_did_not(agency, client_for):
    import_personnel(agency=agency, lines=roster(ANA, BEN))
    ben = User.objects.get(employee__employee_number="5002")
    ben.is_active, ben.last_login = True, timezone.now()
    ben.save()
    page = client_for(Role.COORDINATOR).get("/accounts/people/", {"state": "waiting"})
    html = page.content.decode()
    assert "Ruiz, Ana" in html and "Cole, Ben" not in html
    page = client_for(Role.COORDINATOR).get("/accounts/people/", {"state": "signed_in"})
    assert "Cole, Ben" in page.content.decode()


@pytest.mark.parametrize("days_idle,disabled", [(89, False), (91, True)])
def test_accounts_unused_for_90_days_are_disabled_cjis_ac_2_3(agency, days_idle, disabled):
    user = p.make_user("quiet", agency, Role.EMPLOYEE)
    user.last_login = timezone.now() - timedelta(days=days_idle)
    user.save()
    services.inactive_accounts_disable(timezone.now())
    user.refresh_from_db()
    assert user.is_active is not disabled
    assert (user.disabled_reason == Disabled.INACTIVE) is disabled


def test_a_week_before_the_limit_a_notice_is_sent_once(agency, mail_server):
    user = p.make_user("quiet", agency, Role.EMPLOYEE)
    user.email = "quiet@agency.example"
    user.last_login = timezone.now() - timedelta(days=85)
    user.save()
    services.inactive_accounts_disable(timezone.now())
    services.inactive_accounts_disable(timezone.now() + timedelta(hours=6))
    assert [m.rcpt_tos for m in mail_server.accepted] == [["quiet@agency.example"]]
    assert "will be disabled soon" in mail_server.accepted[0].subject
    assert (timezone.now() + timedelta(days=5)).date().isoformat() in mail_server.accepted[0].body


def test_recent_api_token_use_counts_as_activity(agency):
    user = p.make_user("robot", agency, Role.COORDINATOR)
    user.last_login = timezone.now() - timedelta(days=200)
    user.save()
    ApiToken.issue(user)
    ApiToken.objects.update(last_used_at=timezone.now() - timedelta(days=1))
    services.inactive_accounts_disable(timezone.now())
    user.refresh_from_db()
    assert user.is_active


def test_the_inactivity_job_is_scheduled():
    from peerline.core.jobs import JOBS

    assert JOBS["accounts.inactivity"].every <= timedelta(days=1)


def test_an_invitation_waits_for_a_mail_server_that_refuses_and_goes_once_it_answers(
    agency, settings, mail_server
):
    """Issue 11 §1: sent by the worker; a mail failure keeps the invitation for the next run."""
    import_personnel(agency=agency, lines=roster(ANA))
    ana = User.objects.get(username="ana.ruiz@agency.example")
    assert services.invitations_send(users=[ana], agency=agency, by=None) == 1
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there
    assert services.invitations_deliver(timezone.now()) == 0
    assert PendingInvitation.objects.get(user=ana).attempts == 1
    settings.EMAIL_PORT = port
    assert services.invitations_deliver(timezone.now()) == 1
    assert [m.rcpt_tos for m in mail_server.accepted] == [["Ana.Ruiz@Agency.example"]]
    assert services.invitations_deliver(timezone.now()) == 0, "sent once"


def test_someone_separated_before_the_worker_runs_gets_no_invitation(agency, mail_server):
    import_personnel(agency=agency, lines=roster(ANA, BEN))
    ben = User.objects.get(employee__employee_number="5002")
    assert services.invitations_send(users=[ben], agency=agency, by=None) == 1
    import_personnel(agency=agency, lines=roster(ANA))  # Ben separated meanwhile
    assert services.invitations_deliver(timezone.now()) == 0
    assert mail_server.accepted == [] and not PendingInvitation.objects.exists()


def test_the_queue_holds_no_link_2011_6_7(agency):
    """Only the worker makes the link, as it sends; the row names the account and the agency."""
    import_personnel(agency=agency, lines=roster(ANA))
    ana = User.objects.get(username="ana.ruiz@agency.example")
    services.invitations_send(users=[ana], agency=agency, by=None)
    row = PendingInvitation.objects.get()
    texts = [str(getattr(row, f.attname)) for f in PendingInvitation._meta.concrete_fields]
    assert not [t for t in texts if "/accounts/invitation/" in t]
