"""The 24-month coverage forecast on hand-made agencies (2011 §3.8.3, §4.4)."""

from datetime import date

from peerline.agencies.models import Category, JobFamily
from peerline.coverage.forecast import forecast, forecast_dates
from peerline.coverage.matrix import coverage_matrix
from peerline.team.models import Status

from .builders import leave, psp, staff

START = date(2026, 11, 23)


def _series(cell):
    return {point.on: (point.headcount, point.active, point.required) for point in cell.series}


def _cell(found, shift, division, category="sworn"):
    return next(c for c in found.cells if c.key == (shift, division, category))


def test_dates_are_start_then_the_first_of_each_next_month_2011_3_8_3():
    dates = forecast_dates(START)
    assert len(dates) == 25
    assert dates[:3] == [START, date(2026, 12, 1), date(2027, 1, 1)]
    assert dates[-1] == date(2028, 11, 1)
    assert forecast_dates(date(2027, 1, 1), 2) == [
        date(2027, 1, 1),
        date(2027, 2, 1),
        date(2027, 3, 1),
    ]


def test_a_transfer_drops_a_cell_below_target_at_a_known_month_2011_3_8_3(agency):
    people = staff(agency, 20)  # needs 1 all along
    staff(agency, 1, separation_date=date(2027, 1, 10), separation_kind="retirement")
    moving = people[0]
    moving.separation_date, moving.separation_kind = date(2027, 3, 15), "transfer"
    moving.save()
    psp(moving)
    found = forecast(agency=agency, start=START)
    cell = _cell(found, "DAY", "PATROL")
    series = _series(cell)
    assert series[START] == (21, 1, 1)
    assert series[date(2027, 1, 1)] == (21, 1, 1)
    assert series[date(2027, 2, 1)] == (20, 1, 1)  # the retirement: one fewer employee
    assert series[date(2027, 3, 1)] == (20, 1, 1)
    assert series[date(2027, 4, 1)] == (19, 0, 1)  # the PSP has transferred
    assert cell.first_below == date(2027, 4, 1) and not cell.already_below
    assert cell.changes_until == date(2027, 4, 1)
    assert (cell.psp_separations, cell.psp_leaves, cell.employee_separations) == (1, 0, 2)
    assert found.falling == [cell]


def test_a_leave_returning_mid_forecast_counts_again_from_its_expected_return_2011_4_4(agency):
    people = staff(agency, 10, shift="NIGHT", division="COMM", category=Category.CIVILIAN,
                   job_family=JobFamily.TELECOMMUNICATIONS)  # fmt: skip
    away = psp(people[0], Status.ON_LEAVE)
    leave(away, date(2026, 9, 1), date(2027, 2, 10))
    found = forecast(agency=agency, start=START)
    cell = _cell(found, "NIGHT", "COMM", "civilian")
    series = _series(cell)
    assert series[START] == (10, 0, 1)
    assert series[date(2027, 2, 1)] == (10, 0, 1)
    assert series[date(2027, 3, 1)] == (10, 1, 1)  # back
    assert cell.already_below and cell.first_below == START
    assert cell.changes_until == date(2028, 11, 1)  # below today: changes over the whole forecast
    assert (cell.psp_returns, cell.psp_leaves, cell.psp_separations) == (1, 0, 0)


def test_a_leave_ahead_takes_a_psp_out_then_back_2011_4_4(agency):
    people = staff(agency, 10, division="INV", job_family=JobFamily.INVESTIGATIONS)
    going = psp(people[0])
    leave(going, date(2027, 1, 5), date(2027, 6, 20))
    leave(psp(people[1], Status.INACTIVE), date(2027, 1, 5), date(2027, 2, 1))  # not on the team
    done = psp(people[2])
    leave(done, date(2026, 1, 1), date(2026, 3, 1), returned_on=date(2026, 3, 1))  # long over
    cell = _cell(forecast(agency=agency, start=START), "DAY", "INV")
    series = _series(cell)
    assert series[date(2027, 1, 1)][1] == 2  # the leave starts on the 5th
    assert series[date(2027, 2, 1)][1] == 1
    assert series[date(2027, 6, 1)][1] == 1
    assert series[date(2027, 7, 1)][1] == 2  # back after June 20
    assert cell.first_below is None  # 1 active still meets a target of 1
    assert cell.psp_leaves == 0  # by the end of the forecast, back


def test_a_cell_falls_below_when_a_leave_starts_and_the_cause_is_a_leave_2011_3_8_3(agency):
    going = psp(staff(agency, 5, shift="EVE")[0])
    leave(going, date(2027, 4, 2), date(2027, 9, 1))
    cell = _cell(forecast(agency=agency, start=START), "EVE", "PATROL")
    assert cell.first_below == date(2027, 5, 1)
    assert (cell.psp_leaves, cell.psp_separations, cell.employee_separations) == (1, 0, 0)


def test_an_on_leave_psp_with_no_open_leave_is_not_counted_back_2011_4_4(agency):
    psp(staff(agency, 3)[0], Status.ON_LEAVE)
    cell = _cell(forecast(agency=agency, start=START), "DAY", "PATROL")
    assert {point.active for point in cell.series} == {0}


def test_fewer_employees_need_fewer_psps_and_an_empty_cell_needs_none_2011_3_8_3(agency):
    people = staff(agency, 26, shift=None)  # 26 → 2 needed
    for employee in people[:1]:
        employee.separation_date, employee.separation_kind = date(2027, 5, 1), "retirement"
        employee.save()
    psp(people[1])
    cell = _cell(forecast(agency=agency, start=START), None, "PATROL")
    series = _series(cell)
    assert series[START] == (26, 1, 2)
    assert series[date(2027, 5, 1)] == (25, 1, 1)  # gone on the separation date itself
    assert cell.already_below and cell.shift_name == "No shift"
    leaving = staff(agency, 2, shift="EVE", division="INV", separation_date=date(2027, 1, 1),
                    separation_kind="promotion")  # fmt: skip
    psp(leaving[0])
    empty = _cell(forecast(agency=agency, start=START), "EVE", "INV")
    assert _series(empty)[date(2027, 1, 1)] == (0, 0, 0)
    assert empty.first_below is None


def test_month_zero_matches_the_matrix_and_totals_add_up_2011_3_8_3(agency):
    staff(agency, 30)
    psp(staff(agency, 12, shift="NIGHT")[0])
    evening = staff(agency, 8, shift="EVE")
    evening[0].separation_date, evening[0].separation_kind = date(2027, 7, 20), "transfer"
    evening[0].save()
    psp(evening[0])
    found = forecast(agency=agency, start=START)
    matrix = coverage_matrix(agency=agency, on=START)
    for cell in found.cells:
        counted = matrix.cell(*cell.key)
        assert (cell.series[0].headcount, cell.series[0].active, cell.series[0].required) == (
            counted.headcount, counted.active, counted.required,
        )  # fmt: skip
    assert (found.total[0].headcount, found.total[0].active, found.total[0].required) == (50, 2, 4)
    assert found.total[-1].headcount == 49 and found.total[-1].active == 1
    # Below today first (the 30 with none), then the one that falls later, then the rest.
    assert [c.key for c in found.cells][:2] == [
        ("DAY", "PATROL", "sworn"),
        ("EVE", "PATROL", "sworn"),
    ]
    assert found.cells[1].first_below == date(2027, 8, 1)


def test_the_forecast_is_three_queries_whatever_the_months_2011_3_8_3(
    agency, django_assert_num_queries
):
    for shift in ["DAY", "EVE", "NIGHT"]:
        leave(psp(staff(agency, 9, shift=shift)[0]), date(2027, 1, 1), date(2027, 3, 1))
    # Two grouped counts and the names of the shifts and divisions.
    with django_assert_num_queries(3):
        found = forecast(agency=agency, start=START, months=24)
    assert len(found.total) == 25
