"""The demo agency's training year: realistic, deterministic, and the flag reaches the home page
helper (2011 §8.2, §4.3)."""

from datetime import date

import pytest

from peerline.agencies.models import Agency
from peerline.team.models import LeaveOfAbsence, Status
from peerline.training import compliance
from peerline.training.demo import seed_training
from peerline.training.models import Attendance, TrainingSession, TrainingTopic
from peerline.web import demo as agencies_demo

TODAY = date(2026, 8, 20)


def _seed(seed: int = 1) -> Agency:
    return agencies_demo.seed_demo(employees=600, seed=seed, today=TODAY).agency


def _signature(agency: Agency) -> list[tuple]:
    return list(
        Attendance.objects.filter(session__agency=agency)
        .order_by("session__date", "peer_supporter__employee__employee_number")
        .values_list(
            "session__date",
            "session__title",
            "peer_supporter__employee__employee_number",
            "hours_credited",
        )
    )


@pytest.fixture
def demo_agency(db) -> Agency:
    return _seed()


def test_the_demo_has_a_realistic_year_of_training_2011_8_2(demo_agency):
    agency = demo_agency
    sessions = list(TrainingSession.objects.filter(agency=agency).order_by("date"))
    quarters = {compliance.Quarter.of(s.date) for s in sessions}
    assert len(quarters) == 5  # the last four quarters and this one so far
    assert 12 <= len(sessions) <= 16
    assert all(2 <= s.hours <= 4 for s in sessions)
    assert any(s.instructor_is_mhp for s in sessions)
    assert not all(s.instructor_is_mhp for s in sessions)
    assert sum(s.partners_may_attend for s in sessions) == 1
    assert all(s.topics.exists() for s in sessions)
    assert any(s.date > TODAY for s in sessions)  # one coming up, nobody attended it yet
    assert not Attendance.objects.filter(session__date__gt=TODAY).exists()

    last = compliance.Quarter.of(TODAY).shift(-1)
    team = compliance.team_compliance(agency=agency, quarter=last, today=TODAY)
    assert len(team.rows) >= 20
    assert len(team.compliant) >= 0.75 * len(team.rows)
    assert len(team.reminders) >= 2
    assert len(team.flagged) >= 1
    # The flag reaches the coordinator's home page through this helper.
    flagged = compliance.flagged_for_review(agency=agency, today=TODAY)
    on_team = (Status.ACTIVE, Status.ON_LEAVE)
    assert {row.peer_supporter.pk for row in flagged} == {
        row.peer_supporter.pk for row in team.flagged if row.peer_supporter.status in on_team
    }
    assert flagged and all(row.consecutive_behind >= 2 for row in flagged)

    # PSPs on leave are paused, and attend nothing while on leave (2011 §4.4).
    leaves = LeaveOfAbsence.objects.filter(peer_supporter__agency=agency, returned_on__isnull=True)
    assert leaves.count() == 2
    now = compliance.team_compliance(
        agency=agency, quarter=compliance.Quarter.of(TODAY), today=TODAY
    )
    by_pk = {row.peer_supporter.pk: row for row in now.rows}
    for leave in leaves:
        row = by_pk[leave.peer_supporter_id]
        assert row.standing.paused_days > 0
        assert row.standing.hours_required < now.hours_full_quarter
        assert not Attendance.objects.filter(
            peer_supporter_id=leave.peer_supporter_id, session__date__gte=leave.starts_on
        ).exists()


def _reseed(agency: Agency, seed: int) -> list[tuple]:
    TrainingSession.objects.filter(agency=agency).delete()
    TrainingTopic.objects.filter(agency=agency).delete()
    seed_training(agency=agency, seed=seed, today=TODAY)
    return _signature(agency)


def test_the_demo_training_is_deterministic(demo_agency):
    first = _signature(demo_agency)
    assert first == _reseed(demo_agency, 1)
    assert first != _reseed(demo_agency, 8)
