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


def ancestor_ids(employee: Employee) -> list[int]:
    """Everyone above `employee`, nearest supervisor first; read from the path, no query."""
    path = employee.chain_path
    ids = [int(path[i : i + ID_WIDTH]) for i in range(0, len(path) - ID_WIDTH, ID_WIDTH)]
    return ids[::-1]


def below_q(employee: Employee, prefix: str = "") -> Q:
    """A filter for everyone under `employee` in the chain of command (not the employee)."""
    path = employee.chain_path
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
    pa, pb = a.chain_path, b.chain_path
    return pa.startswith(pb) or pb.startswith(pa)


def compute_paths(supervisor_of: Mapping[int, int | None]) -> dict[int, str]:
    """Paths for a whole roster given each id's supervisor id, in one pass over the roster.

    The caller guarantees there is no cycle (the import checks and reports cycles first).
    """
    paths: dict[int, str] = {}

    def resolve(pk: int) -> str:
        # Iterative: walk up to the nearest known path, then fill in on the way down.
        trail: list[int] = []
        node: int | None = pk
        while node is not None and node not in paths:
            trail.append(node)
            node = supervisor_of.get(node)
        base = paths[node] if node is not None else ""
        for item in reversed(trail):
            base = path_for(item, base)
            paths[item] = base
        return paths[pk]

    for pk in supervisor_of:
        resolve(pk)
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
    supervisor_of = {pk: sup for pk, sup, _ in rows}
    old = {pk: path for pk, _, path in rows}
    new = compute_paths(supervisor_of)
    changed = [Employee(pk=pk, chain_path=path) for pk, path in new.items() if old[pk] != path]
    Employee.objects.bulk_update(changed, ["chain_path"], batch_size=500)
    return len(changed)
