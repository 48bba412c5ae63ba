"""Time the roster import on a generated agency of 50,000 employees.

    .venv/bin/python bench/import_personnel.py [--employees 50000]

SQLite in a temporary file by default (WAL, as in production use of the default). With
`DATABASE_URL` set, Django's test database for it is created and destroyed, so no real data is
touched (it gets a name of its own). Four imports are timed: the first (everyone created), the same file again (unchanged),
a file with 5% of rows edited, 1% transferred and 1% missing (separated), and the first file again
(the missing ones reinstated).
"""

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path


def roster(size: int, seed: int = 1) -> list[list[str]]:
    """A chief, then commanders, lieutenants, sergeants and officers: 6 levels, fictional names."""
    rng = random.Random(seed)
    rows: list[list[str]] = []
    divisions, shifts = ["PATROL", "INV", "COMM"], ["DAY", "EVE", "NIGHT"]

    def add(supervisor: str, rank: str, division: str) -> str:
        number = str(100000 + len(rows))
        rows.append(
            [
                number,
                f"First{number}",
                f"Last{number}",
                f"e{number}@example.org",
                f"555-{rng.randrange(10000):04d}",
                rng.choice(["sworn", "sworn", "civilian"]),
                rng.choice(["patrol", "investigations", "telecommunications", "records"]),
                rank,
                division,
                rng.choice(shifts),
                supervisor,
                "yes",
                f"{rng.randrange(1990, 2025)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
                "",
                "",
            ]
        )
        return number

    chief = add("", "Chief", "PATROL")
    while len(rows) < size:
        division = rng.choice(divisions)
        commander = add(chief, "Commander", division)
        for _ in range(10):
            lieutenant = add(commander, "Lieutenant", division)
            for _ in range(10):
                sergeant = add(lieutenant, "Sergeant", division)
                for _ in range(8):
                    if len(rows) >= size:
                        return rows
                    add(sergeant, "Officer", division)
    return rows


def as_csv(rows: list[list[str]]) -> str:
    """The rows under the importer's own header (called once Django is set up)."""
    from peerline.roster.reader import COLUMNS

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=50_000)
    size = parser.parse_args().employees

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    workdir = tempfile.TemporaryDirectory()
    use_test_db = bool(os.environ.get("DATABASE_URL"))
    if not use_test_db:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir.name}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerline.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if use_test_db:
        # A name of its own, so a test run using the same server is never disturbed.
        connection.settings_dict["TEST"]["NAME"] = f"test_peerline_bench_{os.getpid()}"
        connection.creation.create_test_db(verbosity=0)
    else:
        call_command("migrate", verbosity=0)

    from peerline.agencies import chain
    from peerline.agencies.models import Employee
    from peerline.roster.importer import import_personnel
    from peerline.testing.personas import make_agency

    try:
        agency = make_agency(code="BENCH")
        first = roster(size)
        rng = random.Random(2)
        edited = [list(row) for row in first]
        for row in rng.sample(edited[1:], size // 20):
            row[7] = "Senior " + row[7]
        for row in rng.sample(edited[1:], size // 100):
            row[8] = "INV" if row[8] != "INV" else "PATROL"
        leaves = {row[0] for row in rng.sample(edited, size // 10) if row[7].endswith("Officer")}
        edited = [row for row in edited if row[0] not in leaves]

        print(f"{connection.vendor}, {size} rows")
        for label, rows in [
            ("first import", first),
            ("same file again", first),
            ("edits, transfers, leavers", edited),
            ("first file again", first),
        ]:
            text = as_csv(rows)
            started = time.perf_counter()
            result = import_personnel(agency=agency, lines=io.StringIO(text, newline=""))
            elapsed = time.perf_counter() - started
            print(f"  {label:<27}{elapsed:6.1f} s  {result.counts()}")

        officer = Employee.objects.get(agency=agency, employee_number=first[-1][0])
        chief = Employee.objects.get(agency=agency, employee_number=first[0][0])
        assert chain.in_chain_of_command(chief, officer)
        assert chain.everyone_under(chief).count() == size - 1
    finally:
        if use_test_db:
            connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
        workdir.cleanup()


if __name__ == "__main__":
    main()
