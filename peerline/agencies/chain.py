"""The chain of command as queries cheap enough to call on every request (2011 §7.2, §7.3).

Each employee's `chain_path` is the concatenation of fixed-width ids from the top of the chain
down to the employee: the chief's path is their own id, a sergeant's path is
chief + commander + lieutenant + sergeant. So

* everyone under B is every path that starts with B's path and is longer: one index range
  `B.path < path < next(B.path)`, where `next` adds one to the path read as a number;
* everyone above B is read off B's path itself, with no query;
* "is A in B's chain of command?" is a prefix test on two strings.

The paths hold digits only, so their order is the same under every collation.
"""

from collections.abc import Mapping

from django.db.models import Q

from peerline.core import bulk

from .models import Employee

ID_WIDTH = 9  # ids up to 999,999,998; the id 10**9 - 1 would overflow `_next_path`
MAX_DEPTH = 255 // ID_WIDTH  # the column holds 28 levels


class ChainTooDeep(ValueError):
    pass


def encode(pk: int) -> str:
    if not 0 < pk < 10**ID_WIDTH - 1:
        raise ValueError(f"employee id {pk} does not fit the chain path")
    return f"{pk:0{ID_WIDTH}d}"


def path_for(pk: int, supervisor_path: str = "") -> str:
    path = supervisor_path + encode(pk)
    if len(path) > ID_WIDTH * MAX_DEPTH:
        raise ChainTooDeep(f"the chain of command is deeper than {MAX_DEPTH} levels")
    return path


def _next_path(path: str) -> str:
    return str(int(path) + 1).zfill(len(path))


def _path(employee: Employee) -> str:
    if not employee.chain_path:
        raise ValueError("the employee has no chain path yet: run refresh_paths for the agency")
    return employee.chain_path


def ancestor_ids(employee: Employee) -> list[int]:
    """Everyone above `employee`, nearest supervisor first; read from the path, no query."""
    path = _path(employee)
    ids = [int(path[i : i + ID_WIDTH]) for i in range(0, len(path) - ID_WIDTH, ID_WIDTH)]
    return ids[::-1]


def below_q(employee: Employee, prefix: str = "") -> Q:
    """A filter for everyone under `employee` in the chain of command (not the employee)."""
    path = _path(employee)
    return Q(**{f"{prefix}chain_path__gt": path, f"{prefix}chain_path__lt": _next_path(path)})


def chain_q(employee: Employee, prefix: str = "") -> Q:
    """A filter for everyone above or below `employee`: whom they must not support (§7.2)."""
    return below_q(employee, prefix) | Q(**{f"{prefix}pk__in": ancestor_ids(employee)})


def everyone_under(employee: Employee):
    """Every current employee under `employee`, at any depth."""
    return Employee.objects.current().filter(below_q(employee), agency_id=employee.agency_id)


def in_chain_of_command(a: Employee, b: Employee) -> bool:
    """True when one of the two is above the other (2011 §7.2). Nobody is in their own chain."""
    if a.pk == b.pk or a.agency_id != b.agency_id:
        return False
    pa, pb = _path(a), _path(b)
    return pa.startswith(pb) or pb.startswith(pa)


def compute_paths(supervisor_of: Mapping[int, int | None]) -> dict[int, str]:
    """Paths for a whole roster given each id's supervisor id, in one pass over the roster.

    A supervisor outside `supervisor_of` (another agency's, or a deleted row) counts as none, so
    the chain never leaves the roster. A cycle raises ValueError; the import reports cycles first.
    """
    paths: dict[int, str] = {}
    for start in supervisor_of:
        # Walk up to the nearest known path (or the top), then fill in on the way down.
        trail: list[int] = []
        seen: set[int] = set()
        node: int | None = start
        while node is not None and node not in paths:
            if node in seen:
                raise ValueError(f"supervisor cycle through employee id {node}")
            seen.add(node)
            trail.append(node)
            above = supervisor_of.get(node)
            node = above if above in supervisor_of else None
        base = paths[node] if node is not None else ""
        for item in reversed(trail):
            base = path_for(item, base)
            paths[item] = base
    return paths


def find_cycles(supervisor_of: dict[str, str | None]) -> list[list[str]]:
    """Each supervisor cycle among employee numbers, as the list of numbers in it."""
    state: dict[str, int] = {}  # 1 = on the current walk, 2 = done
    cycles: list[list[str]] = []
    for start in supervisor_of:
        walk: list[str] = []
        node: str | None = start
        while node is not None and node in supervisor_of and state.get(node) is None:
            state[node] = 1
            walk.append(node)
            node = supervisor_of[node]
        if node is not None and state.get(node) == 1:
            cycles.append(walk[walk.index(node) :])
        for item in walk:
            state[item] = 2
    return cycles


def refresh_paths(agency_id: int) -> int:
    """Recompute and save the chain paths of an agency's roster; returns how many changed."""
    rows = list(
        Employee.objects.filter(agency_id=agency_id).values_list(
            "pk", "supervisor_id", "chain_path"
        )
    )
    old = {pk: path for pk, _, path in rows}
    new = compute_paths({pk: sup for pk, sup, _ in rows})
    changed = [(path, pk) for pk, path in new.items() if old[pk] != path]
    save_paths(changed)
    return len(changed)


def save_paths(changed: list[tuple[str, int]]) -> None:
    """Write (path, id) pairs."""
    bulk.set_column(Employee, "chain_path", changed)
