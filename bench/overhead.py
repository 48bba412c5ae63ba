"""The fixed cost every logged-in page pays (issue 18): CPU milliseconds and statements per
request on the kept 50,000-employee demo (`bench/pages.py --setup` builds it), for a page that
renders only the layout and for a few real pages, with a session that showed its second factor
and one that has not (an employee with no factor enrolled need not show one).

    .venv/bin/python bench/overhead.py                 # every case, median of --loads
    .venv/bin/python bench/overhead.py --case layout --profile

CPU time is this process's (`time.process_time`): the database server's own time is not in it,
so the figure moves less than wall time when other jobs share the cores.
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
sys.path.insert(0, str(ROOT / "bench"))

# (name, demo username, URL name, verified session); no username: an employee with no second
# factor enrolled (`unfactored`), who is not asked for one.
CASES = [
    ("layout", "employee", "bench-layout", True),
    ("employee home", "employee", "home", True),
    ("employee home, unverified", "", "home", False),
    ("employee /peers/, unverified", "", "directory:index", False),
    ("psp clinical:now", "peer", "clinical:now", True),
    ("coordinator layout", "coordinator", "bench-layout", True),
]


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", help="only this case (name starts with)")
    parser.add_argument("--loads", type=int, default=30)
    parser.add_argument("--profile", action="store_true", help="cProfile 50 loads of each case")
    parser.add_argument("--sort", default="tottime", help="with --profile: cProfile sort key")
    parser.add_argument("--callers", action="append", help="with --profile: who calls this")
    parser.add_argument("--sql", action="store_true", help="print the statements of each case")
    parser.add_argument("--database", default="bench_pages")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    return parser.parse_args()


def layout_view(request: Any) -> Any:
    from django.template.response import TemplateResponse

    return TemplateResponse(request, "base.html", {})


def configure(options: argparse.Namespace) -> None:
    os.environ.setdefault("PEERLINE_SECRET_KEY", "bench-pages-" + "x" * 40)
    os.environ.setdefault("PEERLINE_TOKEN_KEY", "bench-pages-token-key-" + "y" * 10)
    os.environ["DATABASE_URL"] = options.postgres.rsplit("/", 1)[0] + "/" + options.database
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerline.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.ROOT_URLCONF = __name__


def _urlpatterns() -> list[Any]:
    from django.urls import path

    from peerline.accounts import policy
    from peerline.urls import urlpatterns

    view = policy.requires(policy.Permission.HOME)(layout_view)
    return [path("bench-layout/", view, name="bench-layout"), *urlpatterns]


def __getattr__(name: str) -> Any:  # the URL conf, built once Django is set up
    if name == "urlpatterns":
        found = _urlpatterns()
        globals()["urlpatterns"] = found
        return found
    raise AttributeError(name)


def unfactored() -> Any:
    """The first active account holding only the employee role, with no second factor."""
    from django.db.models import Count, Q
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from peerline.accounts.models import Role, User

    return (
        User.objects.filter(is_active=True, is_superuser=False)
        .annotate(
            roles=Count("memberships"),
            as_employee=Count("memberships", filter=Q(memberships__role=Role.EMPLOYEE)),
        )
        .filter(roles=1, as_employee=1)
        .exclude(pk__in=TOTPDevice.objects.values("user_id"))
        .order_by("pk")
        .first()
    )


def measure(options: argparse.Namespace) -> None:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from peerline.accounts.models import User
    from peerline.testing.second_factor import unverified_force_login, verified_force_login

    print(f"{'CPU ms':>7} {'wall ms':>8} {'queries':>7}  case")
    for name, username, url_name, verified in CASES:
        if options.case and not any(name.startswith(c) for c in options.case):
            continue
        client = Client()
        user = User.objects.get(username=username) if username else unfactored()
        if verified:
            verified_force_login(client, user)
        else:
            unverified_force_login(client, user)
        url = reverse(url_name)
        for _ in range(3):
            response = client.get(url)
            assert response.status_code == 200, (name, response.status_code)
        queries: list[str] = []

        def count(execute: Any, sql: str, *args: Any, into: list[str] = queries) -> Any:
            into.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(count):
            client.get(url)
        cpu, wall = [], []
        for _ in range(options.loads):
            began_cpu, began = time.process_time(), time.perf_counter()
            client.get(url)
            cpu.append((time.process_time() - began_cpu) * 1000)
            wall.append((time.perf_counter() - began) * 1000)
        print(
            f"{statistics.median(cpu):7.2f} {statistics.median(wall):8.2f} {len(queries):7d}  {name}"
        )
        if options.sql:
            for sql in queries:
                print(f"    {sql[:200]}")
        if options.profile:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(50):
                client.get(url)
            profile.disable()
            out = io.StringIO()
            stats = pstats.Stats(profile, stream=out).sort_stats(options.sort)
            stats.print_stats(40)
            for callee in options.callers or []:
                stats.print_callers(callee)
            print(out.getvalue())


def main() -> int:
    options = parse()
    configure(options)
    measure(options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
