"""The find-a-peer page and a PSP's own card (2011 §3.6, §7.2): POST-only criteria, no writes,
no logs, a full page without JavaScript, and only one's own card."""

import logging

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from peerline.accounts.models import Role
from peerline.agencies.models import Category, JobFamily
from peerline.team.models import Language, PeerSupporter, Status
from peerline.testing import personas as p

from .helpers import make_psp, share_directory

INDEX, PROFILE = "/peers/", "/peers/me/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def team(agency, chain):
    """A civilian telecommunications PSP, a sworn patrol PSP, and the officer's sergeant."""
    chain.telecommunicator.phone = "312-555-0101"
    chain.telecommunicator.save()
    return {
        "dispatcher": make_psp(
            chain.telecommunicator, languages=[Language.SPANISH], reach_note="Text first"
        ),
        "patrol": make_psp(chain.officer2),
        "sergeant": make_psp(chain.sergeant),
    }


@pytest.fixture
def officer(users, chain):
    """The officer as an employee: their sergeant is in their chain of command."""
    user = users[Role.EMPLOYEE]
    chain.officer.user = user
    chain.officer.save()
    client = Client()
    client.force_login(user)
    return client


def civilian_telecom(**extra):
    return {"category": Category.CIVILIAN, "job_family": JobFamily.TELECOMMUNICATIONS, **extra}


def test_the_page_lists_the_peers_the_employee_may_choose_2011_3_6(officer, chain, team):
    response = officer.get(INDEX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Find a peer</h1>" in body
    assert "§3.6" in body
    assert chain.telecommunicator.full_name in body and chain.officer2.full_name in body
    # 2011 §7.2: the officer's own sergeant is a PSP, and is not shown to them.
    assert chain.sergeant.full_name not in body
    assert response.context["cards"] and len(response.context["cards"]) == 2
    assert 'href="tel:3125550101"' in body and 'href="sms:3125550101"' in body
    assert "Text first" in body
    assert 'role="status" aria-live="polite"' in body and "2 peer supporters" in body
    assert "<details" in body and 'method="post"' in body


def test_filters_are_posted_never_put_in_the_url(officer, chain, team):
    page = officer.get(INDEX).content.decode()
    assert 'method="get"' not in page.lower()
    response = officer.post(INDEX, civilian_telecom(), **HTMX)
    assert response.status_code == 200
    assert response.request["QUERY_STRING"] == ""
    assert "HX-Push-Url" not in response and "HX-Replace-Url" not in response
    assert "hx-push-url" not in page


def test_htmx_gets_the_results_region_only(officer, chain, team):
    response = officer.post(INDEX, civilian_telecom(), **HTMX)
    body = response.content.decode()
    assert "<html" not in body and "<h1>" not in body
    assert chain.telecommunicator.full_name in body
    assert chain.officer2.full_name not in body, "the sworn patrol PSP is filtered out"
    assert 'id="directory-count" hx-swap-oob="innerHTML"' in body
    assert "1 peer supporter matches your filters." in body
    assert "(2 on)" in body


def test_a_post_without_htmx_renders_the_full_page(officer, chain, team):
    response = officer.post(INDEX, civilian_telecom())
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body and "<h1>Find a peer</h1>" in body
    assert chain.telecommunicator.full_name in body and chain.officer2.full_name not in body
    # The choices stay as made, and the filters stay open.
    assert 'value="civilian" checked' in body
    assert '<option value="telecommunications" selected>' in body
    assert '<details class="peerline-directory__filters" open>' in body


def test_the_directory_writes_nothing_2011_3_6(officer, chain, team):
    officer.get(INDEX)  # the session and CSRF cookie exist before counting
    for post in ({}, civilian_telecom(), {"language": Language.SPANISH}):
        for headers in ({}, HTMX):
            with CaptureQueriesContext(connection) as queries:
                assert officer.post(INDEX, post, **headers).status_code == 200
            statements = [q["sql"].lstrip().split()[0].upper() for q in queries.captured_queries]
            assert statements and set(statements) == {"SELECT"}, statements
    with CaptureQueriesContext(connection) as queries:
        officer.get(INDEX)
    assert {q["sql"].lstrip().split()[0].upper() for q in queries.captured_queries} == {"SELECT"}


def test_the_directory_logs_nothing_about_the_search(officer, chain, team, caplog):
    with caplog.at_level(logging.DEBUG):
        officer.post(INDEX, civilian_telecom(language=Language.SPANISH), **HTMX)
        officer.post(INDEX, civilian_telecom())
    logged = " ".join(record.getMessage() for record in caplog.records)
    for criterion in (
        "civilian",
        "telecommunications",
        "Spanish",
        chain.telecommunicator.last_name,
    ):
        assert criterion not in logged


def test_the_page_costs_a_fixed_number_of_queries(officer, agency, chain, team):
    def count():
        with CaptureQueriesContext(connection) as queries:
            officer.post(INDEX, {})
        return len(queries)

    before = count()
    for n in range(10):
        make_psp(p.make_employee(agency, f"70{n:02d}"), languages=[Language.SPANISH])
    assert count() == before
    assert len(officer.post(INDEX, {}).context["cards"]) == 12


def test_csrf_is_enforced(users, chain, team):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users[Role.EMPLOYEE])
    assert client.post(INDEX, civilian_telecom()).status_code == 403
    page = client.get(INDEX)
    token = page.cookies["csrftoken"].value
    response = client.post(INDEX, civilian_telecom(csrfmiddlewaretoken=token))
    assert response.status_code == 200


def test_an_answer_outside_the_lists_is_refused_without_echoing_it(officer, team):
    response = officer.post(INDEX, {"language": "klingon", "division": "99999"})
    body = response.content.decode()
    assert response.context["cards"] == []
    assert "Choose one of the answers listed." in body
    assert "klingon" not in body and "99999" not in body
    assert 'aria-describedby="language-error"' in body


def test_a_user_without_an_employee_record_sees_everyone(client_for, chain, team):
    response = client_for(Role.CLINICAL_ADVISOR).get(INDEX)
    assert len(response.context["cards"]) == 3
    assert "chain of command are not listed" not in response.content.decode()


def test_partner_psps_show_their_agency(officer, agency, other_agency, team):
    chief = p.make_employee(other_agency, "9000", division=other_agency.divisions.first())
    make_psp(chief)
    share_directory(other_agency, agency)
    response = officer.get(INDEX)
    body = response.content.decode()
    assert chief.full_name in body and other_agency.name in body
    assert "under a partner agreement (2011 §3.8.2)" in body
    # The agency filter appears, and picks the partner's PSPs alone.
    theirs = officer.post(INDEX, {"agency": other_agency.pk}, **HTMX)
    assert [card.name for card in theirs.context["cards"]] == [chief.full_name]


def test_another_agencys_coordinator_sees_none_of_our_peers(client_for, chain, team):
    response = client_for("outsider").get(INDEX)
    assert response.status_code == 200
    assert chain.telecommunicator.last_name not in response.content.decode()


def test_directory_wrong_methods_are_refused(officer):
    assert officer.put(INDEX).status_code == 405
    assert officer.delete(PROFILE).status_code == 405


# -- a PSP's own card ---------------------------------------------------------------------------


@pytest.fixture
def psp_client(users, chain):
    """The dispatcher, an active PSP, logged in as a peer supporter."""
    user = users[Role.PEER_SUPPORTER]
    chain.telecommunicator.user = user
    chain.telecommunicator.save()
    client = Client()
    client.force_login(user)
    return client


def card_data(**extra):
    return {
        "available": "on",
        "languages": [Language.SPANISH, Language.ASL],
        "experience_areas": ["dispatch", "grief"],
        "reach_phone": "+1 312 555 0142",
        "reach_email": "jamal.peer@test.example",
        "reach_note": "  Text first,   I work nights. ",
        **extra,
    }


def test_a_psp_edits_their_own_card(psp_client, chain, team):
    page = psp_client.get(PROFILE)
    assert page.status_code == 200
    assert "My directory card" in page.content.decode()
    assert "Preview" in page.content.decode()
    response = psp_client.post(PROFILE, card_data())
    assert response.status_code == 302 and response["Location"] == PROFILE
    psp = PeerSupporter.objects.get(pk=team["dispatcher"].pk)
    assert psp.languages == ["es", "ase"]
    assert psp.experience_areas == ["grief", "dispatch"]  # in the list's order
    assert (psp.reach_phone, psp.reach_email) == ("+1 312 555 0142", "jamal.peer@test.example")
    assert psp.reach_note == "Text first, I work nights."
    assert psp.available is True
    # The preview shows what is saved.
    body = psp_client.get(PROFILE).content.decode()
    assert 'href="tel:+13125550142"' in body and "American Sign Language" in body


def test_a_psp_switches_taking_contacts_off_and_leaves_the_directory(
    psp_client, officer, chain, team
):
    data = card_data()
    del data["available"]
    psp_client.post(PROFILE, data)
    assert PeerSupporter.objects.get(pk=team["dispatcher"].pk).available is False
    assert "you are not taking contacts" in psp_client.get(PROFILE).content.decode()
    assert chain.telecommunicator.full_name not in officer.get(INDEX).content.decode()


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("reach_phone", "call me maybe", "Enter a phone number of 7 to 15 digits"),
        ("reach_phone", "12345", "Enter a phone number of 7 to 15 digits"),
        ("reach_email", "not-an-email", "Enter a valid email address."),
        ("reach_note", "x" * 201, "at most 200 characters"),
        ("languages", ["es", "xx"], "Choose from the list."),
    ],
)
def test_card_errors_show_next_to_the_field_and_keep_the_answers(
    psp_client, team, field, value, message
):
    response = psp_client.post(PROFILE, card_data(**{field: value}))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nothing was saved" in body
    assert f'id="{field}-error"' in body and message in body
    # Nothing lost: the other answers are still in the form.
    if field != "reach_email":
        assert 'value="jamal.peer@test.example"' in body
    assert 'value="ase" checked' in body or field == "languages"
    psp = PeerSupporter.objects.get(pk=team["dispatcher"].pk)
    assert psp.languages == ["es"] and psp.reach_phone == "", "nothing saved"


def test_a_psp_on_leave_keeps_a_card_but_is_not_listed_2011_4_4(psp_client, team):
    PeerSupporter.objects.filter(pk=team["dispatcher"].pk).update(status=Status.ON_LEAVE)
    body = psp_client.get(PROFILE).content.decode()
    assert "while you are on leave" in body and "Save my card" in body


@pytest.mark.parametrize(
    "status", [Status.CANDIDATE, Status.INACTIVE, Status.DESELECTED, Status.ALUMNI]
)
def test_only_an_active_or_on_leave_psp_has_a_card(psp_client, team, status):
    PeerSupporter.objects.filter(pk=team["dispatcher"].pk).update(status=status)
    response = psp_client.get(PROFILE)
    assert "Save my card" not in response.content.decode()
    before = PeerSupporter.objects.get(pk=team["dispatcher"].pk).languages
    psp_client.post(PROFILE, card_data())
    assert PeerSupporter.objects.get(pk=team["dispatcher"].pk).languages == before


def test_a_non_psp_has_no_card_and_changes_nothing(officer, team):
    response = officer.get(PROFILE)
    assert response.status_code == 200
    body = response.content.decode()
    assert "you have no card" in body and "<form" not in body.split("<main")[1]
    officer.post(PROFILE, card_data())
    assert not PeerSupporter.objects.filter(reach_email="jamal.peer@test.example").exists()


def test_the_card_is_always_ones_own(psp_client, chain, team):
    """No parameter can name another PSP's card: the form edits the logged-in user's."""
    response = psp_client.post(PROFILE, {**card_data(), "pk": team["patrol"].pk, "employee": 1})
    assert response.status_code == 302
    assert PeerSupporter.objects.get(pk=team["patrol"].pk).reach_email == ""
    assert PeerSupporter.objects.get(pk=team["dispatcher"].pk).reach_email != ""


def test_a_psp_of_another_agency_has_no_card_here(users, other_agency, chain, team):
    """A PSP row in another agency is not a card in the agency the user acts in."""
    user = users["outsider"]
    employee = p.make_employee(other_agency, "9000", division=other_agency.divisions.first())
    employee.user = user
    employee.save()
    make_psp(employee)
    client = Client()
    client.force_login(user)
    assert "Save my card" in client.get(PROFILE).content.decode()
    PeerSupporter.objects.filter(employee=employee).update(agency=chain.officer.agency)
    assert "Save my card" not in client.get(PROFILE).content.decode()
