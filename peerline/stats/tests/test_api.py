"""Released statistics over the API, as a page and as a PDF; who may see them (2011 §3.1)."""

import json

import pytest
from django.urls import reverse

from peerline.accounts import policy
from peerline.accounts.models import Role
from peerline.accounts.tests.test_policy import _request, _url, api_operations, page_endpoints
from peerline.agencies import clock, periods
from peerline.stats import release_format, releases
from peerline.stats.models import ClosedPeriod, ThresholdChange

from .test_releases import PLAIN, add_contacts, previous_quarter

URL = "/api/v1/stats/utilization"


@pytest.fixture
def closed_quarter(agency, users):
    """The previous quarter, with small cells, closed by the coordinator."""
    period = previous_quarter(agency)
    add_contacts(agency, users, period, 60, seed=11)
    add_contacts(agency, users, period, 4, activity="death_notification", **PLAIN)
    releases.period_close(agency=agency, period=period, acting_user=users[Role.COORDINATOR])
    return period


@pytest.fixture
def command(client_for):
    return client_for(Role.COMMAND_STAFF)


def test_the_response_has_exactly_the_issue_shape_2011_3_1(command, closed_quarter, agency):
    response = command.get(URL, {"period": closed_quarter})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert set(data) == {"period", "threshold", "tables"}
    assert data["period"] == closed_quarter and data["threshold"] == agency.suppression_k
    assert [t["name"] for t in data["tables"]] == [
        "activity",
        "recipient_group",
        "mode",
        "initiated_by",
        "duration",
        "referrals",
        "limits_explained",
        "confidentiality_exception",
        "role_conflict",
        "prior_contacts",
    ]
    for table in data["tables"]:
        assert set(table) == {"name", "dimensions", "rows", "total"}
        assert table["total"] is None or isinstance(table["total"], int)
        for row in table["rows"]:
            assert set(row) == {"dims", "count", "suppressed"}
            assert set(row["dims"]) == set(table["dimensions"])
            assert isinstance(row["suppressed"], bool)
            assert (row["count"] is None) == row["suppressed"]
            assert row["suppressed"] or isinstance(row["count"], int)
    activity = next(t for t in data["tables"] if t["name"] == "activity")
    death = next(r for r in activity["rows"] if r["dims"]["activity"] == "death_notification")
    assert death == {"dims": {"activity": "death_notification"}, "count": None, "suppressed": True}


def test_two_requests_get_the_same_bytes_2011_3_1(command, client_for, closed_quarter, agency):
    first = command.get(URL, {"period": closed_quarter}).content
    second = client_for(Role.STEERING_COMMITTEE).get(URL, {"period": closed_quarter}).content
    stored = ClosedPeriod.objects.get(agency=agency, period=closed_quarter).release_json
    assert first == second == bytes(stored)
    assert first == json.dumps(json.loads(first), sort_keys=True, separators=(",", ":")).encode()


def test_an_open_period_is_refused_with_a_clear_message_2011_3_1(command, agency):
    current = periods.quarter_of(clock.local_today(agency))
    for period in [current, previous_quarter(agency), current[:4]]:
        response = command.get(URL, {"period": period})
        assert response.status_code == 404
        assert releases.OPEN_MESSAGE in response.json()["detail"]


def test_a_bad_period_or_a_filter_is_refused_with_422(command, closed_quarter):
    for query in [{"period": "2026-Q7"}, {"period": "2026-01-01..2026-02-01"}, {}]:
        assert command.get(URL, query).status_code == 422, query
    response = command.get(URL, {"period": closed_quarter, "psp": "12"})
    assert response.status_code == 422
    assert "psp" in response.json()["detail"] and "2011 §3.1" in response.json()["detail"]


@pytest.mark.parametrize("role", [Role.PEER_SUPPORTER, Role.EMPLOYEE, Role.CLINICAL_ADVISOR])
def test_roles_without_the_release_permission_get_403(client_for, closed_quarter, role):
    assert client_for(role).get(URL, {"period": closed_quarter}).status_code == 403


# --------------------------------------------------------------------------------------------
# Command staff: released statistics only
# --------------------------------------------------------------------------------------------


# What every role holds, written by hand: home, their own account and second factor, their own
# part in the team, finding a peer, referral resources, the manual, the states' laws.
EVERYONE = {
    policy.Permission.HOME,
    policy.Permission.ACCOUNT_SELF,
    policy.Permission.SECOND_FACTOR,
    policy.Permission.TEAM_SELF,
    policy.Permission.DIRECTORY,
    policy.Permission.RESOURCES_VIEW,
    policy.Permission.MANUAL_READ,
    policy.Permission.JURISDICTIONS_VIEW,
}


def test_command_staff_hold_no_permission_but_released_statistics_2011_3_1():
    held = {perm for perm, roles in policy.GRANTS.items() if Role.COMMAND_STAFF in roles}
    assert held == {policy.Permission.STATS_RELEASED, *EVERYONE}


def test_command_staff_get_403_on_every_row_level_or_per_psp_endpoint_2011_3_1(
    users, chain, command
):
    allowed = {policy.Permission.HOME, policy.Permission.STATS_RELEASED, *EVERYONE}
    pages = [
        (route, name)
        for route, view, name in page_endpoints()
        if getattr(view, "required_permission", None) not in allowed | {None}
    ]
    assert ("stats/periods/", "periods") in pages
    for route, name in pages:
        assert _request(command, _url(route, chain)).status_code == 403, name
    assert command.post(reverse("stats:periods"), {"action": "close"}).status_code == 403
    operations = [op for op in api_operations() if op[2] not in allowed]
    assert any(path == "/api/v1/contacts" for path, _, _ in operations)
    for path, method, _ in operations:
        url = _url(path.removeprefix("/"), chain)
        assert command.generic(method, url).status_code == 403, path


# --------------------------------------------------------------------------------------------
# The page and the PDF
# --------------------------------------------------------------------------------------------


def test_the_page_says_suppressed_with_a_footnote_never_below_k_2011_3_1(command, closed_quarter):
    response = command.get(reverse("stats:released"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{closed_quarter}" selected' in html
    assert "Reading the tables" in html
    assert "&lt;11" not in html and "<11" not in html
    assert (
        '<th scope="row">Death notification</th><td class="text-right">'
        '<a href="#legend" class="peerline-suppressed">suppressed<sup aria-hidden="true">*</sup>'
    ) in html
    assert "between 1 and 10 (the smallest count shown is 11)" in html
    assert reverse("stats:released-pdf", args=[closed_quarter]) in html
    assert reverse("stats:released-csv", args=[closed_quarter]) in html


def test_the_csv_says_suppressed_with_the_footnote_2011_3_1(command, closed_quarter):
    response = command.get(reverse("stats:released-csv", args=[closed_quarter]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert f"{closed_quarter},Contacts by activity,Death notification,suppressed*" in text
    assert "<11" not in text and "between 1 and 10" in text
    assert command.get(reverse("stats:released-csv", args=[closed_quarter])).content == (
        response.content
    )


def test_the_pdf_says_suppressed_with_the_footnote_2011_3_1(agency, closed_quarter):
    from django.template.loader import render_to_string

    closed = ClosedPeriod.objects.get(agency=agency, period=closed_quarter)
    report = release_format.presentable(json.loads(bytes(closed.release_json)))
    html = render_to_string(
        "stats/released_pdf.html", {"agency": agency, "report": report, "closed_on": None}
    )
    assert "suppressed*" in html and "&lt;" not in html and "between 1 and 10" in html


def test_the_page_refuses_an_open_period_with_the_message(command, agency):
    current = periods.quarter_of(clock.local_today(agency))
    response = command.get(reverse("stats:released"), {"period": current})
    assert response.status_code == 404
    assert releases.OPEN_MESSAGE.replace("'", "&#x27;") in response.content.decode()
    assert command.get(reverse("stats:released"), {"period": "soon"}).status_code == 400


def test_the_pdf_is_the_same_bytes_every_time_2011_3_1(command, client_for, closed_quarter):
    url = reverse("stats:released-pdf", args=[closed_quarter])
    first = command.get(url)
    second = client_for(Role.STEERING_COMMITTEE).get(url)
    assert first.status_code == second.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert first.content.startswith(b"%PDF")
    assert first.content == second.content


def test_the_pdf_of_an_open_period_goes_to_the_page_that_says_why(command, agency):
    current = periods.quarter_of(clock.local_today(agency))
    response = command.get(reverse("stats:released-pdf", args=[current]))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('stats:released')}?period={current}"


# --------------------------------------------------------------------------------------------
# The coordinator's periods page
# --------------------------------------------------------------------------------------------


def test_the_coordinator_closes_an_ended_quarter_from_the_page(client_for, agency, users):
    coordinator = client_for(Role.COORDINATOR)
    period = previous_quarter(agency)
    add_contacts(agency, users, period, 3, seed=1)
    page = coordinator.get(reverse("stats:periods")).content.decode()
    assert f'name="period" value="{period}"' in page
    current = periods.quarter_of(clock.local_today(agency))
    assert f'name="period" value="{current}"' not in page  # not ended: no Close button

    response = coordinator.post(reverse("stats:periods"), {"action": "close", "period": period})
    assert response.status_code == 302
    closed = ClosedPeriod.objects.get(agency=agency, period=period)
    assert closed.closed_by == users[Role.COORDINATOR]
    coordinator.post(reverse("stats:periods"), {"action": "close", "period": current})
    assert not periods.is_closed(agency, current)
    page = coordinator.get(reverse("stats:periods")).content.decode()
    assert "has not ended yet" in page and "Closed " in page


def test_the_threshold_form_refuses_k_below_5_and_records_a_change_2011_3_1(
    client_for, agency, users
):
    coordinator = client_for(Role.COORDINATOR)
    for bad in ["4", "0", "-3", "eleven", ""]:
        response = coordinator.post(
            reverse("stats:periods"), {"action": "threshold", "k": bad}, follow=True
        )
        assert "below 5 a count can point at the people supported" in response.content.decode()
    agency.refresh_from_db()
    assert agency.suppression_k == 11 and not ThresholdChange.objects.exists()

    coordinator.post(reverse("stats:periods"), {"action": "threshold", "k": "7"})
    agency.refresh_from_db()
    assert agency.suppression_k == 7
    change = ThresholdChange.objects.get()
    assert (change.old_k, change.new_k, change.changed_by) == (11, 7, users[Role.COORDINATOR])
    page = coordinator.get(reverse("stats:periods")).content.decode()
    assert '<td class="text-right">11</td><td class="text-right">7</td>' in page


def test_support_during_investigation_or_discipline_is_counted_2011_3_10(client_for, users, agency):
    """The §3.10 category of the contact log is a row of the activity table, by its own words."""
    period = previous_quarter(agency)
    add_contacts(agency, users, period, 40, seed=3, activity="general_stress", **PLAIN)
    add_contacts(agency, users, period, 12, activity="investigation_discipline", **PLAIN)
    releases.period_close(agency=agency, period=period, acting_user=users[Role.COORDINATOR])
    data = client_for(Role.COMMAND_STAFF).get(URL, {"period": period}).json()
    activity = next(t for t in data["tables"] if t["name"] == "activity")
    row = next(r for r in activity["rows"] if r["dims"]["activity"] == "investigation_discipline")
    assert row == {
        "dims": {"activity": "investigation_discipline"},
        "count": 12,
        "suppressed": False,
    }
    page = client_for(Role.COMMAND_STAFF).get(f"/stats/released/?period={period}").content.decode()
    assert "Support during investigation or discipline" in page
