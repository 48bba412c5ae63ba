"""Time the coverage matrix, the 24-month forecast and the recruitment plan at 50,000 employees.

    .venv/bin/python bench/recruitment.py [--employees 50000] [--active 1200] [--candidates 2000]
                                          [--runs 7]

The database is the one `bench/seed_demo.py` uses (SQLite in `var/bench/`, or a throw-away
database on the `DATABASE_URL` server). The demo agency is seeded, then `--active` random
employees become active peer supporters and `--candidates` others candidates with an open
application (employees in good standing, staying at least a year, without a PSP row of the
demo's own). Each function is then run `--runs` times; the median, the fastest and the slowest
run are printed, with the number of queries, and for the plan the solver's own time.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from seed_demo import setup_django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=50_000)
    parser.add_argument("--active", type=int, default=1_200)
    parser.add_argument("--candidates", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    server = setup_django()

    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from peerline.agencies.clock import local_today
    from peerline.coverage.forecast import forecast
    from peerline.coverage.matrix import coverage_matrix
    from peerline.coverage.recruitment import recruitment_plan
    from peerline.coverage.tests.builders import random_team
    from peerline.web import demo

    where = connection.settings_dict["NAME"]
    try:
        started = time.perf_counter()
        agency = demo.seed_demo(employees=options.employees, seed=options.seed).agency
        today = local_today(agency)
        random_team(
            agency, today=today, active=options.active, candidates=options.candidates,
            seed=options.seed,
        )  # fmt: skip
        print(f"{connection.vendor} ({where})")
        print(
            f"seeded {options.employees:,} employees, {options.active:,} active PSPs and "
            f"{options.candidates:,} candidates (besides the demo's own team) in "
            f"{time.perf_counter() - started:.1f} s"
        )

        def timed(label: str, function):  # type: ignore[no-untyped-def]
            seconds, result = [], None
            for _ in range(options.runs):
                reset_queries()
                with CaptureQueriesContext(connection) as queries:
                    begun = time.perf_counter()
                    result = function()
                    seconds.append(time.perf_counter() - begun)
            ms = sorted(s * 1000 for s in seconds)
            print(
                f"  {label:<22} median {statistics.median(ms):8.1f} ms  fastest {ms[0]:8.1f} ms  "
                f"slowest {ms[-1]:8.1f} ms  {len(queries.captured_queries)} queries"
            )
            return result

        matrix = timed("coverage_matrix", lambda: coverage_matrix(agency=agency, on=today))
        timed("forecast (24 months)", lambda: forecast(agency=agency, start=today))
        solves: list[float] = []

        def plan():  # type: ignore[no-untyped-def]
            found = recruitment_plan(agency=agency, today=today)
            solves.append(found.solve_seconds)
            return found

        found = timed("recruitment_plan", plan)
        solve = sorted(s * 1000 for s in solves)
        print(
            f"  {'  of which the solve':<22} median {statistics.median(solve):8.1f} ms  "
            f"fastest {solve[0]:8.1f} ms  slowest {solve[-1]:8.1f} ms"
        )
        print(
            f"  {len(matrix.cells)} cells, {len(found.requirements)} gaps "
            f"({sum(r.kind == 'cell' for r in found.requirements)} cells, "
            f"{sum(r.kind == 'family' for r in found.requirements)} job families); "
            f"pool {found.pool:,}, {len(found.excluded)} excluded; plan: {len(found.suggestions)} "
            f"people close {found.gaps_closed} gaps, {len(found.unclosable)} not closable"
        )
    finally:
        if server:
            connection.creation.destroy_test_db(where, verbosity=0)


if __name__ == "__main__":
    main()
