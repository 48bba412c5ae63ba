"""The five places that went against the guidelines, each fixed with a test."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from peerline.accounts import policy
from peerline.accounts.models import Role
from peerline.agencies.models import GuidelineEdition
from peerline.governance.models import ExceptionCategory
from peerline.governance.selectors import limits_statement
from peerline.incidents import proposal as prop
from peerline.incidents.clinicians import clinicians_for
from peerline.incidents.models import DeploymentRole, IncidentType
from peerline.incidents.tests.helpers import T0, clinician, incident, psp, staff
from peerline.testing import personas as p


def test_serious_violation_is_a_default_of_2006_agencies_only_2011_6_3(db):
    modern = p.make_agency(code="A2011")
    older = p.make_agency(code="A2006")
    older.guideline_edition = GuidelineEdition.IACP_2006
    older.save()
    older.confidentiality_exceptions.all().delete()
    from peerline.governance.services import exceptions_create_defaults

    exceptions_create_defaults(agency=older)
    assert "Serious violation of law" not in limits_statement(agency=modern)
    assert limits_statement(agency=modern) == [
        "Threat to self", "Threat to others", "Child abuse", "Elder abuse",
    ]  # fmt: skip
    assert "Serious violation of law" in limits_statement(agency=older)


def test_the_card_states_the_law_of_the_agencys_state_and_the_caution_2011_3_10(
    client_for, agency, chain
):
    client = client_for(Role.PEER_SUPPORTER)
    page = client.get(reverse("contacts:log")).content.decode()
    assert "The law in Illinois" in page and "not confirmed" in page
    assert "Confirm with your agency" in page
    assert "will not discuss the incident itself" in page and "2011 §3.10" in page
    agency.state = "CA"
    agency.guideline_edition = GuidelineEdition.IACP_2006
    agency.save()
    page = client.get(reverse("contacts:log")).content.decode()
    assert "Cal. Gov. Code § 8669.4" in page and "privileged" in page
    assert (
        "not used in internal affairs investigations" in page and "2006 Administration 10" in page
    )


def test_the_find_a_peer_page_carries_the_caution_2011_3_10(client_for):
    page = client_for(Role.EMPLOYEE).get(reverse("directory:index")).content.decode()
    assert 'id="discipline-caution"' in page and "2011 §3.10" in page
    assert "Confirm with your agency" in page


def test_command_staff_never_activate_whatever_the_setting_2011_3_1(agency):
    agency.activation_roles = [Role.COMMAND_STAFF.value]
    with pytest.raises(ValidationError):
        agency.full_clean()
    assert Role.COMMAND_STAFF not in policy.granted(policy.Permission.INCIDENT_ACTIVATE, agency)


@pytest.fixture
def shooting(agency, chain):
    for employee in staff(agency, 5, division="COMM"):
        psp(employee)
    clinician(agency, on_call_at=T0)
    return incident(
        agency, type=IncidentType.OFFICER_INVOLVED_SHOOTING,
        principals=[chain.officer], witnesses=[chain.officer2],
    )  # fmt: skip


def test_a_2011_agency_gets_no_2006_shooting_rule_2011_3_3(shooting):
    proposal = prop.propose(incident=shooting, now=T0)
    assert prop.OIS_NOTE not in proposal.notes
    assert not any("MHP" in c.why for c in proposal.own_team)
    roles = {c.role for c in clinicians_for(incident=shooting, now=T0)}
    assert roles == {DeploymentRole.CLINICAL_CONSULTATION}


def test_a_2006_agency_gets_the_shooting_rule_in_plain_words_2006_administration_3(
    shooting, agency
):
    agency.guideline_edition = GuidelineEdition.IACP_2006
    agency.save()
    shooting.refresh_from_db()
    proposal = prop.propose(incident=shooting, now=T0)
    assert prop.OIS_NOTE in proposal.notes
    assert clinicians_for(incident=shooting, now=T0)[0].role == (
        DeploymentRole.INDIVIDUAL_INTERVENTION
    )
    # 2006's outer circles are people NOT on the scene: witnesses are never called that.
    words = " ".join([*proposal.notes, *(c.why for c in proposal.own_team)])
    assert "outer circle" not in words.lower()
    assert "witnesses on the scene" in prop.OIS_NOTE


def test_exclusions_cite_only_the_agencys_own_state(shooting, agency, chain):
    psp(chain.officer2)
    reasons = {
        e.employee_number: e.reason for e in prop.propose(incident=shooting, now=T0).excluded
    }
    witness = reasons[chain.officer2.employee_number]
    for state in ("Colorado", "Utah", "Virginia", "Minnesota", "Louisiana"):
        assert state not in witness
    agency.state = "LA"
    agency.save()
    shooting.refresh_from_db()
    reasons = {
        e.employee_number: e.reason for e in prop.propose(incident=shooting, now=T0).excluded
    }
    assert "Louisiana law (La. Code Evid. art. 518)" in reasons[chain.officer2.employee_number]
    assert "Colorado" not in reasons[chain.officer2.employee_number]


def test_removed_limits_leave_the_card_but_not_the_history(agency):
    from peerline.governance import services

    limit = agency.confidentiality_exceptions.get(category=ExceptionCategory.ELDER_ABUSE)
    services.limit_remove(limit=limit, by=None)
    assert "Elder abuse" not in limits_statement(agency=agency)
    versions = list(agency.limits_versions.order_by("number"))
    assert "Elder abuse" in [row["label"] for row in versions[0].limits]
    assert "Elder abuse" not in [row["label"] for row in versions[-1].limits]
