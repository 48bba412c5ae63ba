"""The roster import: the HR export (CSV) becomes the agency's `Employee` rows.

The chain of command that keeps a peer supporter away from their own supervisors and
subordinates (2011 §7.2, §7.3), the team's mix of sworn and civilian members and job families
(2011 §3.8.1) and the planned moves that change its size (§3.8.3) are all read from this roster,
so the import is strict:

* **by employee number**: a row updates the employee with that number or creates one, and
  importing the same file twice changes nothing the second time;
* **all or nothing**: the whole file is read and checked before anything is written, and the
  writes run in one transaction; a file with one bad row changes nothing, and every bad row is
  reported with its line number (the header is line 1) and the reason;
* **nobody is deleted**: an employee the file no longer lists is separated (`separated_on`, and
  taken out of the chain of command), and reinstated if a later file lists them again;
* **log-ins follow**: each current employee with a work e-mail gets an inactive log-in (or is
  linked to the account with that e-mail) holding the employee role; a separation disables it
  at once (`peerline.accounts.services.roster_accounts_sync`).

Error messages name line numbers, employee numbers, column names and the values a column
accepts, never a cell's content: a misplaced column would otherwise print names and e-mail
addresses into terminals and CI logs.

The work is a fixed number of bulk queries whatever the roster's size (a large agency has
50,000 rows): one read of the roster, inserts level by level of the chain of command so that
every new supervisor has an id before their reports are written, updates grouped by the fields
that changed, then `chain.refresh_paths`.
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
from django.db import models, transaction

from peerline.accounts import services as accounts
from peerline.agencies import chain
from peerline.agencies.clock import local_today
from peerline.agencies.models import Agency, Category, Employee, JobFamily, SeparationKind

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

_TEXT_COLUMNS = ("first_name", "last_name", "email", "phone", "rank")
_CHOICES = {"category": Category, "job_family": JobFamily, "separation_kind": SeparationKind}
_BOOLEANS = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# The fields of `Employee` an import sets; `division`, `shift` and `supervisor_number` are
# resolved to ids.
_ROSTER_FIELDS = (
    *_TEXT_COLUMNS,
    *_CHOICES,
    "division_id",
    "shift_id",
    "supervisor_id",
    "good_standing",
    "hire_date",
    "separation_date",
    "separated_on",
)


def _max_length(name: str) -> int:
    model_field = Employee._meta.get_field(name)
    assert isinstance(model_field, models.CharField)  # EmailField is one too
    return model_field.max_length or 0


_MAX_LENGTH = {name: _max_length(name) for name in ("employee_number", *_TEXT_COLUMNS)}
_MAX_LENGTH["supervisor_number"] = _MAX_LENGTH["employee_number"]
_BATCH = 1000  # Django lowers it to what the database accepts (SQLite: 999 parameters a query)


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
class ImportResult:
    """What an import did. Each row of the file is counted once, in the first of created,
    reinstated, transferred (the division changed), updated or unchanged that applies; separated
    counts employees of the agency the file no longer lists."""

    created: int = 0
    reinstated: int = 0
    transferred: int = 0
    updated: int = 0
    unchanged: int = 0
    separated: int = 0
    ignored_columns: tuple[str, ...] = ()
    dry_run: bool = False

    def counts(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "transferred": self.transferred,
            "reinstated": self.reinstated,
            "separated": self.separated,
            "unchanged": self.unchanged,
        }


@dataclass
class _Row:
    line: int
    number: str
    supervisor_number: str
    values: dict[str, Any] = field(default_factory=dict)  # model field -> value


@dataclass
class _Roster:
    rows: list[_Row]
    ignored_columns: tuple[str, ...]


class _Codes:
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


def import_personnel(
    *,
    agency: Agency,
    lines: Iterable[str],
    today: date | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Make `agency`'s roster what the CSV in `lines` says, or change nothing.

    `lines` is text, as from `open(path, encoding="utf-8-sig", newline="")`; a byte-order mark
    is skipped. Raises `RosterRejected` listing every bad line when any line is bad.
    Employees the file does not list are separated on `today` (default: today in the agency's
    time zone) and leave the chain of command (2011 §7.2); nobody is deleted. With `dry_run`
    everything is checked and counted, then rolled back.
    """
    roster = _read_roster(
        lines,
        divisions=_Codes(agency.divisions.values_list("code", "pk")),
        shifts=_Codes(agency.shifts.values_list("code", "pk")),
    )
    today = today or local_today(agency)  # the date an employee left the roster
    result = ImportResult(ignored_columns=roster.ignored_columns, dry_run=dry_run)
    with transaction.atomic():
        # One import at a time per agency (SQLite's IMMEDIATE transactions already serialise).
        Agency.objects.select_for_update().get(pk=agency.pk)
        gone_before = _separated_ids(agency)
        _write(agency=agency, rows=roster.rows, today=today, result=result)
        chain.refresh_paths(agency.pk)
        # Log-ins follow the roster: made or linked by e-mail, disabled on separation (CJIS AC-2).
        gone_after = _separated_ids(agency)
        accounts.roster_accounts_sync(
            agency=agency,
            separated=gone_after - gone_before,
            reinstated=gone_before - gone_after,
        )
        if dry_run:
            transaction.set_rollback(True)
    return result


def _write(*, agency: Agency, rows: list[_Row], today: date, result: ImportResult) -> None:
    current = {
        found["employee_number"]: found
        for found in Employee.objects.filter(agency=agency)
        .order_by()
        .values("pk", "employee_number", *_ROSTER_FIELDS)
    }
    pk_of: dict[str, int] = {number: found["pk"] for number, found in current.items()}

    # New employees, top of the chain first, so each supervisor has an id before their reports.
    new = {row.number: row for row in rows if row.number not in current}
    levels: dict[int, list[_Row]] = defaultdict(list)
    for number, level in _levels({n: row.supervisor_number for n, row in new.items()}).items():
        levels[level].append(new[number])
    for level in sorted(levels):
        created = [
            Employee(
                agency=agency,
                employee_number=row.number,
                supervisor_id=pk_of[row.supervisor_number] if row.supervisor_number else None,
                **row.values,
            )
            for row in levels[level]
        ]
        Employee.objects.bulk_create(created, batch_size=_BATCH)
        pk_of.update((employee.employee_number, employee.pk) for employee in created)
    result.created = len(new)

    # Employees already on the roster: update what changed, grouped by the fields that did.
    changes: dict[tuple[str, ...], list[Employee]] = defaultdict(list)
    for row in rows:
        found = current.get(row.number)
        if found is None:
            continue
        wanted = {
            **row.values,
            "supervisor_id": pk_of[row.supervisor_number] if row.supervisor_number else None,
            "separated_on": None,
        }
        changed = tuple(name for name, value in wanted.items() if found[name] != value)
        if not changed:
            result.unchanged += 1
            continue
        if found["separated_on"] is not None:
            result.reinstated += 1
        elif "division_id" in changed:
            result.transferred += 1
        else:
            result.updated += 1
        changes[tuple(sorted(changed))].append(
            Employee(pk=found["pk"], **{name: wanted[name] for name in changed})
        )

    # Employees the file no longer lists leave the roster and the chain of command.
    listed = {row.number for row in rows}
    gone = [
        Employee(pk=found["pk"], separated_on=today, supervisor_id=None)
        for number, found in current.items()
        if number not in listed and found["separated_on"] is None
    ]
    if gone:
        changes[("separated_on", "supervisor_id")].extend(gone)
    result.separated = len(gone)

    for names, employees in changes.items():
        fields = [Employee._meta.get_field(name).name for name in names]
        Employee.objects.bulk_update(employees, fields, batch_size=_BATCH)


def _separated_ids(agency: Agency) -> set[int]:
    return set(
        Employee.objects.filter(agency=agency, separated_on__isnull=False).values_list(
            "pk", flat=True
        )
    )


def _levels(supervisor_of: dict[str, str]) -> dict[str, int]:
    """The level of each new employee among the new ones: 0 when their supervisor is already on
    the roster (or they have none), else one more than their supervisor's. No cycles (checked)."""
    levels: dict[str, int] = {}
    for start in supervisor_of:
        trail: list[str] = []
        node = start
        while node in supervisor_of and node not in levels:
            trail.append(node)
            node = supervisor_of[node]
        level = levels.get(node, -1)
        for number in reversed(trail):
            level += 1
            levels[number] = level
    return levels


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


def _read_roster(lines: Iterable[str], *, divisions: _Codes, shifts: _Codes) -> _Roster:
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

    rows: list[_Row] = []
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
    return _Roster(rows=rows, ignored_columns=ignored)


def _read_row(
    line: int, cells: dict[str, str], *, divisions: _Codes, shifts: _Codes
) -> tuple[_Row, list[str]]:
    """One row's values, checked one column at a time; the chain is checked with the file."""
    problems = [f"{name} is missing" for name in REQUIRED_VALUES if not cells.get(name)]
    row = _Row(
        line=line, number=cells["employee_number"], supervisor_number=cells["supervisor_number"]
    )
    values = row.values
    for name, limit in _MAX_LENGTH.items():
        if len(cells.get(name, "")) > limit:
            problems.append(f"{name} is longer than {limit} characters")
        elif name in _TEXT_COLUMNS and name in cells:
            values[name] = cells[name]
    if cells.get("email"):
        try:
            validate_email(cells["email"])
        except ValidationError:
            problems.append("email is not a valid e-mail address")
    for name, choices in _CHOICES.items():
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


def _chain_errors(rows: list[_Row]) -> list[RowError]:
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

    first: dict[str, _Row] = {}
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
