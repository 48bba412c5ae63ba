"""The team's lists stay a page long however large the team (issue 18: at 50,000 employees the
roster listed 2,200 applications, 754 KB; the agreement page every unsigned member; a steering
committee member's recommendations page hundreds of rows). Counts are checked against the
rows each test made, not against the code's own count."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from peerline.accounts.models import Role
from peerline.team import selectors, services
from peerline.team.models import Application, Recommendation, RecommenderRelation, Status
from peerline.testing import personas as p

from .helpers import psp_in, selected_candidate, sign, today

YOURS, OTHERS = 30, 23  # applications at a step of the coordinator's, and waiting on others


@pytest.fixture
def coord(client_for):
    return client_for(Role.COORDINATOR)


@pytest.fixture
def candidates(agency, sergeant_login):
    """53 volunteers, the oldest first by number: the first 30 wait for the eligibility check
    (the coordinator's move), the last 23 for a recommendation asked of the sergeant."""
    made = []
    for number in range(YOURS + OTHERS):
        employee = p.make_employee(agency, f"CA{number:03}", last_name=f"Cand{number:03}")
        # Older by number: Cand000 volunteered first.
        psp = psp_in(Status.CANDIDATE, employee, selected=False, signed=False,
                     days_ago=200 - number)  # fmt: skip
        application = psp.applications.get()
        if number >= YOURS:
            Application.objects.filter(pk=application.pk).update(
                eligibility_checked_at=timezone.now(), eligible=True
            )
            Recommendation.objects.create(application=application, recommender=sergeant_login,
                                          relation=RecommenderRelation.SUPERIOR)  # fmt: skip
        made.append(application)
    return made


def _rows(html, attribute):
    return re.findall(rf'{attribute}="(\d+)"', html)


def test_the_roster_shows_the_oldest_ten_applications_and_the_counts(coord, candidates):
    html = coord.get("/team/").content.decode()
    assert _rows(html, "data-application") == [str(a.pk) for a in candidates[:10]]
    assert f"{YOURS + OTHERS} applications in progress, {YOURS} waiting for your next step" in html
    assert 'href="/team/applications/">All 53 applications in progress' in html


def test_the_applications_come_fifty_to_a_page_oldest_first_2011_4_1(coord, candidates):
    first = coord.get("/team/applications/").content.decode()
    assert _rows(first, "data-application") == [str(a.pk) for a in candidates[:50]]
    assert "1–50 of 53, oldest first" in first and 'href="?page=2"' in first
    assert first.count("Check eligibility") == YOURS
    assert first.count("Waiting for recommendations") == 50 - YOURS
    second = coord.get("/team/applications/?page=2").content.decode()
    assert _rows(second, "data-application") == [str(a.pk) for a in candidates[50:]]
    # Filtered by whose move it is, with the counts of the filter.
    yours = coord.get("/team/applications/?move=yours").content.decode()
    assert _rows(yours, "data-application") == [str(a.pk) for a in candidates[:YOURS]]
    assert yours.count('bg-primary">Your move</span>') == YOURS
    assert re.search(rf'data-move="yours".*?stat__value">{YOURS}<', yours, re.S)
    assert re.search(rf'data-move="others".*?stat__value">{OTHERS}<', yours, re.S)
    others = coord.get("/team/applications/?move=others").content.decode()
    assert _rows(others, "data-application") == [str(a.pk) for a in candidates[YOURS:]]
    assert 'bg-primary">Your move' not in others


def test_the_filter_is_kept_from_page_to_page(coord, agency):
    for number in range(52):
        employee = p.make_employee(agency, f"VO{number:03}", last_name=f"Vol{number:03}")
        psp_in(Status.CANDIDATE, employee, selected=False, signed=False, days_ago=200 - number)
    first = coord.get("/team/applications/?move=yours").content.decode()
    assert len(_rows(first, "data-application")) == 50
    assert 'href="?page=2&amp;move=yours"' in first
    second = coord.get("/team/applications/?move=yours&page=2").content.decode()
    assert len(_rows(second, "data-application")) == 2


def test_home_counts_the_applications_waiting_for_the_coordinator(coord, candidates):
    html = coord.get("/").content.decode()
    assert f"{YOURS} applications waiting for your next step (2011 §4.1)" in html
    assert 'href="/team/applications/"' in html


def test_the_sql_steps_follow_selection_to_activation(agency, chain, coordinator, sergeant_login):
    """The steps after the decision, and an ineligible volunteer (the steps before are
    test_selection's test_open_applications_say_what_comes_next)."""

    def step(psp):
        (found,) = [
            a
            for a in selectors.next_steps(selectors.open_applications(agency))
            if a.peer_supporter_id == psp.pk
        ]
        return found.next_step, found.needs_action

    psp = selected_candidate(chain.officer2, coordinator, sergeant_login)
    assert step(psp) == ("Selected: waiting for the agreement to be signed", False)
    sign(psp)
    assert step(psp) == ("Selected: record the initial training", True)
    services.record_initial_training(peer_supporter=psp, on=today(agency), by=coordinator)
    assert step(psp) == ("Ready to activate", True)
    assert selectors.waiting_for_coordinator(agency) == 1
    refused = psp_in(Status.CANDIDATE, chain.telecommunicator, selected=False, signed=False)
    Application.objects.filter(peer_supporter=refused).update(
        eligibility_checked_at=timezone.now(), eligible=False
    )
    assert step(refused) == ("Not eligible: record the decision", True)
    assert selectors.application_counts(agency) == (2, 2)


def test_the_unsigned_come_fifty_to_a_page_by_last_name_2011_6_8(agency, coord):
    for number in range(53):
        employee = p.make_employee(agency, f"UN{number:03}", last_name=f"Uns{number:03}")
        psp_in(Status.ACTIVE, employee, signed=False)
    first = coord.get("/team/agreements/").content.decode()
    listed = re.search(r'<ul class="usa-list" id="unsigned">(.*?)</ul>', first, re.S).group(1)
    assert listed.count("<li>") == 50 and "Uns000" in listed and "Uns050" not in listed
    assert "1–50 of 53, by last name" in first and 'href="?page=2"' in first
    second = coord.get("/team/agreements/?page=2").content.decode()
    assert "Uns050" in second and "Uns052" in second and "Uns049" not in second
    # Home counts them all, and names none of them.
    home = coord.get("/").content.decode()
    assert "53 members yet to sign the current confidentiality agreement (2011 §6.8)" in home
    assert "Uns0" not in home


def test_recommendations_asked_come_fifty_to_a_page_unanswered_first(
    agency, candidates, sergeant_login, client
):
    """The sergeant was asked 23; 30 more, answered, make 53 (2011 §4.1)."""
    for application in candidates[:YOURS]:
        rec = Recommendation.objects.create(application=application, recommender=sergeant_login,
                                            relation=RecommenderRelation.SUPERIOR)  # fmt: skip
        Recommendation.objects.filter(pk=rec.pk).update(
            answered_at=timezone.now() - timedelta(days=1), recommends="yes"
        )
    client.force_login(sergeant_login)
    first = client.get("/team/recommendations/").content.decode()
    assert first.count('class="usa-collection__item"') == 50
    assert first.count("waiting for your answer") == OTHERS  # every unanswered one is here
    assert "1–50 of 53, unanswered first" in first and 'href="?page=2"' in first
    second = client.get("/team/recommendations/?page=2").content.decode()
    assert second.count('class="usa-collection__item"') == 3
    assert "waiting for your answer" not in second


def test_home_names_the_first_ten_due_back_and_counts_the_rest_2011_4_4(agency, coord):
    for number in range(12):
        employee = p.make_employee(agency, f"LV{number:03}", last_name=f"Leave{number:03}")
        psp = psp_in(Status.ON_LEAVE, employee)
        psp.leaves.update(expected_return=today(agency) + timedelta(days=2))
    html = coord.get("/").content.decode()
    assert "12 peer supporters due back from leave (2011 §4.4)" in html
    details = re.search(r'due back from leave.*?<ul class="peerline-task__details">(.*?)</ul>',
                        html, re.S).group(1)  # fmt: skip
    assert details.count("<li>") == 11 and "<li>and 2 more</li>" in details
