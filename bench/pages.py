"""Time, count and profile the product's pages on a kept 50,000-employee demo (issue 18: every
page of every role under 300 ms). Where `bench/suite.py` seeds a database for each run and drops
it, this one keeps it, so a slow page can be measured again after each change in seconds.

    .venv/bin/python bench/pages.py --setup                      # seed-demo 50,000 + the suite's extras
    .venv/bin/python bench/pages.py                              # every page of every role, slowest first
    .venv/bin/python bench/pages.py --role coordinator --page web:home --profile
    .venv/bin/python bench/pages.py --surge --users 200 --seconds 60   # the suite's surge, PostgreSQL

The database: PostgreSQL `bench_pages` (`--database`) on BENCH_DATABASE_URL's server (default the local one),
or SQLite `var/bench/pages.sqlite3` with `--sqlite`. `--setup` (re)builds it: about a minute.
Prints for each page its median of `--loads` loads after a first one, its query count and its
HTML size; `--profile` prints where the time of one page's load goes (cProfile, cumulative).
`--surge` runs the suite's locust surge against `peerline serve` on the kept database instead
of the page sweep, so a change can be tried under load without seeding again.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NAME = "bench_pages"


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", action="store_true", help="(re)build the database first")
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--employees", type=int, default=50_000)
    parser.add_argument("--role", action="append", help="only this demo role (repeatable)")
    parser.add_argument("--page", action="append", help="only this URL name (repeatable)")
    parser.add_argument("--loads", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile one load of each page")
    parser.add_argument("--sql", action="store_true", help="print the statements of each page")
    parser.add_argument("--full-sql", action="store_true", help="with --sql: not cut at 300")
    parser.add_argument("--surge", action="store_true", help="the suite's surge, not the sweep")
    parser.add_argument("--users", type=int, default=200, help="surge: locust users")
    parser.add_argument("--seconds", type=int, default=60, help="surge: duration")
    parser.add_argument("--database", default=NAME, help="PostgreSQL: the database's name")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    return parser.parse_args()


def configure(options: argparse.Namespace) -> None:
    os.environ.setdefault("PEERLINE_SECRET_KEY", "bench-pages-" + "x" * 40)
    os.environ.setdefault("PEERLINE_TOKEN_KEY", "bench-pages-token-key-" + "y" * 10)
    if options.sqlite:
        data = ROOT / "var" / "bench" / "pages"
        data.mkdir(parents=True, exist_ok=True)
        os.environ["PEERLINE_DATA_DIR"] = str(data)
        os.environ.pop("DATABASE_URL", None)
    else:
        os.environ["DATABASE_URL"] = options.postgres.rsplit("/", 1)[0] + "/" + options.database
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerline.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def setup(options: argparse.Namespace) -> None:
    """A fresh database with the demo at `--employees` and the suite's extras (more PSPs and
    candidates, a clinician on call, an open shooting)."""
    import suite
    from django.core.management import call_command
    from django.db import connection

    if options.sqlite:
        connection.close()
        for path in (ROOT / "var" / "bench" / "pages").glob("peerline.sqlite3*"):
            path.unlink()
    else:
        import psycopg

        with psycopg.connect(options.postgres, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {options.database} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {options.database}")
            # As docs/deploy.md advises for SSD storage.
            admin.execute(f"ALTER DATABASE {options.database} SET random_page_cost = 1.1")
    call_command("migrate", verbosity=0)
    begun = time.perf_counter()
    call_command("seed-demo", employees=options.employees, seed=1, stdout=io.StringIO())
    print(f"seed-demo {options.employees:,}: {time.perf_counter() - begun:.1f} s", flush=True)
    extras = argparse.Namespace(active=1_200, candidates=2_000)
    suite.prepare(extras)


def measure(options: argparse.Namespace) -> None:
    from django.db import connection
    from django.test import Client

    from peerline.accounts.models import User
    from peerline.agencies.models import Agency
    from peerline.testing.pages import pages
    from peerline.testing.second_factor import verified_force_login
    from peerline.web import demo

    agency = Agency.objects.get(code=demo.DEMO_CODE)
    urls = pages(agency)
    rows: list[tuple[float, str, str, int, int]] = []
    for role, username, _ in demo.DEMO_USERS:
        if options.role and role.value not in options.role:
            continue
        client = Client()
        verified_force_login(client, User.objects.get(username=username))
        for name, url in urls.items():
            if options.page and name not in options.page:
                continue
            if client.get(url).status_code != 200:
                continue  # not this role's page
            queries: list[tuple[str, Any]] = []

            def count(
                execute: Any, sql: str, params: Any, *args: Any, into: list[Any] = queries
            ) -> Any:
                begun = time.perf_counter()
                try:
                    return execute(sql, params, *args)
                finally:
                    into.append((sql, params, (time.perf_counter() - begun) * 1000))

            with connection.execute_wrapper(count):
                response = client.get(url)
            ms = []
            for _ in range(options.loads):
                begun = time.perf_counter()
                client.get(url)
                ms.append((time.perf_counter() - begun) * 1000)
            size = len(b"".join(response) if response.streaming else response.content)
            rows.append((statistics.median(ms), role.value, name, len(queries), size))
            if options.sql:
                for sql, params, took in queries:
                    print(f"  {took:6.1f} ms  {sql if options.full_sql else sql[:300]}")
                    if options.full_sql:
                        print(f"    -- {params}")
            if options.profile:
                profile = cProfile.Profile()
                profile.runcall(client.get, url)
                out = io.StringIO()
                pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(30)
                print(f"--- {role.value} {name}\n{out.getvalue()}")
    rows.sort(reverse=True)
    print(f"{'ms':>8}  {'queries':>7}  {'KB':>6}  role / page")
    for ms, role_name, name, count, size in rows:
        print(f"{ms:8.0f}  {count:7d}  {size / 1024:6.0f}  {role_name} {name}")


def surge(options: argparse.Namespace) -> None:
    """The suite's surge (bench/surge.py) on the kept PostgreSQL database: the same server, the
    same plan and the same report line, without seeding 50,000 employees first."""
    import json
    import tempfile

    import suite

    from peerline.accounts.models import ApiToken, User
    from peerline.agencies.clock import local_today
    from peerline.agencies.models import Agency
    from peerline.incidents.models import CriticalIncident
    from peerline.web import demo

    agency = Agency.objects.get(code=demo.DEMO_CODE)
    users = {username: User.objects.get(username=username) for _, username, _ in demo.DEMO_USERS}
    fixtures = {
        "users": users,
        "today": local_today(agency),
        "incident": CriticalIncident.objects.filter(agency=agency, place="Bench").latest("pk"),
        "psp_token": ApiToken.issue(users["peer"], name="bench"),
        "coordinator_token": ApiToken.issue(users["coordinator"], name="bench"),
    }
    keys = {name: os.environ[name] for name in ("PEERLINE_SECRET_KEY", "PEERLINE_TOKEN_KEY")}
    run = argparse.Namespace(
        users=options.users, seconds=options.seconds, rounds=3,
        locust=str(ROOT / ".venv-bench" / "bin" / "locust"),
    )  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="peerline-surge-") as work:
        result = suite.surge(run, fixtures, Path(work), keys, options.database)
    print(json.dumps(result, indent=1))


def main() -> int:
    options = parse()
    configure(options)
    if options.setup:
        setup(options)
    if options.surge:
        assert not options.sqlite, "the surge runs on PostgreSQL"
        surge(options)
    else:
        measure(options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
