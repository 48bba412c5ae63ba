"""`/audit/`: the system administrator and the steering committee read their agency's trail
(issue 11 §6; 2011 §3.2)."""

import pytest
from django.urls import reverse

from peerline.accounts.models import Role
from peerline.audit.models import AuditEvent
from peerline.audit.services import record
from peerline.testing import personas as p

from .helpers import drop_triggers, sql

pytestmark = pytest.mark.django_db
URL = reverse("audit:events")


def rows(response) -> list[str]:
    return [e.action for e in response.context["page"].object_list]


def test_the_steering_committee_sees_its_agency_newest_first_never_another_or_deployment(
    client_for, agency, other_agency
):
    record("settings.changed", agency=agency, target=f"agency:{agency.pk}", detail={"k": 1})
    record("incident.activated", agency=agency, target="incident:7", detail={"type": "other"})
    record("settings.changed", agency=other_agency, target="agency:other-one")
    record("auth.sign_in_failed", agency=None, target="user:999")
    response = client_for(Role.STEERING_COMMITTEE).get(URL)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    events = response.context["page"].object_list
    assert all(e.agency_id == agency.pk for e in events)
    recorded = [e.action for e in events if e.action in ("settings.changed", "incident.activated")]
    assert recorded == ["incident.activated", "settings.changed"]  # newest first
    body = response.content.decode()
    assert "agency:other-one" not in body and "user:999" not in body
    assert "The chain holds" in body


def test_the_system_administrator_also_sees_deployment_wide_events(client_for, agency):
    record("auth.sign_in_failed", agency=None, target="user:999")
    response = client_for(Role.SYSTEM_ADMIN).get(URL)
    assert "auth.sign_in_failed" in rows(response)
    assert "deployment" in response.content.decode()


@pytest.mark.parametrize(
    "persona",
    [
        Role.EMPLOYEE,
        Role.PEER_SUPPORTER,
        Role.COORDINATOR,
        Role.CLINICAL_ADVISOR,
        Role.COMMAND_STAFF,
        "outsider",
    ],
)
def test_other_roles_and_other_agencies_are_refused(client_for, persona):
    assert client_for(persona).get(URL).status_code == 403


def test_the_outsiders_own_page_shows_only_their_agency(client, users, agency, other_agency):
    record("settings.changed", agency=agency, target="agency:mine")
    committee = p.make_user("other-committee", other_agency, Role.STEERING_COMMITTEE)
    client.force_login(committee)
    body = client.get(URL).content.decode()
    assert "agency:mine" not in body


def test_the_filter_takes_fixed_kinds_only(client_for, agency):
    record("settings.changed", agency=agency, target="agency:1")
    record("export.downloaded", agency=agency, target="stats.program_csv")
    client = client_for(Role.STEERING_COMMITTEE)
    assert set(rows(client.get(URL, {"kind": "exports"}))) == {"export.downloaded"}
    everything = set(rows(client.get(URL, {"kind": "anything-typed"})))
    assert {"export.downloaded", "settings.changed"} <= everything


def test_the_page_says_where_the_chain_breaks(client_for, agency):
    record("settings.changed", agency=agency, target="agency:1")
    edited = record("role.granted", agency=agency, target="user:1", detail={"role": "coordinator"})
    drop_triggers()
    sql(
        "UPDATE audit_auditevent SET detail = %s WHERE id = %s",
        ['{"role": "system_admin"}', edited.pk],
    )
    body = client_for(Role.STEERING_COMMITTEE).get(URL).content.decode()
    assert "has been tampered with" in body
    assert f"(row {edited.seq})" in body


def test_a_break_in_another_agencys_row_is_reported_without_showing_it(
    client_for, agency, other_agency
):
    theirs = record("settings.changed", agency=other_agency, target="agency:theirs")
    drop_triggers()
    sql("UPDATE audit_auditevent SET target = 'agency:x' WHERE id = %s", [theirs.pk])
    body = client_for(Role.STEERING_COMMITTEE).get(URL).content.decode()
    assert "not one of this agency" in body and "agency:x" not in body


def test_the_page_is_paged_fifty_at_a_time(client_for, agency):
    for n in range(55):
        record("export.downloaded", agency=agency, target=f"export:{n}")
    client = client_for(Role.STEERING_COMMITTEE)
    first, second = (
        client.get(URL, {"kind": "exports"}),
        client.get(URL, {"kind": "exports", "page": 2}),
    )
    assert len(rows(first)) == 50 and len(rows(second)) == 5
    assert AuditEvent.objects.filter(action="export.downloaded").count() == 55


def test_settings_show_old_and_new_values(client_for, agency):
    record(
        "settings.changed",
        agency=agency,
        target=f"agency:{agency.pk}",
        detail={"suppression_k": {"old": 11, "new": 15}},
    )
    body = client_for(Role.STEERING_COMMITTEE).get(URL).content.decode()
    assert "Program settings changed" in body and "suppression_k: 11 → 15" in body
