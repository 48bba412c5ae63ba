"""Coverage pages and API: content, roles and agencies (2011 §3.2, §3.8.1, §3.8.3, §3.9)."""

import re

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from peerline.accounts.models import Role
from peerline.agencies.clock import local_today
from peerline.agencies.models import Employee, JobFamily
from peerline.team.models import PeerSupporter, Status

from .builders import candidate, psp, staff

PAGES = ["coverage:matrix", "coverage:forecast", "coverage:recruitment"]


@pytest.fixture
def team(chain):
    """Day · Patrol · sworn: 6 employees, the officer an active PSP (target met);
    Day · Communications · civilian: 2 employees, no PSP, the telecommunicator a candidate."""
    psp(chain.officer, Status.ACTIVE)
    return candidate(chain.telecommunicator)


def test_the_api_gives_the_matrix_in_its_exact_shape_2011_3_8_1(client_for, agency, team, chain):
    response = client_for(Role.STEERING_COMMITTEE).get("/api/v1/coverage")
    assert response.status_code == 200
    assert response.json() == {
        "agency": "TEST",
        "as_of": local_today(agency).isoformat(),
        "employees_per_psp": 25,
        "cells": [
            {
                "shift": "DAY",
                "division": "PATROL",
                "category": "sworn",
                "headcount": 6,
                "active_psps": 1,
                "on_leave": 0,
                "required": 1,
                "gap": 0,
                "employees_per_psp": 6.0,
            },
            {
                "shift": "DAY",
                "division": "COMM",
                "category": "civilian",
                "headcount": 2,
                "active_psps": 0,
                "on_leave": 0,
                "required": 1,
                "gap": 1,
                "employees_per_psp": None,
            },
        ],  # fmt: skip
        "totals": {"headcount": 8, "active_psps": 1, "on_leave": 0, "required": 2, "gap": 1},
    }
    assert chain.officer.last_name.encode() not in response.content


def test_the_api_puts_employees_with_no_shift_under_null(client_for, agency, chain):
    chain.chief.shift = None
    chain.chief.save()
    cells = client_for(Role.COORDINATOR).get("/api/v1/coverage").json()["cells"]
    assert [(c["shift"], c["division"], c["headcount"]) for c in cells] == [
        ("DAY", "PATROL", 5), (None, "PATROL", 1), ("DAY", "COMM", 2),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "role", [r for r in Role if r not in {Role.COORDINATOR, Role.STEERING_COMMITTEE}]
)
def test_the_api_refuses_other_roles(client_for, role):
    assert client_for(role).get("/api/v1/coverage").status_code == 403


def test_the_api_answers_for_the_users_own_agency_only(client_for, team, chain):
    response = client_for("outsider").get("/api/v1/coverage")
    body = response.json()
    assert (body["agency"], body["cells"], body["totals"]["headcount"]) == ("OTHER", [], 0)
    assert client_for("norole").get("/api/v1/coverage").status_code == 403
    assert Client().get("/api/v1/coverage").status_code == 401


@pytest.mark.parametrize("role", list(Role))
def test_each_page_is_for_its_roles_only_2011_3_9(client_for, team, role):
    """Counts for the coordinator and the steering committee; names for the coordinator only."""
    client = client_for(role)
    for name in PAGES:
        allowed = role == Role.COORDINATOR or (
            role == Role.STEERING_COMMITTEE and name != "coverage:recruitment"
        )
        assert client.get(reverse(name)).status_code == (200 if allowed else 403), name


def test_another_agencys_coordinator_sees_their_own_agency_only(client_for, team, chain):
    client = client_for("outsider")
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert chain.telecommunicator.last_name.encode() not in response.content
        assert b"Communications" not in response.content


def test_the_heat_map_says_in_words_what_its_colours_show_2011_3_8_1(client_for, agency, team):
    staff(agency, 1, shift="NIGHT", division="INV")
    response = client_for(Role.STEERING_COMMITTEE).get(reverse("coverage:matrix"))
    html = response.content.decode()
    assert "peerline-heat--met" in html and "peerline-heat--none" in html
    assert (
        "Day shift, Patrol: 1 active peer supporter of 1 needed for 6 employees; target met."
        in html
    )
    assert (
        "Day shift, Communications: 0 active peer supporters of 1 needed for 2 employees; 1 short."
        in html
    )
    assert "Day shift, Investigations: no employees" in html
    assert "Night shift, Patrol: no employees" in html
    assert "Telecommunications" in html  # the job family table
    assert reverse("coverage:forecast") in html
    assert reverse("coverage:recruitment") not in html  # not for the steering committee
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_coordinator_gets_a_link_to_the_recruitment_plan(client_for, team):
    html = client_for(Role.COORDINATOR).get(reverse("coverage:matrix")).content.decode()
    assert reverse("coverage:recruitment") in html


def test_the_forecast_page_draws_the_chart_and_gives_its_figures_2011_3_8_3(client_for, team):
    html = client_for(Role.STEERING_COMMITTEE).get(reverse("coverage:forecast")).content.decode()
    assert 'role="img"' in html and '<title id="chart-forecast-title">' in html
    assert "From 1 active peer supporters for 2 needed" in html
    assert html.count("<polyline") == 2
    assert "Day shift · Communications · civilian" in html
    assert "Below today" in html


def test_the_recruitment_page_names_the_candidate_and_the_gap_they_close_2011_3_8_1(
    client_for, team, chain
):
    html = client_for(Role.COORDINATOR).get(reverse("coverage:recruitment")).content.decode()
    assert chain.telecommunicator.full_name in html
    assert "Day shift · Communications · civilian: 0 of 1 needed" in html
    assert "Telecommunications: 0 of 1 needed" in html
    try:
        link = reverse("team:application", args=[team.pk])
    except NoReverseMatch:
        link = None
    if link:
        assert f'href="{link}"' in html
    else:
        assert f">{chain.telecommunicator.full_name}</a>" not in html


def test_the_pages_take_a_fixed_number_of_queries(client_for, team, django_assert_max_num_queries):
    client = client_for(Role.COORDINATOR)
    # Each count includes one query every signed-in page makes: the session's second factor.
    for name, most in [
        ("coverage:matrix", 9),
        ("coverage:forecast", 10),
        ("coverage:recruitment", 10),
    ]:
        with django_assert_max_num_queries(most):
            assert client.get(reverse(name)).status_code == 200


def test_the_recruitment_plan_lists_its_candidates_50_a_page(client_for, agency):
    """Issue 18: 1,500 sworn on Day · Patrol and no PSP need 60 (one per 25); of 70 candidates
    the 60 earliest applications are suggested, 50 on the first page and 10 on the second."""
    day = staff(agency, 1_500, job_family=JobFamily.CORRECTIONS)  # a family of their own
    for i, employee in enumerate(day[:70]):
        candidate(employee, days_ago=100 + i)  # the higher i, the earlier the application
    # The cell may hold the fixture's own people: count it (no PSP is active there).
    cell = Employee.objects.filter(
        agency=agency, shift__code="DAY", division__code="PATROL", category="sworn"
    ).count()
    assert not PeerSupporter.objects.filter(agency=agency, status=Status.ACTIVE).exists()
    needed = max(-(-cell // 25), 1_500 // 25)  # one active PSP per 25, rounded up
    earliest = [e.employee_number for e in reversed(day[:70])][:needed]
    client = client_for(Role.COORDINATOR)
    numbers = re.compile(r'<td data-label="Employee number">(\d+)</td>')
    first = client.get(reverse("coverage:recruitment")).content.decode()
    assert len(numbers.findall(first)) == 50 and 'aria-label="Next page"' in first
    assert "page 1 of 2" in first and needed <= 100
    second = client.get(reverse("coverage:recruitment"), {"page": 2}).content.decode()
    assert 'aria-label="Next page"' not in second
    assert numbers.findall(first) + numbers.findall(second) == earliest
