"""The LP audit: the tightest interval an attacker can derive for every suppressed value.

A suppressed value is *protected* when its interval reaches from its lower bound to at least
k - 1 (and, for a count below k, down to 1): whatever an attacker combines, the release tells
nothing about it that the word "suppressed" does not (2011 §3.1). Being pinned to one integer is
the extreme failure; an interval such as [0, 2] for a hidden count is a failure too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy.optimize import linprog

from .model import (
    _TOL,
    Key,
    LinkedRelease,
    Release,
    Table,
    _build,
    _Model,
    _published_total,
    _shape_of_release,
    _shape_of_table,
)

Need = tuple[float | None, float | None]
"""(lo, hi) a suppressed value's interval must reach: down to lo, up to hi (None: no demand)."""


def required_interval(k: int, count: int | None = None) -> Need:
    """The interval rule for one suppressed value under threshold k (2011 §3.1).

    Up to k - 1 always (a hidden count must be able to be as large as any count that is hidden
    for being small); down to 1 when the true count is known and below k (so a hidden 7 cannot be
    told from a hidden 1). A complement of k or more may be known to be large: that is no more
    than "not a small count".
    """
    return (1.0 if count is not None and count < k else None, float(k - 1))


def violates(lo: float, hi: float, need: Need) -> bool:
    """Whether [lo, hi] breaks the interval rule `need` (pinned always does)."""
    need_lo, need_hi = need
    if need_hi is not None and hi < need_hi - _TOL:
        return True
    if need_lo is not None and lo > need_lo + _TOL:
        return True
    return _is_pinned(lo, hi)


def interval_violations(
    bounds: Mapping[tuple[str, Key], tuple[float, float]],
    k: int,
    counts: Mapping[tuple[str, Key], int] | None = None,
) -> list[tuple[str, Key]]:
    """The keys of an `audit` result that are not protected under threshold k (2011 §3.1).

    `counts` (true counts, where the caller knows them) adds the "down to 1" demand for counts
    below k.
    """
    counts = counts or {}
    return [
        key
        for key, (lo, hi) in bounds.items()
        if violates(lo, hi, required_interval(k, counts.get(key)))
    ]


def _is_pinned(lo: float, hi: float) -> bool:
    """Fewer than two integers in [lo, hi] (so in particular hi - lo < 1)."""
    if math.isinf(hi):
        return False
    return math.floor(hi + _TOL) - math.ceil(lo - _TOL) < 1


class _Solver:
    """LP bounds of unknown values, one connected component of unknowns at a time.

    The unknowns split into components that share no relation once the published values are
    substituted; each component's LP depends only on which variables are in it (the values of the
    others are fixed for the life of the solver), so results are cached by component.
    """

    def __init__(self, model: _Model, *, monotone: bool = False):
        self.model = model
        self.value = np.array(model.value, dtype=float)
        self._states: dict[frozenset[int], _ComponentState] = {}
        # With `monotone` the caller only ever adds unknowns, which can only widen intervals:
        # a variable once found not pinned stays so and is not checked again.
        self.monotone = monotone
        self.safe: set[int] = set()

    def components(self, unknown: set[int]) -> list[list[int]]:
        parent = {v: v for v in unknown}

        def find(v: int) -> int:
            while parent[v] != v:
                parent[v] = parent[parent[v]]
                v = parent[v]
            return v

        for rel in self.model.relations:
            inside = [m for m in rel.members if m in unknown]
            for other in inside[1:]:
                ra, rb = find(inside[0]), find(other)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
        groups: dict[int, list[int]] = {}
        for v in sorted(unknown):
            groups.setdefault(find(v), []).append(v)
        return list(groups.values())

    def _lp(self, comp: list[int]):
        local = {v: i for i, v in enumerate(comp)}
        rel_ids = sorted({r for v in comp for r in self.model.var_rels[v]})
        eq_rows: list[np.ndarray] = []
        ub_rows: list[np.ndarray] = []
        eq_rhs: list[float] = []
        ub_rhs: list[float] = []
        for r in rel_ids:
            rel = self.model.relations[r]
            row = np.zeros(len(comp))
            const = 0.0
            for m, c in zip(rel.members, rel.coefs, strict=True):
                if m in local:
                    row[local[m]] += c
                else:
                    const += c * self.value[m]
            (eq_rows if rel.eq else ub_rows).append(row)
            (eq_rhs if rel.eq else ub_rhs).append(-const)
        kwargs: dict[str, Any] = {"bounds": (0, None), "method": "highs"}
        if eq_rows:
            kwargs["A_eq"], kwargs["b_eq"] = np.array(eq_rows), np.array(eq_rhs)
        if ub_rows:
            kwargs["A_ub"], kwargs["b_ub"] = np.array(ub_rows), np.array(ub_rhs)

        def solve(i: int, sign: float):
            c = np.zeros(len(comp))
            c[i] = sign
            res = linprog(c, **kwargs)
            if res.status == 3:
                return None  # unbounded
            if res.status != 0:
                names = [self.model.keys[v] for v in comp]
                raise RuntimeError(f"LP failed ({res.message}) for {names}")
            return res

        return solve

    def bounds(self, comp: list[int]) -> dict[int, tuple[float, float]]:
        """Exact [min, max] of every variable of the component (hi may be inf)."""
        solve = self._lp(comp)
        out = {}
        for i, v in enumerate(comp):
            lo_res, hi_res = solve(i, 1.0), solve(i, -1.0)
            assert lo_res is not None  # bounded below by 0
            lo = max(0.0, float(lo_res.fun))
            hi = math.inf if hi_res is None else float(-hi_res.fun)
            out[v] = (lo, hi)
        return out

    def violates(self, comp: list[int], var: int, need: Need = (None, None)) -> bool:
        """Whether `var` (of component `comp`) breaks `need`; cached per component.

        Avoids most LPs: every LP solution is a feasible point, and a variable whose values at
        the points found so far already reach what is needed is protected. A caller gives one
        `need` per variable.
        """
        if var in self.safe:
            return False
        state = self._states.get(frozenset(comp))
        if state is None:
            state = self._states[frozenset(comp)] = _ComponentState(comp, self._lp(comp))
        if var not in state.status:
            state.status[var] = state.check(var, need)
            if self.monotone and not state.status[var]:
                self.safe.add(var)
        return state.status[var]

    def violating(self, comp: list[int], need_of) -> set[int]:
        return {v for v in comp if self.violates(comp, v, need_of(v))}


class _ComponentState:
    def __init__(self, comp: list[int], solve):
        self.index = {v: i for i, v in enumerate(comp)}
        self.solve = solve
        self.lo_seen = np.full(len(comp), np.inf)
        self.hi_seen = np.full(len(comp), -np.inf)
        self.status: dict[int, bool] = {}

    def _see(self, res) -> None:
        np.minimum(self.lo_seen, res.x, out=self.lo_seen)
        np.maximum(self.hi_seen, res.x, out=self.hi_seen)

    def _reaches(self, i: int, need: Need) -> bool:
        lo, hi = float(self.lo_seen[i]), float(self.hi_seen[i])
        return hi >= lo and not violates(lo, hi, need)

    def check(self, var: int, need: Need) -> bool:
        i = self.index[var]
        if self._reaches(i, need):
            return False
        hi_res = self.solve(i, -1.0)
        if hi_res is not None:
            self._see(hi_res)
            if self._reaches(i, need):
                return False
        hi = math.inf if hi_res is None else float(-hi_res.fun)
        if need[1] is not None and hi < need[1] - _TOL:
            return True
        lo_res = self.solve(i, 1.0)
        self._see(lo_res)
        return violates(max(0.0, float(lo_res.fun)), hi, need)


def audit(
    release: Release, tables: Sequence[Table], linked: Sequence[LinkedRelease] = ()
) -> dict[tuple[str, Key], tuple[float, float]]:
    """Tightest [min, max] an attacker can derive for every suppressed value, by LP (2011 §3.1).

    Keys are ``(table name, dims tuple)`` for our cells, ``(GRAND_TOTAL, ())`` for a suppressed
    grand total, and ``(f"{label}/{table}", dims)`` for suppressed values of linked releases.
    `tables` gives the structure (their counts are not used: the attacker does not know them).
    The maximum is ``math.inf`` when unbounded.
    """
    shapes = [_shape_of_table(t) for t in tables]
    by_name = {t.name: t for t in release.tables}
    values = []
    for shape in shapes:
        if shape.name not in by_name:
            raise ValueError(f"release has no table {shape.name!r}")
        rel_shape, vals = _shape_of_release(by_name[shape.name], "release")
        if rel_shape.dims != shape.dims or set(rel_shape.keys) != set(shape.keys):
            raise ValueError(f"release table {shape.name!r} does not match the tables given")
        lookup = dict(zip(rel_shape.keys, vals, strict=True))
        values.append([lookup[key] for key in shape.keys])
    model, _, _ = _build(shapes, values, _published_total(release, "release"), linked)
    solver = _Solver(model)
    unknown = {v for v in range(len(model.keys)) if math.isnan(model.value[v])}
    bounds: dict[int, tuple[float, float]] = {}
    for comp in solver.components(unknown):
        bounds.update(solver.bounds(comp))
    return {model.keys[v]: bounds[v] for v in sorted(bounds)}


def pinned_values(bounds: Mapping[tuple[str, Key], tuple[float, float]]) -> list[tuple[str, Key]]:
    """The keys of an `audit` result whose value an attacker can pin to one integer."""
    return [key for key, (lo, hi) in bounds.items() if _is_pinned(lo, hi)]
