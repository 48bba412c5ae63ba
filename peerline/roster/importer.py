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

The file is read and checked by `reader.py` (whose errors never print a cell's content); this
module writes what it read.

The work is a fixed number of bulk queries whatever the roster's size (a large agency has
50,000 rows): one read of the roster, inserts level by level of the chain of command so that
every new supervisor has an id before their reports are written, updates grouped by the fields
that changed, then `chain.refresh_paths`.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from peerline.accounts import services as accounts
from peerline.agencies import chain
from peerline.agencies.clock import local_today
from peerline.agencies.models import Agency, Employee

from .reader import CHOICES, TEXT_COLUMNS, Codes, Row, read_roster

# The fields of `Employee` an import sets; `division`, `shift` and `supervisor_number` are
# resolved to ids.
_ROSTER_FIELDS = (
    *TEXT_COLUMNS,
    *CHOICES,
    "division_id",
    "shift_id",
    "supervisor_id",
    "good_standing",
    "hire_date",
    "separation_date",
    "separated_on",
)
_BATCH = 1000  # Django lowers it to what the database accepts (SQLite: 999 parameters a query)


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
    roster = read_roster(
        lines,
        divisions=Codes(agency.divisions.values_list("code", "pk")),
        shifts=Codes(agency.shifts.values_list("code", "pk")),
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


def _write(*, agency: Agency, rows: list[Row], today: date, result: ImportResult) -> None:
    current = {
        found["employee_number"]: found
        for found in Employee.objects.filter(agency=agency)
        .order_by()
        .values("pk", "employee_number", *_ROSTER_FIELDS)
    }
    pk_of: dict[str, int] = {number: found["pk"] for number, found in current.items()}

    # New employees, top of the chain first, so each supervisor has an id before their reports.
    new = {row.number: row for row in rows if row.number not in current}
    levels: dict[int, list[Row]] = defaultdict(list)
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
