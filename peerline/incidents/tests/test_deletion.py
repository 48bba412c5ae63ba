"""Who was paged outlives the person's record, not the incident's history (2011 §3.3, §3.8.2,
§6.7; DESIGN principles 7 and 8).

An incident's deployments are its own agency's record: how many were paged, in which role and
round, who accepted. Removing a partner agency (its PSPs went to this agency's incident under a
mutual-aid agreement) or a clinician must not delete those rows from another record: the
incident would lose pages and answers, its board and its erased tallies would count fewer. The
person's link goes (set to NULL), the row stays; retention then erases it into counts as any
other (`retention.erase_incident`).
"""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError

from peerline.clinical.models import ClinicalRole
from peerline.incidents import links, selectors, services
from peerline.incidents.models import (
    Deployment,
    DeploymentRole,
    DeploymentStatus,
    DeploymentTally,
    MutualAidRequest,
    MutualAidStatus,
)
from peerline.partners.models import PartnerAgreement
from peerline.partners.testing import accepted_agreement
from peerline.testing import personas as p
from peerline.web.demo import delete_agency

from .helpers import T0, clinician, incident, psp, staff


@pytest.fixture
def aided(agency, chain, other_agency):
    """An activated incident of `agency` with one own PSP and one PSP of `other_agency`, sent
    under a mutual-aid agreement; both accepted."""
    accepted_agreement(other_agency, agency, starts_on=T0.date())
    partner_coordinator = p.make_user("partner-coord", other_agency, p.Role.COORDINATOR)
    own = psp(staff(agency, 1)[0])
    helper = psp(staff(other_agency, 1)[0])
    inc = incident(agency, principals=[chain.officer], team_size=2)
    services.activate(incident=inc, by=None, now=T0)  # one own PSP: short of two, partners asked
    request = inc.mutual_aid_requests.get(partner=other_agency)
    services.mutual_aid_answer(request=request, accept=True, by=partner_coordinator, now=T0)
    for deployment in inc.deployments.all():
        services.respond(deployment=deployment, accept=True, now=T0 + timedelta(minutes=2))
    return {
        "incident": inc,
        "own": inc.deployments.get(peer_supporter=own),
        "helper": inc.deployments.get(peer_supporter=helper),
    }


def test_removing_a_partner_agency_keeps_the_host_incidents_deployments_2011_3_8_2(
    aided, other_agency
):
    inc = aided["incident"]
    assert selectors.board(inc).accepted == 2  # before: the own PSP and the partner's
    delete_agency(other_agency)  # the agency's removal, table by table
    rows = Deployment.objects.filter(incident=inc).order_by("pk")
    assert rows.count() == 2
    kept = rows.get(pk=aided["helper"].pk)
    assert kept.peer_supporter_id is None and kept.clinician_id is None
    # Paged in the second round, once the partner had accepted the request.
    assert (kept.role, kept.round, kept.status) == (
        DeploymentRole.PEER_SUPPORT,
        2,
        DeploymentStatus.ACCEPTED,
    )
    assert kept.answered_at == T0 + timedelta(minutes=2)
    assert selectors.board(inc).accepted == 2


def test_deleting_a_partner_agency_row_keeps_the_host_incidents_deployments(aided, other_agency):
    # The same through Django's collector (the admin's delete).
    other_agency.delete()
    kept = Deployment.objects.get(pk=aided["helper"].pk)
    assert kept.peer_supporter_id is None and kept.status == DeploymentStatus.ACCEPTED


def test_a_clinician_removed_still_counts_in_the_erased_tallies_2011_6_7(agency, chain):
    agency.incident_retention_days = 30
    agency.save()
    psp(staff(agency, 1)[0])
    mhp = clinician(agency, on_call_at=T0)
    inc = incident(agency, principals=[chain.officer], team_size=1)
    paged = services.activate(incident=inc, by=None, now=T0)
    for deployment in paged:
        services.respond(deployment=deployment, accept=True, now=T0 + timedelta(minutes=1))
    mhp.delete()
    assert inc.deployments.count() == 2
    services.close(incident=inc, by=None, now=T0 + timedelta(days=1))
    assert services.erase_expired(T0 + timedelta(days=40)) == 1
    tallies = {t.role: (t.paged, t.accepted) for t in DeploymentTally.objects.filter(incident=inc)}
    assert tallies == {
        DeploymentRole.PEER_SUPPORT: (1, 1),
        DeploymentRole.CLINICAL_CONSULTATION: (1, 1),
    }


def test_the_board_shows_a_removed_persons_page_without_their_name(aided, other_agency, client_for):
    helper_name = aided["helper"].peer_supporter.employee.full_name
    own_name = aided["own"].peer_supporter.employee.full_name
    other_agency.delete()
    response = client_for(p.Role.COORDINATOR).get(
        f"/incidents/{aided['incident'].pk}/board/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-status="accepted"') == 2
    assert own_name in html and helper_name not in html
    assert "No longer on record" in html
    assert 'id="board-accepted">2<' in html


def test_a_removed_persons_one_tap_link_is_refused_and_shows_no_place(aided, other_agency, client):
    # A page sent before the partner agency left: its link must not open the incident now that
    # nobody can say whose it was (the free-text place is never shown to a partner's PSP).
    Deployment.objects.filter(pk=aided["helper"].pk).update(status=DeploymentStatus.PAGED)
    token = links.make_token(aided["helper"], now=T0)
    other_agency.delete()
    response = client.get(f"/page/{token}/")
    assert response.status_code == 404
    assert b"East side" not in response.content
    assert Deployment.objects.get(pk=aided["helper"].pk).status == DeploymentStatus.PAGED
    response = client.post(f"/page/{token}/", {"answer": "accept"})
    assert response.status_code == 404
    assert Deployment.objects.get(pk=aided["helper"].pk).status == DeploymentStatus.PAGED


def test_a_removed_persons_unanswered_page_is_passed_on_2011_3_3(agency, chain):
    first, second = (psp(e) for e in staff(agency, 2))
    mhp = clinician(agency, on_call_at=T0)
    clinician(agency, "Dr. Ben Ode", role=ClinicalRole.CLINICAL_ADVISOR)
    inc = incident(agency, principals=[chain.officer], team_size=1)
    services.activate(incident=inc, by=None, now=T0)
    paged = inc.deployments.get(role=DeploymentRole.PEER_SUPPORT)
    (left,) = {first.pk, second.pk} - {paged.peer_supporter_id}
    paged.peer_supporter.delete()
    mhp.delete()
    minutes = agency.page_timeout_minutes
    assert services.escalate_due(T0 + timedelta(minutes=minutes)) == 2
    round_two = inc.deployments.filter(round=2)
    assert {(d.role, d.status) for d in round_two} == {
        (DeploymentRole.PEER_SUPPORT, DeploymentStatus.PAGED),
        (DeploymentRole.CLINICAL_CONSULTATION, DeploymentStatus.PAGED),
    }
    assert {d.peer_supporter_id for d in round_two} == {left, None}
    assert inc.deployments.filter(round=1, status=DeploymentStatus.NO_ANSWER).count() == 2


# -- mutual aid: whom the host asked outlives the partner agency -----------------------------
#
# A mutual-aid request is the host agency's record: which partner it asked, for how many, and
# the answer. Either side may end the partnership, and a partner agency may be removed, but the
# host's history stays (DESIGN principle 7); erasure keeps "the partner agencies asked, with
# their answers" (`retention`). The name is the one the partner had when it was asked.


def _aid_list(html: str) -> str:
    """The board's mutual-aid list, as the coordinator reads it."""
    start = html.index('id="mutual-aid-requests"')
    return html[start : html.index("</ul>", start)]


def test_removing_a_partner_agency_keeps_the_hosts_mutual_aid_request_2011_3_8_2(
    aided, other_agency
):
    inc = aided["incident"]
    delete_agency(other_agency)  # the agency's removal, table by table
    (kept,) = MutualAidRequest.objects.filter(incident=inc)
    assert kept.partner_id is None
    assert kept.partner_name == "Other County Sheriff"
    # A team of two with one own PSP: one asked, accepted at once (the fixture's T0).
    assert (kept.psps_requested, kept.status) == (1, MutualAidStatus.ACCEPTED)
    assert (kept.requested_at, kept.answered_at) == (T0, T0)


def test_deleting_a_partner_agency_row_keeps_the_hosts_mutual_aid_request(aided, other_agency):
    # The same through Django's collector (the admin's delete).
    other_agency.delete()
    kept = MutualAidRequest.objects.get(incident=aided["incident"])
    assert (kept.partner_id, kept.partner_name) == (None, "Other County Sheriff")
    assert kept.status == MutualAidStatus.ACCEPTED


def test_a_request_keeps_the_partners_name_as_it_was_when_asked(aided, other_agency):
    request = MutualAidRequest.objects.get(incident=aided["incident"])
    assert request.partner_name == "Other County Sheriff"
    other_agency.name = "Other County Sheriff's Office"
    other_agency.save()
    other_agency.delete()
    request.refresh_from_db()
    assert request.partner_name == "Other County Sheriff"


def test_the_board_shows_a_removed_partners_request_and_its_answer(aided, other_agency, client_for):
    coordinator = client_for(p.Role.COORDINATOR)
    url = f"/incidents/{aided['incident'].pk}/board/"
    before = _aid_list(coordinator.get(url, HTTP_HX_REQUEST="true").content.decode())
    assert "Other County Sheriff" in before and "no longer on record" not in before
    delete_agency(other_agency)
    response = coordinator.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    aid = _aid_list(response.content.decode())
    assert "Other County Sheriff" in aid
    assert "no longer on record" in aid
    assert "1 asked · <strong>accepted</strong>" in aid
    assert "at 15:00" in aid  # answered at T0, 15:00 in Chicago (daylight time)


def test_an_erased_incident_still_shows_which_removed_partner_was_asked_2011_6_7(
    aided, agency, other_agency, client_for
):
    agency.incident_retention_days = 30
    agency.save()
    inc = aided["incident"]
    delete_agency(other_agency)
    services.close(incident=inc, by=None, now=T0 + timedelta(days=1))
    assert services.erase_expired(T0 + timedelta(days=40)) == 1
    # Both PSPs' pages (the own one and the removed partner's) are in the counts.
    tallies = {t.role: (t.paged, t.accepted) for t in DeploymentTally.objects.filter(incident=inc)}
    assert tallies == {DeploymentRole.PEER_SUPPORT: (2, 2)}
    kept = MutualAidRequest.objects.get(incident=inc)
    assert (kept.partner_name, kept.psps_requested, kept.status) == (
        "Other County Sheriff",
        1,
        MutualAidStatus.ACCEPTED,
    )
    assert kept.reason == ""  # erased as any request's
    page = client_for(p.Role.COORDINATOR).get(f"/incidents/{inc.pk}/").content.decode()
    assert "Other County Sheriff" in _aid_list(page)


def test_removing_a_partner_after_erasure_keeps_the_request(aided, agency, other_agency):
    agency.incident_retention_days = 30
    agency.save()
    inc = aided["incident"]
    services.close(incident=inc, by=None, now=T0 + timedelta(days=1))
    assert services.erase_expired(T0 + timedelta(days=40)) == 1
    other_agency.delete()
    kept = MutualAidRequest.objects.get(incident=inc)
    assert (kept.partner_id, kept.partner_name, kept.status) == (
        None,
        "Other County Sheriff",
        MutualAidStatus.ACCEPTED,
    )


def test_two_removed_partners_keep_both_requests_of_one_incident(agency, chain, other_agency):
    # Unique per incident and partner only while the partner is on record: two partners gone
    # leave two rows with no partner.
    third = p.make_agency(code="THIRD", name="Third Township Police")
    accepted_agreement(other_agency, agency, starts_on=T0.date())
    accepted_agreement(third, agency, starts_on=T0.date())
    inc = incident(agency, principals=[chain.officer], team_size=2)
    services.activate(incident=inc, by=None, now=T0)  # nobody of our own: both partners asked
    assert inc.mutual_aid_requests.count() == 2
    third_coordinator = p.make_user("third-coord", third, p.Role.COORDINATOR)
    request = inc.mutual_aid_requests.get(partner=third)
    services.mutual_aid_answer(request=request, accept=False, by=third_coordinator, now=T0)
    delete_agency(other_agency)
    delete_agency(third)
    rows = MutualAidRequest.objects.filter(incident=inc).order_by("partner_name")
    assert [(r.partner_id, r.partner_name, r.psps_requested, r.status) for r in rows] == [
        (None, "Other County Sheriff", 2, MutualAidStatus.REQUESTED),
        (None, "Third Township Police", 2, MutualAidStatus.DECLINED),
    ]


def test_a_larger_team_after_a_partner_left_pages_nobody_of_it(aided, other_agency):
    # Its accepted request no longer names anyone to page: filling skips it, asks nobody new.
    inc = aided["incident"]
    delete_agency(other_agency)
    services.team_size_set(incident=inc, team_size=3, now=T0 + timedelta(minutes=5))
    assert inc.deployments.count() == 2
    assert inc.mutual_aid_requests.count() == 1


def test_a_removed_partners_waiting_request_cannot_be_answered(agency, chain, other_agency):
    accepted_agreement(other_agency, agency, starts_on=T0.date())
    inc = incident(agency, principals=[chain.officer], team_size=1)
    services.activate(incident=inc, by=None, now=T0)
    request = inc.mutual_aid_requests.get()
    other_agency.delete()
    request.refresh_from_db()
    with pytest.raises(ValidationError):
        services.mutual_aid_answer(request=request, accept=True, by=None, now=T0)
    request.refresh_from_db()
    assert request.status == MutualAidStatus.REQUESTED


def test_the_migration_names_the_partner_of_every_request_made_before(aided, other_agency):
    # Requests made before the name was kept: migration 0006 fills it from the partner's row.
    request = MutualAidRequest.objects.get(incident=aided["incident"])
    MutualAidRequest.objects.filter(pk=request.pk).update(partner_name="")
    migration = importlib.import_module(
        "peerline.incidents.migrations.0006_mutual_aid_request_outlives_the_partner"
    )
    migration.fill_partner_names(django_apps, None)
    request.refresh_from_db()
    assert request.partner_name == "Other County Sheriff"


def test_the_agreement_going_keeps_the_hosts_incident_history_2011_3_8_2(aided, other_agency):
    # An agreement goes with either agency (CASCADE): nothing of an incident hangs off it, so the
    # request, its answer and the partner's PSPs' pages stay.
    assert PartnerAgreement.objects.filter(agency=other_agency).delete()[0] == 1
    inc = aided["incident"]
    assert inc.mutual_aid_requests.get().status == MutualAidStatus.ACCEPTED
    assert inc.deployments.filter(status=DeploymentStatus.ACCEPTED).count() == 2
    assert selectors.board(inc).accepted == 2
