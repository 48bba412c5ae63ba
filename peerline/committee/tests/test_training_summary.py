"""The committee's training counts (2011 §8.1, §8.2, §4.3) and the self-assessment's training
measure, against a hand-built team whose answer is counted by hand here (issue 18: they are
counted without reading the whole team, and must say what the compliance page says)."""

from datetime import UTC, date, datetime

import pytest

from peerline.agencies.clock import local_today
from peerline.assessment import measures
from peerline.assessment.models import Status as Assessed
from peerline.committee.selectors import training_completion, training_summary
from peerline.team.models import PeerSupporter
from peerline.team.models import Status as TeamStatus
from peerline.testing import personas as p
from peerline.training.compliance import Quarter, team_compliance
from peerline.training.tests.helpers import attend, change, leave, psp, session

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 10, 15, 15, 0, tzinfo=UTC)  # in Chicago: Q3 2026 is the last ended quarter
SINCE = date(2024, 1, 1)


@pytest.fixture
def team(db):
    """Q3 2026 has 92 days and the agency asks 4 hours a quarter.

    met: 4 h in Q3. twice: 4 h in Q1, none in Q2 or Q3 (two quarters behind: flagged, §4.3).
    once: 4 h in Q2, none in Q3 (one behind: a reminder). gone: inactive from Aug 16, so on the
    team 46 of Q3's 92 days (2 h asked, none done; no reminder, no longer on the team). paused: on
    leave from June 1 to Oct 5 (no requirement in Q3), 4 h in Q2. late: active from Oct 1 (not
    on the team in Q3). Two candidates who never served, and one PSP deselected in 2025.
    """
    agency = p.make_agency(code="TRAIN", name="Training Township Police")
    session(agency, date(2024, 1, 2), "1")  # the agency's records start in 2024
    q1, q2, q3 = (
        session(agency, day) for day in (date(2026, 2, 3), date(2026, 5, 5), date(2026, 8, 4))
    )
    met, twice, once, gone, paused = (psp(agency, str(n), active_since=SINCE) for n in range(1, 6))
    attend(q3, met)
    attend(q1, twice)
    attend(q2, once, paused)
    change(gone, TeamStatus.INACTIVE, date(2026, 8, 16))
    leave(paused, date(2026, 6, 1), date(2026, 10, 5))
    psp(agency, "6", active_since=date(2026, 10, 1))
    for n in ("7", "8"):
        PeerSupporter.objects.create(agency=agency, employee=p.make_employee(agency, n),
                                     status=TeamStatus.CANDIDATE, status_since=SINCE)  # fmt: skip
    change(psp(agency, "9", active_since=SINCE), TeamStatus.DESELECTED, date(2025, 6, 1))
    return agency


def test_the_committee_counts_last_quarters_training_2011_8_2_4_3(team):
    found = training_summary(team, local_today(team, NOW))
    assert (found.quarter, found.required, found.compliant) == ("2026-Q3", 4, 1)
    assert (found.reminders, found.flagged) == (1, 1)


def test_the_counts_are_the_compliance_pages(team):
    today = local_today(team, NOW)
    page = team_compliance(agency=team, quarter=Quarter(2026, 3), today=today)
    rows = [row for row in page.rows if row.standing.has_requirement]
    found = training_summary(team, today)
    assert found.required == len(rows)
    assert found.compliant == sum(row.standing.compliant for row in rows)
    assert (found.reminders, found.flagged) == (len(page.reminders), len(page.flagged))
    assert training_completion(team, today) == ("2026-Q3", found.required, found.compliant)


def test_the_self_assessment_reads_the_same_share_2011_8_2(team):
    found = measures.training(team, NOW)
    assert found.status == Assessed.PARTLY
    assert found.evidence == "1 of 4 (25%) peer supporters completed their hours in 2026-Q3."
