"""No input makes a 500: each kind of value has one validation (`peerline.core.validation`), shared
by forms and the API, and each refusal is a 4xx with a message. The crafted inputs that once
answered 500 are here, one by one."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from peerline.accounts.models import Role
from peerline.core import validation
from peerline.incidents import services
from peerline.incidents.models import CriticalIncident, FollowUp
from peerline.incidents.tests.helpers import T0, incident
from peerline.roster import reader

pytestmark = pytest.mark.django_db


def api_incident(client, occurred_at, place=""):
    return client.post(
        "/api/v1/incidents",
        {"type": "ois", "occurred_at": occurred_at, "place": place},
        content_type="application/json",
    )


def test_the_api_refuses_an_incident_dated_9999_with_a_422(client_for, agency):
    response = api_incident(client_for(Role.COORDINATOR), "9999-12-31T23:59:00")
    assert response.status_code == 422
    assert "future" in response.json()["detail"]
    assert not CriticalIncident.objects.exists()


def test_the_api_refuses_a_future_incident_like_the_form(client_for, agency):
    later = (timezone.now() + timedelta(days=2)).isoformat(timespec="minutes")
    coordinator = client_for(Role.COORDINATOR)
    assert api_incident(coordinator, later).status_code == 422
    form = coordinator.post(
        "/incidents/new/",
        {"action": "open", "type": "ois", "occurred_at": "9999-12-31T23:59", "team_size": "2"},
    )
    assert form.status_code in (200, 400)
    assert "future" in form.content.decode()
    assert not CriticalIncident.objects.exists()


def test_a_shooting_dated_9999_cannot_be_opened_so_never_activated(agency, chain):
    with pytest.raises(services.ValidationError):
        incident(agency, type="ois", occurred_at=T0.replace(year=9999), principals=[chain.officer])


def test_an_incident_before_1900_is_refused(client_for, agency):
    response = api_incident(client_for(Role.COORDINATOR), "1850-01-01T00:00:00")
    assert response.status_code == 422 and "1900" in response.json()["detail"]


@pytest.mark.parametrize("quarter", ["9999-Q4", "0001-Q1", "2026-Q5", "x"])
def test_compliance_of_an_impossible_quarter_is_a_4xx(client_for, agency, quarter):
    coordinator = client_for(Role.COORDINATOR)
    api = coordinator.get("/api/v1/training/compliance", {"quarter": quarter})
    assert api.status_code == 422
    assert "YYYY-Qn" in api.json()["detail"] or "between 1900 and 2100" in api.json()["detail"]
    page = coordinator.get("/training/compliance/", {"quarter": quarter})
    assert 400 <= page.status_code < 500


def test_a_page_number_of_10_to_the_20_shows_the_last_page(client_for, agency):
    response = client_for(Role.COORDINATOR).get("/roster/", {"page": str(10**20)})
    assert response.status_code == 200
    assert client_for(Role.COORDINATOR).get("/roster/", {"division": "9" * 25}).status_code == 200
    assert validation.page_number(str(10**20)) == validation.PAGE_MAX
    assert validation.page_number("-3") == 1 and validation.page_number("٣") == 1


def test_a_follow_up_moved_to_9999_is_refused_with_a_message(client_for, agency, chain):
    inc = incident(agency, principals=[chain.officer])
    services.activate(incident=inc, by=None, now=T0)
    follow_up = FollowUp.objects.filter(incident=inc).first()
    due = follow_up.due_at
    coordinator = client_for(Role.COORDINATOR)
    response = coordinator.post(
        f"/incidents/{inc.pk}/follow-ups/",
        {"follow_up": follow_up.pk, "action": "reschedule", "due_at": "9999-12-31T23:59"},
        follow=True,
    )
    assert response.status_code == 200 and "2100" in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.due_at == due
    odd = coordinator.post(
        f"/incidents/{inc.pk}/follow-ups/", {"follow_up": "9" * 30, "action": "done"}
    )
    assert odd.status_code == 302


def test_nul_bytes_are_refused_by_the_api_and_the_pages(client_for, agency):
    coordinator = client_for(Role.COORDINATOR)
    now = (timezone.now() - timedelta(hours=1)).isoformat(timespec="minutes")
    api = api_incident(coordinator, now, place="Dock\u0000 7")
    assert api.status_code == 400 and "NUL" in api.json()["detail"]
    page = coordinator.post("/incidents/areas/", {"action": "add", "name": "North\x00"})
    assert page.status_code == 400 and b"Null characters are not allowed" in page.content
    query = coordinator.get("/roster/", {"page": "1\x00"})
    assert query.status_code == 400
    assert not CriticalIncident.objects.exists()


def test_control_characters_are_refused_in_text():
    assert validation.text_error("North\x07district")
    assert validation.text_error("two\nlines\tand a tab") is None


def test_a_place_with_a_roster_name_is_refused_2011_6_7(client_for, agency, chain):
    coordinator = client_for(Role.COORDINATOR)
    now = (timezone.now() - timedelta(hours=1)).isoformat(timespec="minutes")
    name = f"{chain.officer.first_name} {chain.officer.last_name}".upper()
    response = api_incident(coordinator, now, place=f"Outside {name}'s house")
    assert response.status_code == 422 and "name" in response.json()["detail"]
    # Whole words only: a last name inside another word is not a name.
    assert not validation.contains_name("Dianapolis road", [("Di", "Ana")])
    assert validation.contains_name("near ana diaz's cruiser", [("Ana", "Diaz")])


def test_a_roster_of_50000_bad_rows_prints_a_hundred_errors_and_a_count(agency, tmp_path):
    path = tmp_path / "bad.csv"
    header = ",".join(reader.COLUMNS)
    path.write_text(header + "\n" + "\n".join("x" for _ in range(50_000)) + "\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="50000 error"):
        call_command("import-personnel", str(path), agency=agency.code, stderr=err)
    lines = err.getvalue().splitlines()
    assert len(lines) <= 101
    assert "more error(s) not shown" in lines[-1]


def test_the_api_refuses_a_36_digit_page_with_a_422_found_by_schemathesis(client_for, agency):
    coordinator = client_for(Role.COORDINATOR)
    response = coordinator.get(
        "/api/v1/employees", {"page": "640624270244468608446508241736695808"}
    )
    assert response.status_code == 422
    assert coordinator.get("/api/v1/employees", {"page": "1"}).status_code == 200
