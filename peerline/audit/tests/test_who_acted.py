"""Every service that takes `by` records who acted (issue 14 item 6): on the row where the
program needs it there (who opened, activated and closed an incident, 2011 §3.9; who answered a
partner's request, §3.8.2; who recorded eligibility, §4.1; who published an agreement, §6.8),
and in the audit trail, in the same transaction, with nothing about anyone involved (§6.7)."""

from datetime import timedelta

import pytest

from peerline.accounts.models import Role
from peerline.audit.models import AuditEvent
from peerline.incidents import services as incidents
from peerline.incidents.models import IncidentType, MutualAidRequest, MutualAidStatus
from peerline.incidents.tests.helpers import T0, psp, staff
from peerline.partners.testing import accepted_agreement
from peerline.team import services as team
from peerline.team.tests.helpers import login_for
from peerline.testing import personas as p

pytestmark = pytest.mark.django_db


def one(action):
    found = list(AuditEvent.objects.filter(action=action))
    assert len(found) == 1, f"{action}: {len(found)} events"
    return found[0]


@pytest.fixture
def coordinator(users):
    return users[Role.COORDINATOR]


def _open(agency, chain, coordinator, team_size=1):
    return incidents.incident_open(
        agency=agency,
        by=coordinator,
        type=IncidentType.LINE_OF_DUTY_DEATH,
        occurred_at=T0,
        place="",
        area=agency.incident_areas.filter(active=True).first(),
        principals=[chain.officer],
        witnesses=[],
        units=[],
        team_size=team_size,
        now=T0,
    )


def test_who_opened_activated_and_closed_an_incident_is_kept_on_it_2011_3_9(
    agency, chain, coordinator, users
):
    closer = p.make_user("second-coordinator", agency, Role.COORDINATOR)
    inc = _open(agency, chain, coordinator)
    incidents.activate(incident=inc, by=coordinator, now=T0)
    incidents.close(incident=inc, by=closer, now=T0 + timedelta(hours=2))
    inc.refresh_from_db()
    assert (inc.opened_by, inc.activated_by, inc.closed_by) == (coordinator, coordinator, closer)
    opened = one("incident.opened")
    assert (opened.actor_id, opened.agency_id, opened.target) == (
        coordinator.pk,
        agency.pk,
        f"incident:{inc.pk}",
    )
    assert opened.detail == {"type": IncidentType.LINE_OF_DUTY_DEATH}  # nobody involved (§6.7)
    assert one("incident.closed").actor_id == closer.pk
    assert chain.officer.last_name not in str(list(AuditEvent.objects.values()))


def test_a_partners_answer_to_mutual_aid_names_who_answered_2011_3_8_2(
    agency, chain, coordinator, other_agency
):
    accepted_agreement(other_agency, agency, starts_on=T0.date())
    partner_coordinator = p.make_user("partner-coord", other_agency, Role.COORDINATOR)
    [psp(e) for e in staff(other_agency, 2)]
    inc = _open(agency, chain, coordinator, team_size=2)
    incidents.activate(incident=inc, by=coordinator, now=T0)  # nobody here: partners asked
    request = MutualAidRequest.objects.get(incident=inc, partner=other_agency)
    incidents.mutual_aid_answer(request=request, accept=False, by=partner_coordinator, now=T0)
    request.refresh_from_db()
    assert (request.status, request.answered_by) == (
        MutualAidStatus.DECLINED,
        partner_coordinator,
    )
    answered = one("incident.mutual_aid_answered")
    assert (answered.actor_id, answered.agency_id, answered.target) == (
        partner_coordinator.pk,
        other_agency.pk,  # in the answering agency's own trail
        f"mutual_aid:{request.pk}",
    )
    assert answered.detail == {"answer": MutualAidStatus.DECLINED}


def test_who_recorded_eligibility_is_audited_2011_4_1(agency, chain, coordinator):
    login_for(chain.officer2)
    chain.officer2.refresh_from_db()
    application = team.volunteer(
        employee=chain.officer2, statement="I want to help.", by=chain.officer2.user, now=T0
    )
    team.check_eligibility(application=application, eligible=False, note="", by=coordinator)
    application.refresh_from_db()
    assert application.eligibility_checked_by == coordinator
    event = one("selection.eligibility_checked")
    assert (event.actor_id, event.target, event.detail) == (
        coordinator.pk,
        f"application:{application.pk}",
        {"eligible": False},
    )


def test_who_published_an_agreement_is_audited_2011_6_8(agency, coordinator):
    agreement = team.publish_agreement(
        agency=agency, text="I keep what I hear confidential, within the limits.", by=coordinator
    )
    assert agreement.published_by == coordinator
    event = one("team.agreement_published")
    assert (event.actor_id, event.agency_id, event.target) == (
        coordinator.pk,
        agency.pk,
        f"v{agreement.version}",
    )
