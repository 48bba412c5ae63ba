"""The proposed team on the demo agency (2011 §3.3, §3.8.2, §4.4, §7.2; 2006 Administration 3):
every exclusion with its reason, the MHP for the principals of a shooting, a stable ranking."""

from datetime import date, timedelta

import pytest

from peerline.agencies.models import Category, Employee, JobFamily
from peerline.clinical.selectors import on_call_now
from peerline.incidents import proposal as prop
from peerline.incidents import services
from peerline.incidents.models import DeploymentRole, IncidentType
from peerline.team.models import PeerSupporter, Status
from peerline.web import demo

from .helpers import T0, clinician, incident, psp, staff

TODAY = date(2026, 3, 16)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        result = demo.seed_demo(employees=600, seed=1, today=TODAY)
    yield result.agency
    with django_db_blocker.unblock():
        demo.delete_demo()


@pytest.fixture
def scene(seeded, db):
    """An OIS in the demo agency: the principal is a PSP sergeant's officer; a PSP of another
    division saw it; the communications center is a unit involved."""
    team = list(
        PeerSupporter.objects.filter(agency=seeded, status=Status.ACTIVE)
        .select_related("employee__division")
        .order_by("employee__employee_number")
    )
    sergeant = next(
        s for s in team
        if s.employee.job_family == JobFamily.PATROL
        and s.employee.direct_reports.filter(peer_supporter__isnull=True).exists()
    )  # fmt: skip
    principal = sergeant.employee.direct_reports.filter(peer_supporter__isnull=True).first()
    witness = next(
        s for s in team
        if s.employee.division_id != sergeant.employee.division_id
        and s.employee.division.code != "COMM"
        and not s.employee.direct_reports.exists()
    )  # fmt: skip
    comm = seeded.divisions.get(code="COMM")
    inc = incident(
        seeded,
        type=IncidentType.OFFICER_INVOLVED_SHOOTING,
        principals=[principal],
        witnesses=[witness.employee],
        units=[comm],
    )
    return {
        "incident": inc,
        "sergeant": sergeant,
        "principal": principal,
        "witness": witness,
        "close": {sergeant.employee.division_id, witness.employee.division_id, comm.pk},
    }


def reasons_of(proposal):
    return {e.employee_number: e.reason for e in proposal.excluded}


def test_involved_psps_are_excluded_citing_only_their_own_state(scene):
    proposal = prop.propose(incident=scene["incident"], now=T0)
    reasons = reasons_of(proposal)
    witness = scene["witness"].employee.employee_number
    assert reasons[witness].startswith("a witness")
    for other_state in ("Colorado", "Utah", "Virginia", "Minnesota", "Louisiana"):
        assert other_state not in reasons[witness]
    assert witness not in {c.employee_number for c in proposal.ranked}


def test_psps_of_the_involved_units_are_excluded_2011_3_8_2(scene):
    proposal = prop.propose(incident=scene["incident"], now=T0)
    reasons = reasons_of(proposal)
    close = PeerSupporter.objects.filter(
        agency=scene["incident"].agency,
        status__in=[Status.ACTIVE, Status.ON_LEAVE],
        employee__division_id__in=scene["close"],
    ).exclude(pk=scene["witness"].pk)
    assert close.count() >= 5
    for member in close.select_related("employee"):
        assert (
            "a unit involved: too close (2011 §3.8.2)" in reasons[member.employee.employee_number]
        )
    assert not scene["close"] & set(
        Employee.objects.filter(
            employee_number__in=[c.employee_number for c in proposal.ranked],
            agency=scene["incident"].agency,
        ).values_list("division_id", flat=True)
    )


def test_the_principals_supervisor_is_excluded_chain_of_command_2011_7_2(scene):
    reasons = reasons_of(prop.propose(incident=scene["incident"], now=T0))
    assert prop.CHAIN_ABOVE in reasons[scene["sergeant"].employee.employee_number]


def test_psps_on_leave_are_excluded_2011_4_4(scene):
    reasons = reasons_of(prop.propose(incident=scene["incident"], now=T0))
    on_leave = PeerSupporter.objects.filter(
        agency=scene["incident"].agency, status=Status.ON_LEAVE
    ).select_related("employee")
    assert on_leave.count() == 2
    for member in on_leave:
        assert prop.ON_LEAVE in reasons[member.employee.employee_number]


def test_every_member_is_proposed_or_excluded_with_a_reason(scene):
    proposal = prop.propose(incident=scene["incident"], now=T0)
    team = PeerSupporter.objects.filter(
        agency=scene["incident"].agency, status__in=[Status.ACTIVE, Status.ON_LEAVE]
    )
    assert len(proposal.ranked) + len(proposal.excluded) == team.count()
    assert all(e.reasons for e in proposal.excluded)
    assert len(proposal.own_team) == 4  # an OIS sends four
    assert not {c.employee_number for c in proposal.ranked} & set(reasons_of(proposal))


def test_ois_principals_see_a_licensed_mhp_only_2006_administration_3(scene):
    agency = scene["incident"].agency
    agency.guideline_edition = "2006"  # the rule is the 2006 edition's only
    agency.save()
    on_call = on_call_now(agency=agency, at=T0) or [clinician(agency, on_call_at=T0)]
    proposal = prop.propose(incident=scene["incident"], now=T0)
    assert [c.clinician_id for c in proposal.clinicians] == [m.pk for m in on_call]
    assert all(c.on_call for c in proposal.clinicians)
    assert proposal.clinicians[0].role == DeploymentRole.INDIVIDUAL_INTERVENTION
    assert {c.role for c in proposal.clinicians[1:]} <= {DeploymentRole.CLINICAL_CONSULTATION}
    assert prop.OIS_NOTE in proposal.notes
    assert all("the officers involved see the licensed MHP" in c.why for c in proposal.own_team)
    assert not any("outer circles" in c.why for c in proposal.own_team)
    deployments = services.activate(incident=scene["incident"], by=None, now=T0)
    intervention = [d for d in deployments if d.role == DeploymentRole.INDIVIDUAL_INTERVENTION]
    assert [d.clinician_id for d in intervention] == [on_call[0].pk]  # a licensed MHP only
    assert {d.role for d in deployments if d.peer_supporter_id} == {DeploymentRole.PEER_SUPPORT}


def test_the_ranking_matches_those_involved_then_spreads_shifts(scene):
    proposal = prop.propose(incident=scene["incident"], now=T0)
    ranked = proposal.ranked
    # Sworn patrol people were involved: sworn first, and within sworn, patrol first.
    levels = [(c.category == Category.SWORN, c.job_family == JobFamily.PATROL) for c in ranked]
    order = [(True, True), (True, False), (False, True), (False, False)]
    assert [order.index(level) for level in levels] == sorted(
        order.index(level) for level in levels
    )
    assert ranked[0].category == Category.SWORN
    # Within a level, no shift is asked twice before every shift of that level was asked once.
    first_level = [c for c, level in zip(ranked, levels, strict=True) if level == levels[0]]
    shifts = [c.shift for c in first_level]
    distinct = len(set(shifts))
    assert len(set(shifts[:distinct])) == distinct


def test_the_proposal_is_stable(scene):
    first = prop.propose(incident=scene["incident"], now=T0)
    again = prop.propose(incident=scene["incident"], now=T0 + timedelta(minutes=1))
    assert [c.employee_number for c in first.ranked] == [c.employee_number for c in again.ranked]


def test_a_team_too_small_proposes_mutual_aid_from_partners_2011_3_8_2(scene):
    inc = scene["incident"]
    inc.team_size = 30
    inc.save()
    proposal = prop.propose(incident=inc, now=T0)
    assert proposal.short_by == 30 - len(proposal.ranked)
    assert [offer.agency.code for offer in proposal.partners] == [demo.PARTNER_CODE]
    partners = [c for c in proposal.peer_supporters if c.partner]
    assert partners and all(c.agency_code == demo.PARTNER_CODE for c in partners)
    services.activate(incident=inc, by=None, now=T0)
    request = inc.mutual_aid_requests.get()
    assert request.partner.code == demo.PARTNER_CODE
    assert request.psps_requested == proposal.short_by


# -- the rules on a tiny agency, one at a time ----------------------------------------------


def test_chain_of_command_alone_excludes_across_divisions_2011_7_2(agency, chain):
    """The chief (in Patrol) is above the telecommunicator (in Communications)."""
    chief = psp(chain.chief)
    inc = incident(agency, principals=[chain.telecommunicator])
    reasons = reasons_of(prop.propose(incident=inc, now=T0))
    assert reasons[chief.employee.employee_number] == prop.CHAIN_ABOVE
    below = incident(agency, principals=[chain.lieutenant])
    officer = psp(chain.officer2)
    reasons = reasons_of(prop.propose(incident=below, now=T0))
    assert prop.CHAIN_BELOW in reasons[officer.employee.employee_number]


def test_psps_not_taking_contacts_are_still_asked_but_later(agency, chain):
    busy, free = (psp(e) for e in staff(agency, 2))
    busy.available = False
    busy.save()
    inc = incident(agency, principals=[chain.officer], team_size=2)
    ranked = prop.propose(incident=inc, now=T0).ranked
    assert [c.peer_supporter_id for c in ranked] == [free.pk, busy.pk]
    assert "asked anyway" in ranked[1].why


def test_a_clinical_advisor_not_on_call_is_flagged(agency, chain):
    advisor = clinician(agency)  # no on-call shift
    inc = incident(agency, principals=[chain.officer])
    (choice,) = prop.propose(incident=inc, now=T0).clinicians
    assert (choice.clinician_id, choice.on_call) == (advisor.pk, False)


def test_team_sizes_follow_the_incident_type(agency, chain):
    sizes = {t: incident(agency, type=t).team_size for t in IncidentType.values}
    assert sizes[IncidentType.OFFICER_INVOLVED_SHOOTING] == 4
    assert sizes[IncidentType.LINE_OF_DUTY_DEATH] == 6
    assert sizes[IncidentType.MASS_CASUALTY] == 8
    assert sizes[IncidentType.OTHER] == 2
    assert incident(agency, type=IncidentType.OTHER, team_size=5).team_size == 5


def test_the_ranking_is_built_only_as_far_as_it_is_read(scene):
    """2011 §3.3: the team paged is the first `team_size` of the full order; reading them builds
    those candidates only, and reading on gives the same order as reading everything."""
    lazy = prop.propose(incident=scene["incident"], now=T0)
    full = list(prop.propose(incident=scene["incident"], now=T0).ranked)
    size = lazy.team_size
    assert len(full) > size + 1
    assert len(lazy.ranked) == len(full)  # counted without building
    assert repr(lazy.ranked) == f"<Ranking of {len(full)}, 0 built>"
    assert lazy.own_team == full[:size]
    assert repr(lazy.ranked) == f"<Ranking of {len(full)}, {size} built>"
    assert lazy.ranked[size] == full[size]
    assert lazy.ranked[-1] == full[-1]
    assert list(lazy.ranked) == full
