"""Partner agreements between agencies of one deployment (2011 §3.8.2): offered by one
coordinator, in force only once the other accepts, ended by either at any time."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from peerline.accounts.models import Role
from peerline.audit.models import AuditEvent
from peerline.partners import selectors, services
from peerline.partners.models import AgreementStatus, PartnerAgreement
from peerline.partners.services import Items
from peerline.testing import personas as p

TODAY = date(2026, 6, 15)
LIST = "/partners/"
ALL = Items(True, True, True, True, True, True)


def offer(agency, partner, items=ALL, **fields):
    defaults = {"starts_on": TODAY - timedelta(days=30), "ends_on": None, "by": None}
    return services.agreement_offer(
        agency=agency, partner=partner, items=items, **{**defaults, **fields}
    )


def agree(agency, partner, items=ALL, accepted_items=ALL, **fields):
    agreement = offer(agency, partner, items, **fields)
    return services.agreement_accept(
        agreement=agreement, agency=partner, items=accepted_items, by=None
    )


# -- selectors -----------------------------------------------------------------------------------


def test_each_partner_list_reads_its_own_share_both_ways_2011_3_8_2(agency, other_agency):
    third = p.make_agency(code="THIRD", name="Third Town Police")
    agree(other_agency, agency, Items(we_directory=True, they_aid=True))
    agree(agency, third, Items(we_aid=True, they_training=True))
    assert list(selectors.partners_sharing_directory_with(agency, TODAY)) == [other_agency]
    assert list(selectors.partners_sharing_training_with(agency, TODAY)) == [third]
    assert list(selectors.mutual_aid_partners(other_agency, TODAY)) == [agency]
    assert list(selectors.mutual_aid_partners(third, TODAY)) == [agency]
    # Each item goes one way only: what is not chosen does not cross.
    assert list(selectors.partners_sharing_directory_with(other_agency, TODAY)) == []
    assert list(selectors.mutual_aid_partners(agency, TODAY)) == []
    assert list(selectors.training_guests(agency, TODAY)) == []


@pytest.mark.parametrize(
    "starts,ends,state",
    [
        (-10, None, "in force"),
        (0, 0, "in force"),
        (1, None, "starts later"),
        (-10, -1, "ended"),
    ],
)
def test_an_accepted_agreement_is_in_force_from_its_first_to_its_last_day(
    agency, other_agency, starts, ends, state
):
    agreement = agree(
        other_agency,
        agency,
        starts_on=TODAY + timedelta(days=starts),
        ends_on=None if ends is None else TODAY + timedelta(days=ends),
    )
    assert selectors.agreement_state(agreement, TODAY) == state
    found = list(selectors.mutual_aid_partners(agency, TODAY))
    assert found == ([other_agency] if state == "in force" else [])


def test_the_givers_as_a_list_are_the_givers_subquerys_each_item_both_ways(agency, other_agency):
    """`givers_list` (one flat query, issue 18) reads what `givers_ids` selects."""
    third = p.make_agency(code="THIRD", name="Third Town Police")
    fourth = p.make_agency(code="FOURTH", name="Fourth Village Police")
    fifth = p.make_agency(code="FIFTH", name="Fifth Borough Police")
    agree(other_agency, agency, Items(we_directory=True, they_aid=True))
    agree(agency, third, Items(we_aid=True, they_training=True, they_directory=True))
    agree(fourth, agency, Items(we_directory=True), ends_on=TODAY - timedelta(days=1))
    offer(fifth, agency, Items(we_directory=True))  # never accepted
    agencies = [agency, other_agency, third, fourth, fifth]
    expected = {
        (agency.pk, "directory"): {other_agency.pk, third.pk},
        (agency.pk, "training"): {third.pk},
        (other_agency.pk, "aid"): {agency.pk},
        (third.pk, "aid"): {agency.pk},
    }
    for receiver in agencies:
        for item in ("directory", "training", "aid"):
            found = selectors.givers_list(receiver.pk, TODAY, item)
            assert len(found) == len(set(found))
            assert set(found) == set(
                selectors.givers_ids(receiver.pk, TODAY, item).values_list("pk", flat=True)
            )
            assert set(found) == expected.get((receiver.pk, item), set()), (receiver, item)


# -- services ------------------------------------------------------------------------------------


def test_an_offer_shares_nothing_until_the_partner_accepts_2011_3_8_2(agency, other_agency):
    agreement = offer(other_agency, agency)
    assert agreement.status == AgreementStatus.OFFERED
    for item in ("directory", "training", "aid"):
        assert not selectors.givers_ids(agency.pk, TODAY, item).exists()
        assert not selectors.givers_ids(other_agency.pk, TODAY, item).exists()
    services.agreement_accept(agreement=agreement, agency=agency, items=ALL, by=None)
    assert list(selectors.partners_sharing_directory_with(agency, TODAY)) == [other_agency]
    assert list(selectors.partners_sharing_directory_with(other_agency, TODAY)) == [agency]


def test_only_the_agency_asked_accepts_or_declines(agency, other_agency):
    agreement = offer(agency, other_agency)
    with pytest.raises(ValidationError, match="offered to"):
        services.agreement_accept(agreement=agreement, agency=agency, items=ALL, by=None)
    with pytest.raises(ValidationError, match="offered to"):
        services.agreement_decline(agreement=agreement, agency=agency, by=None)
    services.agreement_decline(agreement=agreement, agency=other_agency, by=None)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DECLINED and agreement.declined_at is not None
    with pytest.raises(ValidationError, match="no longer waiting"):
        services.agreement_accept(agreement=agreement, agency=other_agency, items=ALL, by=None)
    assert not selectors.partners_sharing_directory_with(other_agency, TODAY).exists()


def test_the_partner_keeps_or_drops_each_item_but_never_adds_one(agency, other_agency):
    agreement = offer(agency, other_agency, Items(we_directory=True, we_aid=True, they_aid=True))
    # From the partner's side: "we" is the partner. It drops our directory, keeps the rest, and
    # ticks an item nobody offered (their training), which does not appear.
    kept = Items(we_aid=True, we_training=True, they_aid=True)
    agreement = services.agreement_accept(
        agreement=agreement, agency=other_agency, items=kept, by=None
    )
    assert not agreement.shares_directory and agreement.mutual_aid
    assert agreement.partner_mutual_aid and not agreement.partner_shares_training
    with pytest.raises(ValidationError, match="at least one"):
        services.agreement_accept(
            agreement=offer(agency, p.make_agency("T", "T"), Items(we_aid=True)),
            agency=PartnerAgreement.objects.last().partner,
            items=Items(),
            by=None,
        )


def test_an_agency_cannot_partner_with_itself(agency):
    with pytest.raises(ValidationError) as refusal:
        offer(agency, agency)
    assert "itself" in str(refusal.value.message_dict["partner"])
    assert not PartnerAgreement.objects.exists()


def test_an_agreement_ends_on_or_after_it_starts(agency, other_agency):
    with pytest.raises(ValidationError) as refusal:
        offer(agency, other_agency, starts_on=TODAY, ends_on=TODAY - timedelta(days=1))
    assert "ends_on" in refusal.value.message_dict


def test_an_agreement_shares_something(agency, other_agency):
    with pytest.raises(ValidationError, match="at least one"):
        offer(agency, other_agency, Items())


def test_one_live_agreement_at_a_time_per_pair(agency, other_agency):
    offer(agency, other_agency)
    with pytest.raises(ValidationError, match="end it first"):
        offer(other_agency, agency)
    assert PartnerAgreement.objects.count() == 1


def test_either_side_ends_it_at_once_and_each_step_is_recorded(agency, other_agency):
    coordinator = p.make_user("coord-other", other_agency, Role.COORDINATOR)
    agreement = agree(agency, other_agency)
    services.agreement_end(agreement=agreement, agency=other_agency, today=TODAY, by=coordinator)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ENDED and agreement.ended_by == coordinator
    assert agreement.ended_by_agency == other_agency and agreement.ended_at is not None
    # At once: not even the rest of today.
    assert not selectors.partners_sharing_directory_with(other_agency, TODAY).exists()
    with pytest.raises(ValidationError, match="already ended"):
        services.agreement_end(agreement=agreement, agency=agency, today=TODAY)
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-3:] == ["partners.offered", "partners.accepted", "partners.ended"]
    renewed = agree(agency, other_agency, Items(we_training=True))
    assert renewed.pk != agreement.pk and renewed.shares_training and not renewed.shares_directory


def test_a_third_agency_cannot_end_an_agreement(agency, other_agency):
    agreement = agree(agency, other_agency)
    with pytest.raises(ValidationError, match="side"):
        services.agreement_end(agreement=agreement, agency=p.make_agency("T", "T"), today=TODAY)


# -- pages ---------------------------------------------------------------------------------------


@pytest.fixture
def coordinator(client_for):
    return client_for(Role.COORDINATOR)


@pytest.fixture
def their_coordinator(other_agency):
    client = Client()
    client.force_login(p.make_user("their-coordinator", other_agency, Role.COORDINATOR))
    return client


def form(partner, **extra):
    return {
        "partner": partner.pk,
        "we_directory": "on",
        "they_aid": "on",
        "starts_on": "2026-01-01",
        "ends_on": "",
        **extra,
    }


def test_the_coordinator_offers_and_the_partner_accepts(
    coordinator, their_coordinator, agency, other_agency
):
    response = coordinator.post(LIST, form(other_agency))
    assert response.status_code == 302 and response["Location"] == LIST
    agreement = PartnerAgreement.objects.get()
    assert (agreement.agency, agreement.partner, agreement.status) == (
        agency,
        other_agency,
        "offered",
    )
    assert agreement.shares_directory and agreement.partner_mutual_aid
    assert not (agreement.shares_training or agreement.mutual_aid)
    assert "waiting for them" in coordinator.get(LIST).content.decode()
    page = their_coordinator.get(LIST).content.decode()
    assert "waiting for us" in page and f"/partners/{agreement.pk}/accept/" in page
    # The partner keeps our directory and drops its mutual aid.
    accepted = their_coordinator.post(f"/partners/{agreement.pk}/accept/", {"they_directory": "on"})
    assert accepted.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "accepted" and agreement.shares_directory
    assert not agreement.partner_mutual_aid
    assert "in force" in coordinator.get(LIST).content.decode()


def test_the_offerer_cannot_accept_its_own_offer(coordinator, agency, other_agency):
    coordinator.post(LIST, form(other_agency))
    agreement = PartnerAgreement.objects.get()
    coordinator.post(f"/partners/{agreement.pk}/accept/", {"we_directory": "on"})
    agreement.refresh_from_db()
    assert agreement.status == "offered"


def test_the_form_refuses_the_agency_itself_and_keeps_the_answers(coordinator, agency):
    response = coordinator.post(LIST, form(agency, ends_on="2025-01-01"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing was saved" in body and 'id="partner-error"' in body
    assert 'value="2026-01-01"' in body
    assert not PartnerAgreement.objects.exists()


def test_the_form_refuses_dates_past_2100(coordinator, other_agency):
    response = coordinator.post(LIST, form(other_agency, ends_on="9999-12-31"))
    assert response.status_code == 400 and "2100" in response.content.decode()


def test_either_coordinator_ends_the_agreement(
    coordinator, their_coordinator, agency, other_agency
):
    agreement = agree(agency, other_agency)
    response = their_coordinator.post(f"/partners/{agreement.pk}/end/")
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "ended"
    assert "ended" in coordinator.get(LIST).content.decode()


def test_a_third_agencys_coordinator_gets_404(agency, other_agency):
    agreement = agree(agency, other_agency)
    outsider = Client()
    outsider.force_login(p.make_user("x-coordinator", p.make_agency("X", "X"), Role.COORDINATOR))
    for step in ("accept", "decline", "end"):
        assert outsider.post(f"/partners/{agreement.pk}/{step}/").status_code == 404
    agreement.refresh_from_db()
    assert agreement.status == "accepted"


def test_ending_is_a_post(coordinator, agency, other_agency):
    agreement = agree(agency, other_agency)
    assert coordinator.get(f"/partners/{agreement.pk}/end/").status_code == 405
    agreement.refresh_from_db()
    assert agreement.status == "accepted"


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
    agreement = offer(other_agency, agency)
    client = client_for(role)
    assert client.get(LIST).status_code == 403
    assert client.post(LIST, form(other_agency)).status_code == 403
    for step in ("accept", "decline", "end"):
        assert client.post(f"/partners/{agreement.pk}/{step}/").status_code == 403
    agreement.refresh_from_db()
    assert agreement.status == "offered" and PartnerAgreement.objects.count() == 1
