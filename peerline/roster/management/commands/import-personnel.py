"""`peerline import-personnel FILE.csv --agency CODE`: load the HR roster (README: "The personnel roster").

A thin wrapper over `peerline.roster.importer.import_personnel`: it prints the counts of what
changed, or every bad line with its number and reason and exits non-zero having changed nothing.
It prints no names or e-mail addresses.
"""

from django.core.management.base import BaseCommand, CommandError

from peerline.agencies.models import Agency
from peerline.roster.importer import import_personnel
from peerline.roster.reader import RosterRejected


class Command(BaseCommand):
    help = (
        "Import the personnel roster of an agency from a CSV file (UTF-8, header row). "
        "Employees are matched by employee number; those the file does not list are separated. "
        "A file with any bad line changes nothing. See the README."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("file", help="the CSV file exported from HR")
        parser.add_argument("--agency", required=True, help="the agency's code")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and print what would change, without changing anything",
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"No agency with the code {options['agency']!r}.")
        path = options["file"]
        try:
            # utf-8-sig: spreadsheet programs often start a UTF-8 file with a byte-order mark.
            with open(path, encoding="utf-8-sig", newline="") as lines:
                result = import_personnel(agency=agency, lines=lines, dry_run=options["dry_run"])
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except RosterRejected as rejected:
            for line in rejected.report():
                self.stderr.write(line)
            raise CommandError(
                f"{path}: {len(rejected.errors)} error(s); nothing was imported."
            ) from None

        if result.ignored_columns:
            names = ", ".join(result.ignored_columns)
            self.stderr.write(f"Ignored columns Peerline does not know: {names}")
        if result.dry_run:
            self.stdout.write(f"Dry run of {path} into {agency.code} (nothing was changed):")
        else:
            self.stdout.write(f"{path} imported into {agency.code}:")
        for name, count in result.counts().items():
            self.stdout.write(f"  {name:<12}{count:>7}")
