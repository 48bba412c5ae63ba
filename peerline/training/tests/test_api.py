"""GET /api/v1/training/compliance (2011 §8.2, §4.3)."""

from datetime import date

import pytest

from peerline.accounts.models import Role

from .helpers import attend, leave, psp, session

pytestmark = pytest.mark.django_db

URL = "/api/v1/training/compliance"


def test_the_compliance_json_has_exactly_the_issues_shape(agency, other_agency, client_for):
    keen = psp(agency, "100123", active_since=date(2024, 1, 1))
    away = psp(agency, "100124", active_since=date(2025, 7, 1))
    psp(other_agency, "100125", active_since=date(2024, 1, 1))
    leave(away, date(2025, 8, 16))
    attend(session(agency, date(2025, 7, 10), "4"), keen)
    attend(session(agency, date(2025, 8, 12), "2"), keen, hours="1.5")
    response = client_for(Role.COORDINATOR).get(URL, {"quarter": "2025-Q3"})
    assert response.status_code == 200
    assert response.json() == {
        "quarter": "2025-Q3",
        "hours_required_full_quarter": 4.0,
        "peer_supporters": [
            {"employee_number": "100123", "hours_required": 4.0, "hours_credited": 5.5,
             "compliant": True, "consecutive_quarters_behind": 0},
            {"employee_number": "100124", "hours_required": 2.0, "hours_credited": 0.0,
             "compliant": False, "consecutive_quarters_behind": 1},
        ],
    }  # fmt: skip
    # The keys come in the order of the issue.
    assert list(response.json()) == ["quarter", "hours_required_full_quarter", "peer_supporters"]


@pytest.mark.parametrize("bad", ["2026-Q5", "2026", "Q3-2026", "2026-Q3;drop", "0001-Q1"])
def test_a_bad_quarter_is_422_with_a_clear_message(client_for, bad):
    response = client_for(Role.COORDINATOR).get(URL, {"quarter": bad})
    assert response.status_code == 422
    assert "YYYY-Qn" in response.json()["detail"]


def test_the_quarter_is_required(client_for):
    assert client_for(Role.COORDINATOR).get(URL).status_code == 422


def test_only_the_coordinator_may_read_it(client_for, client):
    assert client.get(URL, {"quarter": "2026-Q1"}).status_code == 401
    for role in Role:
        status = client_for(role).get(URL, {"quarter": "2026-Q1"}).status_code
        assert status == (200 if role == Role.COORDINATOR else 403), role
    assert client_for("norole").get(URL, {"quarter": "2026-Q1"}).status_code == 403


def test_another_agencys_coordinator_sees_only_their_own_psps(agency, client_for):
    psp(agency, "100123", active_since=date(2024, 1, 1))
    response = client_for("outsider").get(URL, {"quarter": "2026-Q1"})
    assert response.status_code == 200 and response.json()["peer_supporters"] == []
