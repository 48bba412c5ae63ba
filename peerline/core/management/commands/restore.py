from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from peerline.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace the whole database with a backup made by `peerline backup`. Stop `peerline "
        "serve` and `peerline worker` first; run `peerline migrate` afterwards if the backup is "
        "from an older release."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("backup", type=Path, help="the backup file")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask: every agency's data is replaced"
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        path: Path = options["backup"]
        if not options["yes"]:
            answer = input(f"Replace every agency's data with {path.name}? Type 'restore': ")
            if answer.strip() != "restore":
                raise CommandError("Nothing restored.")
        try:
            restore(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored {path.name}.")
