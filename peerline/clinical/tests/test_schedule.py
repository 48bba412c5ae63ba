"""The 24/7 on-call schedule: holes, who is on call now, until when and who is next (2011 §5.1)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from peerline.clinical import selectors
from peerline.clinical.selectors import holes, on_call_board, on_call_now

from .helpers import local, make_clinician, make_shift, rota


@pytest.fixture
def denver(agency):
    agency.time_zone = "America/Denver"
    agency.save(update_fields=["time_zone"])
    return agency


@pytest.fixture
def ada(agency):
    return make_clinician(agency, "Dr. Ada Park")


@pytest.fixture
def ben(agency):
    return make_clinician(agency, "Dr. Ben Cole")


# -- holes ---------------------------------------------------------------------------------------


def test_with_no_shift_the_whole_window_is_one_hole_2011_5_1(agency):
    start = local(agency, 2026, 6, 1)
    assert holes(agency=agency, start=start, days=30) == [(start, local(agency, 2026, 7, 1))]


def test_overlapping_shifts_cover_their_union_and_the_gaps_are_holes_2011_5_1(agency, ada, ben):
    make_shift(ada, local(agency, 2026, 6, 1, 0), local(agency, 2026, 6, 1, 12))
    make_shift(ben, local(agency, 2026, 6, 1, 10), local(agency, 2026, 6, 1, 18))
    found = holes(agency=agency, start=local(agency, 2026, 6, 1), days=1)
    assert found == [(local(agency, 2026, 6, 1, 18), local(agency, 2026, 6, 2))]


def test_touching_shifts_leave_no_hole_but_a_minute_apart_do_2011_5_1(agency, ada, ben):
    make_shift(ada, local(agency, 2026, 6, 1, 0), local(agency, 2026, 6, 1, 8))
    make_shift(ben, local(agency, 2026, 6, 1, 8), local(agency, 2026, 6, 1, 20))
    make_shift(ada, local(agency, 2026, 6, 1, 20, 1), local(agency, 2026, 6, 2, 0))
    found = holes(agency=agency, start=local(agency, 2026, 6, 1), days=1)
    assert found == [(local(agency, 2026, 6, 1, 20), local(agency, 2026, 6, 1, 20, 1))]


def test_shifts_outside_the_window_are_clipped_to_it(agency, ada):
    make_shift(ada, local(agency, 2026, 5, 31, 20), local(agency, 2026, 6, 1, 8))
    make_shift(ada, local(agency, 2026, 6, 1, 20), local(agency, 2026, 6, 2, 8))
    found = holes(agency=agency, start=local(agency, 2026, 6, 1), days=1)
    assert found == [(local(agency, 2026, 6, 1, 8), local(agency, 2026, 6, 1, 20))]


def test_a_local_rota_across_the_spring_dst_change_has_no_hole_america_denver(denver, ada, ben):
    """8 March 2026: 02:00 becomes 03:00 in Denver; the day has 23 hours and 08:00 stays 08:00."""
    rota([ada, ben], denver, date(2026, 3, 1), 40)
    start = local(denver, 2026, 3, 2)
    assert holes(agency=denver, start=start, days=30) == []
    # The window is 30 local days: one hour short of 30 × 24.
    assert selectors.window_end(denver, start, 30) - start == timedelta(days=30, hours=-1)


def test_a_24_hour_shift_on_the_fall_dst_day_leaves_the_25th_hour_open_america_denver(denver, ada):
    """1 November 2026: 02:00 becomes 01:00 again; the local day has 25 hours."""
    midnight = local(denver, 2026, 11, 1)
    make_shift(ada, midnight, midnight.astimezone(UTC) + timedelta(hours=24))
    found = holes(agency=denver, start=midnight, days=1)
    assert found == [(local(denver, 2026, 11, 1, 23), local(denver, 2026, 11, 2))]
    assert found[0][1] - found[0][0] == timedelta(hours=1)


def test_an_expired_licence_does_not_count_from_the_day_after_expiry_2011_5_1(agency, ben):
    lapsing = make_clinician(agency, "Dr. Lapsed", expires=date(2026, 6, 10))
    make_shift(lapsing, local(agency, 2026, 6, 1), local(agency, 2026, 6, 20))
    found = holes(agency=agency, start=local(agency, 2026, 6, 1), days=19)
    assert found == [(local(agency, 2026, 6, 11), local(agency, 2026, 6, 20))]


def test_an_inactive_clinician_and_another_agencys_shifts_do_not_count(agency, other_agency):
    resting = make_clinician(agency, "Dr. Resting", active=False)
    elsewhere = make_clinician(other_agency, "Dr. Elsewhere")
    make_shift(resting, local(agency, 2026, 6, 1), local(agency, 2026, 6, 2))
    make_shift(elsewhere, local(agency, 2026, 6, 1), local(agency, 2026, 6, 2))
    start = local(agency, 2026, 6, 1)
    assert holes(agency=agency, start=start, days=1) == [(start, local(agency, 2026, 6, 2))]


def test_holes_are_given_in_the_agencys_time_zone(denver, ada):
    found = holes(agency=denver, start=datetime(2026, 6, 1, 6, tzinfo=UTC), days=1)
    assert str(found[0][0].tzinfo) == "America/Denver"
    assert found[0][0] == local(denver, 2026, 6, 1, 0)


# -- on call now ---------------------------------------------------------------------------------


def test_a_shift_ending_at_08_00_does_not_cover_08_00_2011_5_1(agency, ada, ben):
    make_shift(ada, local(agency, 2026, 6, 1, 20), local(agency, 2026, 6, 2, 8))
    make_shift(ben, local(agency, 2026, 6, 2, 8), local(agency, 2026, 6, 2, 20))
    assert on_call_now(agency=agency, at=local(agency, 2026, 6, 2, 7, 59)) == [ada]
    assert on_call_now(agency=agency, at=local(agency, 2026, 6, 2, 8)) == [ben]
    assert on_call_now(agency=agency, at=local(agency, 2026, 6, 1, 20)) == [ada]
    assert on_call_now(agency=agency, at=local(agency, 2026, 6, 2, 20)) == []


def test_overlapping_shifts_of_one_clinician_list_them_once(agency, ada, ben):
    make_shift(ada, local(agency, 2026, 6, 1, 0), local(agency, 2026, 6, 1, 12))
    make_shift(ada, local(agency, 2026, 6, 1, 6), local(agency, 2026, 6, 1, 18))
    make_shift(ben, local(agency, 2026, 6, 1, 9), local(agency, 2026, 6, 1, 18))
    assert on_call_now(agency=agency, at=local(agency, 2026, 6, 1, 10)) == [ada, ben]


def test_an_expired_licence_is_never_on_call_2011_5_1(agency):
    lapsing = make_clinician(agency, "Dr. Lapsed", expires=date(2026, 6, 1))
    make_shift(lapsing, local(agency, 2026, 6, 1, 20), local(agency, 2026, 6, 2, 8))
    # Its last valid day counts to midnight; from then on, nobody.
    assert on_call_now(agency=agency, at=local(agency, 2026, 6, 1, 23, 59)) == [lapsing]
    assert on_call_now(agency=agency, at=local(agency, 2026, 6, 2, 0)) == []


def test_an_inactive_clinician_is_never_on_call(agency):
    resting = make_clinician(agency, "Dr. Resting", active=False)
    make_shift(resting, local(agency, 2026, 6, 1), local(agency, 2026, 6, 2))
    assert on_call_now(agency=agency, at=local(agency, 2026, 6, 1, 12)) == []


def test_the_board_says_until_when_across_back_to_back_shifts_and_who_is_next(agency, ada, ben):
    make_shift(ada, local(agency, 2026, 6, 1, 8), local(agency, 2026, 6, 1, 20))
    make_shift(ada, local(agency, 2026, 6, 1, 20), local(agency, 2026, 6, 2, 8))
    make_shift(ben, local(agency, 2026, 6, 2, 8), local(agency, 2026, 6, 2, 20))
    make_shift(ada, local(agency, 2026, 6, 2, 20), local(agency, 2026, 6, 3, 8))
    now, upcoming = on_call_board(agency=agency, at=local(agency, 2026, 6, 1, 12))
    assert [(entry.clinician, entry.starts_at, entry.ends_at) for entry in now] == [
        (ada, local(agency, 2026, 6, 1, 8), local(agency, 2026, 6, 2, 8))
    ]
    assert upcoming is not None
    assert (upcoming.clinician, upcoming.starts_at, upcoming.ends_at) == (
        ben,
        local(agency, 2026, 6, 2, 8),
        local(agency, 2026, 6, 2, 20),
    )


def test_the_board_with_no_one_on_call_names_the_next_one(agency, ada):
    make_shift(ada, local(agency, 2026, 6, 1, 20), local(agency, 2026, 6, 2, 8))
    now, upcoming = on_call_board(agency=agency, at=local(agency, 2026, 6, 1, 12))
    assert now == []
    assert upcoming is not None and upcoming.clinician == ada
    assert upcoming.starts_at == local(agency, 2026, 6, 1, 20)


def test_the_board_stops_until_at_the_licence_expiry(agency):
    lapsing = make_clinician(agency, "Dr. Lapsed", expires=date(2026, 6, 1))
    make_shift(lapsing, local(agency, 2026, 6, 1, 20), local(agency, 2026, 6, 2, 8))
    now, upcoming = on_call_board(agency=agency, at=local(agency, 2026, 6, 1, 21))
    assert now[0].ends_at == local(agency, 2026, 6, 2, 0)
    assert upcoming is None
