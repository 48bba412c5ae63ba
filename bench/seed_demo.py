"""Time `peerline seed-demo` for demo agencies of 600, 5,000 and 50,000 employees.

    .venv/bin/python bench/seed_demo.py [--employees 600 5000 50000] [--seed 1]

SQLite in `var/bench/peerline.sqlite3` by default: a file, with the settings the demo database
has (WAL, synchronous=NORMAL), but never the demo database itself. With `DATABASE_URL` set, a
database of its own on that server, created and dropped. Each size is seeded twice: into a
database without a demo agency ("fresh"), then again, replacing it (what a second `make demo`
does). The phases are timed by wrapping the builder's functions; "delete old demo" is part of
"replacing", and "chain paths" part of "roster + paths".
"""

import argparse
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
    options = parser.parse_args()
    server = setup_django()

    from django.core.management import call_command
    from django.db import connection

    from peerline.agencies.models import Employee
    from peerline.web import demo

    phases: dict[str, float] = defaultdict(float)

    def timed(name: str, function):  # type: ignore[no-untyped-def]
        @functools.wraps(function)
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                phases[name] += time.perf_counter() - started

        return wrapper

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
    try:
        for size in options.employees:
            demo.delete_demo()
            for label in ["fresh", "replacing"]:
                phases.clear()
                started = time.perf_counter()
                call_command("seed-demo", employees=size, seed=options.seed, stdout=io.StringIO())
                total = time.perf_counter() - started
                assert Employee.objects.filter(agency__code="DEMO").count() == size
                detail = ", ".join(
                    f"{name} {phases[name]:.2f}" for name in names.values() if name in phases
                )
                # What no phase holds: mostly the COMMIT (PostgreSQL checks deferred keys then).
                rest = total - sum(phases.values())
                print(
                    f"  {size:>6,} employees, {label:<9} {total:6.2f} s  ({detail}, rest {rest:.2f})"
                )
    finally:
        if server:
            connection.creation.destroy_test_db(where, verbosity=0)


if __name__ == "__main__":
    main()
