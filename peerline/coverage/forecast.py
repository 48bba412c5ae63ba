"""The coverage matrix over the next 24 months, to recruit before the team shrinks (2011 §3.8.3).

Evaluated on `start` (month 0) and on the first day of each of the next 24 months. An employee
leaves the headcount on their planned separation date (retirement, transfer, promotion); a PSP
stops counting as active on their own separation date and while a leave of absence covers the day
(2011 §4.4), and a PSP on leave counts again from the leave's expected return. The target is
recomputed from each month's headcount.

Two queries (employees grouped by cell and separation date; the PSPs with their open leaves),
whatever the roster's size or the number of months; the months are worked out in memory.
"""

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, FilteredRelation, Q

from peerline.agencies.models import Agency, Category, Employee
from peerline.team.models import PeerSupporter, Status

from .matrix import CellKey, Place, current_q, place_names, required_for, shift_label

MONTHS = 24


def forecast_dates(start: date, months: int = MONTHS) -> list[date]:
    """`start`, then the first day of each of the next `months` months."""
    found = [start]
    year, month = start.year, start.month
    for _ in range(months):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        found.append(date(year, month, 1))
    return found


@dataclass(frozen=True)
class Point:
    """One date of a cell's series."""

    on: date
    headcount: int
    active: int
    required: int

    @property
    def gap(self) -> int:
        return max(0, self.required - self.active)

    @property
    def below(self) -> bool:
        return self.active < self.required


@dataclass
class ForecastCell(Place):
    """A cell's series, when it first falls below target, and the changes that take it there.

    The changes are counted from `start` to `changes_until`: the first date below target when
    the cell falls below later, else the end of the forecast. Counts, never names.
    """

    series: list[Point]
    first_below: date | None = None
    changes_until: date | None = None
    psp_separations: int = 0  # active PSPs on `start` whose employee leaves by then
    psp_leaves: int = 0  # active PSPs on `start` away on leave then
    psp_returns: int = 0  # PSPs not active on `start` (on leave) back by then
    employee_separations: int = 0  # employees of the cell (PSPs or not) gone by then

    @property
    def already_below(self) -> bool:
        return self.first_below is not None and self.first_below == self.series[0].on


@dataclass
class Forecast:
    agency: Agency
    start: date
    employees_per_psp: int
    dates: list[date]
    cells: list[ForecastCell]  # those that fall below target first, by date; then the others
    total: list[Point] = field(default_factory=list)  # the cells added up, date by date

    @property
    def falling(self) -> list[ForecastCell]:
        return [cell for cell in self.cells if cell.first_below is not None]


@dataclass(slots=True)
class _Psp:
    key: CellKey
    status: str
    leaves_on: date | None  # the employee's planned separation date
    leaves: list[tuple[date, date]]  # open leaves: (starts_on, expected_return)

    def active_on(self, day: date) -> bool:
        if self.leaves_on is not None and self.leaves_on <= day:
            return False
        if self.status == Status.ACTIVE:
            return not any(start <= day < back for start, back in self.leaves)
        # On leave: back from the expected return of the open leave (never without one).
        return bool(self.leaves) and max(back for _, back in self.leaves) <= day


def forecast(*, agency: Agency, start: date, months: int = MONTHS) -> Forecast:
    """The coverage of every cell on `start` and the first of each of the next `months` months.

    Only people on the roster on `start` count; nobody joins in the forecast (recruitment is
    what the forecast is for, 2011 §3.8.3).
    """
    dates = forecast_dates(start, months)
    target = agency.employees_per_psp
    names: dict[CellKey, tuple[str, str]] = {}
    # Per cell: each planned separation date, with how many leave then, sorted; and the rest.
    leaving: dict[CellKey, dict[date, int]] = defaultdict(dict)
    staying: dict[CellKey, int] = defaultdict(int)
    shift_of, division_of = place_names(agency)
    rows = (
        Employee.objects.filter(current_q(start), agency=agency)
        .values("shift_id", "division_id", "category", "separation_date")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        shift, shift_name = shift_of.get(row["shift_id"], (None, None))
        division, division_name = division_of[row["division_id"]]
        key = (shift, division, row["category"])
        names[key] = (shift_label(shift_name), division_name)
        if row["separation_date"] is None:
            staying[key] += row["n"]
        else:
            leaving[key][row["separation_date"]] = row["n"]

    # The PSPs with their open leaves, one row per open leave (or one with none): a left join.
    psps: dict[int, _Psp] = {}
    supporters = (
        PeerSupporter.objects.filter(
            current_q(start, "employee__"),
            agency=agency,
            status__in=[Status.ACTIVE, Status.ON_LEAVE],
        )
        .annotate(
            open_leave=FilteredRelation("leaves", condition=Q(leaves__returned_on__isnull=True))
        )
        .values_list(
            "pk",
            "status",
            "employee__shift_id",
            "employee__division_id",
            "employee__category",
            "employee__separation_date",
            "open_leave__starts_on",
            "open_leave__expected_return",
        )  # fmt: skip
        .order_by()
    )
    for pk, status, shift_id, division_id, category, leaves_on, starts_on, back in supporters:
        key = (shift_of.get(shift_id, (None, ""))[0], division_of[division_id][0], category)
        psp = psps.setdefault(pk, _Psp(key, status, leaves_on, []))
        if starts_on is not None:
            psp.leaves.append((starts_on, back))

    members: dict[CellKey, list[_Psp]] = defaultdict(list)
    for psp in psps.values():
        members[psp.key].append(psp)

    cells = []
    for key, (shift_name, division_name) in names.items():
        separations = sorted(leaving[key].items())
        cumulative, running = [], 0
        for _, n in separations:
            running += n
            cumulative.append(running)
        departure_days = [day for day, _ in separations]
        everyone = staying[key] + running
        flags = [[psp.active_on(day) for day in dates] for psp in members[key]]
        series = []
        for i, day in enumerate(dates):
            gone = bisect_right(departure_days, day)  # separated on or before `day`
            headcount = everyone - (cumulative[gone - 1] if gone else 0)
            count = sum(1 for active in flags if active[i])
            series.append(Point(day, headcount, count, required_for(headcount, target)))
        cell = ForecastCell(
            series,
            shift=key[0],
            shift_name=shift_name,
            division=key[1],
            division_name=division_name,
            category=key[2],
        )
        _explain(cell, dates, flags, members[key])
        cells.append(cell)

    categories = [value for value, _ in Category.choices]
    cells.sort(
        key=lambda c: (
            c.first_below is None,
            c.first_below or start,
            -c.series[-1].gap,
            categories.index(c.category) if c.category in categories else len(categories),
            c.shift is None,
            c.shift_name,
            c.division_name,
        )
    )
    total = [
        Point(
            day,
            sum(c.series[i].headcount for c in cells),
            sum(c.series[i].active for c in cells),
            sum(c.series[i].required for c in cells),
        )
        for i, day in enumerate(dates)
    ]
    return Forecast(agency, start, target, dates, cells, total)


def _explain(
    cell: ForecastCell, dates: list[date], flags: list[list[bool]], psps: list[_Psp]
) -> None:
    """First date below target, and the changes from `start` to then (or to the end)."""
    below = [i for i, point in enumerate(cell.series) if point.below]
    until = below[0] if below and below[0] > 0 else len(dates) - 1
    cell.first_below = cell.series[below[0]].on if below else None
    cell.changes_until = dates[until]
    day = dates[until]
    cell.employee_separations = cell.series[0].headcount - cell.series[until].headcount
    for psp, active in zip(psps, flags, strict=True):
        if active[0] and not active[until]:
            if psp.leaves_on is not None and psp.leaves_on <= day:
                cell.psp_separations += 1
            else:
                cell.psp_leaves += 1
        elif not active[0] and active[until]:
            cell.psp_returns += 1
