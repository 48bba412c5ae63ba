"""The directory a short page at a time (issue 18): the filters first, then one page of cards,
never the whole team; the page number is posted with the filters, never put in a URL; every
page's HTML stays small however large the team (2011 §3.6: the recipient chooses, from a list
that is split into pages, not ranked)."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from peerline.accounts.models import Role
from peerline.agencies import chain as chain_paths
from peerline.agencies.models import Category, Employee, JobFamily
from peerline.directory.selectors import PAGE_SIZE, DirectoryFilter, directory_page
from peerline.team.models import ExperienceArea, Language, PeerSupporter, Status

from .helpers import LONG_AGO, make_psp

INDEX = "/peers/"
HTMX = {"HTTP_HX_REQUEST": "true"}
TODAY = date(2026, 6, 15)
LARGE_TEAM = 1_500  # the demo agency of 50,000 employees has about 1,450 PSPs (issue 18)
MAX_PAGE_BYTES = 200_000  # issue 18: any page of the directory under 200 KB


def _team(agency, supervisor, n, *, worst_case=False, **fields):
    """`n` active PSPs reporting to `supervisor`, written in bulk. `worst_case` fills every
    field a card shows to its longest: the largest card a page can hold."""
    division = agency.divisions.get(code="PATROL")

    def names(i):
        if not worst_case:
            return {"first_name": f"Peer{i:05d}", "last_name": f"Member{i:05d}"}
        return {
            "first_name": "F" * 95 + f"{i:05d}",
            "last_name": "L" * 95 + f"{i:05d}",
            "rank": "R" * 100,
            "email": "e" * 60 + "@" + "d" * 60 + ".example",
            "phone": "+1 (720) 555-0100 ext 1234567",
        }

    employees = Employee.objects.bulk_create(
        Employee(
            agency=agency,
            employee_number=f"P{i:05d}",
            category=Category.SWORN if i % 2 else Category.CIVILIAN,
            job_family=JobFamily.PATROL,
            division=division,
            supervisor=supervisor,
            **names(i),
            **fields,
        )
        for i in range(n)
    )
    for employee in employees:
        employee.chain_path = chain_paths.path_for(employee.pk, supervisor.chain_path)
    Employee.objects.bulk_update(employees, ["chain_path"])
    card = (
        {
            "languages": list(Language.values),
            "experience_areas": list(ExperienceArea.values),
            "reach_note": "N" * 200,
        }
        if worst_case
        else {}
    )
    return PeerSupporter.objects.bulk_create(
        PeerSupporter(
            agency=agency,
            employee=employee,
            status=Status.ACTIVE,
            status_since=LONG_AGO,
            **card,
        )
        for employee in employees
    )


@pytest.fixture
def officer(users, chain):
    user = users[Role.EMPLOYEE]
    chain.officer.user = user
    chain.officer.save()
    client = Client()
    client.force_login(user)
    return client


def _names(response):
    return [card.name for card in response.context["cards"]]


def test_a_page_holds_a_short_page_of_cards_never_the_whole_team(officer, agency, chain):
    psps = _team(agency, chain.chief, 30)
    response = officer.get(INDEX)
    assert len(response.context["cards"]) == PAGE_SIZE == 24
    body = response.content.decode()
    assert "30 peer supporters; showing 1 to 24, by last name." in body
    assert "Page 1 of 2" in body
    assert psps[0].employee.full_name in body and psps[29].employee.full_name not in body


def test_the_next_page_is_posted_with_the_filters_never_in_the_url(officer, agency, chain):
    _team(agency, chain.chief, 30)
    page = officer.get(INDEX).content.decode()
    button = re.search(r'<button type="submit" form="directory-form"[^>]*name="page"[^>]*>', page)
    assert button and 'value="2"' in button[0]
    assert "?page" not in page and "page=" not in page
    assert '<form method="post" action="/peers/" id="directory-form"' in page
    # The second page, asked with the filters still chosen, by htmx and without JavaScript.
    sworn = {"category": Category.SWORN, "page": "2"}
    for headers in (HTMX, {}):
        response = officer.post(INDEX, sworn, **headers)
        assert response.request["QUERY_STRING"] == ""
        assert response.context["page"].number == 1, "15 sworn PSPs fit on one page"
    second = officer.post(INDEX, {"page": "2"}, **HTMX)
    body = second.content.decode()
    assert second.context["page"].number == 2 and len(second.context["cards"]) == 6
    assert "30 peer supporters; showing 25 to 30, by last name." in body
    assert 'value="1"' in body and "Previous 24" in body and "Next 24" not in body


def test_the_pages_split_the_list_by_name_without_gaps_or_repeats_2011_3_6(agency, chain):
    _team(agency, chain.chief, 60)
    everyone = Employee.objects.filter(peer_supporter__agency=agency)
    expected = sorted(everyone.values_list("last_name", "first_name"))
    seen = []
    for number in (1, 2, 3):
        page = directory_page(viewer=chain.officer, agency=agency, today=TODAY, number=number)
        assert page.count == 60 and page.pages == 3
        seen += [(card.last_name, card.first_name) for card in page.cards]
    assert seen == expected


@pytest.mark.parametrize("asked,shown", [("0", 1), ("junk", 1), ("", 1), ("99", 3), ("-1", 1)])
def test_a_page_number_outside_the_pages_shows_the_nearest_page(agency, chain, asked, shown):
    _team(agency, chain.chief, 50)
    page = directory_page(viewer=chain.officer, agency=agency, today=TODAY, number=asked)
    assert page.number == shown and page.cards


def test_a_page_and_its_count_are_one_query_whatever_the_page(
    agency, chain, django_assert_num_queries
):
    """The surge's most requested page joins every listed PSP to their employee once, not twice
    (issue 18); a page past the last needs the count first, then the last page."""
    _team(agency, chain.chief, 30)
    for number, queries, shown in ((1, 1, 1), (2, 1, 2), (9, 3, 2)):
        with django_assert_num_queries(queries):
            page = directory_page(viewer=chain.officer, agency=agency, today=TODAY, number=number)
        assert (page.number, page.count, len(page.cards)) == (shown, 30, (24, 6)[shown - 1])


def test_language_and_experience_filters_count_across_pages(agency, chain):
    """Filtered in the database, so the count covers every page, not only the one shown."""
    team = _team(agency, chain.chief, 40)
    for psp in team[:30]:
        psp.languages = [Language.SPANISH, Language.ASL]
        psp.experience_areas = [ExperienceArea.GRIEF]
    for psp in team[30:]:
        psp.languages = [Language.ENGLISH]
        psp.experience_areas = [ExperienceArea.SUICIDE_LOSS]
    PeerSupporter.objects.bulk_update(team, ["languages", "experience_areas"])
    cases = [
        (DirectoryFilter(language=Language.SPANISH), 30),
        (DirectoryFilter(language=Language.ASL, experience_area=ExperienceArea.GRIEF), 30),
        (DirectoryFilter(language=Language.ENGLISH), 10),
        (DirectoryFilter(experience_area=ExperienceArea.SUICIDE_LOSS), 10),
        (DirectoryFilter(language=Language.ENGLISH, experience_area=ExperienceArea.GRIEF), 0),
        (DirectoryFilter(language=Language.KOREAN), 0),
    ]
    for filters, count in cases:
        page = directory_page(viewer=chain.officer, agency=agency, today=TODAY, filters=filters)
        assert page.count == count, filters
        assert len(page.cards) == min(count, PAGE_SIZE)


def test_every_page_of_a_large_team_is_under_200_kb_and_costs_the_same_queries(
    officer, agency, chain
):
    """Issue 18: 1,500 PSPs, every card filled to its longest; any page, with or without
    filters, with or without htmx, is under 200 KB (a byte count, not a time)."""
    make_psp(chain.sergeant)  # the officer's own sergeant: never on any page (2011 §7.2)
    _team(agency, chain.chief, LARGE_TEAM, worst_case=True)
    officer.get(INDEX)  # the session and CSRF cookie exist before counting
    pages = -(-LARGE_TEAM // PAGE_SIZE)
    sizes, queries = {}, set()
    for post in ({}, {"page": "2"}, {"page": str(pages)}, {"category": Category.CIVILIAN}):
        for headers in ({}, HTMX):
            with CaptureQueriesContext(connection) as captured:
                response = officer.post(INDEX, post, **headers)
            assert response.status_code == 200
            sizes[(str(post), bool(headers))] = len(response.content)
            queries.add(len(captured))
            assert 0 < len(response.context["cards"]) <= PAGE_SIZE
    assert max(sizes.values()) < MAX_PAGE_BYTES, sizes
    assert len(queries) <= 2, "htmx answers skip the full page's reads, nothing grows"
    # Walking every page finds each PSP once, and never the sergeant.
    seen = []
    for number in range(1, pages + 1):
        page = directory_page(viewer=chain.officer, agency=agency, today=TODAY, number=number)
        seen += [card.pk for card in page.cards]
    assert len(seen) == len(set(seen)) == LARGE_TEAM
    assert PeerSupporter.objects.get(employee=chain.sergeant).pk not in seen


def test_the_pager_is_reachable_by_keyboard_and_labelled(officer, agency, chain):
    _team(agency, chain.chief, 30)
    body = officer.post(INDEX, {"page": "2"}).content.decode()
    assert '<nav class="peerline-directory__pager" aria-label="Pages of peer supporters">' in body
    # Real buttons (focusable, Enter and Space work), and the heading takes focus after a page.
    assert body.count('class="usa-button usa-button--outline peerline-directory__page"') == 1
    assert '<h2 id="results-heading" class="peerline-directory__heading" tabindex="-1">' in body
    assert "peerline/directory.js" in body
