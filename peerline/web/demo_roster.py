"""The demo agency's people, planned and written: the chain of command, names and numbers.

Every choice is drawn from the `random.Random` the caller passes, in a fixed order, so the same
seed gives the same roster. The agency is planned in memory first (who reports to whom, `_plan`),
then written in one load (`_write_roster`): the keys are taken from the database's counter
first, so each row goes with its supervisor's key and its chain path (`chain.path_for`).

Everyone is fictional: names are drawn from fixed lists, e-mail addresses are at
`demo-city.example` (a reserved domain, RFC 2606) and telephone numbers are 555-01xx (reserved
for fiction).
"""

import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import Model

from peerline.agencies import chain
from peerline.agencies.models import (
    Agency,
    Category,
    Division,
    Employee,
    JobFamily,
    SeparationKind,
    Shift,
)

EMAIL_DOMAIN = "demo-city.example"
AREA_CODE = "720"

DIVISIONS = [
    ("PATROL-N", "Patrol North"),
    ("PATROL-S", "Patrol South"),
    ("INV", "Investigations"),
    ("TRAFFIC", "Traffic"),
    ("JAIL", "Corrections/Jail"),
    ("RECORDS", "Records"),
    ("COMM", "Communications Center"),
    ("ADMIN", "Administration"),
]
SHIFTS = [("DAY", "Day"), ("EVE", "Evening"), ("NIGHT", "Night")]

# How many people one supervisor has, by level above the line (1 = sergeant or first-line
# civilian supervisor, 2 = lieutenant, 3 and up = captain and above): the bounds and the range
# each unit's typical span is drawn from.
SPANS = {1: (6, 10, 7.0, 9.0), 2: (3, 6, 4.0, 5.5), 3: (3, 7, 4.5, 6.0)}


@dataclass(frozen=True)
class _Ladder:
    """Supervisors' titles by level above the line; the head's title once the unit is tall."""

    titles: tuple[str, ...]
    head: str
    head_level: int

    def title(self, level: int, *, is_head: bool) -> str:
        if is_head and level >= self.head_level:
            return self.head
        return self.titles[min(level, len(self.titles)) - 1]


SWORN_LADDER = _Ladder(("Sergeant", "Lieutenant", "Captain", "Major"), "Commander", 3)


def _civilian_ladder(name: str) -> _Ladder:
    return _Ladder((f"{name} Supervisor", f"Assistant {name} Manager"), f"{name} Manager", 2)


@dataclass(frozen=True)
class _Unit:
    """A part of a division with one kind of staff and its own supervisors."""

    key: str
    division: str
    share: float  # of the headcount below the chief and the deputy chiefs
    category: Category
    job_family: JobFamily
    line: tuple[tuple[str, int], ...]  # line staff titles, with weights
    ladder: _Ladder
    shifts: tuple[tuple[str, int], ...]  # shift codes, with weights
    reports_to: str  # "CHIEF" or a bureau ("OPS", "SUP")
    min_height: int = 1  # levels of supervisors the unit has even when small


SWORN, CIVILIAN = Category.SWORN, Category.CIVILIAN
ROUND_THE_CLOCK = (("DAY", 35), ("EVE", 35), ("NIGHT", 30))
DAYS_AND_EVENINGS = (("DAY", 70), ("EVE", 30))
DAYS = (("DAY", 1),)
PATROL_LINE = (("Police Officer", 80), ("Senior Police Officer", 15), ("Field Training Officer", 5))

# About 70% sworn and 30% civilian, the shape of a mid-size US department.
UNITS = [
    _Unit("PATROL-N", "PATROL-N", 0.20, SWORN, JobFamily.PATROL, PATROL_LINE, SWORN_LADDER,
          ROUND_THE_CLOCK, "OPS", min_height=2),
    _Unit("PATROL-S", "PATROL-S", 0.20, SWORN, JobFamily.PATROL, PATROL_LINE, SWORN_LADDER,
          ROUND_THE_CLOCK, "OPS", min_height=2),
    _Unit("TRAFFIC", "TRAFFIC", 0.05, SWORN, JobFamily.PATROL,
          (("Traffic Officer", 70), ("Motor Officer", 30)), SWORN_LADDER, (("DAY", 60), ("EVE", 40)),
          "OPS"),
    _Unit("INV", "INV", 0.09, SWORN, JobFamily.INVESTIGATIONS,
          (("Detective", 85), ("Senior Detective", 15)), SWORN_LADDER, (("DAY", 80), ("EVE", 20)),
          "SUP"),
    _Unit("FORENSICS", "INV", 0.025, CIVILIAN, JobFamily.INVESTIGATIONS,
          (("Crime Scene Technician", 40), ("Evidence Technician", 30), ("Crime Analyst", 30)),
          _civilian_ladder("Forensic Services"), DAYS_AND_EVENINGS, "SUP"),
    _Unit("JAIL", "JAIL", 0.11, SWORN, JobFamily.CORRECTIONS,
          (("Corrections Officer", 90), ("Senior Corrections Officer", 10)), SWORN_LADDER,
          ROUND_THE_CLOCK, "SUP"),
    _Unit("COMM", "COMM", 0.12, CIVILIAN, JobFamily.TELECOMMUNICATIONS,
          (("Telecommunicator", 75), ("Senior Telecommunicator", 15), ("Call Taker", 10)),
          _civilian_ladder("Communications"), ROUND_THE_CLOCK, "SUP", min_height=2),
    _Unit("RECORDS", "RECORDS", 0.06, CIVILIAN, JobFamily.RECORDS,
          (("Records Clerk", 70), ("Senior Records Clerk", 20), ("Records Technician", 10)),
          _civilian_ladder("Records"), DAYS_AND_EVENINGS, "SUP"),
    _Unit("ADMIN", "ADMIN", 0.04, SWORN, JobFamily.OTHER,
          (("Training Officer", 40), ("Professional Standards Investigator", 25),
           ("Community Relations Officer", 20), ("Background Investigator", 15)),
          SWORN_LADDER, DAYS, "CHIEF"),
    _Unit("ADMIN-SERVICES", "ADMIN", 0.105, CIVILIAN, JobFamily.OTHER,
          (("Human Resources Specialist", 20), ("Payroll Specialist", 15), ("Budget Analyst", 10),
           ("IT Specialist", 20), ("Fleet Coordinator", 10), ("Administrative Assistant", 25)),
          _civilian_ladder("Administrative Services"), DAYS, "CHIEF"),
]  # fmt: skip
BUREAUS = ["OPS", "SUP"]  # Field Operations; Investigations and Support: each a deputy chief


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words("""
Aaliyah Adam Adrian Aisha Alan Alejandro Alicia Amanda Amir Ana Andre Angela Anthony Antonio
Ashley Avery Brandon Brenda Brian Caleb Camila Carlos Carmen Catherine Chen Christopher Claire
Connor Crystal Daniel Danielle David Deborah Derek Diana Diego Dominic Dylan Elena Elijah Emily
Eric Erin Ethan Farah Fatima Gabriel Gloria Grace Hannah Hector Imani Isaac Jacob Jamal James
Jasmine Jason Jennifer Jessica Joel Jordan Jose Joseph Juan Julia Justin Karen Keisha Kevin Kim
Laura Lauren Leah Linda Logan Lucas Luis Malik Marcus Maria Mark Marisol Megan Michael Michelle
Miguel Monica Nadia Natalie Nathan Nicole Noah Olivia Omar Patricia Paul Priya Rachel Rafael
Raymond Rebecca Ricardo Robert Rosa Ryan Samantha Samuel Sandra Sarah Sean Sofia Stephanie Steven
Tamika Teresa Thomas Tiffany Tyler Valerie Vanessa Victor Wei William Xavier Yolanda Zachary
""")
LAST_NAMES = _words("""
Abbott Acosta Adams Aguilar Alvarez Anderson Armstrong Bailey Baker Banks Barnes Bell Bennett
Blake Bowman Boyd Bradley Brooks Bryant Burke Butler Caldwell Campbell Cardenas Carlson Carter
Castillo Chambers Chavez Clarke Coleman Collins Cooper Cruz Daniels Davis Delgado Diaz Dixon
Douglas Duncan Edwards Ellis Espinoza Estrada Evans Ferguson Fischer Fleming Flores Ford Foster
Fuentes Garcia Garza Gibson Gomez Gonzalez Graham Grant Gray Greene Griffin Gutierrez Hall
Hamilton Hansen Harper Harris Hayes Henderson Hernandez Hicks Holland Howard Hughes Hunt Ibarra
Jackson James Jenkins Jensen Johnson Jordan Kaur Keller Kelly Kennedy Khan Kim Knight Lam Lambert
Lawson Lee Lopez Lowe Marsh Martin Martinez Mason McCarthy Medina Mendoza Meyer Miller Mitchell
Molina Montgomery Moore Morales Murphy Myers Nguyen Nichols Novak O'Connor Ortiz Owens Palmer
Park Patel Pearson Perez Perry Peterson Phillips Porter Powell Price Quinn Ramirez Ramos Reed
Reyes Reynolds Rivera Roberts Robinson Rodriguez Rogers Romero Rose Ross Ruiz Russell Salazar
Sanchez Sanders Santos Schmidt Scott Shah Shaw Silva Simmons Singh Snyder Soto Spencer Stewart
Stone Sullivan Tan Taylor Thompson Torres Tran Turner Vargas Vasquez Wagner Walker Wallace
Walsh Ward Washington Watson Weaver Webb Wells West Wheeler White Williams Wilson Wong Wood
Wright Yang Young Zhang
""")


@dataclass(slots=True)
class _Person:
    """One employee as planned, before it is written."""

    parent: int | None
    depth: int
    division: str
    shift: str
    category: str
    job_family: str
    rank: str
    seniority: int  # 0 line staff, 1 first-line supervisor, … 5 deputy chief, 6 chief


# -- the plan ------------------------------------------------------------------------------------


# A unit's tree: level 0 is the line staff, each level a list of (shift, children in the level
# below); the line staff have no children (one shared empty tuple).
_Levels = list[list[tuple[str, Sequence[int]]]]


def _plan(total: int, rng: random.Random) -> list[_Person]:
    """Everyone in the agency, each after their supervisor, with their place in the chain."""
    targets = {
        unit.key: [rng.uniform(*SPANS[min(level, 3)][2:]) for level in range(1, 12)]
        for unit in UNITS
    }
    heads = _apportion(total - 1 - len(BUREAUS), [(unit.key, unit.share) for unit in UNITS])
    trees: dict[str, _Levels] = {}
    carry = 0
    for unit in UNITS:
        # Supervisors come in steps, so a unit may fall a person or two short of its share:
        # the shortfall moves on to the next unit, and the last one goes to the chief's office.
        budget = heads[unit.key] + carry
        _, trees[unit.key] = _fit(unit, budget, targets[unit.key])
        carry = budget - sum(len(level) for level in trees[unit.key])

    commanders = any(
        len(trees[unit.key]) - 1 >= unit.ladder.head_level
        for unit in UNITS
        if unit.ladder is SWORN_LADDER
    )
    people = [_Person(None, 0, "ADMIN", "DAY", SWORN, JobFamily.COMMAND, "Chief of Police", 6)]
    parents = {"CHIEF": 0}
    for key in BUREAUS:
        parents[key] = len(people)
        rank = "Deputy Chief" if commanders else "Commander"
        people.append(_Person(0, 1, "ADMIN", "DAY", SWORN, JobFamily.COMMAND, rank, 5))
    for _ in range(carry):
        people.append(
            _Person(0, 1, "ADMIN", "DAY", CIVILIAN, JobFamily.OTHER, "Executive Assistant", 0)
        )

    for unit in UNITS:
        levels = trees[unit.key]
        if not levels:
            parents[unit.key] = parents[unit.reports_to]
            continue
        height = len(levels) - 1
        above = [parents[unit.reports_to]]  # who each group of the level above is
        for level in range(height, -1, -1):
            upper = levels[level + 1] if level < height else [("", [0])]
            parent_of = {
                child: above[g] for g, (_, children) in enumerate(upper) for child in children
            }
            is_head = level == height
            current = []
            for i, (shift, _) in enumerate(levels[level]):
                if level == 0:
                    rank, family = _weighted(rng, unit.line), unit.job_family
                else:
                    rank = unit.ladder.title(level, is_head=is_head)
                    command = unit.category == SWORN and level >= 3
                    family = JobFamily.COMMAND if command else unit.job_family
                seniority = min(level, 3) + (
                    1 if is_head and level >= unit.ladder.head_level else 0
                )
                parent = parent_of[i]
                current.append(len(people))
                people.append(
                    _Person(parent, people[parent].depth + 1, unit.division, shift, unit.category,
                            family, rank, seniority)
                )  # fmt: skip
            if is_head:
                parents[unit.key] = current[0]
            above = current
    return people


def _fit(unit: _Unit, budget: int, targets: list[float]) -> tuple[int, _Levels]:
    """The most line staff that, with their supervisors, fit in `budget` people, and their
    tree (each tree tried is kept: the search asks some sizes twice, and the last is built)."""
    trees: dict[int, _Levels] = {}

    def size(line: int) -> int:
        if line not in trees:
            trees[line] = _tree(unit, line, targets)
        return sum(len(level) for level in trees[line])

    low, high = 0, budget
    while low < high:
        middle = (low + high + 1) // 2
        if size(middle) <= budget:
            low = middle
        else:
            high = middle - 1
    while low < budget and size(low + 1) <= budget:
        low += 1
    size(low)
    return low, trees[low]


def _tree(unit: _Unit, line: int, targets: list[float]) -> _Levels:
    """Group `line` staff under supervisors, level by level, until one person heads the unit.

    Level 0 is the line staff; each level is a list of (shift, children in the level below).
    Sergeants and lieutenants work the shift of their people when each shift has enough of
    them; captains and above work days.
    """
    if line == 0:
        return []
    none: tuple[int, ...] = ()
    levels: _Levels = [[(s, none) for s in _shift_list(line, unit.shifts)]]
    while len(levels[-1]) > 1 or len(levels) - 1 < unit.min_height:
        level = len(levels)
        low, high = SPANS[min(level, 3)][:2]
        below = levels[-1]
        by_shift: dict[str, list[int]] = {}
        if level <= 2:  # above, everyone works days: no pool by shift
            for i, (shift, _) in enumerate(below):
                by_shift.setdefault(shift, []).append(i)
        if len(by_shift) > 1 and min(map(len, by_shift.values())) >= low:
            pools = list(by_shift.values())
        else:
            pools = [list(range(len(below)))]
        groups: list[tuple[str, Sequence[int]]] = []
        for pool in pools:
            for chunk in _chunks(pool, targets[level - 1], high):
                if level > 2:
                    shift = "DAY"
                elif len(pools) > 1:
                    shift = below[chunk[0]][0]  # a pool of one shift
                else:
                    shift = Counter(below[i][0] for i in chunk).most_common(1)[0][0]
                groups.append((shift, chunk))
        levels.append(groups)
    return levels


def _chunks(items: list[int], target: float, high: int) -> list[list[int]]:
    """`items` in consecutive groups of about `target`, never more than `high`, sizes ±1."""
    count = max(1, math.ceil(len(items) / high), round(len(items) / target))
    size, extra = divmod(len(items), count)
    chunks, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        chunks.append(items[start:end])
        start = end
    return chunks


def _apportion(total: int, shares: list[tuple[str, float]]) -> dict[str, int]:
    """`total` seats shared by weight with the largest-remainder method."""
    weight = sum(share for _, share in shares)
    exact = [(key, total * share / weight) for key, share in shares]
    counts = {key: math.floor(value) for key, value in exact}
    by_remainder = sorted(exact, key=lambda item: item[1] - math.floor(item[1]), reverse=True)
    for key, _ in by_remainder[: total - sum(counts.values())]:
        counts[key] += 1
    return counts


def _shift_list(count: int, shifts: tuple[tuple[str, int], ...]) -> list[str]:
    """`count` people's shifts in proportion to the weights, day shift first."""
    counts = _apportion(count, [(code, float(weight)) for code, weight in shifts])
    return [code for code, _ in shifts for _ in range(counts[code])]


def _weighted(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([name for name, _ in choices], [weight for _, weight in choices])[0]


# -- writing -------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    """An employee as written: what the demo log-ins are chosen by (`web.demo._create_users`)."""

    pk: int
    good_standing: bool
    separation_kind: str


def _write_roster(
    agency: Agency,
    people: list[_Person],
    rng: random.Random,
    today: date,
    email_domain: str = EMAIL_DOMAIN,
) -> list[_Row]:
    """Create the divisions, shifts and every employee with their chain path, in one load.

    The keys are taken first (`_new_ids`), so each path (`chain.path_for`, the supervisor's
    path and then one's own key) is known before any row is written, and the roster goes in
    one statement, not level by level with the paths written after.
    """
    divisions = {
        code: Division.objects.create(agency=agency, code=code, name=name).pk
        for code, name in DIVISIONS
    }
    shifts = {
        code: Shift.objects.create(agency=agency, code=code, name=name).pk for code, name in SHIFTS
    }
    hired = [_hire_date(rng, today, person.seniority) for person in people]
    # Employee numbers follow the hire date, as HR systems hand them out.
    numbers = {
        i: str(100001 + n) for n, i in enumerate(sorted(range(len(people)), key=lambda i: hired[i]))
    }
    separations = _separations(rng, today, people, hired)
    # The keys go level by level from the chief down, each level in the plan's order (as a
    # level-by-level insert would give them), and so does the load.
    order = sorted(range(len(people)), key=lambda i: people[i].depth)
    ids = [0] * len(people)
    for i, pk in zip(order, _new_ids(Employee, len(people)), strict=True):
        ids[i] = pk
    paths: list[str] = []
    emails: Counter[str] = Counter()
    rows: list[_Row] = []
    values: list[list[Any]] = []
    for i, person in enumerate(people):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        local = f"{first}.{last}".lower().replace("'", "")
        emails[local] += 1
        if emails[local] > 1:
            local += str(emails[local])
        separation_date, separation_kind = separations.get(i, (None, ""))
        # `_plan` lists everyone after their supervisor: the supervisor's path is known.
        parent = person.parent
        paths.append(chain.path_for(ids[i], "" if parent is None else paths[parent]))
        phone = f"{AREA_CODE}-555-01{rng.randrange(100):02d}"
        good_standing = rng.random() >= 0.025
        rows.append(_Row(ids[i], good_standing, separation_kind))
        values.append(
            [ids[i], agency.pk, numbers[i], first, last, f"{local}@{email_domain}", phone,
             person.category, person.job_family, person.rank, divisions[person.division],
             shifts[person.shift], None if parent is None else ids[parent], paths[i],
             good_standing, hired[i], separation_date, separation_kind]
        )  # fmt: skip
    _load(Employee, ROSTER_COLUMNS, [values[i] for i in order])
    return rows


# The columns `_write_roster` fills, in its order; the rest keep their defaults (no separation
# recorded by an import, no log-in yet).
ROSTER_COLUMNS = (
    "id", "agency_id", "employee_number", "first_name", "last_name", "email", "phone",
    "category", "job_family", "rank", "division_id", "shift_id", "supervisor_id", "chain_path",
    "good_standing", "hire_date", "separation_date", "separation_kind",
)  # fmt: skip


def _new_ids(model: type[Model], count: int) -> list[int]:
    """`count` primary keys for new rows of `model`, taken from the database's own counter."""
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), column, count],
            )
            return sorted(pk for (pk,) in cursor.fetchall())
        # SQLite: the transaction holds the database's one write lock, so every key after the
        # largest ever handed out (AUTOINCREMENT keeps it in sqlite_sequence) is free; the
        # insert moves that mark past the new ones.
        quote = connection.ops.quote_name
        cursor.execute("SELECT max(seq) FROM sqlite_sequence WHERE name = %s", [table])
        (given,) = cursor.fetchone()
        cursor.execute(f"SELECT max({quote(column)}) FROM {quote(table)}")  # noqa: S608
        (largest,) = cursor.fetchone()
        first = max(given or 0, largest or 0) + 1
        return list(range(first, first + count))


def _load(model: type[Model], columns: tuple[str, ...], values: list[list[Any]]) -> None:
    """Insert new rows of `model` (values in `columns`' order, the key given): PostgreSQL's
    COPY, SQLite's executemany of one INSERT. A bulk load, like `bulk_create` without its
    per-value work: no model instances and no signals (`bulk_create` sends none either). The
    values are str, int, bool, date or None; dates are made what Django's backend writes (in
    place)."""
    by_name = {field.attname: field for field in model._meta.concrete_fields}
    fields = [by_name[name] for name in columns]
    adapt = connection.ops.adapt_datefield_value
    for n, field in enumerate(fields):
        if field.get_internal_type() == "DateField":
            for row in values:
                row[n] = adapt(row[n])
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)  # noqa: S608


def _hire_date(rng: random.Random, today: date, seniority: int) -> date:
    """Years of service by level: most officers are junior, commanders have put in their time."""
    least = (0, 5, 9, 13, 16, 18, 22)[seniority]
    years = min(least + rng.expovariate(1 / (8 if seniority == 0 else 5)), 34)
    return today - timedelta(days=int(years * 365.25) + rng.randrange(1, 30))


def _separations(
    rng: random.Random, today: date, people: list[_Person], hired: list[date]
) -> dict[int, tuple[date, str]]:
    """About 4% retiring within 24 months, and a few transfers and promotions (2011 §3.8.3)."""
    total = len(people)
    long_service = [i for i in range(1, total) if (today - hired[i]).days >= 20 * 365]
    retiring = rng.sample(long_service, min(len(long_service), round(total * 0.04)))
    found = {i: (today + timedelta(days=rng.randrange(30, 730)), SeparationKind.RETIREMENT.value)
             for i in retiring}  # fmt: skip
    line = [i for i in range(1, total) if people[i].seniority <= 1 and i not in found]
    moves = rng.sample(line, min(len(line), 2 * max(1, round(total * 0.01))))
    half = len(moves) // 2
    for n, i in enumerate(moves):
        kind = SeparationKind.TRANSFER if n < half else SeparationKind.PROMOTION
        found[i] = (today + timedelta(days=rng.randrange(14, 365)), kind.value)
    return found
