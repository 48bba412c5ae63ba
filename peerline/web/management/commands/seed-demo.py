import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from peerline.signin.demo import DEMO_TOTP_SECRET, seed_second_factors
from peerline.web import demo


class Command(BaseCommand):
    help = (
        "Replace the demo agency (DEMO) with a deterministic one of N employees, and print a "
        "log-in for each role. Other agencies are untouched."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--employees",
            type=int,
            default=600,
            help=f"roster size, {demo.MIN_EMPLOYEES} to {demo.MAX_EMPLOYEES:,} (default 600)",
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            result = demo.seed_demo(employees=options["employees"], seed=options["seed"])
        except demo.DemoError as error:
            raise CommandError(f"Cannot seed the demo agency: {error}.") from None
        second_factor = seed_second_factors(agency=result.agency)
        if connection.vendor == "postgresql":
            # A bulk load: the planner's statistics now, not whenever autovacuum next looks (or
            # never, where it is off), so the first pages get the plans they will have later.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{result.agency.name} ({result.agency.code}): {result.employees:,} employees, "
            f"seed {options['seed']}, in {seconds:.1f} s."
        )
        self.stdout.write(
            f"Partner agency sharing its peer support team both ways: {demo.PARTNER_NAME} "
            f"({demo.PARTNER_CODE}), {demo.PARTNER_EMPLOYEES} employees."
        )
        self.stdout.write("Demo log-ins (one password for all: it is a demo):\n")
        self._table(result.logins, result.password)
        self.stdout.write(
            f"Second factor for {', '.join(second_factor)} (their roles see program data): "
            f"the authenticator app key {DEMO_TOTP_SECRET} (add it to any authenticator app as "
            "a time-based key), or `peerline demo-code USERNAME` prints the current code."
        )
        self.stdout.write(
            f"\n{demo.PARTNER_NAME} ({demo.PARTNER_CODE}) log-ins (the same password), to "
            "see the partnership from the other side:\n"
        )
        self._table(result.partner_logins, result.password)
        self.stdout.write(
            "They have no authenticator app yet: at the first sign-in Peerline asks them to add "
            "one (any authenticator app), as their roles see program data."
        )

    def _table(self, logins: list[demo.DemoLogin], password: str) -> None:
        rows: list[tuple[str, ...]] = [("username", "password", "role", "who they are")]
        rows += [(login.username, password, login.role.label, login.who) for login in logins]
        widths = [max(len(row[col]) for row in rows) for col in range(4)]
        rows.insert(1, tuple("-" * width for width in widths))
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
            self.stdout.write("  ".join(cells).rstrip())
