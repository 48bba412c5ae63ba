"""Paging in rounds with a controllable clock (2011 §3.3): no answer within the agency's timeout
passes the page on, a decline passes it on at once, and the team never grows past its size."""

from datetime import timedelta

import pytest

from peerline.incidents import links, services
from peerline.incidents.models import (
    Deployment,
    DeploymentRole,
    DeploymentStatus,
    FollowUp,
    FollowUpKind,
    IncidentStatus,
    IncidentType,
    MutualAidRequest,
)
from peerline.notifications.models import Notification, NotificationStatus
from peerline.partners.testing import accepted_agreement
from peerline.testing import personas as p

from .helpers import T0, clinician, incident, psp, staff


@pytest.fixture
def team(agency, chain):
    """Five PSPs in Investigations, away from the officers involved."""
    return [psp(e) for e in staff(agency, 5)]


def live(inc):
    return inc.deployments.filter(
        peer_supporter__isnull=False, status__in=[DeploymentStatus.PAGED, DeploymentStatus.ACCEPTED]
    )


def test_activation_pages_the_team_and_clinician_in_one_transaction_2011_3_3(agency, chain, team):
    mhp = clinician(agency, on_call_at=T0)
    inc = incident(agency, principals=[chain.officer], team_size=2)
    deployments = services.activate(incident=inc, by=None, now=T0)
    inc.refresh_from_db()
    assert inc.status == IncidentStatus.ACTIVATED and inc.activated_at == T0
    assert [d.round for d in deployments] == [1, 1, 1]
    assert sum(d.clinician_id == mhp.pk for d in deployments) == 1
    # One outbox row per person (e-mail: nobody has channels), keyed per incident/person/round.
    keys = sorted(Notification.objects.values_list("key", flat=True))
    assert len(keys) == 3
    assert f"incident:{inc.pk}:mhp:{mhp.pk}:round:1:email" in keys
    assert FollowUp.objects.filter(incident=inc, kind=FollowUpKind.ON_SCENE, due_at=T0).exists()


def test_a_page_names_nobody_involved(agency, chain, team):
    inc = incident(agency, principals=[chain.officer], witnesses=[chain.officer2], team_size=2)
    services.activate(incident=inc, by=None, now=T0)
    for note in Notification.objects.all():
        for person in (chain.officer, chain.officer2):
            assert person.last_name not in note.body and person.employee_number not in note.body
        assert "East side" in note.body and links.ACCEPT in note.body


def test_no_answer_within_the_timeout_pages_the_next_in_round_2(agency, chain, team):
    agency.page_timeout_minutes = 10
    agency.save()
    inc = incident(agency, principals=[chain.officer], team_size=2)
    first = services.activate(incident=inc, by=None, now=T0)
    assert services.escalate_due(T0 + timedelta(minutes=9, seconds=59)) == 0
    assert services.escalate_due(T0 + timedelta(minutes=10)) == 2
    for d in first:
        d.refresh_from_db()
        assert d.status == DeploymentStatus.NO_ANSWER
    second = list(inc.deployments.filter(round=2))
    assert len(second) == 2 and all(d.status == DeploymentStatus.PAGED for d in second)
    assert not {d.peer_supporter_id for d in second} & {d.peer_supporter_id for d in first}
    assert live(inc).count() == 2
    # Once more: only one PSP is left, so round 3 has one page.
    services.escalate_due(T0 + timedelta(minutes=20))
    assert inc.deployments.filter(round=3).count() == 1
    assert live(inc).count() == 1


def test_a_decline_pages_the_next_at_once(agency, chain, team):
    inc = incident(agency, principals=[chain.officer], team_size=2)
    first, second = services.activate(incident=inc, by=None, now=T0)
    services.respond(deployment=first, accept=True, now=T0 + timedelta(minutes=1))
    services.respond(deployment=second, accept=False, now=T0 + timedelta(minutes=2))
    nxt = inc.deployments.get(round=2)
    assert nxt.status == DeploymentStatus.PAGED and nxt.paged_at == T0 + timedelta(minutes=2)
    assert live(inc).count() == 2
    # Accepted ones never time out; only the new page does.
    assert services.escalate_due(T0 + timedelta(minutes=11)) == 0
    assert services.escalate_due(T0 + timedelta(minutes=12)) == 1
    assert live(inc).count() == 2


def test_never_more_than_the_team_size_accepted_and_pending(agency, chain, team):
    inc = incident(agency, principals=[chain.officer], team_size=3)
    services.activate(incident=inc, by=None, now=T0)
    now = T0
    for step in range(6):
        now += timedelta(minutes=3)
        pending = inc.deployments.filter(
            status=DeploymentStatus.PAGED, peer_supporter__isnull=False
        )
        if step % 2 and pending.exists():
            services.respond(deployment=pending.first(), accept=step % 4 == 1, now=now)
        services.escalate_due(now)
        assert live(inc).count() <= 3


def test_an_answer_counts_once(agency, chain, team):
    inc = incident(agency, principals=[chain.officer], team_size=1)
    (page,) = services.activate(incident=inc, by=None, now=T0)
    services.respond(deployment=page, accept=True, now=T0)
    with pytest.raises(services.AlreadyAnswered):
        services.respond(deployment=page, accept=False, now=T0)
    page.refresh_from_db()
    assert page.status == DeploymentStatus.ACCEPTED


def test_an_escalated_page_cannot_be_answered_late(agency, chain, team):
    inc = incident(agency, principals=[chain.officer], team_size=1)
    (page,) = services.activate(incident=inc, by=None, now=T0)
    services.escalate_due(T0 + timedelta(minutes=10))
    with pytest.raises(services.AlreadyAnswered):
        services.respond(deployment=page, accept=True, now=T0 + timedelta(minutes=11))


def test_a_clinician_who_does_not_answer_is_replaced_2011_5_1(agency, chain, team):
    first = clinician(agency, "Dr. Ana Ruiz", on_call_at=T0)
    backup = clinician(agency, "Dr. Ben Stone")
    agency.guideline_edition = "2006"  # the OIS rule is 2006 Administration 3
    agency.save()
    inc = incident(agency, type=IncidentType.OFFICER_INVOLVED_SHOOTING, principals=[chain.officer])
    services.activate(incident=inc, by=None, now=T0)
    services.escalate_due(T0 + timedelta(minutes=10))
    replacement = inc.deployments.get(clinician=backup)
    assert replacement.role == DeploymentRole.INDIVIDUAL_INTERVENTION
    assert inc.deployments.get(clinician=first).status == DeploymentStatus.NO_ANSWER


def test_a_larger_team_size_after_activation_pages_more_at_once(agency, chain, team):
    inc = incident(agency, principals=[chain.officer], team_size=1)
    services.activate(incident=inc, by=None, now=T0)
    services.team_size_set(incident=inc, team_size=3, now=T0 + timedelta(minutes=1))
    assert live(inc).count() == 3


def test_running_out_of_candidates_asks_partners_2011_3_8_2(agency, chain, team, other_agency):
    accepted_agreement(other_agency, agency, starts_on=T0.date())
    partner_coordinator = p.make_user("partner-coord", other_agency, p.Role.COORDINATOR)
    partner_coordinator.email = "coord@other.example"
    partner_coordinator.save()
    helpers = [psp(e) for e in staff(other_agency, 3)]
    inc = incident(agency, principals=[chain.officer], team_size=5)
    services.activate(incident=inc, by=None, now=T0)
    assert not MutualAidRequest.objects.exists()  # five eligible: nobody short yet
    services.respond(deployment=inc.deployments.first(), accept=False, now=T0)
    request = MutualAidRequest.objects.get(incident=inc, partner=other_agency)
    assert request.psps_requested == 1
    assert Notification.objects.filter(
        topic=f"mutual-aid:{request.pk}", target="coord@other.example"
    ).exists()
    services.mutual_aid_answer(request=request, accept=True, by=partner_coordinator, now=T0)
    paged = inc.deployments.filter(peer_supporter__agency=other_agency)
    assert paged.count() == 1 and paged.get().peer_supporter in helpers
    assert live(inc).count() == 5


def test_closing_withdraws_open_pages(agency, chain, team):
    inc = incident(agency, principals=[chain.officer], team_size=2)
    first, second = services.activate(incident=inc, by=None, now=T0)
    services.respond(deployment=first, accept=True, now=T0)
    services.close(incident=inc, by=None, now=T0 + timedelta(hours=3))
    second.refresh_from_db()
    assert second.status == DeploymentStatus.CANCELLED
    assert services.escalate_due(T0 + timedelta(hours=4)) == 0
    assert Deployment.objects.filter(incident=inc).count() == 2


def test_pages_passed_on_or_closed_before_they_were_sent_are_withdrawn_2011_3_3(
    agency, chain, team
):
    inc = incident(agency, principals=[chain.officer], team_size=2)
    first, second = services.activate(incident=inc, by=None, now=T0)
    first.notifications.update(status=NotificationStatus.SENT, sent_at=T0)
    # The second page never went out (its channel kept failing): passed on, it is withdrawn, so
    # nobody receives a page whose link has already expired.
    services.escalate_due(T0 + timedelta(minutes=10))
    second.refresh_from_db()
    assert second.status == DeploymentStatus.NO_ANSWER
    assert set(second.notifications.values_list("status", flat=True)) == {"withdrawn"}
    assert set(first.notifications.values_list("status", flat=True)) == {"sent"}
    # Closing withdraws the round-2 pages not sent yet; the worker then has nothing to send.
    round_two = inc.deployments.filter(round=2)
    assert round_two.exists()
    services.close(incident=inc, by=None, now=T0 + timedelta(minutes=12))
    topics = [f"deployment:{pk}" for pk in round_two.values_list("pk", flat=True)]
    statuses = Notification.objects.filter(topic__in=topics).values_list("status", flat=True)
    assert set(statuses) == {"withdrawn"}
    assert not Notification.objects.filter(status="pending").exists()


def test_one_escalation_is_one_round_for_psps_and_clinician_alike_issue_17(agency, chain, team):
    """Rounds are numbered as they happen: the PSPs and the clinician paged by one lapse share
    round 2, never "round 2 and round 3 in the same second" (2011 §3.3, §5.1)."""
    clinician(agency, "Dr. Ana Ruiz", on_call_at=T0)
    backup = clinician(agency, "Dr. Ben Stone")
    inc = incident(agency, principals=[chain.officer], team_size=2)
    services.activate(incident=inc, by=None, now=T0)
    services.escalate_due(T0 + timedelta(minutes=10))
    paged_now = inc.deployments.filter(paged_at=T0 + timedelta(minutes=10))
    assert sorted(paged_now.values_list("round", flat=True)) == [2, 2, 2]
    assert paged_now.filter(clinician=backup).exists()
