"""What an attacker knows of a release, as variables and linear relations (2011 §3.1).

The data types of a release (`Table`, `Release`, `LinkedRelease`, ...) and `build`, which turns
one release and the already published releases linked to it into the model that `audit` solves
and `repair` protects.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

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
