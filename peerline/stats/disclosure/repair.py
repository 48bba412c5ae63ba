"""Complementary suppression: withhold more cells until every suppressed value is protected.

`protect` makes the release command staff receive for one period (2011 §3.1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .audit import Need, _is_pinned, _Solver, required_interval
from .model import (
    _TOL,
    Cell,
    DisclosureError,
    LinkedRelease,
    Release,
    Table,
    TableRelease,
    _build,
    _check_k,
    _Model,
    _Shape,
    _shape_of_table,
)


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
    3. Complementary suppression by audit-and-repair: while the LP audit finds a suppressed
       value (of this release or of a linked, already published one) that is not protected (its
       interval must reach up to k - 1, and down to 1 for a count below k; see
       `audit.required_interval`), suppress one more of our published values: in the relation
       containing that value that has the fewest unknowns (table sum, margin relation, linked
       sum; next relation if it offers nothing), the published cell with the smallest count of
       at least k - 1 (else the largest), ties broken by table order then cell order; if no
       published cell is left in that relation, the grand total (and with it every table
       total). Our cells that the linked releases already determine are never chosen:
       withholding them would protect nothing.

    A value of a linked release must keep the same demand (the parts' true counts are not known
    here, so down to 1 for every one). Where the linked releases alone already hold a value
    inside a narrower interval (a quarter released before this rule, or a year cell its
    quarters bound), nothing we withhold can widen it: the demand is then that we narrow it no
    further, and that it stays unpinned.

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
    needs: dict[int, Need] = {
        v: required_interval(k, int(value[v]) if model.own[v] else 0)
        for v in range(len(model.keys))
    }
    frozen: set[int] = set()
    if linked:
        # What the linked releases disclose on their own, whatever we publish.
        unknown = parts_unknown | {v for v in range(len(model.keys)) if model.own[v]}
        frozen = _propagate(model, unknown)
        if all(model.own[v] for v in frozen):  # else a part leaks already: reported below
            baseline = _Solver(model)
            for comp in baseline.components(unknown - frozen):
                for v, (lo, hi) in baseline.bounds(comp).items():
                    if _is_pinned(lo, hi):
                        frozen.add(v)
                    else:  # we cannot widen what the linked releases alone tell
                        need_lo, need_hi = needs[v]
                        needs[v] = (
                            None if need_lo is None else max(need_lo, lo),
                            None if need_hi is None else min(need_hi, hi),
                        )
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
        exposed = _singleton_pins(model, unknown)
        if not exposed:
            comp_of = {v: comp for comp in solver.components(unknown) for v in comp}
            first = next(
                (v for v in sorted(unknown) if solver.violates(comp_of[v], v, needs[v])), None
            )
            exposed = set() if first is None else {first}
        if not exposed:
            break
        choice = _complement(model, min(exposed), unknown, frozen, g, need=k - 1)
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


def _complement(
    model: _Model, pinned: int, unknown: set[int], frozen: set[int], g: int, *, need: int
) -> int:
    """The next value to suppress so that `pinned` may be protected (rule 3).

    A cell of at least `need` gives the exposed value room to reach k - 1 at once; below that,
    the largest gives the most room.
    """

    def candidate(v: int) -> bool:
        return model.own[v] and v not in unknown and v not in frozen

    def order(v: int) -> tuple[bool, float, int, int]:
        enough = model.value[v] >= need
        return (not enough, model.value[v] if enough else -model.value[v], *model.rank[v])

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
