"""The program settings page and `GET /api/v1/agency` show the agency's settings (2011 §3.2)."""

from peerline.accounts.models import Role
from peerline.testing.personas import make_employee


def test_the_settings_page_says_who_may_activate_and_the_coverage_target_2011_3_9(
    agency, client_for
):
    page = client_for(Role.STEERING_COMMITTEE).get("/agency/").content.decode()
    assert "one active peer supporter for every 25 employees" in page
    assert "Program coordinator <span" in page  # nobody else by default
    agency.activation_roles = [Role.CLINICAL_ADVISOR.value, Role.COMMAND_STAFF.value, "not-a-role"]
    agency.page_timeout_minutes = 7
    agency.save()
    page = client_for(Role.STEERING_COMMITTEE).get("/agency/").content.decode()
    # Command staff never activate, whatever the setting holds (2011 §3.1).
    assert "Program coordinator, Clinical advisor <span" in page
    assert "not-a-role" not in page
    assert "7 minutes, then the next candidates are paged" in page


def test_the_agency_api_gives_the_team_and_paging_settings(agency, client_for):
    body = client_for(Role.COORDINATOR).get("/api/v1/agency").json()
    assert body["employees_per_psp"] == 25
    assert body["min_service_months"] == 12
    assert body["activation_roles"] == []
    assert body["page_timeout_minutes"] == 10
    assert body["incident_retention_days"] == 30


def test_the_rosters_next_page_keeps_the_division_chosen(agency, client_for):
    patrol = agency.divisions.get(code="PATROL")
    for number in range(55):
        make_employee(agency, f"5{number:03}")  # in Patrol
    html = client_for(Role.COORDINATOR).get(f"/roster/?division={patrol.pk}").content.decode()
    assert f'href="?page=2&amp;division={patrol.pk}"' in html


def test_the_agencys_shape_counts_current_employees_by_division_and_shift(agency, client_for):
    """One grouped count (issue 18) gives what counting each employee gives: separated people
    and other agencies' left out, someone with no fixed shift in their division only."""
    from datetime import date

    from peerline.agencies.models import Employee

    inv = agency.divisions.get(code="INV")
    night = agency.shifts.get(code="NIGHT")
    make_employee(agency, "7001")
    make_employee(agency, "7002", category="civilian", division=inv, shift=night)
    make_employee(agency, "7003", shift=None)
    make_employee(agency, "7004", separated_on=date(2026, 1, 1))
    current = [e for e in Employee.objects.all() if e.agency_id == agency.pk and not e.separated_on]
    html = client_for(Role.STEERING_COMMITTEE).get("/agency/").content.decode()
    assert f"{len(current)} current employees by division" in html
    for place in [*agency.divisions.all(), *agency.shifts.all()]:
        field = "division_id" if place in agency.divisions.all() else "shift_id"
        sworn = sum(1 for e in current if getattr(e, field) == place.pk and e.category == "sworn")
        civilian = sum(
            1 for e in current if getattr(e, field) == place.pk and e.category == "civilian"
        )
        row = (
            f'<tr><th scope="row">{place.name}</th><td class="text-right">{sworn}</td>'
            f'<td class="text-right">{civilian}</td></tr>'
        )
        assert row in html, place.name
