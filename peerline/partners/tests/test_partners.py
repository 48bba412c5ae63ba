"""Partner agreements between agencies of one deployment (2011 §3.8.2)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from peerline.accounts.models import Role
from peerline.agencies.importer import agency_today
from peerline.partners import selectors, services
from peerline.partners.models import PartnerAgreement
from peerline.testing import personas as p

TODAY = date(2026, 6, 15)
LIST = "/partners/"


def agree(agency, partner, **fields):
    defaults = {
        "shares_directory": True,
        "shares_training": True,
        "mutual_aid": True,
        "starts_on": TODAY - timedelta(days=30),
        "ends_on": None,
        "today": TODAY,
    }
    return services.agreement_create(agency=agency, partner=partner, **{**defaults, **fields})


# -- selectors -----------------------------------------------------------------------------------


def test_each_partner_list_reads_its_own_share_2011_3_8_2(agency, other_agency):
    third = p.make_agency(code="THIRD", name="Third Town Police")
    agree(other_agency, agency, shares_training=False, mutual_aid=False)
    agree(third, agency, shares_directory=False)
    assert list(selectors.partners_sharing_directory_with(agency, TODAY)) == [other_agency]
    assert list(selectors.partners_sharing_training_with(agency, TODAY)) == [third]
    assert list(selectors.mutual_aid_partners(agency, TODAY)) == [third]
    # One way only: the givers share nothing of what they receive.
    assert list(selectors.partners_sharing_directory_with(other_agency, TODAY)) == []
    assert list(selectors.mutual_aid_partners(third, TODAY)) == []


@pytest.mark.parametrize(
    "starts,ends,state",
    [
        (-10, None, "in force"),
        (0, 0, "in force"),
        (1, None, "starts later"),
        (-10, -1, "ended"),
        (5, 0, "ended"),  # cancelled before it started
    ],
)
def test_an_agreement_is_in_force_from_its_first_to_its_last_day(
    agency, other_agency, starts, ends, state
):
    agreement = PartnerAgreement.objects.create(
        agency=other_agency,
        partner=agency,
        starts_on=TODAY + timedelta(days=starts),
        ends_on=None if ends is None else TODAY + timedelta(days=ends),
    )
    assert selectors.agreement_state(agreement, TODAY) == state
    found = list(selectors.mutual_aid_partners(agency, TODAY))
    assert found == ([other_agency] if state == "in force" else [])


# -- services ------------------------------------------------------------------------------------


def test_an_agency_cannot_partner_with_itself(agency):
    with pytest.raises(ValidationError) as refusal:
        agree(agency, agency)
    assert "itself" in str(refusal.value.message_dict["partner"])
    assert not PartnerAgreement.objects.exists()


def test_an_agreement_ends_on_or_after_it_starts(agency, other_agency):
    with pytest.raises(ValidationError) as refusal:
        agree(agency, other_agency, starts_on=TODAY, ends_on=TODAY - timedelta(days=1))
    assert "ends_on" in refusal.value.message_dict


def test_an_agreement_shares_something(agency, other_agency):
    with pytest.raises(ValidationError, match="at least one"):
        agree(agency, other_agency, shares_directory=False, shares_training=False, mutual_aid=False)


def test_one_agreement_at_a_time_per_partner(agency, other_agency):
    agree(agency, other_agency)
    with pytest.raises(ValidationError, match="end it first"):
        agree(agency, other_agency)
    assert PartnerAgreement.objects.count() == 1


def test_ending_makes_today_the_last_day_and_an_ended_agreement_can_be_renewed(
    agency, other_agency
):
    agreement = agree(agency, other_agency)
    services.agreement_end(agreement=agreement, today=TODAY)
    agreement.refresh_from_db()
    assert agreement.ends_on == TODAY
    tomorrow = TODAY + timedelta(days=1)
    assert list(selectors.partners_sharing_directory_with(other_agency, TODAY)) == [agency]
    assert list(selectors.partners_sharing_directory_with(other_agency, tomorrow)) == []
    with pytest.raises(ValidationError, match="already ended"):
        services.agreement_end(agreement=agreement, today=tomorrow)
    renewed = agree(agency, other_agency, starts_on=tomorrow, shares_training=False, today=tomorrow)
    assert renewed.pk == agreement.pk and renewed.ends_on is None and not renewed.shares_training
    assert list(selectors.partners_sharing_directory_with(other_agency, tomorrow)) == [agency]


def test_ending_an_agreement_that_has_not_started_cancels_it(agency, other_agency):
    agreement = agree(agency, other_agency, starts_on=TODAY + timedelta(days=10))
    services.agreement_end(agreement=agreement, today=TODAY)
    agreement.refresh_from_db()
    assert selectors.agreement_state(agreement, TODAY + timedelta(days=20)) == "ended"
    assert list(selectors.mutual_aid_partners(other_agency, TODAY + timedelta(days=20))) == []


# -- pages ---------------------------------------------------------------------------------------


@pytest.fixture
def coordinator(client_for):
    return client_for(Role.COORDINATOR)


def form(partner, **extra):
    return {
        "partner": partner.pk,
        "shares_directory": "on",
        "mutual_aid": "on",
        "starts_on": "2026-01-01",
        "ends_on": "",
        **extra,
    }


def test_the_coordinator_makes_an_agreement(coordinator, agency, other_agency):
    page = coordinator.get(LIST)
    assert page.status_code == 200
    assert other_agency.name in page.content.decode(), "another agency to choose"
    assert f'value="{agency_today(agency).isoformat()}"' in page.content.decode(), "starts today"
    response = coordinator.post(LIST, form(other_agency))
    assert response.status_code == 302 and response["Location"] == LIST
    agreement = PartnerAgreement.objects.get()
    assert (agreement.agency, agreement.partner) == (agency, other_agency)
    assert (agreement.shares_directory, agreement.shares_training, agreement.mutual_aid) == (
        True,
        False,
        True,
    )
    assert agreement.starts_on == date(2026, 1, 1) and agreement.ends_on is None
    body = coordinator.get(LIST).content.decode()
    assert "Agreement with Other County Sheriff saved." in body
    assert "in force" in body and "Find-a-peer directory" in body


def test_the_form_refuses_the_agency_itself_and_keeps_the_answers(coordinator, agency):
    response = coordinator.post(LIST, form(agency, ends_on="2025-01-01"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nothing was saved" in body and 'id="partner-error"' in body
    assert 'value="2026-01-01"' in body
    assert not PartnerAgreement.objects.exists()


def test_the_form_shows_service_errors_next_to_the_field(coordinator, other_agency):
    coordinator.post(LIST, form(other_agency))
    response = coordinator.post(LIST, form(other_agency))
    body = response.content.decode()
    assert 'id="partner-error"' in body and "end it first" in body
    response = coordinator.post(
        LIST, form(other_agency, starts_on="2026-02-01", ends_on="2026-01-01")
    )
    assert 'id="ends_on-error"' in response.content.decode()


def test_the_page_lists_agreements_given_and_received(coordinator, agency, other_agency):
    third = p.make_agency(code="THIRD", name="Third Town Police")
    agree(agency, other_agency)
    agree(third, agency)
    PartnerAgreement.objects.create(agency=other_agency, partner=third, starts_on=TODAY)
    response = coordinator.get(LIST)
    given = [row.other for row in response.context["given"]]
    received = [row.other for row in response.context["received"]]
    assert given == [other_agency] and received == [third]


def test_the_coordinator_ends_an_agreement(coordinator, agency, other_agency):
    agreement = agree(agency, other_agency)
    response = coordinator.post(f"/partners/{agreement.pk}/end/")
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.ends_on == agency_today(agency)
    assert "ends today" in coordinator.get(LIST).content.decode()


def test_another_agencys_agreement_is_404(coordinator, agency, other_agency):
    theirs = agree(other_agency, agency)  # given by the other agency: not ours to end
    assert coordinator.post(f"/partners/{theirs.pk}/end/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.ends_on is None
    outsider = Client()
    outsider.force_login(
        p.make_user("their-coordinator", p.make_agency("X", "X"), Role.COORDINATOR)
    )
    ours = agree(agency, other_agency)
    assert outsider.post(f"/partners/{ours.pk}/end/").status_code == 404


def test_ending_is_a_post(coordinator, agency, other_agency):
    agreement = agree(agency, other_agency)
    assert coordinator.get(f"/partners/{agreement.pk}/end/").status_code == 405
    agreement.refresh_from_db()
    assert agreement.ends_on is None


@pytest.mark.parametrize(
    "role",
    [
        Role.EMPLOYEE,
        Role.PEER_SUPPORTER,
        Role.CLINICAL_ADVISOR,
        Role.COMMAND_STAFF,
        Role.STEERING_COMMITTEE,
        Role.SYSTEM_ADMIN,
        "norole",
    ],
)
def test_partners_are_the_coordinators_alone(client_for, agency, other_agency, role):
    agreement = agree(agency, other_agency)
    client = client_for(role)
    assert client.get(LIST).status_code == 403
    assert client.post(LIST, form(other_agency)).status_code == 403
    assert client.post(f"/partners/{agreement.pk}/end/").status_code == 403
    agreement.refresh_from_db()
    assert agreement.ends_on is None and PartnerAgreement.objects.count() == 1
