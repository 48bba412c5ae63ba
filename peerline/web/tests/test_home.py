"""The home page reads the user and every count it shows in one query (issue 18): the answers it
gives are the ones each app's rules give, and its query count is a budget that no size of agency
moves. Expected answers are worked out by hand from the rows each test makes."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from peerline.accounts import policy
from peerline.accounts.models import Membership, Role
from peerline.agencies.clock import local_today
from peerline.core import health
from peerline.incidents.models import CriticalIncident, IncidentArea, IncidentStatus, IncidentType
from peerline.notifications.models import Notification
from peerline.team import services
from peerline.team.models import Status
from peerline.team.tests.helpers import login_for, psp_in, sign
from peerline.testing import personas as p

SIGN = "Sign the confidentiality agreement (2011 §6.8)"


def _tasks(client: Client) -> list[str]:
    response = client.get("/")
    assert response.status_code == 200
    return [task.text for task in response.context["tasks"]]


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_the_agency_at_a_glance_counts_its_current_employees_divisions_and_shifts(
    agency, chain, other_agency, client_for
):
    """The persona agency: 8 employees in the chain of command, 3 divisions, 3 shifts. One
    separated from the agency, and another agency's people and divisions, are not counted."""
    chain.officer2.separated_on = local_today(agency)
    chain.officer2.save(update_fields=["separated_on"])
    for number in ("9001", "9002"):
        p.make_employee(other_agency, number)
    other_agency.divisions.create(code="K9", name="K-9")
    html = client_for(Role.COORDINATOR).get("/").content.decode()
    glance = html[html.index('id="shape-heading"') : html.index("Open the roster")]
    assert (
        '<span class="peerline-stat__value">7</span> <span class="peerline-stat__label">current employees</span>'
        in glance
    )
    assert (
        '<span class="peerline-stat__value">3</span> <span class="peerline-stat__label">divisions</span>'
        in glance
    )
    assert (
        '<span class="peerline-stat__value">3</span> <span class="peerline-stat__label">shifts</span>'
        in glance
    )
    # Roles that do not see the roster see no shape of the agency.
    assert 'id="shape-heading"' not in client_for(Role.PEER_SUPPORTER).get("/").content.decode()


def test_only_a_member_who_may_sign_is_asked_to_sign_the_current_agreement_2011_6_8(agency, chain):
    """Members on the team sign each new version; an employee who never joined, a candidate not
    selected and a volunteer who never served are not asked, and neither is anyone before a
    version is signed by them."""
    member = psp_in(Status.ACTIVE, chain.officer)
    on_leave = psp_in(Status.ON_LEAVE, chain.lieutenant)
    not_selected = psp_in(Status.CANDIDATE, chain.officer2, selected=False, signed=False)
    never_served = psp_in(Status.INACTIVE, chain.sergeant, served=False, signed=False)
    employee = login_for(chain.telecommunicator)  # on no team: no PSP row at all
    people = [member, on_leave, not_selected, never_served]
    assert [_tasks(_client(psp.employee.user)).count(SIGN) for psp in people] == [0, 0, 0, 0]
    services.publish_agreement(agency=agency, text="Version two.", by=None)
    assert [_tasks(_client(psp.employee.user)).count(SIGN) for psp in people] == [1, 1, 0, 0]
    assert SIGN not in _tasks(_client(employee))


def test_a_member_of_another_agencys_team_is_not_asked_to_sign_this_agencys_agreement(
    agency, other_agency
):
    """The PSP row is the other agency's; the log-in also holds a role here (2011 §6.8: each
    agency's agreement binds its own team)."""
    officer = p.make_employee(other_agency, "7777")
    psp_in(Status.ACTIVE, officer, signed=False)
    Membership.objects.create(user=officer.user, agency=agency, role=Role.EMPLOYEE)
    client = _client(officer.user)
    session = client.session
    session[policy.AGENCY_SESSION_KEY] = agency.pk
    session.save()
    response = client.get("/")
    assert response.context["current_agency"] == agency
    assert SIGN not in [task.text for task in response.context["tasks"]]


def test_the_live_incidents_are_listed_with_their_area_and_counted_once_2011_3_3(
    agency, client_for
):
    north = IncidentArea.objects.create(agency=agency, name="North district")
    for place, area in (("Main St", north), ("", None)):
        CriticalIncident.objects.create(
            agency=agency,
            type=IncidentType.OFFICER_INVOLVED_SHOOTING,
            occurred_at=timezone.now() - timedelta(hours=1),
            area=area,
            place=place,
            team_size=4,
        )
    CriticalIncident.objects.create(
        agency=agency,
        type=IncidentType.LINE_OF_DUTY_DEATH,
        occurred_at=timezone.now() - timedelta(days=3),
        place="Closed one",
        team_size=4,
        status=IncidentStatus.CLOSED,
        closed_at=timezone.now(),
    )
    response = client_for(Role.COORDINATOR).get("/")
    html = response.content.decode()
    assert "North district, Main St" in html and "Area not given" in html
    assert html.count("data-live-incident") == 2 and "Closed one" not in html
    assert "2 critical incidents open (2011 §3.3)" in [t.text for t in response.context["tasks"]]


# -- the query budget ----------------------------------------------------------------------------
# Four queries are the session, the user, their second factor and their memberships; the page's
# own are one more for the user with every count, the published manual and (for whoever
# activates the team) the paging banner's two reads, and for the coordinator: the live
# incidents, the current agreement (once, for two counts), the leaves, the training review's six
# (and the names of the first flagged, when some are), the licences and the manual's rates.
BUDGET = {Role.EMPLOYEE: 5, Role.PEER_SUPPORTER: 5, Role.COORDINATOR: 16}


@pytest.mark.parametrize("role", list(BUDGET))
def test_the_home_page_keeps_to_its_query_budget_whatever_the_team_issue_18(
    role, agency, chain, users, django_assert_max_num_queries
):
    """A team of PSPs on leave, candidates and a published manual: each row kind a reminder
    reads, so a query per row would show."""
    from peerline.manual.models import ManualVersion

    ManualVersion.objects.create(agency=agency, number=1, drafted_at=timezone.now(),
                                 published_at=timezone.now())  # fmt: skip
    for n, status in enumerate([Status.ON_LEAVE, Status.ON_LEAVE, Status.CANDIDATE, Status.ACTIVE]):
        employee = p.make_employee(agency, f"60{n:02d}", supervisor=chain.sergeant)
        psp_in(status, employee, days_ago=85, signed=False)
    services.publish_agreement(agency=agency, text="Version two.", by=None)
    client = _client(users[role])
    client.get("/")
    with django_assert_max_num_queries(BUDGET[role]):
        assert client.get("/").status_code == 200


def test_the_manual_to_acknowledge_is_the_latest_published_version_2011_3_5(agency, users):
    """v1 acknowledged, v2 published since, v3 a draft: the employee is asked for v2, once."""
    from peerline.manual.models import Acknowledgement, ManualVersion

    now = timezone.now()
    v1, v2 = (
        ManualVersion.objects.create(agency=agency, number=n, drafted_at=now, published_at=now)
        for n in (1, 2)
    )
    ManualVersion.objects.create(agency=agency, number=3, drafted_at=now)
    client = _client(users[Role.EMPLOYEE])
    Acknowledgement.objects.create(version=v1, user=users[Role.EMPLOYEE], at=now)
    manual = [text for text in _tasks(client) if "procedures manual" in text]
    assert manual == ["Read and acknowledge the procedures manual, version 2 (2011 §3.5)"]
    Acknowledgement.objects.create(version=v2, user=users[Role.EMPLOYEE], at=now)
    assert not [text for text in _tasks(client) if "procedures manual" in text]
    # Another person's acknowledgement is not theirs.
    assert "Read and acknowledge the procedures manual, version 2 (2011 §3.5)" in _tasks(
        _client(users[Role.PEER_SUPPORTER])
    )


def _statements(client: Client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def _fetching(statements: list[str], table: str) -> int:
    """How many statements return `table`'s rows (its columns first): a subquery of a statement
    about something else is not a read of its own."""
    return sum(sql.startswith(f'SELECT "{table}".') for sql in statements)


def test_the_coordinator_home_reads_the_current_agreement_once_for_both_reminders_issue_18(
    agency, chain, users
):
    """Both reminders hang on the version in force (2011 §6.8): one read of it, passed to the
    two counts. Version 2 is published after the member and the first candidate signed version
    1: they are the 2 yet to sign; the second candidate signed version 2 and is trained, so
    theirs is the 1 application at the coordinator's move (the first waits for a signature)."""
    psp_in(Status.ACTIVE, chain.officer)
    psp_in(Status.CANDIDATE, chain.officer2)  # selected, signed version 1
    ready = psp_in(Status.CANDIDATE, chain.telecommunicator, signed=False)
    services.publish_agreement(agency=agency, text="Version two.", by=None)
    sign(ready)
    client = _client(users[Role.COORDINATOR])
    assert _fetching(_statements(client), "team_confidentialityagreement") == 1
    tasks = _tasks(client)
    assert "2 members yet to sign the current confidentiality agreement (2011 §6.8)" in tasks
    assert "1 application waiting for your next step (2011 §4.1)" in tasks


def test_the_paging_banner_costs_no_statement_of_its_own_2011_3_3_issue_18(
    agency, other_agency, users, settings
):
    """The heartbeat and the oldest page waiting are read in the statement that loads the user:
    no statement returns either table's rows. The banner still names a worker last seen 10
    minutes ago (5 allowed) and this agency's oldest page, 25 minutes old (15 allowed), not the
    other agency's 40-minute one."""
    settings.PEERLINE_WORKER_STALE_MINUTES = 5
    settings.PEERLINE_PAGE_STALE_MINUTES = 15
    health.beat(timezone.now() - timedelta(minutes=10))
    for where, minutes in ((agency, 25), (agency, 3), (other_agency, 40)):
        row = Notification.objects.create(
            key=f"test-{minutes}", agency=where, kind="email", target="psp@example.org",
            subject="Peer support needed", body="…", next_attempt_at=timezone.now(),
        )  # fmt: skip
        Notification.objects.filter(pk=row.pk).update(
            created_at=timezone.now() - timedelta(minutes=minutes, seconds=30)
        )
    client = _client(users[Role.COORDINATOR])
    statements = _statements(client)
    assert _fetching(statements, "core_workerheartbeat") == 0
    assert _fetching(statements, "notifications_notification") == 0
    assert client.get("/").context["paging_problems"] == [
        "the worker has not been seen for more than 5 minutes",
        "the oldest unsent page has waited 25 minutes",
    ]
    health.beat(timezone.now())
    Notification.objects.filter(agency=agency).update(status="sent")
    assert client.get("/").context["paging_problems"] == []
