"""The team's pages: who may open them, whose rows they show, and the coordinator's actions."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from peerline.accounts.models import Role
from peerline.team import services
from peerline.team.models import (
    InterviewScore,
    PanelRole,
    Recommendation,
    Status,
)
from peerline.testing import personas as p

from .helpers import login_for, psp_in, sign, today
from .test_selection import SCORES


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def coord(client_for):
    return client_for(Role.COORDINATOR)


@pytest.fixture
def world(agency, chain, coordinator, sergeant_login):
    """One of everything: a member, an application with a recommendation and a panel seat."""
    member = psp_in(Status.ACTIVE, chain.telecommunicator)
    clinician = p.make_user("clinician", agency, Role.CLINICAL_ADVISOR)
    volunteer = login_for(chain.officer2)
    application = services.volunteer(
        employee=chain.officer2, statement="I want to help.", by=volunteer, now=timezone.now()
    )
    services.check_eligibility(application=application, eligible=True, note="", by=coordinator)
    rec = services.request_recommendation(
        application=application, recommender=sergeant_login, relation="superior", by=coordinator
    )
    services.set_panel(application=application, members=[(clinician, PanelRole.MHP)],
                       scheduled_for=None, location="", by=coordinator)  # fmt: skip
    return {
        "member": member, "application": application, "rec": rec, "clinician": clinician,
        "seat": InterviewScore.objects.get(), "volunteer": volunteer,
    }  # fmt: skip


# Written by hand from DESIGN.md, not read from `policy.GRANTS` (see tests/test_denial_matrix.py):
# selection and status are the coordinator's (2011 §3.9, §4); one's own part is everyone's; the
# interview panel is PSPs, the licensed MHP and the coordinator (§4.1).
COORDINATOR = {Role.COORDINATOR}
EVERYONE = set(Role)
PANEL = {Role.PEER_SUPPORTER, Role.CLINICAL_ADVISOR, Role.COORDINATOR}


def pages(world):
    return {
        "/team/": COORDINATOR,
        f"/team/{world['member'].pk}/": COORDINATOR,
        f"/team/applications/{world['application'].pk}/": COORDINATOR,
        "/team/applications/": COORDINATOR,
        "/team/agreements/": COORDINATOR,
        "/team/volunteer/": EVERYONE,
        "/team/agreement/": EVERYONE,
        "/team/recommendations/": EVERYONE,
        "/team/interviews/": PANEL,
    }


def test_every_team_page_denies_the_roles_it_does_not_grant(world, users, client):
    for url, allowed in pages(world).items():
        assert client.get(url).status_code == 302  # to the log-in page
        for persona in [*Role, "norole"]:
            response = client_of(users[persona]).get(url)
            if persona in allowed:
                assert response.status_code in (200, 302), (url, persona)
            else:
                assert response.status_code == 403, (url, persona)


def test_another_agencys_rows_are_404(world, users, other_agency, chain):
    outsider = client_of(users["outsider"])
    for url in [f"/team/{world['member'].pk}/", f"/team/applications/{world['application'].pk}/"]:
        response = outsider.get(url)
        assert response.status_code == 404
        assert chain.telecommunicator.last_name.encode() not in response.content
    # The outsider's own roster is empty of this agency's team.
    assert chain.telecommunicator.last_name.encode() not in outsider.get("/team/").content


def test_only_the_recommender_and_the_panelist_open_their_own(world, users, sergeant_login):
    rec, seat = f"/team/recommendations/{world['rec'].pk}/", f"/team/interviews/{world['seat'].pk}/"
    assert client_of(sergeant_login).get(rec).status_code == 200
    assert client_of(users[Role.COORDINATOR]).get(rec).status_code == 404
    assert client_of(world["clinician"]).post(rec, {"recommends": "yes"}).status_code == 404
    assert client_of(world["clinician"]).get(seat).status_code == 200
    assert client_of(users[Role.CLINICAL_ADVISOR]).get(seat).status_code == 404
    assert client_of(users[Role.COORDINATOR]).post(seat, SCORES).status_code == 404
    assert InterviewScore.objects.get().submitted_at is None
    assert not Recommendation.objects.filter(answered_at__isnull=False).exists()


def test_the_roster_shows_statuses_reminders_applications_and_supervisors(
    world, coord, chain, agency, django_assert_max_num_queries
):
    leave = psp_in(Status.ON_LEAVE, chain.sergeant)
    leave.leaves.update(expected_return=today(agency) + timedelta(days=3))
    with django_assert_max_num_queries(20):
        html = coord.get("/team/").content.decode()
    assert re.search(r'data-status="active".*?peerline-stat__value">1<', html, re.S)
    assert 'id="due-back"' in html and chain.sergeant.full_name in html
    assert "Waiting for recommendations" in html  # eligibility is recorded first (2011 §4.1)
    assert f"/team/applications/{world['application'].pk}/" in html
    assert "Supervises others" in html and "harassment" in html  # the sergeant, §7.4
    filtered = coord.get("/team/?status=on_leave").content.decode()
    assert chain.sergeant.last_name in filtered and chain.telecommunicator.last_name not in filtered
    # No names in the team's links: only numbers (rows are named by pk).
    for href in re.findall(r'href="(/team/[^"]*)"', html):
        assert re.fullmatch(r"/team/([a-z]+/)*(\d+/)?(\?status=\w+)?", href), href


def test_the_roster_comes_fifty_to_a_page_by_last_name_keeping_the_filter(agency, coord):
    """A large agency's team runs to thousands (issue 18: 2.6 s for 3,400 rows at 50,000)."""
    for number in range(53):
        psp_in(Status.ACTIVE, p.make_employee(agency, f"7{number:03}", last_name=f"Zed{number:03}"))
    first = coord.get("/team/?status=active").content.decode()
    assert first.count("data-member=") == 50
    assert "1–50 of 53, by last name" in first
    assert "Zed000" in first and "Zed052" not in first
    assert 'href="?page=2&amp;status=active"' in first  # the next page keeps the filter
    second = coord.get("/team/?status=active&page=2").content.decode()
    assert second.count("data-member=") == 3 and "Zed052" in second


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_roster_query_count_does_not_grow_with_the_team(agency, world, coord):
    for number in range(3):
        psp_in(Status.ACTIVE, p.make_employee(agency, f"90{number}"))
    before = _queries(coord, "/team/")
    for number in range(6):
        psp = psp_in(Status.ON_LEAVE, p.make_employee(agency, f"80{number}"))
        psp.leaves.update(expected_return=today(agency))
    assert _queries(coord, "/team/") == before


def test_the_coordinators_team_pages_read_the_current_agreement_once_issue_18(agency, chain, coord):
    """The roster (each member's signed mark, the applications' steps and counts, the count yet
    to sign), the applications (the list and its counts) and the agreements (the versions, the
    first of which is in force, and who has not signed it) all hang on the version in force:
    each page reads it once (2011 §6.8). Version 2 is published after the member and the first
    candidate signed version 1, the second candidate signs version 2: 2 yet to sign, and of the
    2 applications the second candidate's alone is at the coordinator's move (ready)."""
    member = psp_in(Status.ACTIVE, chain.officer)
    waiting = psp_in(Status.CANDIDATE, chain.officer2)
    ready = psp_in(Status.CANDIDATE, chain.telecommunicator, signed=False)
    services.publish_agreement(agency=agency, text="Version two.", by=None)
    sign(ready)
    answers = {}
    for url in ("/team/", "/team/applications/", "/team/agreements/"):
        with CaptureQueriesContext(connection) as queries:
            answers[url] = coord.get(url)
        assert answers[url].status_code == 200
        fetched = [q["sql"] for q in queries.captured_queries]
        assert (
            sum(sql.startswith('SELECT "team_confidentialityagreement".') for sql in fetched) == 1
        ), url
    roster = answers["/team/"].context
    assert (roster["unsigned"], roster["applications_total"], roster["applications_yours"]) == (
        2,
        2,
        1,
    )
    signed_current = {psp.pk: psp.signed_current for psp in roster["members"]}
    assert signed_current == {member.pk: False, waiting.pk: False, ready.pk: True}
    applications = answers["/team/applications/"].context
    assert [count for _, _, count in applications["counts"]] == [1, 1]
    agreements = answers["/team/agreements/"].context
    assert agreements["current"].version == 2
    assert {psp.pk for psp in agreements["unsigned"]} == {member.pk, waiting.pk}
