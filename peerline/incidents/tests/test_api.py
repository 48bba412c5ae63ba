"""The incident API: exact shapes, unknown people by number, another agency's incident is 404,
roles (2011 §3.3, §3.9)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from peerline.accounts.models import Role
from peerline.incidents.models import CriticalIncident, DeploymentRole, IncidentStatus, IncidentType
from peerline.team.models import Status

from .helpers import clinician, incident, psp, staff


@pytest.fixture
def team(agency, chain):
    members = [psp(e) for e in staff(agency, 4)]
    members.append(psp(chain.sergeant))  # the officer's sergeant: in the chain of command
    members.append(psp(staff(agency, 1)[0], status=Status.ON_LEAVE))
    clinician(agency, on_call_at=timezone.now())
    return members


def body(**fields):
    return {
        "type": "ois",
        "occurred_at": (timezone.now() - timedelta(minutes=20)).isoformat(timespec="minutes"),
        "place": "Warehouse district",
        "principals": ["2001"],
        "witnesses": ["2002"],
        "units": ["PATROL"],
        **fields,
    }


def test_create_answers_201_with_the_incident(client_for, chain, team):
    response = client_for(Role.COORDINATOR).post(
        "/api/v1/incidents", body(), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == {
        "id", "type", "status", "occurred_at", "area", "place", "team_size", "units",
        "principals_count", "witnesses_count", "activated_at", "closed_at",
    }  # fmt: skip
    assert data["type"] == "ois" and data["status"] == "open" and data["team_size"] == 4
    assert data["units"] == ["PATROL"]
    assert (data["principals_count"], data["witnesses_count"]) == (1, 1)
    assert CriticalIncident.objects.get(pk=data["id"]).involvements.count() == 2


def test_create_names_unknown_employee_numbers_422(client_for, chain):
    response = client_for(Role.COORDINATOR).post(
        "/api/v1/incidents",
        body(principals=["2001", "777777"], witnesses=["888888"]),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "777777" in response.json()["detail"] and "888888" in response.json()["detail"]
    assert not CriticalIncident.objects.exists()


def test_create_refuses_unknown_units_and_another_agencys_people(client_for, chain, other_agency):
    coordinator = client_for(Role.COORDINATOR)
    response = coordinator.post(
        "/api/v1/incidents", body(units=["NOPE"]), content_type="application/json"
    )
    assert response.status_code == 422 and "NOPE" in response.json()["detail"]
    from peerline.testing import personas as p

    p.make_employee(other_agency, "5555")
    response = coordinator.post(
        "/api/v1/incidents", body(principals=["5555"]), content_type="application/json"
    )
    assert response.status_code == 422 and "5555" in response.json()["detail"]


def test_proposal_shape_and_every_exclusion_with_its_reason(client_for, agency, chain, team):
    agency.guideline_edition = "2006"  # the OIS rule is 2006 Administration 3
    agency.save()
    inc = incident(agency, type=IncidentType.OFFICER_INVOLVED_SHOOTING, principals=[chain.officer])
    response = client_for(Role.COORDINATOR).get(f"/api/v1/incidents/{inc.pk}/proposal")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"peer_supporters", "clinicians", "excluded"}
    assert len(data["peer_supporters"]) == 4
    assert set(data["peer_supporters"][0]) == {
        "employee_number", "name", "category", "job_family", "division", "shift", "agency", "why",
    }  # fmt: skip
    assert data["peer_supporters"][0]["agency"] == "TEST"
    assert set(data["clinicians"][0]) == {"id", "name", "on_call", "role"}
    assert data["clinicians"][0]["role"] == DeploymentRole.INDIVIDUAL_INTERVENTION
    assert data["clinicians"][0]["on_call"] is True
    reasons = {row["employee_number"]: row["reason"] for row in data["excluded"]}
    assert set(data["excluded"][0]) == {"employee_number", "reason"}
    assert "chain of command" in reasons["1111"] and "2011 §7.2" in reasons["1111"]
    assert any("on leave" in reason for reason in reasons.values())


def test_activate_returns_the_deployments(client_for, agency, chain, team):
    agency.guideline_edition = "2006"  # the OIS rule is 2006 Administration 3
    agency.save()
    inc = incident(agency, type=IncidentType.OFFICER_INVOLVED_SHOOTING, principals=[chain.officer])
    coordinator = client_for(Role.COORDINATOR)
    response = coordinator.post(f"/api/v1/incidents/{inc.pk}/activate")
    assert response.status_code == 200, response.content
    rows = response.json()
    assert len(rows) == 5
    assert set(rows[0]) == {
        "id", "kind", "employee_number", "clinician_id", "agency", "role", "round", "status",
        "paged_at",
    }  # fmt: skip
    kinds = sorted(row["kind"] for row in rows)
    assert kinds == ["clinician"] + ["peer_supporter"] * 4
    mhp = next(row for row in rows if row["kind"] == "clinician")
    assert mhp["role"] == "individual_intervention" and mhp["status"] == "paged"
    inc.refresh_from_db()
    assert inc.status == IncidentStatus.ACTIVATED
    again = coordinator.post(f"/api/v1/incidents/{inc.pk}/activate")
    assert again.status_code == 409


def test_another_agencys_incident_is_404(client_for, users, agency, chain, team, other_agency):
    inc = incident(agency, principals=[chain.officer])
    outsider = client_for("outsider")
    assert outsider.get(f"/api/v1/incidents/{inc.pk}/proposal").status_code == 404
    assert outsider.post(f"/api/v1/incidents/{inc.pk}/activate").status_code == 404
    inc.refresh_from_db()
    assert inc.status == IncidentStatus.OPEN


@pytest.mark.parametrize("role", [r for r in Role if r != Role.COORDINATOR])
def test_other_roles_are_refused_403(client_for, agency, chain, role):
    inc = incident(agency, principals=[chain.officer])
    c = client_for(role)
    assert c.post("/api/v1/incidents", body(), content_type="application/json").status_code == 403
    assert c.get(f"/api/v1/incidents/{inc.pk}/proposal").status_code == 403
    assert c.post(f"/api/v1/incidents/{inc.pk}/activate").status_code == 403


def test_an_agency_may_let_another_role_activate_but_never_command_staff_2011_3_1(
    client_for, agency, chain, team
):
    agency.activation_roles = [Role.CLINICAL_ADVISOR.value, Role.COMMAND_STAFF.value]
    agency.save()
    response = client_for(Role.CLINICAL_ADVISOR).post(
        "/api/v1/incidents", body(), content_type="application/json"
    )
    assert response.status_code == 201
    for role in (Role.COMMAND_STAFF, Role.STEERING_COMMITTEE):
        response = client_for(role).post(
            "/api/v1/incidents", body(), content_type="application/json"
        )
        assert response.status_code == 403
