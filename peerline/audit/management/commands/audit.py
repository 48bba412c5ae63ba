"""`peerline audit verify`: walk the audit trail's hash chain; exit 1 naming the first row that
does not hold (an edited, deleted or inserted row)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from peerline.audit.models import AuditEvent
from peerline.audit.services import check


class Command(BaseCommand):
    help = "The audit trail: `verify` checks that no row was edited, deleted or inserted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])
        parser.add_argument(
            "--head",
            metavar="SEQ:HASH",
            help="also check that row SEQ still has HASH (a head written down earlier: finds "
            "rows removed from the end, which the chain alone cannot)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = check()
        if not result.ok:
            raise CommandError(result.describe(), returncode=1)
        if options["head"]:
            seq, _, expected = options["head"].partition(":")
            if not seq.isdigit() or int(seq) > result.head_seq:
                raise CommandError(
                    f"Row {seq} is gone: the trail ends at row {result.head_seq}.", returncode=1
                )
            if AuditEvent.objects.get(seq=int(seq)).hash != expected:
                raise CommandError(f"Row {seq} no longer has the hash written down.", returncode=1)
        self.stdout.write(result.describe())
        self.stdout.write(f"Head: {result.head_seq}:{result.head_hash}")
