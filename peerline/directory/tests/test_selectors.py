"""Who the find-a-peer directory lists, and how its filters narrow it (2011 §3.6, §7.2, §3.8.2)."""

from datetime import date, timedelta

import pytest

from peerline.agencies.models import Category, JobFamily
from peerline.directory.selectors import DirectoryFilter, card_for, directory_for, listed
from peerline.team.models import ExperienceArea, Language, PeerSupporter, Status
from peerline.testing import personas as p

from .helpers import make_psp, share_directory

TODAY = date(2026, 6, 15)


@pytest.fixture
def team(chain):
    """Everyone in the small chain is an active PSP taking contacts."""
    return {name: make_psp(employee) for name, employee in vars(chain).items()}


def names(cards):
    return [card.name for card in cards]


def test_the_chain_of_command_is_never_listed_2011_7_2(agency, chain, team):
    cards = directory_for(viewer=chain.officer, agency=agency, today=TODAY)
    # Above the officer: sergeant, lieutenant, commander, chief. Not above or below: the rest.
    assert {card.pk for card in cards} == {
        team["officer2"].pk,
        team["comm_supervisor"].pk,
        team["telecommunicator"].pk,
    }


def test_subordinates_at_any_depth_are_never_listed_2011_7_2(agency, chain, team):
    cards = directory_for(viewer=chain.commander, agency=agency, today=TODAY)
    assert {card.pk for card in cards} == {team["comm_supervisor"].pk, team["telecommunicator"].pk}
    chief = directory_for(viewer=chain.chief, agency=agency, today=TODAY)
    assert chief == [], "everyone is under the chief"


def test_the_viewer_is_never_listed(agency, chain, team):
    cards = directory_for(viewer=chain.officer2, agency=agency, today=TODAY)
    assert team["officer2"].pk not in {card.pk for card in cards}
    assert team["officer"].pk in {card.pk for card in cards}, "a peer on the same level is fine"


def test_a_viewer_without_an_employee_record_sees_everyone(agency, chain, team):
    cards = directory_for(viewer=None, agency=agency, today=TODAY)
    assert len(cards) == len(team)


def test_the_list_is_ordered_by_name_never_ranked_2011_3_6(agency, chain, team):
    cards = directory_for(viewer=None, agency=agency, today=TODAY)
    assert [(c.last_name, c.first_name) for c in cards] == sorted(
        (c.last_name, c.first_name) for c in cards
    )


@pytest.mark.parametrize(
    "status", [Status.ON_LEAVE, Status.CANDIDATE, Status.INACTIVE, Status.DESELECTED, Status.ALUMNI]
)
def test_only_active_psps_are_listed_2011_4_4(agency, chain, status):
    make_psp(chain.officer2, status=status)
    assert directory_for(viewer=chain.officer, agency=agency, today=TODAY) == []


def test_a_psp_not_taking_contacts_is_not_listed(agency, chain):
    make_psp(chain.officer2, available=False)
    assert directory_for(viewer=chain.officer, agency=agency, today=TODAY) == []


def test_a_separated_psp_is_not_listed(agency, chain):
    make_psp(chain.officer2)
    chain.officer2.separated_on = TODAY - timedelta(days=3)
    chain.officer2.save()
    assert directory_for(viewer=chain.officer, agency=agency, today=TODAY) == []


def test_another_agencys_psps_are_not_listed_without_an_agreement(agency, other_agency, chain):
    outsider = p.make_employee(other_agency, "9001", division=other_agency.divisions.first())
    make_psp(outsider)
    assert directory_for(viewer=chain.officer, agency=agency, today=TODAY) == []


@pytest.fixture
def partner_psp(other_agency):
    """A PSP of the other agency, under the other agency's own chief."""
    chief = p.make_employee(other_agency, "9000", division=other_agency.divisions.first())
    deputy = p.make_employee(other_agency, "9001", chief, division=other_agency.divisions.first())
    make_psp(chief)
    return make_psp(deputy)


def test_partner_psps_are_listed_under_an_agreement_in_force_2011_3_8_2(
    agency, other_agency, chain, partner_psp
):
    share_directory(other_agency, agency)
    cards = directory_for(viewer=chain.officer, agency=agency, today=TODAY)
    assert len(cards) == 2
    assert all(card.partner and card.agency == other_agency.name for card in cards)
    # The partner's own chain is theirs: it never hides a PSP from our employees, and ours
    # never hides theirs.
    for viewer in (chain.chief, chain.sergeant, chain.telecommunicator):
        assert len(directory_for(viewer=viewer, agency=agency, today=TODAY)) == 2


def test_an_agreement_shares_only_one_way(agency, other_agency, chain, partner_psp):
    share_directory(agency, other_agency)  # we share with them, not they with us
    make_psp(chain.officer2)
    assert names(directory_for(viewer=chain.officer, agency=agency, today=TODAY)) == [
        chain.officer2.full_name
    ]


def test_partner_psps_need_the_directory_shared(agency, other_agency, chain, partner_psp):
    share_directory(other_agency, agency, shares_directory=False)
    assert directory_for(viewer=chain.officer, agency=agency, today=TODAY) == []


@pytest.mark.parametrize(
    "starts_on,ends_on,in_force",
    [
        (TODAY, None, True),
        (TODAY + timedelta(days=1), None, False),
        (TODAY - timedelta(days=30), TODAY, True),  # ends_on is its last day
        (TODAY - timedelta(days=30), TODAY - timedelta(days=1), False),
    ],
)
def test_partner_psps_disappear_once_the_agreement_ends_2011_3_8_2(
    agency, other_agency, chain, partner_psp, starts_on, ends_on, in_force
):
    share_directory(other_agency, agency, starts_on=starts_on, ends_on=ends_on)
    cards = directory_for(viewer=chain.officer, agency=agency, today=TODAY)
    assert len(cards) == (2 if in_force else 0)


def test_a_partner_employee_does_not_confuse_the_chain(agency, other_agency, chain, partner_psp):
    """A viewer of the partner agency looking at its own directory: its own chain applies,
    not ours, and our PSPs are listed only if we share with them."""
    make_psp(chain.officer2)
    viewer = partner_psp.employee  # the deputy; the other agency's chief is above
    assert directory_for(viewer=viewer, agency=other_agency, today=TODAY) == []
    share_directory(agency, other_agency)
    cards = directory_for(viewer=viewer, agency=other_agency, today=TODAY)
    assert names(cards) == [chain.officer2.full_name]


@pytest.fixture
def varied(agency, chain):
    """PSPs that differ in every filtered dimension, none in the viewer's chain."""
    comm = agency.divisions.get(code="COMM")
    inv = agency.divisions.get(code="INV")
    night = agency.shifts.get(code="NIGHT")
    civ = {"category": Category.CIVILIAN}
    dispatcher = p.make_employee(
        agency, "5001", chain.comm_supervisor, division=comm, job_family=JobFamily.TELECOMMUNICATIONS,
        shift=night, **civ,
    )  # fmt: skip
    clerk = p.make_employee(agency, "5002", None, division=inv, job_family=JobFamily.RECORDS, **civ)
    detective = p.make_employee(
        agency, "5003", None, division=inv, job_family=JobFamily.INVESTIGATIONS
    )
    return {
        "dispatcher": make_psp(
            dispatcher, languages=[Language.SPANISH], experience_areas=[ExperienceArea.DISPATCH]
        ),
        "clerk": make_psp(clerk, languages=[Language.SPANISH, Language.ASL]),
        "detective": make_psp(detective, experience_areas=[ExperienceArea.GRIEF]),
    }


@pytest.mark.parametrize(
    "filters,expected",
    [
        ({"category": Category.CIVILIAN}, {"dispatcher", "clerk"}),
        ({"category": Category.SWORN}, {"detective"}),
        ({"job_family": JobFamily.TELECOMMUNICATIONS}, {"dispatcher"}),
        ({"division": "INV"}, {"clerk", "detective"}),
        ({"shift": "NIGHT"}, {"dispatcher"}),
        ({"language": Language.SPANISH}, {"dispatcher", "clerk"}),
        ({"language": Language.ASL}, {"clerk"}),
        ({"experience_area": ExperienceArea.GRIEF}, {"detective"}),
        ({"category": Category.CIVILIAN, "language": Language.ASL}, {"clerk"}),
        ({"category": Category.SWORN, "language": Language.SPANISH}, set()),
        ({}, {"dispatcher", "clerk", "detective"}),
    ],
)
def test_each_filter_narrows_the_list_2011_3_6(agency, chain, varied, filters, expected):
    if "division" in filters:
        filters["division_id"] = agency.divisions.get(code=filters.pop("division")).pk
    if "shift" in filters:
        filters["shift_id"] = agency.shifts.get(code=filters.pop("shift")).pk
    cards = directory_for(
        viewer=chain.officer, agency=agency, today=TODAY, filters=DirectoryFilter(**filters)
    )
    assert {card.pk for card in cards} == {varied[key].pk for key in expected}


def test_the_agency_filter_picks_ours_or_a_partners(agency, other_agency, chain, partner_psp):
    share_directory(other_agency, agency)
    ours = make_psp(chain.officer2)
    only = DirectoryFilter(agency_id=agency.pk)
    cards = directory_for(viewer=chain.officer, agency=agency, today=TODAY, filters=only)
    assert [card.pk for card in cards] == [ours.pk]
    theirs = DirectoryFilter(agency_id=other_agency.pk)
    cards = directory_for(viewer=chain.officer, agency=agency, today=TODAY, filters=theirs)
    assert {card.pk for card in cards} == set(
        PeerSupporter.objects.filter(agency=other_agency).values_list("pk", flat=True)
    )


def test_the_directory_costs_one_query_whatever_the_filters(
    agency, other_agency, chain, team, varied, django_assert_num_queries
):
    share_directory(other_agency, agency)
    with django_assert_num_queries(1):
        cards = directory_for(
            viewer=chain.officer,
            agency=agency,
            today=TODAY,
            filters=DirectoryFilter(category=Category.CIVILIAN, language=Language.SPANISH),
        )
        [(card.division, card.shift, card.agency) for card in cards]
    assert len(cards) == 2


def test_a_card_falls_back_to_the_work_phone_and_email_until_filled(agency, chain):
    chain.officer2.phone, chain.officer2.email = "312-555-0100", "officer2@test.example"
    chain.officer2.save()
    psp = make_psp(chain.officer2)
    card = card_for(psp)
    assert (card.phone, card.email, card.dial) == (
        "312-555-0100",
        "officer2@test.example",
        "3125550100",
    )
    psp.reach_phone, psp.reach_note = "+1 (312) 555-0199", "Text first"
    psp.save()
    card = card_for(psp)
    # Once the PSP gives a way to reach them, only what they gave is shown.
    assert (card.phone, card.email, card.dial, card.note) == (
        "+1 (312) 555-0199", "", "+13125550199", "Text first",
    )  # fmt: skip


def test_listed_reads_the_chain_from_the_path_and_fails_closed_without_one(agency, chain):
    chain.officer.chain_path = ""
    with pytest.raises(ValueError, match="chain path"):
        list(listed(viewer=chain.officer, agency=agency, today=TODAY))
