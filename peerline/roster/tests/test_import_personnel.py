"""The roster import: `import_personnel` and `peerline import-personnel` (the README)."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from peerline.agencies.chain import MAX_DEPTH, everyone_under, in_chain_of_command
from peerline.agencies.models import Employee
from peerline.roster.importer import ImportResult, import_personnel
from peerline.roster.reader import (
    COLUMNS,
    REQUIRED_COLUMNS,
    REQUIRED_VALUES,
    RosterRejected,
    RowError,
)
from peerline.testing.personas import make_agency, make_employee

SAMPLE = settings.BASE_DIR / "samples" / "personnel.csv"


def person(number: str, supervisor: str = "", **fields: str) -> dict[str, str]:
    return {
        "employee_number": number,
        "first_name": f"First{number}",
        "last_name": f"Last{number}",
        "email": f"e{number}@example.org",
        "phone": "555-0100",
        "category": "sworn",
        "job_family": "patrol",
        "rank": "Police Officer",
        "division": "PATROL",
        "shift": "DAY",
        "supervisor_number": supervisor,
        "good_standing": "yes",
        "hire_date": "2015-08-03",
        "separation_date": "",
        "separation_kind": "",
        **fields,
    }


# The same shape as the personas' chain: chief → commander → lieutenant → sergeant → two officers,
# and a civilian communications supervisor with one telecommunicator.
COMM = {"division": "COMM", "category": "civilian", "job_family": "telecommunications"}
ROSTER = [
    person("1000", job_family="command", rank="Chief of Police", shift=""),
    person("1100", "1000", job_family="command", rank="Commander"),
    person("1110", "1100", rank="Lieutenant"),
    person("1111", "1110", rank="Sergeant"),
    person("2001", "1111"),
    person("2002", "1111"),
    person("3000", "1000", rank="Communications Supervisor", **COMM),
    person("3001", "3000", rank="Telecommunicator", **COMM),
]


def csv_text(rows: list[dict[str, str]], columns=COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def run(agency, text: str, **options) -> ImportResult:
    return import_personnel(agency=agency, lines=io.StringIO(text, newline=""), **options)


def rejected(agency, text: str) -> list[RowError]:
    with pytest.raises(RosterRejected) as caught:
        run(agency, text)
    return caught.value.errors


def reasons(errors: list[RowError]) -> list[tuple[int, str]]:
    return [(error.line, error.reason) for error in errors]


def employee(agency, number: str) -> Employee:
    return Employee.objects.get(agency=agency, employee_number=number)


def snapshot() -> list[dict]:
    return list(Employee.objects.order_by("pk").values())


# --- a good file ---------------------------------------------------------------------------------


def test_it_imports_the_sample_file(agency):
    result = run(agency, SAMPLE.read_text(encoding="utf-8-sig"))

    assert result.counts() == {
        "created": 27,
        "updated": 0,
        "transferred": 0,
        "reinstated": 0,
        "separated": 0,
        "unchanged": 0,
    }
    chief, telecommunicator = employee(agency, "1001"), employee(agency, "3011")
    assert in_chain_of_command(chief, telecommunicator)
    assert everyone_under(chief).count() == 26
    assert run(agency, SAMPLE.read_text(encoding="utf-8-sig")).unchanged == 27


def test_it_sets_every_field_from_its_column(agency):
    run(
        agency,
        csv_text(
            [
                person("1000", shift=""),
                person(
                    "2001",
                    "1000",
                    category="Civilian",
                    job_family="RECORDS",
                    division="inv",
                    shift="night",
                    good_standing="No",
                    hire_date="2019-03-11",
                    separation_date="2027-06-01",
                    separation_kind="Promotion",
                    rank="Records Specialist",
                ),
            ]
        ),
    )

    chief, clerk = employee(agency, "1000"), employee(agency, "2001")
    assert (clerk.first_name, clerk.last_name, clerk.email) == (
        "First2001",
        "Last2001",
        "e2001@example.org",
    )
    assert (clerk.category, clerk.job_family, clerk.rank) == (
        "civilian",
        "records",
        "Records Specialist",
    )
    assert (clerk.division.code, clerk.shift.code) == ("INV", "NIGHT")
    assert clerk.supervisor == chief
    assert clerk.good_standing is False
    assert clerk.hire_date == date(2019, 3, 11)
    assert (clerk.separation_date, clerk.separation_kind) == (date(2027, 6, 1), "promotion")
    assert clerk.separated_on is None
    assert chief.shift is None and chief.supervisor is None


def test_it_accepts_a_byte_order_mark_and_any_header_case(agency):
    text = "\ufeff" + csv_text(ROSTER).replace("employee_number", "Employee_Number", 1)

    assert run(agency, text).created == len(ROSTER)


def test_an_empty_good_standing_means_yes(agency):
    run(agency, csv_text([person("1000", good_standing="")]))

    assert employee(agency, "1000").good_standing is True


# --- bad files and bad rows ----------------------------------------------------------------------


def test_it_reports_missing_required_columns_in_one_error(agency):
    columns = [name for name in COLUMNS if name not in {"division", "supervisor_number"}]

    errors = rejected(agency, csv_text(ROSTER, columns))

    assert reasons(errors) == [(1, "missing required columns: division, supervisor_number")]


def test_it_reports_a_column_named_twice(agency):
    text = csv_text(ROSTER).replace("rank", "phone", 1)

    assert reasons(rejected(agency, text)) == [
        (1, "the column phone appears more than once in the header")
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "line 1 must be the header row naming the columns"),
        ("\n" + csv_text(ROSTER), "line 1 must be the header row naming the columns"),
        (",".join(COLUMNS) + "\n\n", "the file lists no employees"),
    ],
)
def test_it_refuses_a_file_with_no_header_or_no_employees(agency, text, reason):
    assert reasons(rejected(agency, text)) == [(1, reason)]


def test_it_reports_an_unknown_division(agency):
    errors = rejected(agency, csv_text([*ROSTER, person("2003", "1111", division="TRAFFIC")]))

    assert reasons(errors) == [
        (10, "division is not a division code of this agency: COMM, INV, PATROL")
    ]
    assert errors[0].employee_number == "2003"


def test_it_reports_an_unknown_shift(agency):
    errors = rejected(agency, csv_text([*ROSTER, person("2003", "1111", shift="MIDNIGHT")]))

    assert reasons(errors) == [(10, "shift is not a shift code of this agency: DAY, EVE, NIGHT")]


def test_it_reports_a_supervisor_not_in_the_file_even_if_on_the_roster(agency, chain):
    # 1000 is on the roster (the personas' chief) but not in this file.
    errors = rejected(agency, csv_text([person("4000", "1000")]))

    assert reasons(errors) == [(2, "supervisor 1000 is not in the file")]


def test_it_reports_a_supervisor_cycle_with_every_line(agency):
    rows = [*ROSTER, person("5001", "5003"), person("5002", "5001"), person("5003", "5002")]

    errors = rejected(agency, csv_text(rows))

    cycle = "supervisor cycle (each reports to the next): 5001 -> 5003 -> 5002 -> 5001"
    assert reasons(errors) == [(10, cycle), (11, cycle), (12, cycle)]
    assert [error.employee_number for error in errors] == ["5001", "5002", "5003"]


def test_it_reports_an_employee_who_is_their_own_supervisor(agency):
    errors = rejected(agency, csv_text([*ROSTER, person("5001", "5001")]))

    assert reasons(errors) == [(10, "the employee is their own supervisor")]


def test_it_reports_every_line_of_a_duplicate_employee_number(agency):
    rows = [*ROSTER, person("2001", "1111"), person("2001", "1110")]

    errors = rejected(agency, csv_text(rows))

    assert reasons(errors) == [
        (line, "the employee number is on lines 6, 10, 11") for line in (6, 10, 11)
    ]


@pytest.mark.parametrize("value", ["2024-02-30", "03/01/2024", "2024-1-5", "20240105", "soon"])
@pytest.mark.parametrize("column", ["hire_date", "separation_date"])
def test_it_reports_a_bad_date(agency, column, value):
    kind = "retirement" if column == "separation_date" else ""
    errors = rejected(
        agency, csv_text([person("1000", **{column: value, "separation_kind": kind})])
    )

    assert reasons(errors) == [(2, f"{column} is not a date in the form YYYY-MM-DD")]


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("category", "deputy", "category must be one of sworn, civilian"),
        (
            "job_family",
            "traffic",
            "job_family must be one of patrol, investigations, telecommunications, corrections, "
            "records, command, other",
        ),
        (
            "separation_kind",
            "fired",
            "separation_kind must be one of retirement, transfer, promotion",
        ),
        ("good_standing", "maybe", "good_standing must be yes or no (or true/false, 1/0)"),
    ],
)
def test_it_reports_a_value_not_in_the_list(agency, column, value, reason):
    row = person("1000", **{column: value, "separation_date": "2027-01-01"})
    if column != "separation_kind":
        row["separation_kind"] = "retirement"

    assert reasons(rejected(agency, csv_text([row]))) == [(2, reason)]


def test_it_requires_a_separation_kind_with_a_separation_date_and_only_then(agency):
    rows = [
        person("1000", separation_date="2027-01-01"),
        person("1001", "1000", separation_kind="retirement"),
    ]

    assert reasons(rejected(agency, csv_text(rows))) == [
        (2, "separation_kind is required with a separation_date"),
        (3, "separation_kind is given without a separation_date"),
    ]


@pytest.mark.parametrize("column", REQUIRED_VALUES)
def test_it_reports_a_missing_required_value(agency, column):
    errors = rejected(agency, csv_text([*ROSTER, person("2003", "1111", **{column: "  "})]))

    assert (10, f"{column} is missing") in reasons(errors)


def test_it_reports_a_bad_email(agency):
    errors = rejected(agency, csv_text([*ROSTER, person("2003", "1111", email="jane.doe@")]))

    assert reasons(errors) == [(10, "email is not a valid e-mail address")]


def test_it_reports_a_value_too_long_for_its_column(agency):
    errors = rejected(agency, csv_text([*ROSTER, person("2003", "1111", last_name="x" * 101)]))

    assert reasons(errors) == [(10, "last_name is longer than 100 characters")]


def test_it_reports_a_line_with_the_wrong_number_of_values(agency):
    text = csv_text(ROSTER) + "2003,Jane,Doe\n" + ",".join(person("2004", "1111").values()) + ",x\n"

    assert reasons(rejected(agency, text)) == [
        (10, "has 3 values; the header has 15 columns"),
        (11, "has 16 values; the header has 15 columns"),
    ]


def test_it_numbers_lines_as_the_file_does(agency):
    # A quoted value with a line break, then a blank line: the bad row is on line 6.
    rows = [person("1000", rank="Chief\nof Police"), person("1001", "1000")]
    text = (
        csv_text(rows) + "\n" + csv_text([person("1002", "1000", shift="NOON")]).split("\n", 1)[1]
    )

    errors = rejected(agency, text)

    assert [(error.line, error.employee_number) for error in errors] == [(6, "1002")]


def test_it_reports_a_chain_deeper_than_the_paths_can_hold(agency):
    rows = [person("1")] + [person(str(n), str(n - 1)) for n in range(2, MAX_DEPTH + 3)]

    errors = rejected(agency, csv_text(rows))

    deeper = f"more than {MAX_DEPTH} levels down the chain of command"
    assert reasons(errors) == [(MAX_DEPTH + 2, deeper), (MAX_DEPTH + 3, deeper)]


def test_it_reports_every_bad_row_not_only_the_first(agency):
    rows = [
        person("1000"),
        person("1001", "1000", division="NOPE"),
        person("1002", "9999"),
        person("1003", "1000", hire_date="yesterday", email="nope"),
    ]

    assert [error.line for error in rejected(agency, csv_text(rows))] == [3, 4, 5, 5]


def test_its_errors_never_repeat_names_emails_or_values(agency):
    rows = [
        person("1000"),
        person("1001", "1000", category="Jane Doe", email="jane.doe@", hire_date="Doe"),
        person("1002", "1000", division="Jane", shift="Doe", job_family="jane.doe@example.org"),
    ]

    text = "\n".join(str(error) for error in rejected(agency, csv_text(rows)))

    assert "Jane" not in text and "Doe" not in text and "jane" not in text


# --- all or nothing ------------------------------------------------------------------------------


def test_a_bad_row_at_the_end_leaves_the_roster_untouched(agency, chain):
    before = snapshot()
    rows = [
        person("1000", rank="Chief"),  # would update the personas' chief
        person("1100", "1000", division="INV"),  # would transfer
        person("7000", "1000"),  # would be created; the rest would be separated
        person("7001", "1000", hire_date="2024-13-01"),
    ]

    errors = rejected(agency, csv_text(rows))

    assert reasons(errors) == [(5, "hire_date is not a date in the form YYYY-MM-DD")]
    assert snapshot() == before


# --- re-import -----------------------------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing_the_second_time(agency):
    run(agency, csv_text(ROSTER))
    before = snapshot()

    result = run(agency, csv_text(ROSTER))

    assert result.counts() == {
        "created": 0,
        "updated": 0,
        "transferred": 0,
        "reinstated": 0,
        "separated": 0,
        "unchanged": len(ROSTER),
    }
    assert snapshot() == before


def test_it_matches_the_roster_the_personas_made_by_employee_number(agency, chain):
    result = run(agency, csv_text(ROSTER))

    assert result.created == 0
    assert employee(agency, "2001").pk == chain.officer.pk
    assert employee(agency, "2001").email == "e2001@example.org"


def test_it_updates_changed_fields(agency):
    run(agency, csv_text(ROSTER))
    changed = [
        person("1111", "1110", rank="Sergeant", shift="NIGHT", phone="555-0199")
        if row["employee_number"] == "1111"
        else row
        for row in ROSTER
    ]

    result = run(agency, csv_text(changed))

    assert (result.updated, result.unchanged) == (1, len(ROSTER) - 1)
    sergeant = employee(agency, "1111")
    assert (sergeant.shift.code, sergeant.phone) == ("NIGHT", "555-0199")


def test_a_division_change_counts_as_a_transfer(agency):
    run(agency, csv_text(ROSTER))
    moved = [
        person("2002", "3000", rank="Telecommunicator", **COMM)
        if row["employee_number"] == "2002"
        else row
        for row in ROSTER
    ]

    result = run(agency, csv_text(moved))

    assert (result.transferred, result.updated, result.unchanged) == (1, 0, len(ROSTER) - 1)
    officer = employee(agency, "2002")
    assert officer.division.code == "COMM"
    assert officer.supervisor == employee(agency, "3000")


def test_employees_missing_from_the_file_are_separated_not_deleted(agency):
    run(agency, csv_text(ROSTER))
    remaining = [row for row in ROSTER if row["employee_number"] not in {"1111", "2002"}]
    remaining = [
        {**row, "supervisor_number": "1110"} if row["employee_number"] == "2001" else row
        for row in remaining
    ]

    result = run(agency, csv_text(remaining), today=date(2026, 3, 2))

    assert (result.separated, result.updated) == (2, 1)
    assert Employee.objects.filter(agency=agency).count() == len(ROSTER)
    sergeant = employee(agency, "1111")
    assert sergeant.separated_on == date(2026, 3, 2)
    assert sergeant.supervisor is None
    chief = employee(agency, "1000")
    assert not in_chain_of_command(chief, sergeant)
    assert not everyone_under(chief).filter(employee_number__in=["1111", "2002"]).exists()
    assert run(agency, csv_text(remaining)).separated == 0  # already separated


def test_separation_is_dated_in_the_agencys_time_zone(agency, monkeypatch):
    run(agency, csv_text(ROSTER))
    # 03:00 UTC on New Year's Day is still New Year's Eve in Chicago.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2027, 1, 1, 3, 0, tzinfo=UTC))

    run(agency, csv_text(ROSTER[:-1]))

    assert employee(agency, "3001").separated_on == date(2026, 12, 31)


def test_a_separated_employee_who_reappears_is_reinstated(agency):
    run(agency, csv_text(ROSTER))
    run(agency, csv_text(ROSTER[:-1]), today=date(2026, 3, 2))

    result = run(agency, csv_text(ROSTER))

    assert (result.reinstated, result.created, result.unchanged) == (1, 0, len(ROSTER) - 1)
    telecommunicator = employee(agency, "3001")
    assert telecommunicator.separated_on is None
    assert in_chain_of_command(employee(agency, "3000"), telecommunicator)


def test_a_column_left_out_keeps_what_employees_have(agency):
    run(agency, csv_text(ROSTER))
    columns = [name for name in COLUMNS if name not in {"email", "shift", "hire_date"}]

    result = run(agency, csv_text([person("9000", "1000"), *ROSTER], columns))

    assert (result.created, result.unchanged) == (1, len(ROSTER))
    assert employee(agency, "2001").email == "e2001@example.org"
    assert employee(agency, "2001").shift.code == "DAY"
    newcomer = employee(agency, "9000")
    assert (newcomer.email, newcomer.shift, newcomer.hire_date) == ("", None, None)


def test_it_leaves_other_agencies_alone(agency, other_agency):
    make_employee(other_agency, "1000")

    run(agency, csv_text(ROSTER))
    run(agency, csv_text(ROSTER[:1]))

    assert employee(other_agency, "1000").separated_on is None


def test_a_dry_run_counts_but_changes_nothing(agency):
    run(agency, csv_text(ROSTER))
    before = snapshot()

    result = run(agency, csv_text(ROSTER[:3]), dry_run=True)

    assert result.separated == len(ROSTER) - 3
    assert snapshot() == before


# --- the chain of command ------------------------------------------------------------------------


def test_chain_paths_are_right_after_an_import_and_a_reorganisation(agency):
    run(agency, csv_text(ROSTER))
    chief, lieutenant, sergeant, officer = (
        employee(agency, n) for n in ("1000", "1110", "1111", "2001")
    )
    telecommunicator = employee(agency, "3001")
    assert in_chain_of_command(chief, officer) and in_chain_of_command(officer, lieutenant)
    assert not in_chain_of_command(officer, telecommunicator)
    assert set(everyone_under(sergeant).values_list("employee_number", flat=True)) == {
        "2001",
        "2002",
    }
    assert everyone_under(chief).count() == len(ROSTER) - 1

    # A new sergeant, 1112, takes 2001; the old sergeant 1111 now reports to the telecoms chief.
    reorganised = [
        {
            **row,
            "supervisor_number": {"2001": "1112", "1111": "3000"}.get(n, row["supervisor_number"]),
        }
        for row in ROSTER
        for n in [row["employee_number"]]
    ] + [person("1112", "1110", rank="Sergeant")]
    run(agency, csv_text(reorganised))

    lieutenant, old, new, officer = (employee(agency, n) for n in ("1110", "1111", "1112", "2001"))
    communications = employee(agency, "3000")
    assert in_chain_of_command(new, officer) and in_chain_of_command(lieutenant, officer)
    assert not in_chain_of_command(old, officer)
    assert in_chain_of_command(communications, old)
    assert set(everyone_under(lieutenant).values_list("employee_number", flat=True)) == {
        "1112",
        "2001",
    }
    assert set(everyone_under(communications).values_list("employee_number", flat=True)) == {
        "1111",
        "2002",
        "3001",
    }


def test_it_runs_as_many_queries_for_fifty_rows_as_for_five(db):
    def queries(officers: int) -> int:
        agency = make_agency(code=f"Q{officers}")
        rows = [person("S"), *(person(str(n), "S") for n in range(officers))]
        with CaptureQueriesContext(connection) as first:
            run(agency, csv_text(rows))
        edited = [{**row, "rank": "Senior Officer"} for row in rows[:-1]]
        with CaptureQueriesContext(connection) as again:
            result = run(agency, csv_text(edited))
        assert (result.updated, result.separated) == (officers, 1)
        return len(first) + len(again)

    assert queries(5) == queries(50)


@pytest.mark.slow
def test_it_imports_50000_employees_and_their_chain_of_command(agency):
    """(`bench/import_personnel.py` times it: the requirement is well under a minute.)"""
    rows = [person("0", shift="")]
    for n in range(1, 50_000):
        rows.append(person(str(n), str((n - 1) // 8)))  # eight reports each: 6 levels
    text = csv_text(rows)

    result = run(agency, text)

    assert result.created == 50_000
    top, bottom = employee(agency, "0"), employee(agency, "49999")
    assert in_chain_of_command(top, bottom)
    assert everyone_under(top).count() == 49_999


# --- the command ---------------------------------------------------------------------------------


def command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import-personnel", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def printed_counts(out: str) -> dict[str, int]:
    """The counts the command printed, one `name  count` line each after the first line."""
    return {name: int(count) for name, count in (line.split() for line in out.splitlines()[1:])}


NOTHING = dict.fromkeys(
    ["created", "updated", "transferred", "reinstated", "separated", "unchanged"], 0
)


def test_the_command_prints_what_changed(agency):
    out, err = command(str(SAMPLE), "--agency", "TEST")

    assert out.splitlines()[0] == f"{SAMPLE} imported into TEST:"
    assert printed_counts(out) == {**NOTHING, "created": 27}
    assert err == ""
    out, _ = command(str(SAMPLE), "--agency", "TEST")
    assert printed_counts(out) == {**NOTHING, "unchanged": 27}


def test_the_command_lists_every_error_and_fails_without_names(agency, tmp_path):
    path = tmp_path / "roster.csv"
    rows = [
        person("1000", first_name="Margaret", email="margaret@"),
        person("1001", "9999", first_name="Lucas", division="TRAFFIC"),
    ]
    path.write_text(csv_text(rows), encoding="utf-8")
    err = io.StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("import-personnel", str(path), agency="TEST", stderr=err)

    assert caught.value.returncode == 1
    assert str(caught.value) == f"{path}: 3 error(s); nothing was imported."
    assert err.getvalue().splitlines() == [
        "line 2 (employee 1000): email is not a valid e-mail address",
        "line 3 (employee 1001): division is not a division code of this agency: COMM, INV, PATROL",
        "line 3 (employee 1001): supervisor 9999 is not in the file",
    ]
    assert "Margaret" not in err.getvalue() and "Lucas" not in err.getvalue()
    assert not Employee.objects.exists()


def test_the_command_refuses_a_file_that_is_not_utf8(agency, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_text([person("1000", last_name="Domínguez")]).encode("latin-1"))
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import-personnel", str(path), agency="TEST", stderr=err)

    assert "not UTF-8" in err.getvalue()
    assert not Employee.objects.exists()


def test_the_command_accepts_a_file_saved_with_a_byte_order_mark(agency, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(csv_text(ROSTER), encoding="utf-8-sig")

    out, _ = command(str(path), "--agency", "TEST")

    assert printed_counts(out) == {**NOTHING, "created": len(ROSTER)}


def test_the_command_names_the_columns_it_ignores(agency, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(csv_text(ROSTER).replace("phone", "badge_colour", 1), encoding="utf-8")

    _, err = command(str(path), "--agency", "TEST")

    assert err == "Ignored columns Peerline does not know: badge_colour\n"


def test_the_command_dry_run_changes_nothing(agency):
    out, _ = command(str(SAMPLE), "--agency", "TEST", "--dry-run")

    assert out.splitlines()[0] == f"Dry run of {SAMPLE} into TEST (nothing was changed):"
    assert printed_counts(out) == {**NOTHING, "created": 27}
    assert not Employee.objects.exists()


def test_the_command_refuses_an_unknown_agency(agency):
    with pytest.raises(CommandError, match="No agency with the code 'NOPE'"):
        command(str(SAMPLE), "--agency", "NOPE")


def test_the_command_reports_a_missing_file(agency, tmp_path):
    with pytest.raises(CommandError, match="Cannot read .*missing.csv: No such file"):
        command(str(tmp_path / "missing.csv"), "--agency", "TEST")


def test_every_required_column_is_a_documented_column():
    assert set(REQUIRED_COLUMNS) <= set(COLUMNS)
    documented = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    assert all(f"| `{name}` |" in documented for name in COLUMNS)
