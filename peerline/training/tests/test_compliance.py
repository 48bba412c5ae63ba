"""Quarterly compliance: quarters in the agency's time zone, pro-rating for leave and part
quarters, and the link to deselection (2011 §8.2, §4.3, §4.4)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from peerline.agencies import clock
from peerline.team.models import LeaveOfAbsence, LeaveReason, Status
from peerline.training import compliance
from peerline.training.compliance import BadQuarter, Quarter, hours_required

from .helpers import attend, change, leave, psp, session

pytestmark = pytest.mark.django_db

Q1, Q2, Q3 = Quarter(2026, 1), Quarter(2026, 2), Quarter(2026, 3)  # Q3: 92 days
AFTER_Q3 = date(2026, 10, 15)
LONG_AGO = date(2024, 1, 1)


@pytest.fixture(autouse=True)
def records_since_2024(agency):
    """The agency's training records start in 2024 (its first session in Peerline)."""
    session(agency, date(2024, 1, 2), "2", title="First session recorded")


def _row(agency, who, quarter, today=AFTER_Q3):
    team = compliance.team_compliance(agency=agency, quarter=quarter, today=today)
    return next(row for row in team.rows if row.peer_supporter.pk == who.pk)


# -- quarters and time zones ---------------------------------------------------------------------


def test_a_session_at_2330_on_the_last_day_of_a_quarter_in_denver_counts_in_it_2011_8_2(
    agency, client_for
):
    """The coordinator enters the agency's local date and time; 23:30 on March 31 in Denver is
    already April 1 in UTC, and still counts in Q1."""
    agency.time_zone = "America/Denver"
    agency.save()
    member = psp(agency, "5001", active_since=LONG_AGO)
    response = client_for("coordinator").post(
        "/training/sessions/new/",
        {"title": "Late refresher", "date": "2026-03-31", "start_time": "23:30", "hours": "4",
         "instructor": "Dr. Ada Lindqvist"},
    )  # fmt: skip
    assert response.status_code == 302
    late = agency.training_sessions.get(title="Late refresher")
    attend(late, member)
    assert _row(agency, member, Q1).standing.hours_credited == Decimal("4.0")
    assert _row(agency, member, Q2).standing.hours_credited == Decimal("0.0")


def test_the_current_quarter_is_the_agencys_own_2011_8_2(agency):
    moment = datetime(2026, 4, 1, 5, 30, tzinfo=UTC)  # 23:30 on March 31 in Denver
    agency.time_zone = "America/Denver"
    assert Quarter.today(agency, moment) == Q1
    assert clock.local_today(agency, moment) == date(2026, 3, 31)
    agency.time_zone = "Europe/Berlin"
    assert Quarter.today(agency, moment) == Q2


def test_a_quarter_has_not_ended_until_its_last_local_day_is_over(agency):
    agency.time_zone = "America/Denver"
    agency.save()
    member = psp(agency, "5001", active_since=LONG_AGO)
    today = clock.local_today(agency, datetime(2026, 4, 1, 5, 30, tzinfo=UTC))
    row = _row(agency, member, Q1, today=today)
    assert not row.standing.ended and not row.standing.behind
    assert _row(agency, member, Q1, today=date(2026, 4, 1)).standing.behind


def test_quarter_labels_and_bounds():
    assert Quarter.parse("2026-Q3") == Q3
    assert (Q3.first, Q3.last, Q3.days) == (date(2026, 7, 1), date(2026, 9, 30), 92)
    assert Quarter(2024, 1).days == 91  # a leap year's February
    assert Q1.shift(-1) == Quarter(2025, 4) and Quarter(2025, 4).shift(1) == Q1
    assert Q3.title == "July to September 2026"
    for bad in ("2026-Q5", "2026", "26-Q1", "2026-q1 x", "", "0000-Q1"):
        with pytest.raises(BadQuarter, match="YYYY-Qn"):
            Quarter.parse(bad)


# -- the requirement, pro-rated ------------------------------------------------------------------


def test_the_requirement_rounds_to_the_nearest_half_hour():
    four = Decimal(4)
    assert hours_required(four, 92, 92) == Decimal("4.0")
    assert hours_required(four, 46, 92) == Decimal("2.0")
    assert hours_required(four, 30, 92) == Decimal("1.5")  # 1.30 h
    assert hours_required(four, 1, 92) == Decimal("0.0")  # a day owes nothing
    assert hours_required(four, 0, 92) == Decimal("0.0")
    assert hours_required(Decimal("4.5"), 92, 92) == Decimal("4.5")


def test_half_a_quarter_on_leave_halves_the_requirement_2011_4_4(agency):
    member = psp(agency, "5001", active_since=LONG_AGO)
    leave(member, date(2026, 8, 16))  # July 1 to August 15 active: 46 of 92 days
    row = _row(agency, member, Q3).standing
    assert (row.active_days, row.paused_days) == (46, 46)
    assert row.hours_required == Decimal("2.0")


def test_a_leave_in_the_middle_of_the_quarter_pauses_it_too_2011_4_4(agency):
    member = psp(agency, "5001", active_since=LONG_AGO)
    leave(member, date(2026, 7, 16), returned=date(2026, 8, 31))  # 46 days away
    row = _row(agency, member, Q3).standing
    assert row.hours_required == Decimal("2.0")
    assert _row(agency, member, Q2).standing.hours_required == Decimal("4.0")


def test_a_leave_recorded_without_a_status_change_still_pauses_2011_4_4(agency):
    member = psp(agency, "5001", active_since=LONG_AGO)
    LeaveOfAbsence.objects.create(
        peer_supporter=member,
        starts_on=date(2026, 7, 1),
        expected_return=date(2026, 8, 15),
        returned_on=date(2026, 8, 16),
        reason=LeaveReason.HEALTH,
    )
    assert _row(agency, member, Q3).standing.hours_required == Decimal("2.0")


def test_a_psp_activated_mid_quarter_owes_the_rest_of_it_2011_8_2(agency):
    member = psp(agency, "5001", active_since=date(2026, 8, 16))
    assert _row(agency, member, Q3).standing.hours_required == Decimal("2.0")
    late = psp(agency, "5002", active_since=date(2026, 9, 29))
    row = _row(agency, late, Q3)
    assert row.standing.hours_required == Decimal("0.0")
    assert row.standing.compliant and not row.standing.behind


def test_a_session_the_day_before_activation_is_not_credited_to_the_quarter_2011_8_2(agency):
    """Issue 17: a session on Dec 2 credited 2 hours to a PSP who became active on Dec 3. Only
    days on the team count towards a quarter's update training; the day itself does."""
    member = psp(agency, "5001", active_since=date(2026, 12, 3))
    attend(session(agency, date(2026, 12, 2), "2", title="Before"), member)
    q4 = Quarter(2026, 4)
    assert _row(agency, member, q4, today=date(2026, 12, 20)).standing.hours_credited == 0
    attend(session(agency, date(2026, 12, 3), "3", title="On the day"), member)
    row = _row(agency, member, q4, today=date(2026, 12, 20))
    assert row.standing.hours_credited == Decimal("3.0")


def test_the_list_is_who_was_active_or_on_leave_in_the_quarter(agency, other_agency):
    active = psp(agency, "5001", active_since=LONG_AGO)
    gone = psp(agency, "5002", active_since=LONG_AGO)
    change(gone, Status.DESELECTED, date(2026, 3, 1))
    left_mid = psp(agency, "5003", active_since=LONG_AGO)
    change(left_mid, Status.ALUMNI, date(2026, 8, 1))
    psp(other_agency, "5004", active_since=LONG_AGO)
    team = compliance.team_compliance(agency=agency, quarter=Q3, today=AFTER_Q3)
    assert {row.peer_supporter.pk for row in team.rows} == {active.pk, left_mid.pk}
    assert next(r for r in team.rows if r.peer_supporter == left_mid).standing.active_days == 31


# -- behind: reminders and the flag for a deselection review (2011 §4.3) -----------------------


def _quarterly(agency, member, hours_by_quarter):
    for quarter, hours in hours_by_quarter.items():
        if hours:
            attend(session(agency, quarter.first.replace(day=10), str(hours)), member)


def test_one_quarter_behind_is_a_reminder_not_a_flag_2011_8_2(agency):
    member = psp(agency, "5001", active_since=LONG_AGO)
    _quarterly(agency, member, {Q1: 4, Q2: 4, Q3: 2})
    row = _row(agency, member, Q3)
    assert not row.standing.compliant and row.standing.missing == Decimal("2.0")
    assert row.consecutive_behind == 1 and row.reminder and not row.flagged
    assert compliance.flagged_for_review(agency=agency, today=AFTER_Q3) == []


def test_two_quarters_behind_in_a_row_flag_a_deselection_review_2011_4_3(agency):
    member = psp(agency, "5001", active_since=LONG_AGO)
    steady = psp(agency, "5002", active_since=LONG_AGO)
    _quarterly(agency, member, {Q1: 4, Q2: 2, Q3: 0})
    _quarterly(agency, steady, {Q1: 4, Q2: 4, Q3: 4})
    row = _row(agency, member, Q3)
    assert row.consecutive_behind == 2 and row.flagged and not row.reminder
    assert _row(agency, member, Q2).consecutive_behind == 1
    flagged = compliance.flagged_for_review(agency=agency, today=AFTER_Q3)
    assert [(f.peer_supporter, f.consecutive_behind) for f in flagged] == [(member, 2)]
    # Peerline flags; it never deselects (the coordinator decides, §4.3).
    member.refresh_from_db()
    assert member.status == Status.ACTIVE


def test_a_quarter_on_full_leave_neither_counts_nor_breaks_the_run_2011_4_4(agency):
    member = psp(agency, "5001", active_since=LONG_AGO)
    _quarterly(agency, member, {Quarter(2025, 4): 4})
    leave(member, Q2.first, returned=Q3.first)  # the whole of Q2 away: no requirement
    assert _row(agency, member, Q2).standing.hours_required == Decimal("0.0")
    # Behind in Q1 and Q3 with the leave between: two in a row.
    assert _row(agency, member, Q3).consecutive_behind == 2
    # Had Q1 been met, the leave would not make Q3 the second.
    _quarterly(agency, member, {Q1: 4})
    assert _row(agency, member, Q3).consecutive_behind == 1


def test_an_open_quarter_is_never_behind_and_the_run_counts_to_the_last_ended_one(agency):
    member = psp(agency, "5001", active_since=LONG_AGO)
    _quarterly(agency, member, {Quarter(2025, 4): 5, Q1: 0, Q2: 1})
    row = _row(agency, member, Q3, today=date(2026, 8, 15))
    assert not row.standing.ended and not row.standing.compliant and not row.standing.behind
    assert row.consecutive_behind == 2 and row.flagged  # Q1 and Q2 behind
    assert (
        compliance.flagged_for_review(agency=agency, today=date(2026, 8, 15))[0].peer_supporter
        == member
    )


def test_a_deselected_psp_is_not_flagged_again(agency):
    member = psp(agency, "5001", active_since=LONG_AGO)
    change(member, Status.DESELECTED, date(2026, 10, 1))
    row = _row(agency, member, Q3)
    assert row.consecutive_behind >= 2 and not row.flagged
    assert compliance.flagged_for_review(agency=agency, today=AFTER_Q3) == []


def test_quarters_before_the_first_session_recorded_have_no_requirement(other_agency):
    """Going live never puts anyone behind for the years before it."""
    member = psp(other_agency, "5001", active_since=LONG_AGO)
    row = _row(other_agency, member, Q2, today=date(2026, 5, 10))  # nothing recorded yet
    assert row.standing.hours_required == Decimal("4.0")  # the current quarter has its own
    assert row.consecutive_behind == 0
    assert _row(other_agency, member, Q1, today=date(2026, 5, 10)).standing.hours_required == 0
    attend(session(other_agency, date(2026, 4, 20), "2"), member)
    assert _row(other_agency, member, Q2, today=AFTER_Q3).standing.behind
    assert _row(other_agency, member, Q3, today=AFTER_Q3).consecutive_behind == 2
    team = compliance.team_compliance(agency=other_agency, quarter=Q1, today=AFTER_Q3)
    assert team.records_start == Q2 and not team.rows[0].standing.recorded


def test_the_psps_own_quarters(agency):
    member = psp(agency, "5001", active_since=date(2025, 11, 1))
    _quarterly(agency, member, {Q1: 4, Q2: 3, Q3: 2})
    current, past = compliance.psp_quarters(peer_supporter=member, today=date(2026, 8, 15))
    assert current.standing.quarter == Q3 and current.standing.missing == Decimal("2.0")
    assert [q.quarter for q in past] == [Q2, Q1, Quarter(2025, 4)]  # not before they joined
    assert current.consecutive_behind == 1


def test_records_start_at_a_session_attended_elsewhere_before_the_agencys_own_first(
    agency, other_agency
):
    """The other agency's first session in Peerline is in 2026-Q2; one of its PSPs attended
    this agency's session in 2025-Q3, confirmed by their coordinator (2011 §3.8.2): its records
    start there. An unconfirmed one earlier, and one attended elsewhere later, move nothing."""
    from django.utils import timezone

    from peerline.training.models import Attendance

    member = psp(other_agency, "5001", active_since=LONG_AGO)
    quarter = compliance.Quarter(2025, 3)

    def records_start():
        team = compliance.team_compliance(agency=other_agency, quarter=Q3, today=AFTER_Q3)
        return team.records_start

    assert records_start() == Quarter(2026, 4)  # nothing recorded: the current quarter
    session(other_agency, date(2026, 5, 4), "2")
    assert records_start() == Q2
    attend(session(agency, date(2025, 8, 12), "3"), member)
    attend(session(agency, date(2025, 2, 3), "3"), member)  # not confirmed by their coordinator
    assert records_start() == Q2
    Attendance.objects.filter(session__date=date(2025, 8, 12)).update(confirmed_at=timezone.now())
    attend(session(agency, date(2026, 7, 1), "3"), member)
    Attendance.objects.filter(session__date=date(2026, 7, 1)).update(confirmed_at=timezone.now())
    assert records_start() == quarter
