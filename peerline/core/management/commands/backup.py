from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from peerline.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database to PEERLINE_BACKUP_DIR (SQLite: online backup, safe while serving; "
        "PostgreSQL: pg_dump, custom format). Prints the backup's path."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--to", type=Path, help="another folder than PEERLINE_BACKUP_DIR")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        try:
            path = backup(now=timezone.now(), folder=options["to"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(str(path))
