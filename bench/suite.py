"""Peerline's benchmark suite (issue 18): each hot path beside its floor, in one run, on SQLite
and PostgreSQL, then a surge on the production server. Prints a short report of ratios.

    make bench                    # 50,000 employees, 7 rounds, the 200-user surge (about 10 min)
    make bench-quick              # tiny sizes and a 10-user surge: checks the suite runs
    .venv/bin/python bench/suite.py --backends sqlite --no-surge --employees 5000

Each backend runs in a child process (one Django configuration per process) with a database of
its own: SQLite in `var/bench/suite-<pid>/`, PostgreSQL `bench_peerline_<pid>` on the server of
`--postgres` (BENCH_DATABASE_URL); both are removed afterwards. In each child:

* seed-demo at `--employees`, fresh then replacing (goal: under a minute);
* contact logging, `POST /api/v1/contacts` with a bearer token, against a bare Django view in the
  same process doing the same token lookup and one INSERT (bench/floor.py); interleaved: each
  round sends `--batch` requests to each, the first alternating; ratio = floor time / product
  time per request (goal at least 0.7);
* quarterly statistics (`stats.tables.count`, every fixed table of a quarter) for `--contacts`
  contacts against the same aggregate sent as raw SQL on a cursor; ratio = product / raw
  (goal within 1.5);
* the incident proposal (`GET /api/v1/incidents/<id>/proposal`, in process), an
  officer-involved shooting with 2 principals, 6 witnesses and a unit, `--active` more active
  PSPs (goal under 100 ms over HTTP), and `activate` once, rolled back;
* the recruitment plan with `--candidates` candidates (goal under 2 s).

The surge (PostgreSQL only): `peerline serve` (gunicorn, 2 workers, the production
configuration behind a TLS proxy) on that database; first the proposal over real HTTP, then
locust (`.venv-bench`, requirements-bench.txt) with `--users` users, 1-5 s between requests, for
`--seconds`: PSPs log contacts and check who is on call, employees look for a peer, the
coordinator watches the incident board (bench/surge.py). Goal: p95 under 300 ms, zero errors.

Figures are medians over `--rounds` rounds with the spread (fastest-slowest). None is asserted:
the report marks each against its goal. `--json FILE` also writes every figure.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PEERLINE = str(Path(sys.executable).with_name("peerline"))
QUICK = {
    "employees": 600, "active": 60, "candidates": 100, "contacts": 5_000, "rounds": 3,
    "batch": 10, "users": 10, "seconds": 10,
}  # fmt: skip


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=50_000)
    parser.add_argument("--active", type=int, default=1_200, help="more active PSPs")
    parser.add_argument("--candidates", type=int, default=2_000)
    parser.add_argument("--contacts", type=int, default=200_000, help="in one quarter")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--batch", type=int, default=40, help="contact POSTs per path per round")
    parser.add_argument("--users", type=int, default=200, help="surge: locust users")
    parser.add_argument("--seconds", type=int, default=60, help="surge: duration")
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server URL; the suite makes and drops a database of its own there",
    )
    parser.add_argument(
        "--roles", nargs="+", help="pages: only these demo roles (default: every one)"
    )
    parser.add_argument("--no-surge", action="store_true")
    parser.add_argument("--locust", default=str(ROOT / ".venv-bench" / "bin" / "locust"))
    parser.add_argument("--quick", action="store_true", help="tiny sizes: " + str(QUICK))
    parser.add_argument("--json", help="write every figure to this file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.quick:  # smaller defaults; a size given on the command line still wins
        parser.set_defaults(**QUICK)
        options = parser.parse_args(argv)
    return options


# --- the parent: one child per backend, then the report ---------------------------------------


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    if options.child:
        child(options)
        return 0
    results: dict[str, dict[str, Any]] = {}
    printed = False
    for backend in options.backends:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        if backend == "postgresql":
            env["DATABASE_URL"] = options.postgres
        args = [sys.executable, __file__, "--child", backend, *sys.argv[1:]]
        if argv is not None:
            args = [sys.executable, __file__, "--child", backend, *argv]
        started = time.perf_counter()
        run = subprocess.run(args, env=env, stdout=subprocess.PIPE, text=True, check=False)  # noqa: S603
        found = [line[7:] for line in run.stdout.splitlines() if line.startswith("RESULT ")]
        if run.returncode != 0 or not found:
            print(f"{backend}: the run failed (exit {run.returncode})", file=sys.stderr)
            return 1
        results[backend] = json.loads(found[-1])
        results[backend]["wall_seconds"] = round(time.perf_counter() - started, 1)
        # Each backend's part as soon as it is done: a long run stopped later keeps it.
        print(report({backend: results[backend]}, options, header=not printed), flush=True)
        printed = True
        if options.json:
            Path(options.json).write_text(json.dumps(results, indent=2))
    return 0


def mark(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def spread(values: list[float], unit: str = "", digits: int = 2) -> str:
    return (
        f"{statistics.median(values):.{digits}f}{unit} "
        f"({min(values):.{digits}f}-{max(values):.{digits}f})"
    )


def report(
    results: dict[str, dict[str, Any]], options: argparse.Namespace, *, header: bool = True
) -> str:
    lines = []
    if header:
        lines.append(
            f"Peerline bench: {options.employees:,} employees, {options.rounds} rounds; "
            "median (fastest-slowest)"
        )
    for backend, r in results.items():
        lines.append(f"\n{backend} ({r['wall_seconds']:.0f} s in all)")
        seed = r["seed"]
        lines.append(
            f"  seed-demo {options.employees:,}: fresh {seed['fresh']:.1f} s, replacing "
            f"{seed['replacing']:.1f} s (goal < 60 s) {mark(max(seed.values()) < 60)}"
        )
        c = r["contact"]
        lines.append(
            f"  contact POST / floor: {spread(c['ratio'], 'x')} (goal >= 0.7x) "
            f"{mark(statistics.median(c['ratio']) >= 0.7)}; {spread(c['product_ms'], ' ms', 1)} "
            f"vs {spread(c['floor_ms'], ' ms', 1)}, {c['product_queries']} vs "
            f"{c['floor_queries']} queries"
        )
        s = r["stats"]
        lines.append(
            f"  quarterly statistics / raw SQL ({s['contacts']:,} contacts): "
            f"{spread(s['ratio'], 'x')} (goal <= 1.5x) {mark(statistics.median(s['ratio']) <= 1.5)}"
            f"; {spread(s['product_ms'], ' ms', 0)} vs {spread(s['raw_ms'], ' ms', 0)}"
        )
        p = r["proposal"]
        lines.append(
            f"  proposal over the API in process: {spread(p['http_ms'], ' ms', 1)} (goal < 100 ms) "
            f"{mark(statistics.median(p['http_ms']) < 100)}; the function alone "
            f"{spread(p['function_ms'], ' ms', 1)}, {p['queries']} queries; {p['eligible']:,} "
            f"eligible, {p['excluded']:,} excluded"
        )
        lines.append(
            f"  activate (rolled back): {p['activate_ms']:.0f} ms, {p['activate_queries']} queries"
        )
        q = r["recruitment"]
        lines.append(
            f"  recruitment plan ({q['pool']:,} in the pool): {spread(q['ms'], ' ms', 0)} "
            f"(goal < 2 s) {mark(statistics.median(q['ms']) < 2000)}"
        )
        g = r["pages"]["pages"]
        over = [name for name, row in g.items() if row["ms"] >= 300]
        lines.append(
            f"  every page of every role: {len(g)} pages, {len(over)} at 300 ms or more "
            f"(goal: none) {mark(not over)}; the slowest:"
        )
        for name, row in list(g.items())[:8]:
            lines.append(f"    {name:<34} {row['ms']:>7.0f} ms  ({row['role']})")
        if "surge" in r:
            u = r["surge"]
            lines.append(
                f"  proposal over HTTP (peerline serve): {spread(u['proposal_ms'], ' ms', 1)} "
                f"(goal < 100 ms) {mark(statistics.median(u['proposal_ms']) < 100)}"
            )
            lines.append(
                f"  surge, {u['users']} users for {u['seconds']} s: {u['requests']:,} requests, "
                f"{u['rps']:.1f}/s, median {u['p50']:.0f} ms, p95 {u['p95']:.0f} ms, p99 "
                f"{u['p99']:.0f} ms, {u['failures']} errors (goal p95 < 300 ms, 0 errors) "
                f"{mark(u['p95'] < 300 and u['failures'] == 0)}"
            )
            for error, count in sorted(u["errors"].items(), key=lambda e: -e[1])[:5]:
                lines.append(f"    error x{count}: {error}")
            for name, row in sorted(u["by_path"].items()):
                lines.append(
                    f"    {name:<34} {row['requests']:>6} req  median {row['p50']:>6.0f} ms  "
                    f"p95 {row['p95']:>6.0f} ms  {row['failures']} errors"
                )
    return "\n".join(lines)


# --- a child: one backend ---------------------------------------------------------------------


def progress(text: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def child(options: argparse.Namespace) -> None:
    backend = options.child
    work = Path(tempfile.mkdtemp(prefix="peerline-bench-"))
    keys = {
        "PEERLINE_SECRET_KEY": secrets.token_urlsafe(50),
        "PEERLINE_TOKEN_KEY": secrets.token_urlsafe(32),
    }
    os.environ.update(keys)
    if backend == "sqlite":
        data = ROOT / "var" / "bench" / f"suite-{os.getpid()}"
        data.mkdir(parents=True, exist_ok=True)
        os.environ["PEERLINE_DATA_DIR"] = str(data)
    else:
        os.environ["PEERLINE_DATA_DIR"] = str(work)
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerline.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    name = ""
    if backend == "postgresql":
        name = f"bench_peerline_{os.getpid()}"
        connection.settings_dict["TEST"]["NAME"] = name
        connection.creation.create_test_db(verbosity=0, serialize=False)
        with connection.cursor() as cursor:  # as docs/deploy.md advises for SSD storage
            cursor.execute(f"ALTER DATABASE {name} SET random_page_cost = 1.1")
        connection.close()  # the next session reads it
    else:
        call_command("migrate", verbosity=0)
    progress(f"{backend}: migrated")
    result: dict[str, Any] = {}
    try:
        result["seed"] = measure_seed(options)
        fixtures = prepare(options)
        result["contact"] = measure_contact(options, fixtures)
        result["stats"] = measure_stats(options, fixtures)
        result["proposal"] = measure_proposal(options, fixtures)
        result["recruitment"] = measure_recruitment(options, fixtures)
        result["pages"] = measure_pages(options, fixtures)
        if backend == "postgresql" and not options.no_surge:
            result["surge"] = surge(options, fixtures, work, keys, name)
    finally:
        if backend == "postgresql":
            connection.close()
            connection.creation.destroy_test_db(name, verbosity=0)
        else:
            connection.close()
            shutil.rmtree(ROOT / "var" / "bench" / f"suite-{os.getpid()}", ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    print("RESULT " + json.dumps(result), flush=True)


def measure_seed(options: argparse.Namespace) -> dict[str, float]:
    import io

    from django.core.management import call_command

    figures = {}
    for label in ("fresh", "replacing"):
        begun = time.perf_counter()
        call_command("seed-demo", employees=options.employees, seed=1, stdout=io.StringIO())
        figures[label] = time.perf_counter() - begun
        progress(f"seed-demo {options.employees:,} {label}: {figures[label]:.1f} s")
    return figures


def prepare(options: argparse.Namespace) -> dict[str, Any]:
    """The demo agency with more PSPs and candidates, a clinician on call, an open shooting,
    and a token for the demo's PSP and coordinator."""
    import random
    from datetime import date, timedelta

    from django.utils import timezone

    from peerline.accounts.models import ApiToken, User
    from peerline.agencies.clock import local_today
    from peerline.agencies.models import Agency, Category, Employee, JobFamily
    from peerline.clinical.models import LicenceType, MentalHealthProfessional, OnCallShift
    from peerline.coverage.tests.builders import random_team
    from peerline.incidents import services
    from peerline.incidents.models import IncidentType
    from peerline.web import demo

    agency = Agency.objects.get(code=demo.DEMO_CODE)
    today = local_today(agency)
    random_team(agency, today=today, active=options.active, candidates=options.candidates, seed=1)
    now = timezone.now()
    mhp = MentalHealthProfessional.objects.create(
        agency=agency, name="Dr. Bench", email="bench@clinic.example",
        licence_type=LicenceType.PSYCHOLOGIST, licence_number="1", licence_state="CO",
        licence_expires=date(2040, 1, 1), role="clinical_advisor",
    )  # fmt: skip
    OnCallShift.objects.create(
        agency=agency, clinician=mhp, starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=23),
    )  # fmt: skip
    patrol = list(
        Employee.objects.current()
        .filter(agency=agency, category=Category.SWORN, job_family=JobFamily.PATROL)
        .order_by("pk")
    )
    people = random.Random(1).sample(patrol, 8)
    incident = services.incident_open(
        agency=agency,
        by=None,
        type=IncidentType.OFFICER_INVOLVED_SHOOTING,
        occurred_at=now - timedelta(minutes=10),
        place="Bench",
        area=agency.incident_areas.filter(active=True).first(),
        principals=people[:2],
        witnesses=people[2:],
        units=[agency.divisions.get(code="COMM")],
    )
    users = {username: User.objects.get(username=username) for _, username, _ in demo.DEMO_USERS}
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as seed-demo does after its bulk load
    progress("prepared: more PSPs and candidates, an open shooting, tokens")
    return {
        "agency": agency,
        "today": today,
        "now": now,
        "incident": incident,
        "users": users,
        "psp_token": ApiToken.issue(users["peer"], name="bench"),
        "coordinator_token": ApiToken.issue(users["coordinator"], name="bench"),
    }


def contact_payload(today: Any) -> dict[str, Any]:
    return {
        "month": f"{today:%Y-%m}",
        "activity": "post_critical_incident",
        "recipient_group": "sworn",
        "mode": "in_person",
        "initiated_by": "self",
        "duration": "30-60",
        "referrals": ["mental_health"],
        "limits_explained": True,
        "role_conflict": False,
        "prior_contacts": "first",
    }


def measure_contact(options: argparse.Namespace, fixtures: dict[str, Any]) -> dict[str, Any]:
    import floor
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import clear_url_caches

    floor.AGENCY_ID = fixtures["agency"].pk
    settings.ROOT_URLCONF = "floor"
    clear_url_caches()
    body = json.dumps(contact_payload(fixtures["today"]))
    auth = f"Bearer {fixtures['psp_token']}"
    client = Client(HTTP_AUTHORIZATION=auth)

    def post(path: str) -> None:
        response = client.post(path, body, content_type="application/json")
        assert response.status_code == 201, (path, response.status_code, response.content[:300])

    paths = {"product": "/api/v1/contacts", "floor": "/bench/floor/contacts"}
    queries = {}
    for label, path in paths.items():  # warm up, and count the statements once
        post(path)
        with CaptureQueriesContext(connection) as captured:
            post(path)
        queries[label] = len(captured.captured_queries)
    figures: dict[str, list[float]] = {"product": [], "floor": []}
    for round_ in range(options.rounds):
        order = ["product", "floor"] if round_ % 2 == 0 else ["floor", "product"]
        for label in order:
            begun = time.perf_counter()
            for _ in range(options.batch):
                post(paths[label])
            figures[label].append((time.perf_counter() - begun) * 1000 / options.batch)
    ratios = [f / p for p, f in zip(figures["product"], figures["floor"], strict=True)]
    progress(f"contact POST / floor: median {statistics.median(ratios):.2f}x")
    return {
        "ratio": ratios,
        "product_ms": figures["product"],
        "floor_ms": figures["floor"],
        "product_queries": queries["product"],
        "floor_queries": queries["floor"],
    }


def measure_stats(options: argparse.Namespace, fixtures: dict[str, Any]) -> dict[str, Any]:
    import random

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from peerline.agencies import periods
    from peerline.contacts.models import (
        Activity,
        Contact,
        Duration,
        InitiatedBy,
        Mode,
        PriorContacts,
        RecipientGroup,
    )  # fmt: skip
    from peerline.stats import tables

    agency, peer = fixtures["agency"], fixtures["users"]["peer"]
    year = fixtures["today"].year - 2  # a quarter of its own, long past
    period = f"{year}-Q2"
    rng = random.Random(1)
    months = [periods.last_day(period).replace(day=1, month=m) for m in (4, 5, 6)]

    def pick(choices: Any) -> str:
        return rng.choice(choices.values)

    batch = []
    for i in range(options.contacts):
        batch.append(
            Contact(
                agency=agency,
                peer_supporter=peer,
                month=rng.choice(months),
                period=period,
                activity=pick(Activity),
                recipient_group=pick(RecipientGroup),
                mode=pick(Mode),
                initiated_by=pick(InitiatedBy),
                duration=pick(Duration),
                referral_mental_health=rng.random() < 0.1,
                referral_eap=rng.random() < 0.05,
                limits_explained=rng.random() < 0.95,
                role_conflict=rng.random() < 0.03,
                prior_contacts=pick(PriorContacts),
            )  # fmt: skip
        )
        if len(batch) == 10_000 or i == options.contacts - 1:
            Contact.objects.bulk_create(batch)
            batch = []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE contacts_contact")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def product() -> Any:
        return tables.count(agency=agency, period=period, split=True)

    with CaptureQueriesContext(connection) as captured:
        expected = product()
    assert len(captured.captured_queries) == 1
    sql = captured.captured_queries[0]["sql"]
    # The exact statement the ORM sent, with its parameters inlined by Django's own quoting:
    # run it as it is, from a cursor, without the ORM.
    assert sum(expected["mode"].values()) == options.contacts

    def raw() -> Any:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()

    raw()
    figures: dict[str, list[float]] = {"product": [], "raw": []}
    for round_ in range(options.rounds):
        order = [("product", product), ("raw", raw)]
        for label, function in order if round_ % 2 == 0 else order[::-1]:
            begun = time.perf_counter()
            function()
            figures[label].append((time.perf_counter() - begun) * 1000)
    ratios = [p / r for p, r in zip(figures["product"], figures["raw"], strict=True)]
    progress(f"quarterly statistics / raw SQL: median {statistics.median(ratios):.2f}x")
    return {
        "contacts": options.contacts,
        "ratio": ratios,
        "product_ms": figures["product"],
        "raw_ms": figures["raw"],
    }


def measure_proposal(options: argparse.Namespace, fixtures: dict[str, Any]) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from peerline.incidents import services
    from peerline.incidents.proposal import propose

    incident, now = fixtures["incident"], fixtures["now"]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {fixtures['coordinator_token']}")
    url = f"/api/v1/incidents/{incident.pk}/proposal"
    assert client.get(url).status_code == 200
    function_ms, http_ms = [], []
    for round_ in range(options.rounds):
        for label in ("function", "http") if round_ % 2 == 0 else ("http", "function"):
            begun = time.perf_counter()
            if label == "function":
                with CaptureQueriesContext(connection) as captured:
                    proposal = propose(incident=incident, now=now)
                    proposal.own_team  # noqa: B018 (what a page reads)
                function_ms.append((time.perf_counter() - begun) * 1000)
            else:
                response = client.get(url)
                http_ms.append((time.perf_counter() - begun) * 1000)
                assert response.status_code == 200
    with transaction.atomic():
        with CaptureQueriesContext(connection) as activated:
            begun = time.perf_counter()
            services.activate(incident=incident, by=None, now=now)
            activate_ms = (time.perf_counter() - begun) * 1000
        transaction.set_rollback(True)
    progress(f"proposal: HTTP median {statistics.median(http_ms):.1f} ms")
    return {
        "http_ms": http_ms,
        "function_ms": function_ms,
        "queries": len(captured.captured_queries),
        "eligible": len(proposal.ranked),
        "excluded": len(proposal.excluded),
        "activate_ms": activate_ms,
        "activate_queries": len(activated.captured_queries),
    }


def measure_recruitment(options: argparse.Namespace, fixtures: dict[str, Any]) -> dict[str, Any]:
    from peerline.coverage.recruitment import recruitment_plan

    ms, plan = [], None
    for _ in range(options.rounds):
        begun = time.perf_counter()
        plan = recruitment_plan(agency=fixtures["agency"], today=fixtures["today"])
        ms.append((time.perf_counter() - begun) * 1000)
    assert plan is not None
    progress(f"recruitment plan: median {statistics.median(ms):.0f} ms")
    return {"ms": ms, "pool": plan.pool}


def measure_pages(options: argparse.Namespace, fixtures: dict[str, Any]) -> dict[str, Any]:
    """Every page of every demo role, as the query budgets test loads them (every URL without a
    parameter and the main detail pages with the agency's largest object), in process: the
    median of up to 3 loads after a first one (issue 18: every page under 300 ms)."""
    from django.test import Client

    from peerline.testing.pages import pages
    from peerline.testing.second_factor import verified_force_login
    from peerline.web import demo

    urls = pages(fixtures["agency"])
    slowest: dict[str, tuple[float, str]] = {}  # URL name → (median ms, role)
    for role, username, _ in demo.DEMO_USERS:
        if options.roles and role.value not in options.roles:
            continue
        client = Client()
        verified_force_login(client, fixtures["users"][username])
        for name, url in urls.items():
            if client.get(url).status_code != 200:
                continue  # not this role's page
            ms = []
            for _ in range(min(options.rounds, 3)):
                begun = time.perf_counter()
                client.get(url)
                ms.append((time.perf_counter() - begun) * 1000)
            median = statistics.median(ms)
            if median > slowest.get(name, (0.0, ""))[0]:
                slowest[name] = (median, role.value)
    ranked = sorted(slowest.items(), key=lambda item: -item[1][0])
    progress(f"pages: {len(ranked)} measured, the slowest {ranked[0][1][0]:.0f} ms")
    return {"pages": {name: {"ms": ms, "role": role} for name, (ms, role) in ranked}}


# --- the surge (PostgreSQL) -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http_get(
    port: int, path: str, headers: dict[str, str], timeout: float = 60
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def sessions_for(user: Any, count: int) -> list[str]:
    """`count` sessions of `user`, each having shown its second factor, as after the verify
    page: one per simulated person, so no two share a session row."""
    from django.conf import settings
    from django.test import Client

    from peerline.testing.second_factor import verified_force_login

    keys = []
    for _ in range(count):
        client = Client()
        verified_force_login(client, user)
        keys.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return keys


def surge(
    options: argparse.Namespace,
    fixtures: dict[str, Any],
    work: Path,
    keys: dict[str, str],
    name: str,
) -> dict[str, Any]:
    import csv

    from django.db import connection

    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    if db.get("PASSWORD"):
        url = url.replace("@", f":{db['PASSWORD']}@", 1)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PEERLINE_", "DJANGO_"))}
    env.update(
        keys,
        PEERLINE_ENV="production",
        PEERLINE_ALLOWED_HOSTS="127.0.0.1",
        PEERLINE_TRUST_PROXY_HEADERS="true",
        PEERLINE_DATA_DIR=str(work),
        PEERLINE_BACKUP_DIR=str(work / "backups"),
        PEERLINE_WEB_WORKERS="2",
        DATABASE_URL=url,
    )
    subprocess.run(  # noqa: S603
        [PEERLINE, "collectstatic", "--noinput"], env=env, check=True, capture_output=True
    )
    cookie = subprocess.run(  # noqa: S603
        [PEERLINE, "shell", "-c", "from django.conf import settings; print(settings.SESSION_COOKIE_NAME)"],
        env=env, check=True, capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    users = fixtures["users"]
    plan = {
        "cookie": cookie,
        "psp_token": fixtures["psp_token"],
        "psp_sessions": sessions_for(users["peer"], max(1, options.users // 2)),
        "employee_sessions": sessions_for(users["employee"], max(1, options.users // 2)),
        "coordinator_sessions": sessions_for(users["coordinator"], max(1, options.users // 20)),
        "incident": fixtures["incident"].pk,
        "contact": contact_payload(fixtures["today"]),
    }
    (work / "surge.json").write_text(json.dumps(plan))
    # Fresh statistics, as autovacuum would have gathered them by now on a production server
    # (a CI server may run without it: then every plan would be made blind).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    port = free_port()
    host = f"http://127.0.0.1:{port}"  # for locust
    log = (work / "serve.log").open("w")
    server = subprocess.Popen(  # noqa: S603
        [PEERLINE, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        headers = {"X-Forwarded-Proto": "https", "Host": f"127.0.0.1:{port}"}
        for _ in range(300):
            try:
                if http_get(port, "/healthz", headers, timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, (work / "serve.log").read_text()
            time.sleep(0.2)
        auth = {**headers, "Authorization": f"Bearer {fixtures['coordinator_token']}"}
        proposal_ms = []
        for i in range(options.rounds * 3 + 1):
            begun = time.perf_counter()
            status, _ = http_get(port, f"/api/v1/incidents/{plan['incident']}/proposal", auth)
            assert status == 200, status
            if i:  # the first warms the worker
                proposal_ms.append((time.perf_counter() - begun) * 1000)
        # One person's session, as the surge will send it: a page, not the log-in.
        session = {**headers, "Cookie": f"{cookie}={plan['employee_sessions'][0]}"}
        status, _ = http_get(port, "/peers/", session)
        assert status == 200, f"an employee's session was refused ({status})"
        progress(f"proposal over HTTP: median {statistics.median(proposal_ms):.1f} ms")
        stats = work / "surge"
        locust_env = {**os.environ, "PEERLINE_SURGE_PLAN": str(work / "surge.json")}
        locust_env = {k: v for k, v in locust_env.items() if not k.startswith("DJANGO_")}
        progress(f"surge: {options.users} users for {options.seconds} s")
        subprocess.run(  # noqa: S603
            [
                options.locust, "-f", str(ROOT / "bench" / "surge.py"), "--headless",
                "--users", str(options.users), "--spawn-rate", str(max(1, options.users // 10)),
                "--run-time", f"{options.seconds}s", "--host", host, "--csv", str(stats),
                "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10",
            ],
            env=locust_env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        log.close()
    by_path, total = {}, None
    with open(f"{stats}_stats.csv") as rows:
        for row in csv.DictReader(rows):
            figures = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50": float(row["50%"] or 0),
                "p95": float(row["95%"] or 0),
                "p99": float(row["99%"] or 0),
                "rps": float(row["Requests/s"] or 0),
            }
            if row["Name"] == "Aggregated":
                total = figures
            else:
                by_path[f"{row['Type']} {row['Name']}"] = figures
    assert total is not None, "locust wrote no statistics"
    errors = {}
    with open(f"{stats}_failures.csv") as rows:
        for row in csv.DictReader(rows):
            errors[f"{row['Method']} {row['Name']}: {row['Error']}"[:160]] = int(row["Occurrences"])
    progress(f"surge: p95 {total['p95']:.0f} ms, {total['failures']} errors")
    return {
        **total,
        "users": options.users,
        "seconds": options.seconds,
        "proposal_ms": proposal_ms,
        "by_path": by_path,
        "errors": errors,
    }


if __name__ == "__main__":
    sys.exit(main())
