"""Time `peerline seed-demo` for demo agencies of 600, 5,000 and 50,000 employees.

    .venv/bin/python bench/seed_demo.py [--employees 600 5000 50000] [--seed 1]
    .venv/bin/python bench/seed_demo.py --employees 50000 --profile var/bench/seed.prof

SQLite in `var/bench/peerline.sqlite3` by default: a file, with the settings the demo database
has (WAL, synchronous=NORMAL), but never the demo database itself. With `DATABASE_URL` set, a
database of its own on that server, created and dropped. Each size is seeded twice: into a
database without a demo agency ("fresh"), then again, replacing it (what a second `make demo`
does). The phases are timed by wrapping the builder's functions; "delete old demo" is part of
"replacing", and "chain paths" part of "roster + paths". A phase's figure is its own time: a
phase called inside another (the partner agency's roster, log-ins and team) counts in its own
line, not twice; each line also gives the statements it sent (`q`). `--profile FILE` keeps
cProfile's statistics of the last run (read them with `python -m pstats FILE`). The CPU time of
this process is printed beside each total: on a busy machine it moves less than the wall time
(the database server's own time is not in it).
"""

import argparse
import cProfile
import functools
import io
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> bool:
    """Point Django at the bench database; True when it is a throw-away server database."""
    sys.path.insert(0, str(ROOT))
    server = bool(os.environ.get("DATABASE_URL"))
    if not server:
        os.environ["PEERLINE_DATA_DIR"] = str(ROOT / "var" / "bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerline.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if server:
        # A name of its own, so that no real data and no test run is ever disturbed.
        connection.settings_dict["TEST"]["NAME"] = f"test_peerline_bench_{os.getpid()}"
        connection.creation.create_test_db(verbosity=0)
    else:
        call_command("migrate", verbosity=0)
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, nargs="+", default=[600, 5_000, 50_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", metavar="FILE", help="cProfile the last run into FILE")
    options = parser.parse_args()
    server = setup_django()

    from django.core.management import call_command
    from django.db import connection

    from peerline.agencies.models import Employee
    from peerline.web import demo

    phases: dict[str, float] = defaultdict(float)
    statements: dict[str, int] = defaultdict(int)
    stack: list[str] = ["rest"]  # the phase now running, innermost last

    def timed(name: str, function):  # type: ignore[no-untyped-def]
        @functools.wraps(function)
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            stack.append(name)
            try:
                return function(*args, **kwargs)
            finally:
                stack.pop()
                spent = time.perf_counter() - started
                phases[name] += spent
                phases[stack[-1]] -= spent  # the enclosing phase's own time excludes this one

        return wrapper

    def counted(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        statements[stack[-1]] += 1
        return execute(sql, params, many, context)

    names = {
        "_plan": "plan",
        "delete_demo": "delete old demo",
        "_write_roster": "roster + paths",
        "_create_users": "users (Argon2)",
        "seed_team": "team",
        "seed_clinical": "clinical",
        "seed_training": "training",
        "seed_incidents": "incidents",
        "seed_contacts": "contacts",
        "agency_close_due": "close quarters",
        "_seed_partner": "partner agency",
        "roster_accounts_sync": "roster log-ins",
        "_delete_spared": "unlinked old log-ins",
        "seed_program": "written program",
    }
    for attribute, name in names.items():
        setattr(demo, attribute, timed(name, getattr(demo, attribute)))

    where = connection.settings_dict["NAME"]
    print(f"{connection.vendor} ({where})")
    profiler = cProfile.Profile() if options.profile else None
    try:
        for n, size in enumerate(options.employees):
            demo.delete_demo()
            for label in ["fresh", "replacing"]:
                phases.clear()
                statements.clear()
                last = profiler is not None and n == len(options.employees) - 1
                if last and label == "replacing":
                    profiler.enable()
                started, cpu = time.perf_counter(), time.process_time()
                with connection.execute_wrapper(counted):
                    call_command(
                        "seed-demo", employees=size, seed=options.seed, stdout=io.StringIO()
                    )
                total, cpu = time.perf_counter() - started, time.process_time() - cpu
                if last and label == "replacing":
                    profiler.disable()
                    profiler.dump_stats(options.profile)
                assert Employee.objects.filter(agency__code="DEMO").count() == size
                # What no phase holds: mostly the COMMIT (PostgreSQL checks deferred keys then),
                # the second factors and ANALYZE.
                phases["rest"] += total
                detail = "\n".join(
                    f"      {name:<22} {phases[name]:6.2f} s {statements[name]:>7,} q"
                    for name in [*names.values(), "rest"]
                    if name in phases
                )
                print(
                    f"  {size:>6,} employees, {label:<9} {total:6.2f} s (this process's CPU "
                    f"{cpu:.2f} s), {sum(statements.values()):,} statements\n{detail}"
                )
    finally:
        if server:
            connection.creation.destroy_test_db(where, verbosity=0)


if __name__ == "__main__":
    main()
