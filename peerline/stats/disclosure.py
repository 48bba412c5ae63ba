"""Small-cell suppression for the statistics command staff may see (2011 §3.1).

IACP Peer Support Guidelines (Chicago 2011) §3.1: management receives only *anonymous
statistical information* about use of the peer support program. A count of 3 "critical incident
debriefings, dispatch" names people in a small agency, so every non-zero count below the agency's
threshold `k` is withheld. The default `k = 11` is the CMS cell-size suppression policy (no cell
of 1 to 10 is released); an agency may choose another value but never below 5 (`MIN_K`).

Withholding the small cells is not enough: a suppressed cell can be recovered from the table
total, from a margin table, or from another release of a linked period (a year report versus its
four quarter reports). So this module runs an *audit-and-repair* loop: it models everything an
attacker knows as linear relations, computes with linear programming (scipy's HiGHS) the tightest
interval each suppressed value can lie in, and while some suppressed value is pinned to a single
integer it suppresses one more published cell (complementary suppression).

This module is pure Python + numpy/scipy (no Django) so it can be tested on its own.

What the attacker is assumed to know (`audit` models all of it):

* every published cell and the published grand total, exactly; every unknown value is >= 0;
* every partition table (its cells partition the period's contacts) sums to the grand total;
* if the dimensions of partition table A are a subset of those of partition table B, A's cells are
  the margins of B (sums of B's cells over B's other dimensions); more generally two partition
  tables sharing dimensions have equal margins over the shared ones;
* a cell of a non-partition table (a multi-valued attribute, e.g. referrals made) is between 0 and
  the grand total, and, when the table also has single-valued dimensions shared with a partition
  table, at most the matching margin of that table;
* linked releases (`LinkedRelease`): each of our cells and our grand total equals the sum of the
  same cell over the already published releases of the sub-periods (whose categories may be
  finer than ours, see `LinkedRelease.merge`).

"Pinned" is decided on the LP interval ``[lo, hi]``: a value is pinned when the interval holds
fewer than two integers, ``floor(hi) - ceil(lo) < 1`` (with a 1e-6 tolerance). That implies the
brief's ``hi - lo < 1`` test and also catches intervals such as [3.5, 4.5] that a rounding
attacker reduces to one value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
from scipy.optimize import linprog

DEFAULT_K = 11
"""CMS cell-size suppression policy: counts from 1 to 10 are not released."""

MIN_K = 5
"""No agency may set its threshold lower than this."""

GRAND_TOTAL = "(grand total)"
"""Table name used in `audit` keys for the grand total: ``(GRAND_TOTAL, ())``."""

_TOL = 1e-6

Key = tuple[str, ...]


# --------------------------------------------------------------------------------------------
# Public data types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """True counts of one table for one period, before suppression.

    `cells` holds every category combination, zeros included. With ``partition=True`` the cells
    partition the period's contacts and sum to the grand total. With ``partition=False`` the
    table counts a multi-valued attribute (one contact may be counted in several cells): each
    cell is between 0 and the grand total and no table total is published.
    """

    name: str
    dimensions: tuple[str, ...]
    cells: dict[Key, int]
    partition: bool = True


@dataclass(frozen=True)
class Cell:
    """One published cell: `count` is None exactly when `suppressed`."""

    dims: dict[str, str]
    count: int | None
    suppressed: bool


@dataclass(frozen=True)
class TableRelease:
    """A published table. `total` is None when suppressed or when the table is not a partition.

    `partition` (an addition to the brief's interface, default True) records the table's kind so
    that a frozen release is self-describing when it is later linked to another one.
    """

    name: str
    dimensions: tuple[str, ...]
    rows: list[Cell]
    total: int | None
    partition: bool = True


@dataclass(frozen=True)
class Release:
    """Everything command staff receive for one period (2011 §3.1)."""

    grand_total: int | None
    tables: list[TableRelease]


@dataclass(frozen=True)
class LinkedRelease:
    """Already published releases of the sub-periods that partition this release's period.

    `parts` is a sequence of ``(label, Release)`` pairs, e.g. the four frozen quarter releases of
    a year: ``LinkedRelease(parts=(("2026-Q1", q1), ("2026-Q2", q2), ...))``. The relation the
    attacker can use is that each of our cells, and our grand total, equals the sum of the same
    cell over the parts. This holds for non-partition tables too (counts over disjoint periods
    add). Tables are matched by name and must have the same dimensions and cells in every part; a
    table missing from any part is not linked. The parts are frozen: `protect` never changes them,
    it suppresses more of *our* cells until neither our suppressed cells nor the parts' are
    pinned. In `audit` keys a part's cells are ``(f"{label}/{table}", dims)`` and its grand total
    ``(f"{label}/{GRAND_TOTAL}", ())``. Several `LinkedRelease`s may be given (e.g. quarters and
    months).

    `merge` lets a part use finer categories than ours: per dimension, a part's category to
    ours, e.g. ``{"recipient_group": {"sworn": "employee", "civilian": "employee"}}`` when the
    quarters showed sworn and civilian and the year merges them. Our cell is then the sum of all
    the part cells mapped to it, and the part's own rows stay modelled exactly (its published
    sworn count still bounds the hidden civilian one). Unlisted categories map to themselves;
    after mapping, each linked part table must have exactly our categories.
    """

    parts: tuple[tuple[str, Release], ...]
    merge: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


class DisclosureError(ValueError):
    """The requested release cannot be made safe (e.g. a linked release already discloses it)."""


# --------------------------------------------------------------------------------------------
# The attacker's model: variables and linear relations
# --------------------------------------------------------------------------------------------


@dataclass
class _Shape:
    name: str
    dims: tuple[str, ...]
    keys: list[Key]
    partition: bool


@dataclass
class _Relation:
    members: list[int]
    coefs: list[float]
    eq: bool  # True: sum(coef * x) == 0, False: sum(coef * x) <= 0
    desc: str


@dataclass
class _Model:
    keys: list[tuple[str, Key]] = field(default_factory=list)
    value: list[float] = field(default_factory=list)  # nan when unknown to the attacker
    own: list[bool] = field(default_factory=list)
    rank: list[tuple[int, int]] = field(default_factory=list)  # (table, cell) order, own only
    relations: list[_Relation] = field(default_factory=list)
    var_rels: list[list[int]] = field(default_factory=list)

    def add_var(self, key: tuple[str, Key], value: float | None, own: bool, rank=(0, 0)) -> int:
        self.keys.append(key)
        self.value.append(math.nan if value is None else float(value))
        self.own.append(own)
        self.rank.append(rank)
        self.var_rels.append([])
        return len(self.keys) - 1

    def add_relation(self, members, coefs, *, eq: bool, desc: str) -> None:
        index = len(self.relations)
        self.relations.append(_Relation(list(members), list(coefs), eq, desc))
        for m in set(members):
            self.var_rels[m].append(index)


def _group(shape: _Shape, ids: list[int], dims: tuple[str, ...]) -> dict[Key, list[int]]:
    """Variables of `shape`'s cells grouped by their projection onto `dims`."""
    pos = [shape.dims.index(d) for d in dims]
    groups: dict[Key, list[int]] = {}
    for key, var in zip(shape.keys, ids, strict=True):
        groups.setdefault(tuple(key[p] for p in pos), []).append(var)
    return groups


def _add_release(
    model: _Model,
    shapes: list[_Shape],
    values: list[list[float | None]],
    grand_total: float | None,
    *,
    prefix: str,
    own: bool,
) -> tuple[list[list[int]], int]:
    """Variables and internal relations of one release; returns (cell ids per table, total id)."""
    cell_ids = []
    for t, (shape, vals) in enumerate(zip(shapes, values, strict=True)):
        cell_ids.append(
            [
                model.add_var((prefix + shape.name, key), v, own, (t, c))
                for c, (key, v) in enumerate(zip(shape.keys, vals, strict=True))
            ]
        )
    g = model.add_var((prefix + GRAND_TOTAL, ()), grand_total, own, (len(shapes), 0))
    where = f" ({prefix.rstrip('/')})" if prefix else ""

    partitions = [t for t, s in enumerate(shapes) if s.partition]
    for t in partitions:
        model.add_relation(
            cell_ids[t] + [g],
            [1.0] * len(cell_ids[t]) + [-1.0],
            eq=True,
            desc=f"table {shapes[t].name!r} sums to the grand total{where}",
        )
    for a, b in combinations(partitions, 2):
        sa, sb = shapes[a], shapes[b]
        common = set(sa.dims) & set(sb.dims)
        if not common:
            continue
        if common == set(sa.dims) or common == set(sb.dims):
            small, big = (a, b) if common == set(sa.dims) else (b, a)
            ss, sbig = shapes[small], shapes[big]
            groups = _group(sbig, cell_ids[big], ss.dims)
            stray = set(groups) - set(ss.keys)
            if stray:
                raise ValueError(
                    f"table {sbig.name!r} has categories {sorted(stray)} missing from its "
                    f"margin table {ss.name!r}{where}"
                )
            for key, var in zip(ss.keys, cell_ids[small], strict=True):
                members = groups.get(key, [])
                model.add_relation(
                    [var, *members],
                    [1.0] + [-1.0] * len(members),
                    eq=True,
                    desc=f"{ss.name}{key} is a margin of {sbig.name!r}{where}",
                )
        elif not any(set(shapes[c].dims) == common for c in partitions):
            # Neither is a margin of the other and no table of the shared dimensions is
            # published: their margins over the shared dimensions are still equal.
            dims = tuple(d for d in sa.dims if d in common)
            ga, gb = _group(sa, cell_ids[a], dims), _group(sb, cell_ids[b], dims)
            for key in sorted(set(ga) | set(gb)):
                ma, mb = ga.get(key, []), gb.get(key, [])
                model.add_relation(
                    ma + mb,
                    [1.0] * len(ma) + [-1.0] * len(mb),
                    eq=True,
                    desc=f"{sa.name!r} and {sb.name!r} have the same margin {key}{where}",
                )
    for t, shape in enumerate(shapes):
        if shape.partition:
            continue
        for var, key in zip(cell_ids[t], shape.keys, strict=True):
            model.add_relation(
                [var, g],
                [1.0, -1.0],
                eq=False,
                desc=f"{shape.name}{key} is at most the grand total{where}",
            )
        for p in partitions:
            common = set(shape.dims) & set(shapes[p].dims)
            if not common:
                continue
            if common == set(shape.dims):
                raise ValueError(
                    f"non-partition table {shape.name!r} uses only dimensions of partition "
                    f"table {shapes[p].name!r}: a multi-valued table needs a multi-valued "
                    "dimension (or set partition=True)"
                )
            dims = tuple(d for d in shape.dims if d in common)
            margins = _group(shapes[p], cell_ids[p], dims)
            pos = [shape.dims.index(d) for d in dims]
            for var, key in zip(cell_ids[t], shape.keys, strict=True):
                members = margins.get(tuple(key[i] for i in pos), [])
                model.add_relation(
                    [var, *members],
                    [1.0] + [-1.0] * len(members),
                    eq=False,
                    desc=f"{shape.name}{key} is at most a margin of {shapes[p].name!r}{where}",
                )
    return cell_ids, g


def _shape_of_table(table: Table) -> _Shape:
    if not isinstance(table.name, str) or not table.name:
        raise ValueError("a table needs a name")
    if table.name == GRAND_TOTAL or "/" in table.name:
        raise ValueError(f"table name {table.name!r} is reserved or contains '/'")
    dims = tuple(table.dimensions)
    if not dims or len(set(dims)) != len(dims):
        raise ValueError(f"table {table.name!r}: dimensions must be distinct and non-empty")
    if not table.cells:
        raise ValueError(f"table {table.name!r} has no cells")
    for key, count in table.cells.items():
        if not isinstance(key, tuple) or len(key) != len(dims):
            raise ValueError(f"table {table.name!r}: cell {key!r} does not match {dims}")
        if isinstance(count, bool) or not isinstance(count, int | np.integer) or count < 0:
            raise ValueError(f"table {table.name!r}: count {count!r} is not a count")
    return _Shape(table.name, dims, list(table.cells), bool(table.partition))


def _shape_of_release(table: TableRelease, label: str) -> tuple[_Shape, list[float | None]]:
    dims = tuple(table.dimensions)
    keys: list[Key] = []
    values: list[float | None] = []
    for row in table.rows:
        if (row.count is None) != bool(row.suppressed):
            raise ValueError(f"{label}: a row of {table.name!r} is inconsistently suppressed")
        keys.append(tuple(row.dims[d] for d in dims))
        values.append(row.count)
    if len(set(keys)) != len(keys):
        raise ValueError(f"{label}: table {table.name!r} repeats a cell")
    return _Shape(table.name, dims, keys, bool(table.partition)), values


def _published_total(release: Release, label: str) -> int | None:
    """The grand total as the attacker knows it: published directly or as a table total."""
    known: set[int] = set() if release.grand_total is None else {release.grand_total}
    for table in release.tables:
        if table.total is not None:
            if not table.partition:
                raise ValueError(f"{label}: non-partition table {table.name!r} has a total")
            known.add(table.total)
    if len(known) > 1:
        raise ValueError(f"{label}: the published totals disagree: {sorted(known)}")
    return known.pop() if known else None


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < MIN_K:
        raise ValueError(f"the suppression threshold k must be an integer >= {MIN_K}, not {k!r}")


def _add_linked(
    model: _Model,
    shapes: list[_Shape],
    cell_ids: list[list[int]],
    g: int,
    linked: Sequence[LinkedRelease],
) -> None:
    for link in linked:
        parts = []
        for label, release in link.parts:
            if not label or "/" in label:
                raise ValueError(f"linked part label {label!r} must be non-empty, without '/'")
            part_shapes, part_values = [], []
            for table in release.tables:
                shape, vals = _shape_of_release(table, label)
                part_shapes.append(shape)
                part_values.append(vals)
            ids, part_g = _add_release(
                model,
                part_shapes,
                part_values,
                _published_total(release, label),
                prefix=label + "/",
                own=False,
            )
            by_name: dict[str, dict[Key, list[int]]] = {}
            for shape, table_ids in zip(part_shapes, ids, strict=True):
                groups = by_name[shape.name] = {}
                for key, var in zip(shape.keys, table_ids, strict=True):
                    ours = tuple(
                        link.merge.get(d, {}).get(c, c)
                        for d, c in zip(shape.dims, key, strict=True)
                    )
                    groups.setdefault(ours, []).append(var)
            dims = {s.name: s.dims for s in part_shapes}
            parts.append((label, by_name, dims, part_g))
        if not parts:
            continue
        labels = ", ".join(label for label, *_ in parts)
        model.add_relation(
            [g] + [p[3] for p in parts],
            [1.0] + [-1.0] * len(parts),
            eq=True,
            desc=f"the grand total is the sum of the linked releases' ({labels})",
        )
        for shape, our_ids in zip(shapes, cell_ids, strict=True):
            if not all(shape.name in p[1] for p in parts):
                continue
            for label, by_name, dims, _ in parts:
                if dims[shape.name] != shape.dims or set(by_name[shape.name]) != set(shape.keys):
                    raise ValueError(
                        f"linked release {label}: table {shape.name!r} has other dimensions or "
                        "categories than ours"
                    )
            for key, var in zip(shape.keys, our_ids, strict=True):
                members = [m for p in parts for m in p[1][shape.name][key]]
                model.add_relation(
                    [var, *members],
                    [1.0] + [-1.0] * len(members),
                    eq=True,
                    desc=f"{shape.name}{key} is the sum over the linked releases ({labels})",
                )


def _build(
    shapes: list[_Shape],
    values: list[list[float | None]],
    grand_total: float | None,
    linked: Sequence[LinkedRelease],
) -> tuple[_Model, list[list[int]], int]:
    model = _Model()
    cell_ids, g = _add_release(model, shapes, values, grand_total, prefix="", own=True)
    _add_linked(model, shapes, cell_ids, g, linked)
    return model, cell_ids, g


# --------------------------------------------------------------------------------------------
# Linear programming
# --------------------------------------------------------------------------------------------


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

    def is_pinned(self, comp: list[int], var: int) -> bool:
        """Whether `var` (of component `comp`) is pinned; results are cached per component.

        Avoids most LPs: every LP solution is a feasible point, and a variable whose values at
        the points found so far already span two integers is not pinned.
        """
        if var in self.safe:
            return False
        state = self._states.get(frozenset(comp))
        if state is None:
            state = self._states[frozenset(comp)] = _ComponentState(comp, self._lp(comp))
        if var not in state.status:
            state.status[var] = state.check(var)
            if self.monotone and not state.status[var]:
                self.safe.add(var)
        return state.status[var]

    def pinned(self, comp: list[int]) -> set[int]:
        return {v for v in comp if self.is_pinned(comp, v)}


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

    def _spans(self, i: int) -> bool:
        return self.hi_seen[i] >= self.lo_seen[i] and not _is_pinned(
            self.lo_seen[i], self.hi_seen[i]
        )

    def check(self, var: int) -> bool:
        i = self.index[var]
        if self._spans(i):
            return False
        hi_res = self.solve(i, -1.0)
        if hi_res is None:  # unbounded
            return False
        self._see(hi_res)
        if self._spans(i):
            return False
        lo_res = self.solve(i, 1.0)
        self._see(lo_res)
        return _is_pinned(float(lo_res.fun), float(-hi_res.fun))


# --------------------------------------------------------------------------------------------
# protect and audit
# --------------------------------------------------------------------------------------------


def protect(
    tables: Sequence[Table],
    *,
    k: int,
    linked: Sequence[LinkedRelease] = (),
    grand_total: int | None = None,
) -> Release:
    """The release command staff may receive for one period (2011 §3.1).

    1. If the grand total is below `k` (and non-zero) everything is suppressed.
    2. Primary suppression: every count with ``0 < count < k`` (k = 11 is the CMS cell-size
       rule; `k` is the agency's setting, never below `MIN_K`).
    3. Complementary suppression by audit-and-repair: while the LP audit pins some suppressed
       value (of this release or of a linked, already published one), suppress one more of our
       published values: in the relation containing the pinned value that has the fewest unknowns
       (table sum, margin relation, linked sum; next relation if it offers nothing), the published
       cell with the smallest count, zeros included, ties broken by table order then cell order;
       if no published cell is left in that relation, the grand total (and with it every table
       total). Our cells that the linked releases already determine are never chosen: withholding
       them would protect nothing.

    Zero counts are published as 0 unless chosen as complements. Deterministic: the same input
    gives the same output. `grand_total` is needed only when no table is a partition; otherwise
    it is checked against the tables. Raises ValueError for inconsistent input and
    `DisclosureError` when a linked release already pins a value that must stay suppressed.
    """
    _check_k(k)
    shapes = [_shape_of_table(t) for t in tables]
    if len({s.name for s in shapes}) != len(shapes):
        raise ValueError("table names must be unique")
    sums = {sum(t.cells.values()) for t in tables if t.partition}
    if len(sums) > 1:
        raise ValueError(f"partition tables disagree about the grand total: {sorted(sums)}")
    if sums:
        total = sums.pop()
        if grand_total is not None and grand_total != total:
            raise ValueError(f"grand_total={grand_total} but the partition tables sum to {total}")
    elif grand_total is None:
        raise ValueError("without a partition table, pass grand_total")
    else:
        total = grand_total
    values: list[list[float | None]] = [[float(c) for c in t.cells.values()] for t in tables]
    model, cell_ids, g = _build(shapes, values, float(total), linked)
    value = np.array(model.value)
    for rel in model.relations:
        if all(not math.isnan(value[m]) for m in rel.members):
            lhs = float(np.dot(rel.coefs, value[rel.members]))
            if (abs(lhs) > _TOL) if rel.eq else (lhs > _TOL):
                raise ValueError(f"inconsistent counts: {rel.desc} does not hold")

    own_vars = [v for ids in cell_ids for v in ids]
    suppressed: set[int] = set()
    if 0 < total < k:
        suppressed = {v for v in own_vars if value[v] > 0} | {g}
    else:
        suppressed = {v for v in own_vars if 0 < value[v] < k}

    parts_unknown = {v for v in range(len(model.keys)) if math.isnan(value[v])}
    frozen: set[int] = set()
    if linked:
        # What the linked releases disclose on their own, whatever we publish.
        unknown = parts_unknown | {v for v in range(len(model.keys)) if model.own[v]}
        frozen = _propagate(model, unknown)
        if all(model.own[v] for v in frozen):  # else a part leaks already: reported below
            baseline = _Solver(model)
            for comp in baseline.components(unknown - frozen):
                frozen |= baseline.pinned(comp)
        for v in sorted(frozen, key=lambda v: (model.own[v], v)):
            if not model.own[v]:
                raise DisclosureError(
                    f"linked release already discloses {model.keys[v]}: protect it first"
                )
            if v in suppressed:
                raise DisclosureError(
                    f"{model.keys[v]} must be suppressed (< k={k}) but the linked releases "
                    "already determine it (were they released with a smaller k?)"
                )

    solver = _Solver(model, monotone=True)
    while True:
        unknown = suppressed | parts_unknown
        pinned = _singleton_pins(model, unknown)
        if not pinned:
            comp_of = {v: comp for comp in solver.components(unknown) for v in comp}
            first = next((v for v in sorted(unknown) if solver.is_pinned(comp_of[v], v)), None)
            pinned = set() if first is None else {first}
        if not pinned:
            break
        choice = _complement(model, min(pinned), unknown, frozen, g)
        suppressed.add(choice)

    return _release(tables, shapes, cell_ids, g, suppressed, total)


def _propagate(model: _Model, unknown: set[int]) -> set[int]:
    """Unknowns determined by chains of equalities that each have one unknown left."""
    left = set(unknown)
    determined: set[int] = set()
    todo = [r for r, rel in enumerate(model.relations) if rel.eq]
    while todo:
        rel = model.relations[todo.pop()]
        inside = {m for m in rel.members if m in left}
        if len(inside) == 1:
            v = inside.pop()
            left.discard(v)
            determined.add(v)
            todo.extend(r for r in model.var_rels[v] if model.relations[r].eq)
    return determined


def _singleton_pins(model: _Model, unknown: set[int]) -> set[int]:
    """Unknowns alone in an equality: determined without an LP."""
    pins = set()
    for rel in model.relations:
        if rel.eq:
            inside = {m for m in rel.members if m in unknown}
            if len(inside) == 1:
                pins |= inside
    return pins


def _complement(model: _Model, pinned: int, unknown: set[int], frozen: set[int], g: int) -> int:
    """The next value to suppress so that `pinned` may no longer be pinned (rule 3)."""

    def candidate(v: int) -> bool:
        return model.own[v] and v not in unknown and v not in frozen

    def order(v: int) -> tuple[float, int, int]:
        return (model.value[v], *model.rank[v])

    def tightness(r: int) -> tuple[int, int]:
        return (sum(1 for m in model.relations[r].members if m in unknown), r)

    seen_rels: set[int] = set()
    seen_vars = {pinned}
    frontier = [pinned]
    while frontier:
        rels = {r for v in frontier for r in model.var_rels[v]} - seen_rels
        seen_rels |= rels
        for r in sorted(rels, key=tightness):
            members = model.relations[r].members
            cells = [m for m in members if m != g and candidate(m)]
            if cells:
                return min(cells, key=order)
            if g in members and candidate(g):
                return g
        nxt = sorted({m for r in rels for m in model.relations[r].members} - seen_vars)
        seen_vars.update(nxt)
        frontier = nxt
    rest = [v for v in range(len(model.keys)) if v != g and candidate(v)]
    if rest:
        return min(rest, key=order)
    if candidate(g):
        return g
    raise DisclosureError(f"cannot protect {model.keys[pinned]}")  # pragma: no cover


def _release(
    tables: Sequence[Table],
    shapes: list[_Shape],
    cell_ids: list[list[int]],
    g: int,
    suppressed: set[int],
    total: int,
) -> Release:
    g_out = None if g in suppressed else int(total)
    out = []
    for table, shape, ids in zip(tables, shapes, cell_ids, strict=True):
        rows = []
        for key, var in zip(shape.keys, ids, strict=True):
            hidden = var in suppressed
            rows.append(
                Cell(
                    dims=dict(zip(shape.dims, key, strict=True)),
                    count=None if hidden else int(table.cells[key]),
                    suppressed=hidden,
                )
            )
        out.append(
            TableRelease(
                name=shape.name,
                dimensions=shape.dims,
                rows=rows,
                total=g_out if shape.partition else None,
                partition=shape.partition,
            )
        )
    return Release(grand_total=g_out, tables=out)


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


# --------------------------------------------------------------------------------------------
# JSON round trip, for releases frozen as bytes and linked later
# --------------------------------------------------------------------------------------------


def release_to_json(release: Release) -> dict[str, Any]:
    """A JSON-ready dict of `release` (dimension order kept; see `release_from_json`)."""
    return {
        "grand_total": release.grand_total,
        "tables": [
            {
                "name": t.name,
                "dimensions": list(t.dimensions),
                "partition": t.partition,
                "total": t.total,
                "rows": [
                    {"dims": dict(c.dims), "count": c.count, "suppressed": c.suppressed}
                    for c in t.rows
                ],
            }
            for t in release.tables
        ],
    }


def release_from_json(data: Mapping[str, Any]) -> Release:
    """Inverse of `release_to_json`."""
    return Release(
        grand_total=data["grand_total"],
        tables=[
            TableRelease(
                name=t["name"],
                dimensions=tuple(t["dimensions"]),
                rows=[
                    Cell(dims=dict(c["dims"]), count=c["count"], suppressed=bool(c["suppressed"]))
                    for c in t["rows"]
                ],
                total=t["total"],
                partition=bool(t.get("partition", True)),
            )
            for t in data["tables"]
        ],
    )


__all__ = [
    "DEFAULT_K",
    "GRAND_TOTAL",
    "MIN_K",
    "Cell",
    "DisclosureError",
    "LinkedRelease",
    "Release",
    "Table",
    "TableRelease",
    "audit",
    "pinned_values",
    "protect",
    "release_from_json",
    "release_to_json",
]
