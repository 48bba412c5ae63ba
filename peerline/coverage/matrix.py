"""Is there a peer supporter for every shift, division, sworn and civilian? (2011 §3.8.1)

The coverage matrix counts, for each shift × division × category cell, the employees on the roster
on a given day, the active peer supporters among them and those on leave, and how many active PSPs
the agency's target (`Agency.employees_per_psp`) asks for: one per that many employees, rounded up.
The same counts by job family answer §3.8.1's "a telecommunicator may prefer a telecommunicator".

Counts only: the matrix names nobody. Two grouped queries, whatever the size of the roster.
"""

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, Value

from peerline.agencies.models import Agency, Category, Employee, JobFamily
from peerline.team.models import PeerSupporter, Status

NO_SHIFT = "No shift"
CATEGORY_LABELS = dict(Category.choices)
FAMILY_LABELS = dict(JobFamily.choices)

CellKey = tuple[str | None, str, str]  # shift code (None: no fixed shift), division code, category


def required_for(headcount: int, employees_per_psp: int) -> int:
    """Active PSPs the target asks for: one per `employees_per_psp` employees, rounded up."""
    return math.ceil(headcount / employees_per_psp) if headcount > 0 else 0


def per_psp(headcount: int, active: int) -> float | None:
    """Employees per active PSP, one decimal; None when there is no active PSP."""
    return round(headcount / active, 1) if active else None


def shift_label(name: str | None) -> str:
    """ "Night shift" for a shift named "Night"; the name as it is when it says "shift" already."""
    if name is None:
        return NO_SHIFT
    return name if "shift" in name.lower() else f"{name} shift"


def current_q(on: date, prefix: str = "") -> Q:
    """Employees on the roster on `on`: not separated, and no planned separation by then."""
    return Q(**{f"{prefix}separated_on__isnull": True}) & (
        Q(**{f"{prefix}separation_date__isnull": True}) | Q(**{f"{prefix}separation_date__gt": on})
    )


@dataclass
class Counts:
    """Headcount and PSPs of a cell or of a group of cells, and the target for it."""

    headcount: int = 0
    active: int = 0
    on_leave: int = 0
    required: int = 0
    gap: int = 0

    @property
    def employees_per_psp(self) -> float | None:
        return per_psp(self.headcount, self.active)

    def add(self, other: "Counts") -> None:
        self.headcount += other.headcount
        self.active += other.active
        self.on_leave += other.on_leave
        self.required += other.required
        self.gap += other.gap


@dataclass(kw_only=True)
class Place:
    """Where a cell is: shift × division × category (the matrix and the forecast share it)."""

    shift: str | None = None
    shift_name: str = NO_SHIFT
    division: str = ""
    division_name: str = ""
    category: str = ""

    @property
    def key(self) -> CellKey:
        return (self.shift, self.division, self.category)

    @property
    def label(self) -> str:
        """ "Night shift · Communications Center · civilian"."""
        return f"{self.shift_name} · {self.division_name} · {self.category}"


@dataclass
class Cell(Counts, Place):
    """One shift × division × category cell; its target is its own (never borrowed)."""

    @property
    def severity(self) -> str:
        """ "met", "short" (some active PSPs, not enough) or "none" (needed, none active)."""
        if self.gap == 0:
            return "met"
        return "short" if self.active else "none"


@dataclass
class Family(Counts):
    """A job family across the agency, with its own target (2011 §3.8.1)."""

    job_family: str = ""

    @property
    def label(self) -> str:
        return FAMILY_LABELS.get(self.job_family, self.job_family)


@dataclass
class Matrix:
    """The coverage of an agency on one day. Totals of groups of cells add the cells' counts, so
    a group's gap is the PSPs its short cells lack: a surplus in one cell fills no other."""

    agency: Agency
    on: date
    employees_per_psp: int
    cells: list[Cell]
    families: list[Family]
    shifts: list[tuple[str | None, str]] = field(default_factory=list)  # (code, name), in order
    divisions: list[tuple[str, str]] = field(default_factory=list)  # (code, name), in order

    def cell(self, shift: str | None, division: str, category: str) -> Cell | None:
        return self._by_key.get((shift, division, category))

    def __post_init__(self) -> None:
        self._by_key = {cell.key: cell for cell in self.cells}

    @property
    def total(self) -> Counts:
        return total_of(self.cells)

    @property
    def by_category(self) -> list[tuple[str, Counts]]:
        return _grouped(self.cells, lambda c: CATEGORY_LABELS.get(c.category, c.category))

    @property
    def by_shift(self) -> list[tuple[str, Counts]]:
        return _grouped(self.cells, lambda c: c.shift_name)

    @property
    def by_division(self) -> list[tuple[str, Counts]]:
        return _grouped(self.cells, lambda c: c.division_name)

    @property
    def short_cells(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.gap > 0]


def total_of(cells: Iterable[Counts]) -> Counts:
    found = Counts()
    for cell in cells:
        found.add(cell)
    return found


def _grouped(cells: list[Cell], label: Callable[[Cell], str]) -> list[tuple[str, Counts]]:
    groups: dict[str, Counts] = {}
    for cell in cells:  # cells are in display order, so the groups are too
        groups.setdefault(label(cell), Counts()).add(cell)
    return list(groups.items())


def _finish(counts: Counts, employees_per_psp: int) -> None:
    counts.required = required_for(counts.headcount, employees_per_psp)
    counts.gap = max(0, counts.required - counts.active)


def place_names(
    agency: Agency,
) -> tuple[dict[int, tuple[str, str]], dict[int, tuple[str, str]]]:
    """Code and name of each shift and each division of `agency`, by id.

    The grouped counts group by the employee's own shift and division ids and take the names
    from here: grouping on the joined names made the database join every employee to both
    tables first (issue 18).
    """
    # One query for both: shifts and divisions are a handful of rows each.
    rows = (
        agency.shifts.annotate(kind=Value("shift"))
        .values_list("kind", "pk", "code", "name")
        .order_by()
        .union(
            agency.divisions.annotate(kind=Value("division"))
            .values_list("kind", "pk", "code", "name")
            .order_by(),
            all=True,
        )
    )
    shifts: dict[int, tuple[str, str]] = {}
    divisions: dict[int, tuple[str, str]] = {}
    for kind, pk, code, name in rows:
        (shifts if kind == "shift" else divisions)[pk] = (code, name)
    return shifts, divisions


def coverage_matrix(*, agency: Agency, on: date) -> Matrix:
    """The coverage matrix of `agency` on `on` (2011 §3.8.1): two grouped queries, and one for
    the names of the shifts and divisions.

    An employee counts when on the roster that day (not separated; a planned separation, if any,
    after `on`). A PSP counts as active or on leave by their status today, in their employee's
    cell, and only while that employee counts.
    """
    target = agency.employees_per_psp
    shift_of, division_of = place_names(agency)
    keys = ("shift_id", "division_id", "category")
    employees = (
        Employee.objects.filter(current_q(on), agency=agency)
        .values(*keys, "job_family")
        .annotate(n=Count("id"))
        .order_by()
    )
    psps = (
        PeerSupporter.objects.filter(
            current_q(on, "employee__"),
            agency=agency,
            status__in=[Status.ACTIVE, Status.ON_LEAVE],
        )
        .values(*(f"employee__{key}" for key in keys), "employee__job_family", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    cells: dict[CellKey, Cell] = {}
    families: dict[str, Family] = defaultdict(Family)
    shifts: dict[str | None, str] = {}
    divisions: dict[str, str] = {}

    def cell_for(row: dict, prefix: str = "") -> Cell:  # type: ignore[type-arg]
        (shift, shift_name) = shift_of.get(row[f"{prefix}shift_id"], (None, None))
        (division, division_name) = division_of[row[f"{prefix}division_id"]]
        key = (shift, division, row[f"{prefix}category"])
        if key not in cells:
            shifts[shift] = shift_label(shift_name)
            divisions[division] = division_name
            cells[key] = Cell(
                shift=shift,
                shift_name=shifts[shift],
                division=division,
                division_name=divisions[division],
                category=key[2],
            )
        return cells[key]

    for row in employees:
        cell_for(row).headcount += row["n"]
        families[row["job_family"]].headcount += row["n"]
    for row in psps:
        cell = cell_for(row, "employee__")
        family = families[row["employee__job_family"]]
        if row["status"] == Status.ACTIVE:
            cell.active += row["n"]
            family.active += row["n"]
        else:
            cell.on_leave += row["n"]
            family.on_leave += row["n"]
    for counts in [*cells.values(), *families.values()]:
        _finish(counts, target)
    for code, family in families.items():
        family.job_family = code

    shift_order = sorted(shifts.items(), key=lambda item: (item[0] is None, item[0] or ""))
    division_order = sorted(divisions.items(), key=lambda item: (item[1], item[0]))
    shift_rank = {code: n for n, (code, _) in enumerate(shift_order)}
    division_rank = {code: n for n, (code, _) in enumerate(division_order)}
    categories = [value for value, _ in Category.choices]
    ordered = sorted(
        cells.values(),
        key=lambda c: (
            categories.index(c.category) if c.category in categories else len(categories),
            shift_rank[c.shift],
            division_rank[c.division],
        ),
    )
    family_order = [value for value, _ in JobFamily.choices]
    return Matrix(
        agency=agency,
        on=on,
        employees_per_psp=target,
        cells=ordered,
        families=sorted(
            families.values(),
            key=lambda f: (
                family_order.index(f.job_family)
                if f.job_family in family_order
                else len(family_order)
            ),
        ),
        shifts=shift_order,
        divisions=division_order,
    )
