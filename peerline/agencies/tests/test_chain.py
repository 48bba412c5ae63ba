"""The chain of command (2011 §7.2) against a brute-force walk of the `supervisor` links.

First on the small persona agency, then on a seeded 50,000-employee agency, where the paths
must still agree with the walk and the queries must stay a fixed number.
"""

import random
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import override_settings

from peerline.agencies import chain
from peerline.agencies.models import Agency, Employee
from peerline.testing import personas as p
from peerline.web import demo


@dataclass
class Roster:
    """Each employee's supervisor, from the database, and the walks over those links."""

    supervisor_of: dict[int, int | None]

    @classmethod
    def of(cls, agency: Agency) -> "Roster":
        rows = Employee.objects.filter(agency=agency).values_list("pk", "supervisor_id")
        return cls(dict(rows))

    def above(self, pk: int) -> list[int]:
        """Supervisors of `pk`, nearest first, by following the links one at a time."""
        found = []
        node = self.supervisor_of[pk]
        while node is not None:
            found.append(node)
            node = self.supervisor_of[node]
        return found

    def below(self, pk: int) -> set[int]:
        children: dict[int | None, list[int]] = {}
        for child, parent in self.supervisor_of.items():
            children.setdefault(parent, []).append(child)
        found: set[int] = set()
        todo = list(children.get(pk, []))
        while todo:
            node = todo.pop()
            found.add(node)
            todo.extend(children.get(node, []))
        return found

    def related(self, a: int, b: int) -> bool:
        return a in self.above(b) or b in self.above(a)


def pks(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


# -- the persona agency -------------------------------------------------------------------------


@pytest.fixture
def people(request) -> p.Chain:
    """The persona chain (`chain` fixture), under a name that leaves `chain` to the module."""
    return request.getfixturevalue("chain")


@pytest.fixture
def everyone(people) -> list[Employee]:
    return list(Employee.objects.filter(agency=people.chief.agency))


def test_ancestor_ids_walk_up_nearest_first(everyone):
    walk = Roster.of(everyone[0].agency)
    for employee in everyone:
        assert chain.ancestor_ids(employee) == walk.above(employee.pk)


def test_below_q_finds_everyone_under_and_no_one_else(everyone):
    walk = Roster.of(everyone[0].agency)
    for employee in everyone:
        assert pks(Employee.objects.filter(chain.below_q(employee))) == walk.below(employee.pk)


def test_below_q_follows_a_prefix(people):
    # Employees whose supervisor is under the commander: the sergeant and the two officers.
    under = Employee.objects.filter(chain.below_q(people.commander, prefix="supervisor__"))
    assert pks(under) == {people.sergeant.pk, people.officer.pk, people.officer2.pk}


def test_chain_q_is_everyone_above_and_below(everyone):
    walk = Roster.of(everyone[0].agency)
    for employee in everyone:
        expected = walk.below(employee.pk) | set(walk.above(employee.pk))
        assert pks(Employee.objects.filter(chain.chain_q(employee))) == expected


def test_everyone_under_leaves_out_separated_employees(people):
    walk = Roster.of(people.chief.agency)
    assert pks(chain.everyone_under(people.lieutenant)) == walk.below(people.lieutenant.pk)
    Employee.objects.filter(pk=people.officer.pk).update(separated_on="2025-01-31")
    assert pks(chain.everyone_under(people.lieutenant)) == {people.sergeant.pk, people.officer2.pk}


def test_in_chain_of_command_matches_the_walk_for_every_pair(everyone):
    walk = Roster.of(everyone[0].agency)
    for a in everyone:
        for b in everyone:
            assert chain.in_chain_of_command(a, b) == walk.related(a.pk, b.pk), (a, b)
    assert not chain.in_chain_of_command(everyone[0], everyone[0])


def test_nobody_is_in_the_chain_of_command_of_another_agency(people):
    other = p.make_agency(code="ELSEWHERE")
    stranger = p.make_employee(other, "1000")
    # Even with a path that looks like the chief's own, another agency is never in the chain.
    stranger.chain_path = people.chief.chain_path + stranger.chain_path
    assert not chain.in_chain_of_command(stranger, people.chief)
    assert not chain.in_chain_of_command(people.chief, stranger)


def test_the_checks_cost_a_fixed_number_of_queries(people, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert chain.in_chain_of_command(people.officer, people.chief)
        assert not chain.in_chain_of_command(people.officer, people.telecommunicator)
        chain.ancestor_ids(people.officer)
        chain.chain_q(people.sergeant)
    with django_assert_num_queries(1):
        assert chain.everyone_under(people.chief).count() == 7


def test_compute_paths_matches_the_stored_paths(everyone):
    walk = Roster.of(everyone[0].agency)
    assert chain.compute_paths(walk.supervisor_of) == {e.pk: e.chain_path for e in everyone}


def test_compute_paths_takes_employees_in_any_order():
    paths = chain.compute_paths({3: 2, 2: 1, 1: None, 4: 1})
    assert paths == {
        1: "000000001",
        2: "000000001000000002",
        3: "000000001000000002000000003",
        4: "000000001000000004",
    }


def test_compute_paths_refuses_a_chain_deeper_than_the_column():
    deep = {1: None} | {n: n - 1 for n in range(2, chain.MAX_DEPTH + 1)}
    assert len(chain.compute_paths(deep)[chain.MAX_DEPTH]) == 255 // 9 * 9
    with pytest.raises(chain.ChainTooDeep):
        chain.compute_paths(deep | {chain.MAX_DEPTH + 1: chain.MAX_DEPTH})


def test_compute_paths_stops_at_a_supervisor_outside_the_roster():
    assert chain.compute_paths({5: 99}) == {5: chain.encode(5)}


def test_compute_paths_refuses_a_cycle_instead_of_looping():
    with pytest.raises(ValueError, match="cycle"):
        chain.compute_paths({1: 2, 2: 1})


def test_an_employee_without_a_path_is_an_error_not_everyone(people):
    """An empty path would be a prefix of every path: it must never mean "in the chain"."""
    people.officer.chain_path = ""
    with pytest.raises(ValueError):
        chain.in_chain_of_command(people.officer, people.chief)
    with pytest.raises(ValueError):
        chain.below_q(people.officer)


def test_find_cycles_reports_each_cycle_once_without_its_tail():
    supervisor_of = {
        "A": None,
        "B": "A",
        "C": "D",  # C → D → E → C
        "D": "E",
        "E": "C",
        "F": "C",  # a tail into the cycle, not part of it
        "G": "G",  # their own supervisor
        "H": "X",  # a supervisor not on the roster
    }
    cycles = chain.find_cycles(supervisor_of)
    assert sorted(sorted(cycle) for cycle in cycles) == [["C", "D", "E"], ["G"]]
    assert chain.find_cycles({"A": None, "B": "A", "C": "B"}) == []


def test_refresh_paths_repairs_the_paths_of_a_moved_team(people):
    agency = people.chief.agency
    assert chain.refresh_paths(agency.pk) == 0
    # The sergeant's team moves from the lieutenant to directly under the commander.
    Employee.objects.filter(pk=people.sergeant.pk).update(supervisor=people.commander)
    assert chain.refresh_paths(agency.pk) == 3
    moved = {e.pk: e for e in Employee.objects.filter(agency=agency)}
    walk = Roster.of(agency)
    for employee in moved.values():
        assert chain.ancestor_ids(employee) == walk.above(employee.pk)
    assert not chain.in_chain_of_command(moved[people.lieutenant.pk], moved[people.officer.pk])
    assert chain.in_chain_of_command(moved[people.commander.pk], moved[people.officer.pk])


# -- a 50,000-employee agency -------------------------------------------------------------------


@pytest.fixture(scope="module")
def large(django_db_setup, django_db_blocker):
    """The demo agency at 50,000 employees, seeded once for the module in a transaction that is
    rolled back at the end (as `TestCase.setUpTestData` does); each test runs in a savepoint."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            agency = demo.seed_demo(employees=50_000, seed=11).agency
        walk = Roster.of(agency)
    yield agency, walk
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def sample(walk: Roster, count: int, seed: int) -> list[int]:
    return random.Random(seed).sample(sorted(walk.supervisor_of), count)


@pytest.mark.slow
def test_paths_match_the_walk_at_50000(db, large):
    agency, walk = large
    stored = dict(Employee.objects.filter(agency=agency).values_list("pk", "chain_path"))
    assert len(stored) == 50_000
    assert chain.compute_paths(walk.supervisor_of) == stored
    for pk in sample(walk, 500, seed=1):
        assert chain.ancestor_ids(Employee(pk=pk, chain_path=stored[pk])) == walk.above(pk)
    numbers = dict(Employee.objects.filter(agency=agency).values_list("pk", "employee_number"))
    by_number = {numbers[pk]: numbers.get(sup) for pk, sup in walk.supervisor_of.items()}
    assert chain.find_cycles(by_number) == []
    assert chain.refresh_paths(agency.pk) == 0


@pytest.mark.slow
def test_in_chain_of_command_matches_the_walk_on_200_pairs_at_50000(db, large):
    agency, walk = large
    rng = random.Random(2)
    a_side = sample(walk, 200, seed=3)
    pairs = []
    for n, a in enumerate(a_side):
        if n % 2 and walk.above(a):  # every other pair: someone above, in either order
            b = rng.choice(walk.above(a))
            pairs.append((a, b) if n % 4 == 1 else (b, a))
        else:
            pairs.append((a, rng.choice(a_side)))
    loaded = Employee.objects.in_bulk({pk for pair in pairs for pk in pair})
    related = 0
    for a, b in pairs:
        expected = a != b and walk.related(a, b)
        assert chain.in_chain_of_command(loaded[a], loaded[b]) == expected, (a, b)
        related += expected
    assert 90 <= related < 200  # both answers are exercised


@pytest.mark.slow
def test_everyone_under_counts_match_the_walk_at_50000(db, large, django_assert_num_queries):
    agency, walk = large
    by_rank: dict[str, Employee] = {}
    for employee in Employee.objects.filter(agency=agency).order_by("employee_number"):
        by_rank.setdefault(employee.rank, employee)
    for rank in ["Chief of Police", "Deputy Chief", "Commander", "Major", "Captain", "Lieutenant",
                 "Sergeant", "Police Officer", "Communications Manager"]:  # fmt: skip
        employee = by_rank[rank]
        below = walk.below(employee.pk)
        with django_assert_num_queries(1):
            assert chain.everyone_under(employee).count() == len(below), rank
        if len(below) < 5000:
            assert pks(chain.everyone_under(employee)) == below
    assert chain.everyone_under(by_rank["Chief of Police"]).count() == 49_999
    sergeant = by_rank["Sergeant"]
    expected = walk.below(sergeant.pk) | set(walk.above(sergeant.pk))
    assert pks(Employee.objects.filter(chain.chain_q(sergeant))) == expected
    with django_assert_num_queries(0):
        chain.in_chain_of_command(by_rank["Chief of Police"], sergeant)
