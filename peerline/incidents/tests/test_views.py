"""The coordinator's pages (2011 §3.3, §3.9): the fast form with a POSTed people search, the
proposal with every exclusion, activation, the live board, follow-ups, closing, mutual aid;
and who may use them."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peerline.accounts.models import Membership, Role
from peerline.incidents import services
from peerline.incidents.models import (
    CriticalIncident,
    DeploymentStatus,
    FollowUpKind,
    IncidentStatus,
    IncidentType,
    MutualAidStatus,
)
from peerline.notifications.models import NotificationStatus
from peerline.partners.testing import accepted_agreement
from peerline.testing import personas as p

from .helpers import clinician, incident, psp, staff

CHICAGO = ZoneInfo("America/Chicago")  # the test agency's time zone


@pytest.fixture
def team(agency, chain):
    clinician(agency, on_call_at=timezone.now())
    return [psp(e) for e in staff(agency, 5)] + [psp(chain.sergeant)]


@pytest.fixture
def coord(client_for):
    return client_for(Role.COORDINATOR)


def form_data(**extra):
    return {
        "type": IncidentType.OFFICER_INVOLVED_SHOOTING,
        # Five minutes ago, then read in Chicago: taken off the wall clock, it could be a time
        # the spring DST change skips (03:02 - 5 min = 02:57, read as 03:57, in the future).
        "occurred_at": (timezone.now() - timedelta(minutes=5))
        .astimezone(CHICAGO)
        .strftime("%Y-%m-%dT%H:%M"),
        "place": "Warehouse district",
        **extra,
    }


def test_the_form_defaults_to_now_in_the_agencys_time_zone(coord, agency):
    zone = ZoneInfo(agency.time_zone)
    before = timezone.now().astimezone(zone)
    response = coord.get(reverse("incidents:new"))
    after = timezone.now().astimezone(zone)
    assert response.status_code == 200
    # The hour may turn while the page is made: either side of the request is the answer.
    hours = {f'value="{before:%Y-%m-%dT%H}', f'value="{after:%Y-%m-%dT%H}'}
    assert any(hour in response.content.decode() for hour in hours)


def test_people_are_found_by_a_posted_search_never_in_the_url(coord, chain):
    url = reverse("incidents:new")
    assert b"Last2001" not in coord.get(url + "?q=Last2001").content  # a GET never searches
    response = coord.post(url, form_data(q="Last2001", action="search"))
    body = response.content.decode()
    assert response.status_code == 200 and "1 match" in body
    assert f'name="add_principal" value="{chain.officer.pk}"' in body


def test_choosing_principals_and_witnesses_then_opening(coord, chain, team):
    url = reverse("incidents:new")
    step = coord.post(url, form_data(q="2001", add_principal=chain.officer.pk))
    assert f'name="principal" value="{chain.officer.pk}"' in step.content.decode()
    step = coord.post(
        url, form_data(principal=chain.officer.pk, q="2002", add_witness=chain.officer2.pk)
    )
    body = step.content.decode()
    assert f'name="witness" value="{chain.officer2.pk}"' in body
    assert "Principals (1)" in body and "Witnesses (1)" in body
    # Removing and re-adding works; then open.
    step = coord.post(
        url,
        form_data(principal=chain.officer.pk, witness=chain.officer2.pk, remove=chain.officer2.pk),
    )
    assert "Witnesses (0)" in step.content.decode()
    opened = coord.post(
        url,
        form_data(
            principal=chain.officer.pk, witness=chain.officer2.pk, action="open",
            units=[chain.officer.division_id],
        ),
    )  # fmt: skip
    inc = CriticalIncident.objects.get()
    assert opened.status_code == 302 and opened["Location"] == reverse(
        "incidents:detail", args=[inc.pk]
    )
    assert (inc.principals_count, inc.witnesses_count, inc.team_size) == (1, 1, 4)
    assert list(inc.units.all()) == [chain.officer.division]
    assert inc.opened_by is not None


def test_a_place_that_names_someone_on_the_roster_is_refused_2011_6_7(coord, chain):
    place = f"outside {chain.officer2.first_name.upper()} {chain.officer2.last_name}'s house"
    response = coord.post(
        reverse("incidents:new"),
        form_data(principal=chain.officer.pk, action="open", place=place),
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Remove the name" in body
    assert not CriticalIncident.objects.exists()


def test_opening_with_a_missing_answer_keeps_the_people(coord, chain):
    response = coord.post(
        reverse("incidents:new"),
        {"principal": chain.officer.pk, "action": "open", "place": "", "occurred_at": "x"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "The incident is not open yet" in body
    assert f'name="principal" value="{chain.officer.pk}"' in body
    assert not CriticalIncident.objects.exists()


def test_the_proposal_lists_every_exclusion_and_activates(coord, agency, chain, team):
    agency.guideline_edition = "2006"  # the OIS rule is 2006 Administration 3
    agency.save()
    inc = incident(agency, type=IncidentType.OFFICER_INVOLVED_SHOOTING, principals=[chain.officer])
    body = coord.get(reverse("incidents:detail", args=[inc.pk])).content.decode()
    assert "Activate: page the team now" in body
    assert "Not proposed: 1" in body and "chain of command (2011 §7.2)" in body
    assert "Administration 3" in body  # OIS: the MHP holds the individual intervention
    response = coord.post(reverse("incidents:activate", args=[inc.pk]))
    assert response.status_code == 302
    inc.refresh_from_db()
    assert inc.status == IncidentStatus.ACTIVATED
    page = coord.get(reverse("incidents:detail", args=[inc.pk])).content.decode()
    assert 'hx-trigger="every 5s"' in page and "Live board" in page
    assert "Paged 4 peer supporters and 1 clinician" in page


def test_the_board_shows_delivery_and_answers(
    coord, agency, chain, team, django_assert_max_num_queries
):
    inc = incident(agency, principals=[chain.officer], team_size=2)
    first, second, _ = services.activate(incident=inc, by=None, now=timezone.now())
    sent_at = datetime(2026, 11, 23, 19, 38, 55, tzinfo=UTC)
    first.notifications.update(status=NotificationStatus.SENT, sent_at=sent_at)
    services.respond(deployment=first, accept=True, now=timezone.now())
    url = reverse("incidents:board", args=[inc.pk])
    with django_assert_max_num_queries(12):
        fragment = coord.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<section id="board"')
    assert f'id="deployment-{first.pk}" data-status="accepted"' in fragment
    assert f'id="deployment-{second.pk}" data-status="paged"' in fragment
    assert (
        "delivered" in fragment
        and '<span class="peerline-stat__value" id="board-accepted">1</span>' in fragment
    )
    # In the agency's time (Chicago), like every other time on the board.
    assert "13:38:55" in fragment and "19:38:55" not in fragment


def test_follow_ups_can_be_done_skipped_and_moved(coord, agency, chain, team):
    inc = incident(agency, type=IncidentType.LINE_OF_DUTY_DEATH, principals=[chain.officer])
    services.activate(incident=inc, by=None, now=timezone.now())
    kinds = set(inc.follow_ups.values_list("kind", flat=True))
    assert kinds == set(FollowUpKind.values)
    assert inc.follow_ups.get(kind=FollowUpKind.GROUP_SESSION).optional  # never mandatory
    url = reverse("incidents:follow-ups", args=[inc.pk])
    assert coord.get(url).status_code == 200
    week = inc.follow_ups.get(kind=FollowUpKind.CHECK_IN_WEEK)
    coord.post(url, {"follow_up": week.pk, "action": "done"})
    defusing = inc.follow_ups.get(kind=FollowUpKind.DEFUSING)
    coord.post(url, {"follow_up": defusing.pk, "action": "skip"})
    month = inc.follow_ups.get(kind=FollowUpKind.CHECK_IN_MONTH)
    coord.post(url, {"follow_up": month.pk, "action": "reschedule", "due_at": "2027-01-05T09:30"})
    week.refresh_from_db(), defusing.refresh_from_db(), month.refresh_from_db()
    assert week.done_at and defusing.skipped
    assert month.due_at == datetime(2027, 1, 5, 9, 30, tzinfo=CHICAGO)


def test_closing_stops_the_polling(coord, agency, chain, team):
    inc = incident(agency, principals=[chain.officer])
    services.activate(incident=inc, by=None, now=timezone.now())
    coord.post(reverse("incidents:close", args=[inc.pk]))
    inc.refresh_from_db()
    assert inc.status == IncidentStatus.CLOSED
    page = coord.get(reverse("incidents:detail", args=[inc.pk])).content.decode()
    assert "hx-trigger" not in page
    assert not inc.deployments.filter(status=DeploymentStatus.PAGED).exists()


def test_the_list_shows_recent_incidents(coord, agency, chain, django_assert_max_num_queries):
    for _ in range(3):
        incident(agency, principals=[chain.officer])
    with django_assert_max_num_queries(10):
        response = coord.get(reverse("incidents:list"))
    assert response.content.decode().count("East side") == 3


def test_team_size_can_change_before_activation(coord, agency, chain, team):
    inc = incident(agency, principals=[chain.officer])
    coord.post(reverse("incidents:team-size", args=[inc.pk]), {"team_size": 5})
    inc.refresh_from_db()
    assert inc.team_size == 5


# -- who may do what ----------------------------------------------------------------------


def page_urls(inc):
    return [
        ("get", reverse("incidents:list")),
        ("get", reverse("incidents:new")),
        ("get", reverse("incidents:detail", args=[inc.pk])),
        ("get", reverse("incidents:board", args=[inc.pk])),
        ("get", reverse("incidents:follow-ups", args=[inc.pk])),
        ("post", reverse("incidents:activate", args=[inc.pk])),
        ("post", reverse("incidents:team-size", args=[inc.pk])),
        ("post", reverse("incidents:close", args=[inc.pk])),
    ]


@pytest.mark.parametrize("role", [r for r in Role if r != Role.COORDINATOR])
def test_every_page_refuses_other_roles(client_for, agency, chain, role):
    inc = incident(agency, principals=[chain.officer])
    c = client_for(role)
    for method, url in page_urls(inc):
        assert getattr(c, method)(url).status_code == 403, url
    assert c.get(reverse("incidents:mutual-aid")).status_code == 403
    inc.refresh_from_db()
    assert inc.status == IncidentStatus.OPEN


def test_another_agencys_incident_is_404(client_for, agency, chain):
    inc = incident(agency, principals=[chain.officer])
    outsider = client_for("outsider")
    for method, url in page_urls(inc)[2:]:
        response = getattr(outsider, method)(url)
        assert response.status_code == 404, url
        assert b"Last2001" not in response.content
    inc.refresh_from_db()
    assert inc.status == IncidentStatus.OPEN


def test_activation_roles_extend_the_pages_but_never_to_command_staff_2011_3_1(
    client_for, users, agency, chain, team
):
    inc = incident(agency, principals=[chain.officer])
    services.activate(incident=inc, by=None, now=timezone.now())
    agency.activation_roles = [Role.CLINICAL_ADVISOR.value, Role.COMMAND_STAFF.value]
    agency.save()
    advisor = client_for(Role.CLINICAL_ADVISOR)
    assert advisor.get(reverse("incidents:detail", args=[inc.pk])).status_code == 200
    # Command staff, and a coordinator who also holds the command staff role, see no names.
    Membership.objects.create(user=users[Role.COORDINATOR], agency=agency, role=Role.COMMAND_STAFF)
    for who in (Role.COMMAND_STAFF, Role.COORDINATOR):
        client = client_for(who)
        for name in ("incidents:detail", "incidents:board", "incidents:follow-ups"):
            response = client.get(reverse(name, args=[inc.pk]))
            assert response.status_code == 403, (who, name)
            assert b"Last2001" not in response.content
        assert client.get(reverse("incidents:list")).status_code == 403


# -- mutual aid -----------------------------------------------------------------------------


@pytest.fixture
def request_to_other(agency, chain, other_agency):
    """Our agency has one eligible PSP for a team of three; the other agency helps."""
    accepted_agreement(other_agency, agency, starts_on=timezone.localdate() - timedelta(days=1))
    psp(staff(agency, 1)[0])
    helpers = [psp(e) for e in staff(other_agency, 3)]
    inc = incident(agency, principals=[chain.officer], team_size=3)
    services.activate(incident=inc, by=None, now=timezone.now())
    return inc, inc.mutual_aid_requests.get(), helpers


def test_the_partner_coordinator_accepts_and_their_psps_are_paged_2011_3_8_2(
    client_for, request_to_other, other_agency
):
    inc, aid, helpers = request_to_other
    partner = client_for("outsider")  # the other agency's coordinator
    page = partner.get(reverse("incidents:mutual-aid")).content.decode()
    assert "Test City Police Department" in page and "2 peer supporters" in page
    assert "Last2001" not in page  # nobody involved is named to the partner
    partner.post(reverse("incidents:mutual-aid-answer", args=[aid.pk]), {"answer": "accept"})
    aid.refresh_from_db()
    assert aid.status == MutualAidStatus.ACCEPTED
    assert inc.deployments.filter(peer_supporter__agency=other_agency).count() == 2


def test_the_requesting_agency_cannot_answer_its_own_request(coord, request_to_other):
    _, aid, _ = request_to_other
    response = coord.post(
        reverse("incidents:mutual-aid-answer", args=[aid.pk]), {"answer": "accept"}
    )
    assert response.status_code == 404
    aid.refresh_from_db()
    assert aid.status == MutualAidStatus.REQUESTED


def test_a_declined_request_pages_nobody(client_for, request_to_other, other_agency):
    inc, aid, _ = request_to_other
    client_for("outsider").post(
        reverse("incidents:mutual-aid-answer", args=[aid.pk]), {"answer": "decline"}
    )
    aid.refresh_from_db()
    assert aid.status == MutualAidStatus.DECLINED
    assert not inc.deployments.filter(peer_supporter__agency=other_agency).exists()
    board = Client()
    board.force_login(p.make_user("c2", inc.agency, Role.COORDINATOR))
    assert "declined" in board.get(reverse("incidents:board", args=[inc.pk])).content.decode()


def test_after_a_validation_error_the_search_still_shows_its_matches_issue_17(coord, agency):
    """ "Clarke" typed, then Open with an answer missing: the three Clarkes are still listed,
    not "0 matches"."""
    for n, first in enumerate(["Ann", "Bo", "Cy"]):
        p.make_employee(agency, f"8{n:04d}", first_name=first, last_name="Clarke")
    response = coord.post(
        reverse("incidents:new"), {"q": "Clarke", "action": "open", "place": "", "occurred_at": "x"}
    )
    body = response.content.decode()
    assert "The incident is not open yet" in body
    assert "3 matches" in body and "0 matches" not in body
    assert body.count("Clarke, ") == 3
