"""The recruitment plan: exact, lexicographic, explained (2011 §3.8.1, §3.8.3, §4.1)."""

import random
from datetime import UTC, date, datetime
from itertools import combinations

import pytest

from peerline.agencies.models import Category, JobFamily
from peerline.coverage.recruitment import add_months, choose, recruitment_plan
from peerline.team.models import Decision, Outcome, Status

from .builders import candidate, psp, staff

TODAY = date(2026, 11, 23)
COMM = {
    "division": "COMM",
    "category": Category.CIVILIAN,
    "job_family": JobFamily.TELECOMMUNICATIONS,
}


def brute_force(gaps, covers):
    """(most requirements closed, fewest people) over every subset of candidates."""
    best = (-1, 0)
    for size in range(len(covers) + 1):
        for chosen in combinations(range(len(covers)), size):
            closed = _closed(gaps, covers, chosen)
            best = max(best, (len(closed), -size))
    return best


def _closed(gaps, covers, chosen):
    got = [0] * len(gaps)
    for i in chosen:
        for r in covers[i]:
            got[r] += 1
    return {r for r, gap in enumerate(gaps) if got[r] >= gap}


def _random_case(rng):
    """Cells and job families with random gaps; each candidate in one cell and one family, as in
    an agency (a candidate may count toward no gap, one, or two)."""
    cells, families = rng.randint(1, 4), rng.randint(1, 3)
    gaps = [rng.randint(1, 3) for _ in range(cells + families)]
    short = [r for r in range(cells + families) if rng.random() < 0.8]  # the rest: no gap
    covers = []
    for _ in range(rng.randint(0, 12)):
        cell, family = rng.randrange(cells), cells + rng.randrange(families)
        covers.append(frozenset(r for r in (cell, family) if r in short))
    return [gaps[r] if r in short else 0 for r in range(cells + families)], covers


@pytest.mark.parametrize("seed", range(300))
def test_the_plan_equals_the_brute_force_optimum_2011_3_8_1(seed):
    rng = random.Random(seed)
    gaps, covers = _random_case(rng)
    keep = [r for r, gap in enumerate(gaps) if gap > 0]  # requirements are the gaps only
    renumber = {r: n for n, r in enumerate(keep)}
    gaps = [gaps[r] for r in keep]
    covers = [frozenset(renumber[r] for r in cover) for cover in covers]
    choice = choose(gaps, covers)
    closed = _closed(gaps, covers, choice.chosen)
    assert (len(closed), -len(choice.chosen)) == brute_force(gaps, covers)
    assert closed == set(choice.closed)
    # Interchangeable candidates are taken in the order given (earliest application first).
    for i in choice.chosen:
        assert all(
            j in choice.chosen
            for j in range(i)
            if covers[j] & choice.closed == covers[i] & choice.closed
        )


def test_a_requirement_nobody_can_close_is_left_and_no_one_is_chosen_for_it():
    choice = choose([4, 1], [frozenset({0}), frozenset({0}), frozenset({0, 1})])
    assert choice.closed == frozenset({1})
    assert choice.chosen == [2]


def test_add_months_keeps_the_day_or_the_month_end():
    assert add_months(date(2026, 11, 23), 12) == date(2027, 11, 23)
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)


@pytest.fixture
def gapped(agency):
    """Night · Communications · civilian needs 1 (none active); Day · Patrol · sworn needs 2 and
    has 1; telecommunications needs 1, patrol needs 2 and has 1."""
    night = staff(agency, 10, shift="NIGHT", **COMM)
    day = staff(agency, 30)
    psp(day[0])
    return {"night": night, "day": day}


def test_the_plan_closes_every_gap_with_the_fewest_people_and_says_why_2011_3_8_1(agency, gapped):
    night, day = gapped["night"], gapped["day"]
    candidate(night[1], days_ago=5)
    first = candidate(night[2], days_ago=30)  # applied first: chosen of the two
    candidate(day[1], days_ago=10)
    plan = recruitment_plan(agency=agency, today=TODAY)
    words = sorted(r.words for r in plan.requirements)
    assert words == [
        "Day shift · Patrol · sworn: 1 of 2 needed",
        "Night shift · Communications · civilian: 0 of 1 needed",
        "Patrol: 1 of 2 needed",
        "Telecommunications: 0 of 1 needed",
    ]
    assert plan.gaps_closed == 4 and plan.unclosable == []
    chosen = {s.candidate.employee_number: s for s in plan.suggestions}
    assert set(chosen) == {night[2].employee_number, day[1].employee_number}
    assert chosen[night[2].employee_number].candidate.application_id == first.pk
    assert [r.words for r in chosen[night[2].employee_number].reasons] == [
        "Night shift · Communications · civilian: 0 of 1 needed",
        "Telecommunications: 0 of 1 needed",
    ]
    assert plan.pool == 3 and plan.excluded == []


def test_gaps_the_pool_cannot_close_say_how_many_more_are_needed_2011_3_8_3(agency, gapped):
    staff(agency, 60, shift="EVE", division="INV", job_family=JobFamily.INVESTIGATIONS)  # needs 3
    candidate(gapped["day"][1])
    plan = recruitment_plan(agency=agency, today=TODAY)
    short = {r.label: r.more_needed for r in plan.unclosable}
    assert short == {
        "Evening shift · Investigations · sworn": 3,
        "Night shift · Communications · civilian": 1,
        "Investigations": 3,
        "Telecommunications": 1,
    }
    assert plan.more_needed == 4  # cells only: the families overlap them
    assert plan.gaps_closed == 2 and len(plan.suggestions) == 1


def test_candidates_out_of_the_pool_are_listed_with_their_reasons_2011_4_1(agency, gapped):
    night = gapped["night"]
    standing = staff(agency, 1, shift="NIGHT", good_standing=False, **COMM)[0]
    candidate(standing)
    gone = staff(agency, 1, shift="NIGHT", separated_on=date(2026, 10, 1), **COMM)[0]
    candidate(gone)
    retiring = staff(agency, 1, shift="NIGHT", separation_date=date(2027, 11, 23),
                     separation_kind="retirement", **COMM)[0]  # fmt: skip
    candidate(retiring)
    staying = staff(agency, 1, shift="NIGHT", separation_date=date(2027, 11, 24),
                    separation_kind="transfer", **COMM)[0]  # fmt: skip
    candidate(staying)
    candidate(night[1], withdrawn_at=datetime(2026, 11, 1, tzinfo=UTC))
    refused = candidate(night[2])
    Decision.objects.create(application=refused, outcome=Outcome.NOT_SELECTED, reasons="-",
                            decided_at=datetime(2026, 11, 2, tzinfo=UTC))  # fmt: skip
    candidate(night[3], eligible=False)
    psp(gapped["day"][5], Status.INACTIVE)  # stepped down: not a candidate
    plan = recruitment_plan(agency=agency, today=TODAY)
    reasons = {e.employee_number: e.reasons for e in plan.excluded}
    assert reasons == {
        standing.employee_number: ("not in good standing (2011 §4.1)",),
        gone.employee_number: ("left the agency on 2026-10-01",),
        retiring.employee_number: ("planned retirement on 2027-11-23, within 12 months",),
        night[3].employee_number: ("found not eligible at the eligibility check (2011 §4.1)",),
    }
    assert plan.pool == 1
    assert [s.candidate.employee_number for s in plan.suggestions] == [staying.employee_number]


def test_no_gap_means_no_suggestion(agency):
    people = staff(agency, 10)
    psp(people[0])
    candidate(people[1])
    plan = recruitment_plan(agency=agency, today=TODAY)
    assert (plan.requirements, plan.suggestions, plan.pool) == ([], [], 1)


def test_another_agencys_candidates_are_not_in_the_pool(agency, other_agency, gapped):
    candidate(staff(other_agency, 1, shift="NIGHT", **COMM)[0])
    plan = recruitment_plan(agency=agency, today=TODAY)
    assert plan.pool == 0 and plan.suggestions == []
