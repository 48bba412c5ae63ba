"""The coordinator at 3 a.m. on a phone (issue 17): the home page leads with opening an incident
and the live ones; the board and the accepting PSP's page have numbers to tap (2011 §3.3, §3.9)."""

import pytest
from django.utils import timezone

from peerline.accounts.models import Role
from peerline.agencies.models import Employee
from peerline.incidents import links, services

from .helpers import clinician, incident, psp, staff


@pytest.fixture
def team(agency):
    return [psp(e) for e in staff(agency, 3)]


def test_the_coordinators_home_leads_with_opening_an_incident_and_the_live_ones(
    client_for, agency, chain, team
):
    live = incident(agency, principals=[chain.officer], team_size=1)
    body = client_for(Role.COORDINATOR).get("/").content.decode()
    assert 'id="home-open-incident"' in body and 'href="/incidents/new/"' in body
    assert f'href="/incidents/{live.pk}/"' in body
    # above everything waiting for the coordinator
    assert body.index('id="home-open-incident"') < body.index('id="tasks-heading"')


@pytest.mark.parametrize("role", [Role.PEER_SUPPORTER, Role.EMPLOYEE, Role.COMMAND_STAFF])
def test_no_other_role_is_offered_to_open_an_incident(client_for, role, agency):
    assert 'id="home-open-incident"' not in client_for(role).get("/").content.decode()


def test_the_board_has_a_number_to_tap_for_each_psp_and_the_clinician(
    client_for, agency, chain, team
):
    Employee.objects.filter(pk=team[0].employee_id).update(phone="(312) 555-0199")
    clinician(agency, on_call_at=timezone.now())
    inc = incident(agency, principals=[chain.officer], team_size=1)
    services.activate(incident=inc, by=None, now=timezone.now())
    page = client_for(Role.COORDINATOR).get(f"/incidents/{inc.pk}/board/").content.decode()
    assert '<a class="peerline-board__call" href="tel:3125550199">Call (312) 555-0199' in page


def test_the_accepting_psp_has_the_coordinators_number_to_tap(client, agency, chain, team, users):
    coordinator = users[Role.COORDINATOR]
    Employee.objects.filter(pk=chain.comm_supervisor.pk).update(
        user=coordinator, phone="312-555-0142"
    )
    inc = services.incident_open(
        agency=agency, by=coordinator, type="other", occurred_at=timezone.now(),
        place="East side", area=None, principals=[chain.officer], witnesses=[], units=[],
        team_size=1,
    )  # fmt: skip
    now = timezone.now()
    (deployment,) = services.activate(incident=inc, by=coordinator, now=now)
    token = links.make_token(deployment, now=now)
    before = client.get(f"/page/{token}/").content.decode()
    assert "tel:3125550142" not in before  # only once accepted
    accepted = client.post(f"/page/{token}/", {"answer": "accept"}, follow=True).content.decode()
    assert 'href="tel:3125550142" id="call-coordinator"' in accepted
    assert "outer circles" not in accepted
