"""Time the chain-of-command queries on a 50,000-employee demo agency.

    .venv/bin/python bench/chain_of_command.py [--employees 50000] [--reuse]

The database is the one `bench/seed_demo.py` uses (SQLite in `var/bench/`, or a throw-away
database on the `DATABASE_URL` server). The demo agency is seeded first, unless `--reuse` is
given and the bench database already holds one of that size. Then, for random employees:

* 10,000 `in_chain_of_command(a, b)` checks, each loading the two employees by primary key
  (two queries), as a page would; the check alone is timed as well;
* 1,000 `everyone_under(x).count()`, and the same for the chief (everyone but one), the worst
  case.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from seed_demo import setup_django  # noqa: E402


def report(label: str, seconds: list[float]) -> None:
    micro = sorted(s * 1e6 for s in seconds)
    p95 = micro[int(len(micro) * 0.95) - 1]
    print(
        f"  {label:<44} {len(micro):>6,} calls  mean {statistics.fmean(micro):8.1f} µs  "
        f"median {statistics.median(micro):8.1f} µs  p95 {p95:8.1f} µs  max {micro[-1]:8.1f} µs"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="keep a demo agency of this size")
    options = parser.parse_args()
    server = setup_django()

    from django.db import connection

    from peerline.agencies import chain, demo
    from peerline.agencies.models import Employee

    where = connection.settings_dict["NAME"]
    try:
        roster = Employee.objects.filter(agency__code=demo.DEMO_CODE)
        if not (options.reuse and roster.count() == options.employees):
            started = time.perf_counter()
            demo.seed_demo(employees=options.employees, seed=options.seed)
            print(f"seeded {options.employees:,} in {time.perf_counter() - started:.1f} s")
        pks = sorted(roster.values_list("pk", flat=True))
        print(f"{connection.vendor} ({where}), {len(pks):,} employees")
        rng = random.Random(1)

        loaded, checked, related = [], [], 0
        for _ in range(10_000):
            x, y = rng.choice(pks), rng.choice(pks)
            started = time.perf_counter()
            a = Employee.objects.get(pk=x)
            b = Employee.objects.get(pk=y)
            middle = time.perf_counter()
            related += chain.in_chain_of_command(a, b)
            done = time.perf_counter()
            loaded.append(done - started)
            checked.append(done - middle)
        report("in_chain_of_command, loading both", loaded)
        report("in_chain_of_command, the check alone", checked)
        print(f"  ({related} of 10,000 random pairs are in each other's chain of command)")

        counts, sizes = [], []
        for _ in range(1_000):
            employee = Employee.objects.get(pk=rng.choice(pks))
            started = time.perf_counter()
            sizes.append(chain.everyone_under(employee).count())
            counts.append(time.perf_counter() - started)
        report("everyone_under(x).count(), random x", counts)
        print(
            f"  ({sum(size > 0 for size in sizes)} of them supervise someone; largest {max(sizes):,})"
        )
        chief = roster.get(supervisor__isnull=True)
        worst = []
        for _ in range(20):
            started = time.perf_counter()
            total = chain.everyone_under(chief).count()
            worst.append(time.perf_counter() - started)
        report(f"everyone_under(chief).count() = {total:,}", worst)
    finally:
        if server:
            connection.creation.destroy_test_db(where, verbosity=0)


if __name__ == "__main__":
    main()
