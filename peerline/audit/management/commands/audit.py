"""`peerline audit verify`: walk the audit trail's hash chain; exit 1 naming the first row that
does not hold (an edited, deleted or inserted row)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from peerline.audit.services import check, verify


class Command(BaseCommand):
    help = "The audit trail: `verify` checks that no row was edited, deleted or inserted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])
        parser.add_argument(
            "--head",
            metavar="SEQ:HASH",
            help="also check that row SEQ still has HASH (a head written down earlier, e.g. "
            "logged by the worker: finds rows removed from the end, which the chain alone cannot)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = check()
        if result.ok and options["head"]:
            seq, _, digest = options["head"].partition(":")
            if not seq.isdigit():
                raise CommandError("Give the head as SEQ:HASH, e.g. 41:9f3c….")
            result = verify(since=(int(seq), digest))
        if not result.ok:
            raise CommandError(result.describe(), returncode=1)
        self.stdout.write(result.describe())
        self.stdout.write(f"Head: {result.head_seq}:{result.head_hash}")
