"""What the find-a-peer page reads (issue 18: the most requested page of a surge): the same
statements whatever the size of the team, none of them twice; the filters' lists read once
and used for the page's query and its cards; each card's HTML kept, never shown stale."""

import re
from collections import Counter
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from peerline.accounts.models import Role
from peerline.agencies.models import Category
from peerline.directory.selectors import (
    DirectoryFilter,
    directory_page,
    filter_lists,
)
from peerline.team.models import Language, PeerSupporter
from peerline.testing import personas as p

from .helpers import make_psp, share_directory

INDEX = "/peers/"
HTMX = {"HTTP_HX_REQUEST": "true"}
TODAY = date(2026, 6, 15)


@pytest.fixture
def officer(users, chain):
    user = users[Role.EMPLOYEE]
    chain.officer.user = user
    chain.officer.save()
    client = Client()
    client.force_login(user)
    client.get(INDEX)  # the session and CSRF cookie exist before counting
    return client


def _team(agency, n, prefix):
    for i in range(n):
        make_psp(p.make_employee(agency, f"{prefix}{i:03d}"), languages=[Language.SPANISH])


def _read(client, method, data=None, headers=None):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(INDEX, data or {}, **(headers or {}))
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


ASKS = {
    "get": ("get", None, None),
    "post": ("post", {"category": Category.SWORN, "language": Language.SPANISH}, None),
    "htmx": ("post", {"category": Category.SWORN}, HTMX),
}


def test_the_page_reads_the_same_statements_for_3_or_40_peers(officer, agency, other_agency):
    share_directory(other_agency, agency)
    make_psp(p.make_employee(other_agency, "9000", division=other_agency.divisions.first()))
    _team(agency, 3, "S")
    small = {name: len(_read(officer, *ask)) for name, ask in ASKS.items()}
    _team(agency, 37, "L")
    assert {name: len(_read(officer, *ask)) for name, ask in ASKS.items()} == small
    # htmx answers the results alone: without the limits of confidentiality.
    assert small["htmx"] == small["post"] - 1


def _tables(statements):
    """How many statements read each table (in a FROM, a JOIN or a union's part)."""
    found: Counter[str] = Counter()
    for sql in statements:
        for table in set(re.findall(r'(?:FROM|JOIN) "(\w+)"', sql)):
            found[table] += 1
    return found


def test_the_page_reads_each_thing_once(officer, agency, other_agency, chain):
    """The lists (the partners, then the agencies, divisions and shifts in one statement), the
    viewer, one page of cards with their count, and the limits of confidentiality: once each."""
    share_directory(other_agency, agency)
    make_psp(chain.telecommunicator)
    for name, ask in ASKS.items():
        statements = _read(officer, *ask)
        assert len(statements) == len(set(statements)), f"{name}: a statement read twice"
        tables = _tables(statements)
        assert tables["partners_partneragreement"] == 1, name
        assert tables["agencies_division"] == tables["agencies_shift"] == 1, name
        assert tables["team_peersupporter"] == 1, name
        assert tables["agencies_employee"] == 2, name  # the viewer, and the page's join
        limits = 0 if name == "htmx" else 1
        assert tables["governance_confidentialityexception"] == limits, name


def test_the_page_with_the_lists_shows_the_cards_it_shows_without(agency, other_agency, chain):
    """Names looked up in the lists, not joined: the same cards, partners' included."""
    share_directory(other_agency, agency)
    make_psp(chain.telecommunicator, languages=[Language.SPANISH])
    make_psp(chain.officer2)
    make_psp(p.make_employee(other_agency, "9000", division=other_agency.divisions.last()))
    lists = filter_lists(agency, today=TODAY)
    for filters in (
        DirectoryFilter(),
        DirectoryFilter(category=Category.CIVILIAN),
        DirectoryFilter(agency_id=other_agency.pk),
        DirectoryFilter(language=Language.SPANISH),
    ):
        kwargs = {"viewer": chain.officer, "agency": agency, "today": TODAY, "filters": filters}
        joined = directory_page(**kwargs)
        assert joined.cards, filters
        assert directory_page(**kwargs, lists=lists) == joined
    with pytest.raises(ValueError, match="another agency"):
        directory_page(
            viewer=None, agency=agency, today=TODAY, lists=filter_lists(other_agency, today=TODAY)
        )


def test_a_division_outside_the_lists_still_shows_its_name(agency, other_agency, chain):
    """The roster does not forbid an employee filed under another agency's division: the card
    reads that name (one more statement), rather than show nothing or fail."""
    elsewhere = other_agency.divisions.get(code="INV")
    elsewhere.name = "Marine Unit"
    elsewhere.save()
    make_psp(p.make_employee(agency, "8000", division=elsewhere))
    lists = filter_lists(agency, today=TODAY)
    assert elsewhere.pk not in {d.pk for d in lists.divisions}
    with CaptureQueriesContext(connection) as queries:
        page = directory_page(viewer=chain.officer, agency=agency, today=TODAY, lists=lists)
    assert [card.division for card in page.cards] == [elsewhere.name]
    assert len(queries) == 2


def test_a_changed_card_shows_at_once(officer, chain):
    """Each card's HTML is kept per process, keyed by everything it shows: a change is seen on
    the next page, and two PSPs never share a card."""
    dispatcher = make_psp(chain.telecommunicator, reach_note="Text first")
    make_psp(chain.officer2, reach_note="Text first")
    body = officer.get(INDEX).content.decode()
    assert body.count("Text first") == 2
    assert f'id="peer-{dispatcher.pk}-name">{chain.telecommunicator.full_name}<' in body
    PeerSupporter.objects.filter(pk=dispatcher.pk).update(
        reach_note="Call after 6 pm", reach_phone="+1 312 555 0142"
    )
    body = officer.get(INDEX).content.decode()
    assert body.count("Text first") == 1 and "Call after 6 pm" in body
    assert 'href="tel:+13125550142"' in body
    PeerSupporter.objects.filter(pk=dispatcher.pk).update(available=False)
    body = officer.get(INDEX).content.decode()
    assert "Call after 6 pm" not in body and chain.telecommunicator.full_name not in body


def test_renamed_lists_show_at_once(officer, agency, chain):
    """The filters' HTML is kept per process too, keyed by everything it shows."""
    make_psp(chain.telecommunicator)
    option = f'<option value="{agency.divisions.get(code="INV").pk}">'
    assert f"{option}Investigations</option>" in officer.get(INDEX).content.decode()
    agency.divisions.filter(code="INV").update(name="Major Crimes")
    body = officer.get(INDEX).content.decode()
    assert f"{option}Major Crimes</option>" in body and f"{option}Investigations" not in body
