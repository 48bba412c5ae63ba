from datetime import date

from django.core.management.base import BaseCommand, CommandError

from peerline.stats import releases


class Command(BaseCommand):
    help = (
        "Close, in every agency, each quarter that ended more than "
        f"{releases.GRACE_DAYS} days ago, and freeze its report (2011 §3.1). The worker does this "
        "hourly; running it again closes nothing twice."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--today",
            help="act as if today were YYYY-MM-DD (default: each agency's own date)",
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        today = None
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("Give --today as YYYY-MM-DD.") from None
        failure = None
        try:
            closed = releases.periods_close_due(today=today)
        except releases.CloseFailed as error:
            closed, failure = error.closed, error
        for period in closed:
            self.stdout.write(
                f"{period.agency.code} {period.period}: closed, smallest count shown "
                f"{period.threshold}."
            )
        if failure is not None:
            raise CommandError(str(failure))
        if not closed:
            self.stdout.write("No period was due.")
