"""Whom to select next, so that the team covers every shift, division and job family (2011 §3.8.1,
§3.8.3, §4.1).

The pool is the volunteers in selection: candidates with an open application (not withdrawn, not
decided "not selected"), in good standing, on the roster and not planning to leave within a year.
The requirements are the gaps of today's coverage matrix: every cell short of its target and every
job family short of its own. A candidate counts toward their own cell and their own job family.

The plan is exact and lexicographic: first the most gaps closed, then, among the selections that
close that many, the fewest people. It names people, so only the coordinator sees it (§3.9).
"""

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from peerline.agencies.models import Agency, SeparationKind
from peerline.team.models import Application, Outcome, Status

from .matrix import CellKey, coverage_matrix

SEPARATION_HORIZON_MONTHS = 12
SEPARATION_KINDS = dict(SeparationKind.choices)


@dataclass
class Requirement:
    """A gap of today's matrix: a cell or a job family short of active PSPs."""

    kind: str  # "cell" or "family"
    key: CellKey | str
    label: str
    active: int
    required: int
    available: int = 0  # candidates in the pool who count toward it
    chosen: int = 0  # suggested people who count toward it

    @property
    def gap(self) -> int:
        return max(0, self.required - self.active)

    @property
    def closable(self) -> bool:
        return self.available >= self.gap

    @property
    def closed(self) -> bool:
        return self.chosen >= self.gap

    @property
    def more_needed(self) -> int:
        """Volunteers the pool lacks to close it."""
        return max(0, self.gap - self.available)

    @property
    def words(self) -> str:
        """ "Night shift · Communications Center · civilian: 0 of 1 needed"."""
        return f"{self.label}: {self.active} of {self.required} needed"


@dataclass(frozen=True)
class Candidate:
    peer_supporter_id: int
    name: str
    employee_number: str
    cell: CellKey
    job_family: str
    application_id: int
    submitted_at: datetime


@dataclass
class Suggestion:
    candidate: Candidate
    reasons: list[Requirement]  # the gaps this person helps close
    also: list[Requirement] = field(default_factory=list)  # gaps they count toward, not closed


@dataclass(frozen=True)
class Excluded:
    name: str
    employee_number: str
    reasons: tuple[str, ...]


@dataclass
class Plan:
    agency: Agency
    today: date
    requirements: list[Requirement]
    suggestions: list[Suggestion]
    excluded: list[Excluded]
    pool: int  # eligible candidates
    solve_seconds: float

    @property
    def gaps_closed(self) -> int:
        return sum(1 for r in self.requirements if r.closed)

    @property
    def unclosable(self) -> list[Requirement]:
        return [r for r in self.requirements if not r.closable]

    @property
    def more_needed(self) -> int:
        return sum(r.more_needed for r in self.requirements if r.kind == "cell")


@dataclass(frozen=True)
class Choice:
    chosen: list[int]  # indices of the chosen candidates, in input order
    closed: frozenset[int]  # indices of the requirements closed
    seconds: float


def choose(gaps: Sequence[int], covers: Sequence[frozenset[int]]) -> Choice:
    """The exact lexicographic optimum: most requirements closed, then fewest candidates.

    `gaps[r]` is requirement r's gap; `covers[i]` the requirements candidate i counts toward.
    Candidates are given in tie-break order (earliest application first).

    One MILP, not two, and no weights: the first objective has a closed form. Selecting people
    never uncovers anything and the pool has no budget, so the whole pool closes every requirement
    that can be closed at all (`available >= gap`) at once; no selection closes more. The maximum
    is therefore the set of individually closable requirements, and what is left is a multicover
    problem: the fewest people such that each closable requirement r gets `gap[r]` of them.
    Candidates who count toward the same requirements are interchangeable, so they are one integer
    variable bounded by their number (a few hundred variables at most, whatever the pool's size);
    the first candidates of each group, in the order given, are the ones chosen. HiGHS with
    `mip_rel_gap=0` proves the optimum.
    """
    started = time.perf_counter()
    available = [0] * len(gaps)
    for cover in covers:
        for r in cover:
            available[r] += 1
    closed = frozenset(r for r, gap in enumerate(gaps) if available[r] >= gap)
    needed = [r for r in sorted(closed) if gaps[r] > 0]
    groups: dict[frozenset[int], list[int]] = {}
    for i, cover in enumerate(covers):
        useful = cover & frozenset(needed)
        if useful:
            groups.setdefault(useful, []).append(i)
    if not needed:
        return Choice([], closed, time.perf_counter() - started)
    keys = list(groups)
    row = {r: n for n, r in enumerate(needed)}
    rows, columns = [], []
    for column, key in enumerate(keys):
        for r in key:
            rows.append(row[r])
            columns.append(column)
    matrix = coo_array(
        (np.ones(len(rows)), (np.array(rows), np.array(columns))), shape=(len(needed), len(keys))
    )
    result = milp(
        c=np.ones(len(keys)),
        constraints=LinearConstraint(matrix, lb=np.array([gaps[r] for r in needed], dtype=float)),
        integrality=np.ones(len(keys)),
        bounds=Bounds(0, np.array([len(groups[key]) for key in keys], dtype=float)),
        options={"mip_rel_gap": 0, "presolve": True},
    )
    if not result.success:  # feasible by construction (the whole pool is a solution)
        raise RuntimeError(f"recruitment plan: the solver stopped: {result.message}")
    counts = np.rint(result.x).astype(int)
    chosen = sorted(i for key, k in zip(keys, counts, strict=True) for i in groups[key][:k])
    return Choice(chosen, closed, time.perf_counter() - started)


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it has no such day (Feb 29)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def _pool(*, agency: Agency, today: date) -> tuple[list[Candidate], list[Excluded]]:
    """Candidates with an open application, earliest application first, and those excluded."""
    horizon = add_months(today, SEPARATION_HORIZON_MONTHS)
    rows = (
        Application.objects.filter(
            peer_supporter__agency=agency,
            peer_supporter__status=Status.CANDIDATE,
            withdrawn_at__isnull=True,
        )
        .exclude(decision__outcome=Outcome.NOT_SELECTED)
        .order_by("submitted_at", "pk")
        .values_list(
            "pk",
            "submitted_at",
            "eligible",
            "peer_supporter_id",
            "peer_supporter__employee__first_name",
            "peer_supporter__employee__last_name",
            "peer_supporter__employee__employee_number",
            "peer_supporter__employee__shift__code",
            "peer_supporter__employee__division__code",
            "peer_supporter__employee__category",
            "peer_supporter__employee__job_family",
            "peer_supporter__employee__good_standing",
            "peer_supporter__employee__separated_on",
            "peer_supporter__employee__separation_date",
            "peer_supporter__employee__separation_kind",
        )  # fmt: skip
    )
    seen: set[int] = set()
    candidates, excluded = [], []
    for (pk, submitted, eligible, psp, first, last, number, shift, division, category, family,
         good_standing, separated_on, leaves_on, kind) in rows:  # fmt: skip
        if psp in seen:
            continue  # a later application of the same volunteer
        seen.add(psp)
        name = f"{first} {last}"
        reasons = []
        if separated_on is not None:
            reasons.append(f"left the agency on {separated_on:%Y-%m-%d}")
        elif leaves_on is not None and leaves_on <= horizon:
            what = SEPARATION_KINDS.get(kind, "separation").lower()
            reasons.append(
                f"planned {what} on {leaves_on:%Y-%m-%d}, within {SEPARATION_HORIZON_MONTHS} months"
            )
        if not good_standing:
            reasons.append("not in good standing (2011 §4.1)")
        if eligible is False:
            reasons.append("found not eligible at the eligibility check (2011 §4.1)")
        if reasons:
            excluded.append(Excluded(name, number, tuple(reasons)))
            continue
        candidates.append(
            Candidate(psp, name, number, (shift, division, category), family, pk, submitted)
        )
    return candidates, excluded


def recruitment_plan(*, agency: Agency, today: date) -> Plan:
    """The candidates to select to close the most coverage gaps with the fewest people."""
    matrix = coverage_matrix(agency=agency, on=today)
    requirements = [
        Requirement("cell", cell.key, cell.label, cell.active, cell.required)
        for cell in matrix.cells
        if cell.gap > 0
    ] + [
        Requirement("family", family.job_family, family.label, family.active, family.required)
        for family in matrix.families
        if family.gap > 0
    ]
    index: dict[tuple[str, CellKey | str], int] = {
        (r.kind, r.key): n for n, r in enumerate(requirements)
    }
    candidates, excluded = _pool(agency=agency, today=today)
    covers = []
    for candidate in candidates:
        found = (index.get(("cell", candidate.cell)), index.get(("family", candidate.job_family)))
        covers.append(frozenset(r for r in found if r is not None))
        for r in covers[-1]:
            requirements[r].available += 1
    choice = choose([r.gap for r in requirements], covers)
    suggestions = []
    for i in choice.chosen:
        helped = [requirements[r] for r in sorted(covers[i])]
        for requirement in helped:
            requirement.chosen += 1
        suggestions.append(
            Suggestion(
                candidates[i],
                reasons=[r for r in helped if r.closable],
                also=[r for r in helped if not r.closable],
            )
        )
    return Plan(
        agency=agency,
        today=today,
        requirements=requirements,
        suggestions=suggestions,
        excluded=excluded,
        pool=len(candidates),
        solve_seconds=choice.seconds,
    )
