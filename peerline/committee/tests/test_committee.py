"""The steering committee (2011 §3.2), program settings and clinical oversight (2011 §3.4)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from peerline.accounts.models import Role
from peerline.assessment import measures
from peerline.assessment.models import Status
from peerline.audit.models import AuditEvent
from peerline.committee import services
from peerline.committee.models import Meeting, SettingChange


def test_the_committee_records_members_and_shows_the_composition_2011_3_2(client_for, agency):
    client = client_for(Role.STEERING_COMMITTEE)
    page = client.get("/committee/").content.decode()
    assert 'id="composition-status" class="usa-tag bg-secondary">not met' in page
    for name, seat, state in [
        ("Sgt. Ortiz", "sworn", ""), ("Ms. Lee", "civilian", ""), ("FOP Lodge 7", "employee_org", ""),
        ("Deputy Chief Hale", "administration", ""), ("Dr. Ruiz", "licensed_mhp", "IL"),
    ]:  # fmt: skip
        response = client.post("/committee/", {"add_member": "1", "name": name, "seat": seat,
                                               "licence_state": state, "since": "2026-01-05"})  # fmt: skip
        assert response.status_code == 302
    page = client.get("/committee/").content.decode()
    assert 'class="usa-tag bg-green">met' in page and "Dr. Ruiz" in page
    # The training compliance summary, counts only (2011 §8.1): nobody is on the team yet.
    assert "0 of 0 peer supporters completed their hours" in page


def test_a_decision_is_recorded_with_its_date_2011_3_2(client_for, agency):
    client = client_for(Role.STEERING_COMMITTEE)
    client.post("/committee/", {"add_decision": "1", "decided_on": "2026-11-02",
                                "subject": "Training plan 2027", "decision": "Two refreshers."})  # fmt: skip
    page = client.get("/committee/").content.decode()
    assert "Nov 2, 2026 · Training plan 2027" in page
    assert AuditEvent.objects.filter(action="committee.decision").exists()


def test_only_the_committee_chooses_the_edition_and_every_change_keeps_old_and_new(users, agency):
    coordinator = frozenset({Role.COORDINATOR})
    with pytest.raises(ValidationError):
        services.edition_choose(agency=agency, by=users[Role.COORDINATOR], roles=coordinator,
                                edition="2006")  # fmt: skip
    services.edition_choose(agency=agency, by=users[Role.STEERING_COMMITTEE],
                            roles=frozenset({Role.STEERING_COMMITTEE}), edition="2006")  # fmt: skip
    agency.refresh_from_db()
    assert agency.guideline_edition == "2006"
    change = SettingChange.objects.get(setting="guideline_edition")
    assert (change.old, change.new) == ("2011", "2006")
    assert AuditEvent.objects.filter(action="settings.changed", target="guideline_edition").exists()
    # The coordinator changes what is theirs (2011 §3.9).
    services.setting_change(agency=agency, by=users[Role.COORDINATOR], roles=coordinator,
                            setting="page_timeout_minutes", value=7)  # fmt: skip
    agency.refresh_from_db()
    assert agency.page_timeout_minutes == 7


def test_the_settings_page_refuses_command_staff_as_activators_2011_3_1(client_for, agency):
    client = client_for(Role.STEERING_COMMITTEE)
    page = client.get("/committee/settings/").content.decode()
    assert 'value="command_staff"' not in page
    data = {name: getattr(agency, name) for name in services.WHO_MAY}
    data.pop("activation_roles")
    data["activation_roles"] = ["command_staff"]
    client.post("/committee/settings/", data)
    agency.refresh_from_db()
    assert "command_staff" not in agency.activation_roles
    data["activation_roles"] = ["clinical_advisor"]
    data["guideline_edition"] = "2006"
    assert client.post("/committee/settings/", data).status_code == 302
    agency.refresh_from_db()
    assert agency.activation_roles == ["clinical_advisor"] and agency.guideline_edition == "2006"


def test_the_advisor_scope_is_agreed_when_both_sides_accept_2011_3_4(users, agency):
    scope = services.scope_write(agency=agency, by=users[Role.COORDINATOR],
                                 text="Monthly case consultation; on-call backup.")  # fmt: skip
    now = measures.oversight(agency, scope.written_at)
    assert now.status == Status.PARTLY
    services.scope_accept(scope=scope, by=users[Role.COORDINATOR],
                          roles=frozenset({Role.COORDINATOR}))  # fmt: skip
    services.scope_accept(scope=scope, by=users[Role.CLINICAL_ADVISOR],
                          roles=frozenset({Role.CLINICAL_ADVISOR}))  # fmt: skip
    scope.refresh_from_db()
    assert scope.agreed
    assert measures.oversight(agency, scope.written_at).status == Status.MET
    services.meeting_record(agency=agency, by=users[Role.COORDINATOR], held_on=date(2026, 11, 3),
                            kind="oversight", attendance=9)  # fmt: skip
    assert Meeting.objects.get(agency=agency).attendance == 9


def test_the_edition_sets_the_training_hours_default_2011_8_2(users, agency):
    """2011 §8.2 recommends four hours a quarter; 2006 Training 2 names no figure, so choosing
    2006 keeps the agency's own, and coming back to 2011 restores four."""
    committee = frozenset({Role.STEERING_COMMITTEE})
    by = users[Role.STEERING_COMMITTEE]
    services.setting_change(agency=agency, by=by, roles=committee,
                            setting="training_hours_per_quarter", value=Decimal("6"))  # fmt: skip
    services.edition_choose(agency=agency, by=by, roles=committee, edition="2006")
    agency.refresh_from_db()
    assert agency.training_hours_per_quarter == Decimal("6")
    services.edition_choose(agency=agency, by=by, roles=committee, edition="2011")
    agency.refresh_from_db()
    assert agency.training_hours_per_quarter == Decimal("4")
    change = SettingChange.objects.filter(setting="training_hours_per_quarter").first()
    assert (change.old, change.new) == ("6.0", "4")


def test_the_settings_page_applies_the_editions_hours_unless_they_were_changed_too(
    client_for, agency
):
    agency.guideline_edition, agency.training_hours_per_quarter = "2006", Decimal("2")
    agency.save()
    client = client_for(Role.STEERING_COMMITTEE)
    form = {
        "guideline_edition": "2011", "training_hours_per_quarter": "2.0", "employees_per_psp": 25,
        "min_service_months": 12, "incident_retention_days": agency.incident_retention_days,
        "repeat_contact_threshold": 4, "page_timeout_minutes": agency.page_timeout_minutes,
    }  # fmt: skip
    assert client.post("/committee/settings/", form).status_code == 302
    agency.refresh_from_db()
    assert (agency.guideline_edition, agency.training_hours_per_quarter) == ("2011", 4)
    # Both in one go: the committee's own figure wins.
    agency.guideline_edition = "2006"
    agency.save()
    form = {**form, "training_hours_per_quarter": "3.5"}
    assert client.post("/committee/settings/", form).status_code == 302
    agency.refresh_from_db()
    assert agency.training_hours_per_quarter == Decimal("3.5")
