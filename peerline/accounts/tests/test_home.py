from datetime import timedelta

from django.test import Client
from django.utils import timezone

from peerline.accounts.models import Role
from peerline.agencies.clock import local_today
from peerline.clinical.tests.helpers import make_clinician
from peerline.incidents.models import (
    CriticalIncident,
    IncidentStatus,
    IncidentType,
    MutualAidRequest,
)
from peerline.partners.testing import accepted_agreement
from peerline.team import services
from peerline.team.models import PanelRole, RecommenderRelation, Status
from peerline.team.tests.helpers import login_for, psp_in
from peerline.training.tests.helpers import psp, session


def test_it_shows_each_role_its_own_card(client_for):
    response = client_for(Role.COORDINATOR).get("/")
    assert response.status_code == 200
    assert b'data-role="coordinator"' in response.content
    assert b'data-role="command_staff"' not in response.content


def test_it_sends_anonymous_visitors_to_log_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# -- "Waiting for you": reminders from the team (2011 §4.1, §4.4, §6.8) ----------------------


def _tasks(client):
    response = client.get("/")
    assert response.status_code == 200
    return [task.text for task in response.context["tasks"]]


def test_the_coordinator_is_reminded_of_a_leave_due_back_2011_4_4(client_for, chain):
    psp = psp_in(Status.ON_LEAVE, chain.officer)
    leave = psp.leaves.get()
    leave.expected_return = local_today(psp.agency) + timedelta(days=3)
    leave.save()
    client = client_for(Role.COORDINATOR)
    assert any("1 peer supporter due back from leave" in text for text in _tasks(client))
    assert chain.officer.full_name.encode() in client.get("/").content
    # Nobody else is told who is on leave.
    for role in (Role.COMMAND_STAFF, Role.STEERING_COMMITTEE, Role.PEER_SUPPORTER):
        response = client_for(role).get("/")
        assert chain.officer.full_name.encode() not in response.content
        assert not any("leave" in text for text in _tasks(client_for(role)))


def test_a_leave_far_from_its_return_is_no_reminder(client_for, chain):
    psp_in(Status.ON_LEAVE, chain.officer, days_ago=5)  # back in 85 days
    assert not any("leave" in text for text in _tasks(client_for(Role.COORDINATOR)))


def test_a_recommender_and_a_panelist_see_what_is_asked_of_them_2011_4_1(users, client_for, chain):
    coordinator, steering = users[Role.COORDINATOR], users[Role.STEERING_COMMITTEE]
    volunteer = login_for(chain.officer2)
    application = services.volunteer(
        employee=chain.officer2, statement="I want to help.", by=volunteer, now=timezone.now()
    )
    assert _tasks(client_for(Role.STEERING_COMMITTEE)) == []
    services.check_eligibility(application=application, eligible=True, note="", by=coordinator)
    services.request_recommendation(
        application=application,
        recommender=steering,
        relation=RecommenderRelation.PEER,
        by=coordinator,
    )
    assert _tasks(client_for(Role.STEERING_COMMITTEE)) == ["1 recommendation asked of you"]
    clinician = users[Role.CLINICAL_ADVISOR]
    services.set_panel(
        application=application,
        members=[(clinician, PanelRole.MHP)],
        scheduled_for=None,
        location="",
        by=coordinator,
    )
    assert _tasks(client_for(Role.CLINICAL_ADVISOR)) == ["1 interview score sheet to fill in"]


def test_a_member_who_has_not_signed_the_current_agreement_is_asked_to_2011_6_8(chain):
    psp = psp_in(Status.ACTIVE, chain.officer)
    client = Client()
    client.force_login(psp.employee.user)
    assert _tasks(client) == []
    services.publish_agreement(agency=psp.agency, text="Version two.", by=None)
    assert _tasks(client) == ["Sign the confidentiality agreement (2011 §6.8)"]


def test_a_psp_behind_on_training_two_quarters_running_reaches_the_coordinator_2011_4_3(
    agency, client_for
):
    today = local_today(agency)
    # Training records start two years ago; this PSP has attended nothing since.
    session(agency, today - timedelta(days=730), "4", title="First session recorded")
    behind = psp(agency, "5001", active_since=today - timedelta(days=1000))
    texts = _tasks(client_for(Role.COORDINATOR))
    assert any("behind on training" in text for text in texts), texts
    assert behind.employee.full_name.encode() in client_for(Role.COORDINATOR).get("/").content
    for role in (Role.COMMAND_STAFF, Role.STEERING_COMMITTEE, Role.PEER_SUPPORTER):
        assert not any("training" in text for text in _tasks(client_for(role)))


def test_a_clinician_licence_about_to_lapse_is_flagged_to_those_who_manage_clinicians_2011_5_1(
    agency, client_for
):
    make_clinician(agency, "Dr. Ada Park", expires=local_today(agency) + timedelta(days=20))
    for role in (Role.COORDINATOR, Role.CLINICAL_ADVISOR):
        texts = _tasks(client_for(role))
        assert "1 clinician licence expired or expiring within 60 days (2011 §5.1)" in texts
    assert not any("licence" in text for text in _tasks(client_for(Role.PEER_SUPPORTER)))


def test_an_open_incident_and_a_partners_request_for_aid_wait_for_the_coordinator_2011_3_8_2(
    agency, other_agency, client_for
):
    incident = CriticalIncident.objects.create(
        agency=other_agency,
        type=IncidentType.LINE_OF_DUTY_DEATH,
        occurred_at=timezone.now(),
        place="Downtown",
        team_size=6,
        status=IncidentStatus.ACTIVATED,
    )
    assert _tasks(client_for(Role.COORDINATOR)) == []
    accepted_agreement(agency, other_agency)  # we answer their requests (2011 §3.8.2)
    MutualAidRequest.objects.create(
        incident=incident,
        partner=agency,
        psps_requested=2,
        reason="Their own team is too close",
        requested_at=timezone.now(),
    )
    assert _tasks(client_for(Role.COORDINATOR)) == [
        "1 mutual-aid request from a partner agency (2011 §3.8.2)"
    ]
    CriticalIncident.objects.create(
        agency=agency,
        type=IncidentType.OFFICER_INVOLVED_SHOOTING,
        occurred_at=timezone.now(),
        place="North district",
        team_size=4,
    )
    assert "1 critical incident open (2011 §3.3)" in _tasks(client_for(Role.COORDINATOR))
    assert _tasks(client_for(Role.COMMAND_STAFF)) == []
