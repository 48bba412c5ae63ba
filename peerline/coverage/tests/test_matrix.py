"""The coverage matrix on hand-made agencies (2011 §3.8.1)."""

from datetime import date

import pytest

from peerline.agencies.models import Category, JobFamily
from peerline.coverage.matrix import coverage_matrix, required_for
from peerline.team.models import Status

from .builders import psp, staff

ON = date(2026, 11, 23)
CIVILIAN_COMM = {
    "division": "COMM",
    "category": Category.CIVILIAN,
    "job_family": JobFamily.TELECOMMUNICATIONS,
}


def test_required_is_one_per_target_rounded_up_2011_3_8_1():
    assert [required_for(n, 25) for n in (0, 1, 24, 25, 26, 50, 51)] == [0, 1, 1, 1, 2, 2, 3]
    assert required_for(7, 1) == 7


def test_cells_count_headcount_active_on_leave_required_and_gap_2011_3_8_1(agency):
    day = staff(agency, 26)  # Day · Patrol · sworn: 26 → 2 needed
    night = staff(agency, 25, shift="NIGHT", **CIVILIAN_COMM)  # 25 → 1 needed
    psp(day[0])
    psp(day[1], Status.ON_LEAVE)
    psp(day[2], Status.CANDIDATE)  # not on the team yet
    psp(day[3], Status.INACTIVE)
    psp(night[0])
    psp(night[1])
    matrix = coverage_matrix(agency=agency, on=ON)
    cell = matrix.cell("DAY", "PATROL", "sworn")
    assert (cell.headcount, cell.active, cell.on_leave, cell.required, cell.gap) == (26, 1, 1, 2, 1)
    assert cell.employees_per_psp == 26.0
    assert cell.severity == "short"
    assert cell.label == "Day shift · Patrol · sworn"
    night_cell = matrix.cell("NIGHT", "COMM", "civilian")
    assert (night_cell.headcount, night_cell.active, night_cell.required, night_cell.gap) == (
        25, 2, 1, 0,
    )  # fmt: skip
    assert night_cell.employees_per_psp == 12.5
    assert night_cell.severity == "met"
    assert len(matrix.cells) == 2  # no empty cells


def test_a_cell_with_no_active_psp_has_no_ratio_and_is_marked_none_2011_3_8_1(agency):
    staff(agency, 3, shift="EVE", division="INV", job_family=JobFamily.INVESTIGATIONS)
    cell = coverage_matrix(agency=agency, on=ON).cell("EVE", "INV", "sworn")
    assert (cell.required, cell.gap, cell.employees_per_psp, cell.severity) == (1, 1, None, "none")


def test_employees_with_no_shift_are_a_no_shift_row_2011_3_8_1(agency):
    staff(agency, 4, shift=None, division="INV")
    matrix = coverage_matrix(agency=agency, on=ON)
    cell = matrix.cell(None, "INV", "sworn")
    assert cell.headcount == 4
    assert cell.shift_name == "No shift"
    assert matrix.shifts[-1] == (None, "No shift")  # the last row
    assert dict(matrix.by_shift)["No shift"].headcount == 4


def test_only_employees_on_the_roster_that_day_count_2011_3_8_1(agency):
    staff(agency, 2)
    staff(agency, 1, separated_on=date(2026, 10, 1))  # gone already
    staff(agency, 1, separation_date=ON, separation_kind="retirement")  # leaves that day
    later = staff(agency, 1, separation_date=date(2026, 11, 24), separation_kind="transfer")
    gone = staff(agency, 1, separation_date=date(2026, 11, 1), separation_kind="promotion")
    psp(later[0])
    psp(gone[0])  # a PSP whose employee has left counts nowhere
    cell = coverage_matrix(agency=agency, on=ON).cell("DAY", "PATROL", "sworn")
    assert (cell.headcount, cell.active) == (3, 1)
    earlier = coverage_matrix(agency=agency, on=date(2026, 10, 31)).cell("DAY", "PATROL", "sworn")
    assert (earlier.headcount, earlier.active) == (5, 2)


def test_totals_add_the_cells_and_a_surplus_fills_no_other_cell_2011_3_8_1(agency):
    full = staff(agency, 10)  # needs 1, has 3: surplus 2
    staff(agency, 30, shift="NIGHT")  # needs 2, has 0
    comm = staff(agency, 5, shift="NIGHT", **CIVILIAN_COMM)  # needs 1, has 1
    for employee in full[:3]:
        psp(employee)
    psp(comm[0])
    matrix = coverage_matrix(agency=agency, on=ON)
    total = matrix.total
    assert (total.headcount, total.active, total.required, total.gap) == (45, 4, 4, 2)
    by_category = dict(matrix.by_category)
    assert (by_category["Sworn"].headcount, by_category["Sworn"].gap) == (40, 2)
    assert (by_category["Civilian"].headcount, by_category["Civilian"].gap) == (5, 0)
    by_shift = dict(matrix.by_shift)
    assert (by_shift["Night shift"].headcount, by_shift["Night shift"].required) == (35, 3)
    assert (by_shift["Day shift"].active, by_shift["Day shift"].gap) == (3, 0)
    by_division = dict(matrix.by_division)
    assert (by_division["Patrol"].headcount, by_division["Communications"].active) == (40, 1)
    assert [cell.key for cell in matrix.short_cells] == [("NIGHT", "PATROL", "sworn")]


def test_job_families_have_their_own_target_2011_3_8_1(agency):
    """ "A telecommunicator may prefer a telecommunicator": counted across shifts."""
    day = staff(agency, 20, **CIVILIAN_COMM)
    staff(agency, 20, shift="NIGHT", **CIVILIAN_COMM)
    staff(agency, 11, shift="EVE")
    psp(day[0])
    psp(day[1], Status.ON_LEAVE)
    families = {f.job_family: f for f in coverage_matrix(agency=agency, on=ON).families}
    telecom = families["telecommunications"]
    assert (telecom.headcount, telecom.active, telecom.on_leave) == (40, 1, 1)
    assert (telecom.required, telecom.gap, telecom.label) == (2, 1, "Telecommunications")
    assert (families["patrol"].required, families["patrol"].gap) == (1, 1)
    assert set(families) == {"telecommunications", "patrol"}


def test_the_matrix_is_three_queries_2011_3_8_1(agency, django_assert_num_queries):
    for n, shift in enumerate(["DAY", "EVE", "NIGHT", None]):
        psp(staff(agency, 5 + n, shift=shift)[0])
    # Two grouped counts and the names of the shifts and divisions.
    with django_assert_num_queries(3):
        matrix = coverage_matrix(agency=agency, on=ON)
        assert matrix.total.headcount == 26


def test_another_agency_is_not_counted(agency, other_agency):
    staff(agency, 3)
    psp(staff(other_agency, 3)[0])
    matrix = coverage_matrix(agency=agency, on=ON)
    assert (matrix.total.headcount, matrix.total.active) == (3, 0)


@pytest.mark.parametrize("target,required", [(1, 7), (7, 1), (3, 3)])
def test_the_target_is_the_agencys_own_2011_3_8_1(agency, target, required):
    agency.employees_per_psp = target
    agency.save()
    staff(agency, 7)
    assert coverage_matrix(agency=agency, on=ON).cell("DAY", "PATROL", "sworn").required == required
