"""The HR export (CSV) read and checked, whole, before the import writes anything.

Every bad line is reported with its line number (the header is line 1) and the reason, in one
`RosterRejected`. Error messages name line numbers, employee numbers, column names and the values
a column accepts, never a cell's content: a misplaced column would otherwise print names and
e-mail addresses into terminals and CI logs. The chain of command the file describes is checked
too (duplicates, missing supervisors, cycles, depth), since the import builds it (2011 §7.2).
"""

import csv
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models

from peerline.agencies import chain
from peerline.agencies.models import Category, Employee, JobFamily, SeparationKind

# The columns in the order the documentation (the README) lists them.
COLUMNS = (
    "employee_number",
    "first_name",
    "last_name",
    "email",
    "phone",
    "category",
    "job_family",
    "rank",
    "division",
    "shift",
    "supervisor_number",
    "good_standing",
    "hire_date",
    "separation_date",
    "separation_kind",
)
# The header must name these. A file without one of the others leaves that field as it is on
# employees already on the roster, and gives new ones the model's default.
REQUIRED_COLUMNS = (
    "employee_number",
    "first_name",
    "last_name",
    "category",
    "job_family",
    "division",
    "supervisor_number",
)
# Columns whose cells may not be empty.
REQUIRED_VALUES = (
    "employee_number",
    "first_name",
    "last_name",
    "category",
    "job_family",
    "division",
)

TEXT_COLUMNS = ("first_name", "last_name", "email", "phone", "rank")
CHOICES = {"category": Category, "job_family": JobFamily, "separation_kind": SeparationKind}
_BOOLEANS = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _max_length(name: str) -> int:
    model_field = Employee._meta.get_field(name)
    assert isinstance(model_field, models.CharField)  # EmailField is one too
    return model_field.max_length or 0


_MAX_LENGTH = {name: _max_length(name) for name in ("employee_number", *TEXT_COLUMNS)}
_MAX_LENGTH["supervisor_number"] = _MAX_LENGTH["employee_number"]


@dataclass(frozen=True)
class RowError:
    """Why one line of the file cannot be imported."""

    line: int
    reason: str
    employee_number: str = ""

    def __str__(self) -> str:
        who = f" (employee {self.employee_number})" if self.employee_number else ""
        return f"line {self.line}{who}: {self.reason}"


class RosterRejected(ValueError):
    """The file cannot be imported and nothing was written; `errors` has every reason, by line."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = sorted(errors, key=lambda error: error.line)
        super().__init__(f"{len(self.errors)} error(s) in the roster; nothing was imported")

    def report(self, shown: int = 100) -> list[str]:
        """The first `shown` errors, one a line, then how many more: a file of 50,000 bad rows
        answers in a screenful, not in 400,000 lines."""
        lines = [str(error) for error in self.errors[:shown]]
        rest = len(self.errors) - shown
        if rest > 0:
            lines.append(f"… and {rest} more error(s) not shown ({len(self.errors)} in all).")
        return lines


@dataclass
class Row:
    """One line of the file as read: its numbers, and the values of the fields it sets."""

    line: int
    number: str
    supervisor_number: str
    values: dict[str, Any] = field(default_factory=dict)  # model field -> value


@dataclass
class Roster:
    """The whole file as read: every row, and the header's columns the import does not know."""

    rows: list[Row]
    ignored_columns: tuple[str, ...]


class Codes:
    """An agency's division or shift codes; matched exactly, else ignoring case if unambiguous."""

    def __init__(self, pairs: Iterable[tuple[str, int]]) -> None:
        self.exact = dict(pairs)
        self.folded: dict[str, int | None] = {}
        for code, pk in self.exact.items():
            key = code.casefold()
            self.folded[key] = None if key in self.folded else pk

    def find(self, value: str) -> int | None:
        return self.exact.get(value) or self.folded.get(value.casefold())

    def describe(self) -> str:
        codes = sorted(self.exact)
        if not codes:
            return "(the agency has none yet)"
        return ", ".join(codes) if len(codes) <= 20 else f"one of the agency's {len(codes)} codes"


def _records(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """Each CSV record with the line it starts on (a quoted value may span lines)."""

    def without_bom(lines: Iterable[str]) -> Iterator[str]:
        it = iter(lines)
        for first in it:
            yield first.removeprefix("\ufeff")
            break
        yield from it

    reader = csv.reader(without_bom(lines))
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except UnicodeDecodeError:
        reason = 'the file is not UTF-8 text at or after this line: save it as "CSV UTF-8"'
        raise RosterRejected([RowError(start, reason)]) from None
    except csv.Error as error:
        raise RosterRejected([RowError(start, f"not valid CSV ({error})")]) from None


def read_roster(lines: Iterable[str], *, divisions: Codes, shifts: Codes) -> Roster:
    """Read and check the whole file; raise `RosterRejected` with every error found."""
    records = _records(lines)
    first = next(records, None)
    if first is None or not any(cell.strip() for cell in first[1]):
        raise RosterRejected([RowError(1, "line 1 must be the header row naming the columns")])
    header = [cell.strip().lower() for cell in first[1]]
    errors = [
        RowError(1, f"the column {name} appears more than once in the header")
        for name in sorted({name for name in header if name and header.count(name) > 1})
    ]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        errors.append(RowError(1, "missing required columns: " + ", ".join(missing)))
    if errors:
        raise RosterRejected(errors)
    index = {name: header.index(name) for name in COLUMNS if name in header}
    ignored = tuple(name for name in header if name and name not in index)

    rows: list[Row] = []
    for line, cells in records:
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        if len(cells) < len(header) or any(cell.strip() for cell in cells[len(header) :]):
            reason = f"has {len(cells)} values; the header has {len(header)} columns"
            errors.append(RowError(line, reason))
            continue
        values = {name: cells[i].strip() for name, i in index.items()}
        row, problems = _read_row(line, values, divisions=divisions, shifts=shifts)
        errors.extend(RowError(line, problem, row.number) for problem in problems)
        rows.append(row)
    if not rows and not errors:
        errors.append(RowError(1, "the file lists no employees"))
    errors.extend(_chain_errors(rows))
    if errors:
        raise RosterRejected(errors)
    return Roster(rows=rows, ignored_columns=ignored)


def _read_row(
    line: int, cells: dict[str, str], *, divisions: Codes, shifts: Codes
) -> tuple[Row, list[str]]:
    """One row's values, checked one column at a time; the chain is checked with the file."""
    problems = [f"{name} is missing" for name in REQUIRED_VALUES if not cells.get(name)]
    row = Row(
        line=line, number=cells["employee_number"], supervisor_number=cells["supervisor_number"]
    )
    values = row.values
    for name, limit in _MAX_LENGTH.items():
        if len(cells.get(name, "")) > limit:
            problems.append(f"{name} is longer than {limit} characters")
        elif name in TEXT_COLUMNS and name in cells:
            values[name] = cells[name]
    if cells.get("email"):
        try:
            validate_email(cells["email"])
        except ValidationError:
            problems.append("email is not a valid e-mail address")
    for name, choices in CHOICES.items():
        value = cells.get(name, "").lower()
        if value and value not in choices.values:
            problems.append(f"{name} must be one of {', '.join(choices.values)}")
        elif name in cells and (value or name == "separation_kind"):
            values[name] = value
    if "good_standing" in cells:
        standing = _BOOLEANS.get(cells["good_standing"].lower() or "yes")
        if standing is None:
            problems.append("good_standing must be yes or no (or true/false, 1/0)")
        values["good_standing"] = standing
    for name in ("hire_date", "separation_date"):
        if name in cells:
            values[name] = _date(cells[name], name, problems)
    if cells.get("separation_date") and not cells.get("separation_kind"):
        problems.append("separation_kind is required with a separation_date")
    if cells.get("separation_kind") and not cells.get("separation_date"):
        problems.append("separation_kind is given without a separation_date")
    if cells["division"]:
        values["division_id"] = divisions.find(cells["division"])
        if values["division_id"] is None:
            problems.append(
                f"division is not a division code of this agency: {divisions.describe()}"
            )
    if "shift" in cells:
        values["shift_id"] = shifts.find(cells["shift"]) if cells["shift"] else None
        if cells["shift"] and values["shift_id"] is None:
            problems.append(f"shift is not a shift code of this agency: {shifts.describe()}")
    return row, problems


def _date(value: str, name: str, problems: list[str]) -> date | None:
    if not value:
        return None
    try:
        if _ISO_DATE.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    problems.append(f"{name} is not a date in the form YYYY-MM-DD")
    return None


def _chain_errors(rows: list[Row]) -> list[RowError]:
    """Duplicate numbers, supervisors not in the file, cycles and chains too deep to store."""
    errors: list[RowError] = []
    lines_of: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row.number:
            lines_of[row.number].append(row.line)
    for number, lines in lines_of.items():
        if len(lines) > 1:
            where = ", ".join(str(line) for line in lines)
            for line in lines:
                errors.append(RowError(line, f"the employee number is on lines {where}", number))

    first: dict[str, Row] = {}
    for row in rows:
        if row.number:
            first.setdefault(row.number, row)
    for row in rows:
        if row.supervisor_number and row.supervisor_number not in first:
            reason = f"supervisor {row.supervisor_number} is not in the file"
            errors.append(RowError(row.line, reason, row.number))
    supervisor_of: dict[str, str | None] = {
        number: row.supervisor_number if row.supervisor_number in first else None
        for number, row in first.items()
    }
    cycles = chain.find_cycles(supervisor_of)
    for cycle in cycles:
        if len(cycle) == 1:
            reason = "the employee is their own supervisor"
        else:
            reason = "supervisor cycle (each reports to the next): " + " -> ".join(
                [*cycle, cycle[0]]
            )
        errors.extend(RowError(first[number].line, reason, number) for number in cycle)
    if cycles:
        return errors  # depth is only defined once the chain is a tree

    depth: dict[str, int] = {}
    for number in supervisor_of:
        trail: list[str] = []
        node: str | None = number
        while node is not None and node not in depth:
            trail.append(node)
            node = supervisor_of[node]
        level = depth[node] if node is not None else 0
        for item in reversed(trail):
            level += 1
            depth[item] = level
            if level > chain.MAX_DEPTH:
                reason = f"more than {chain.MAX_DEPTH} levels down the chain of command"
                errors.append(RowError(first[item].line, reason, item))
    return errors
