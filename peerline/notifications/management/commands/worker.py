from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from peerline.notifications import worker


class Command(BaseCommand):
    help = (
        "Send the pages in the outbox (e-mail, SMS, ntfy, Teams… through Apprise) with retries, "
        "run the scheduled jobs (escalation, retention, closing periods, backups' ageing) and "
        "record a heartbeat for /readyz. Stops cleanly on SIGTERM or Ctrl-C."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--once", action="store_true", help="send what is due, run the jobs once, and exit"
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=settings.PEERLINE_WORKER_INTERVAL,
            help="seconds between loops (default %(default)s)",
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        # Counts only: never an address, a name or a key.
        def report(batch: worker.Batch) -> None:
            self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} {batch}")
            self.stdout.flush()

        if options["once"]:
            report(worker.run_once(timezone.now()))
            return
        self.stdout.write(f"Peerline worker: every {options['interval']:g} s; Ctrl-C to stop.")
        self.stdout.flush()
        worker.run(options["interval"], report=report)
        self.stdout.write("Peerline worker stopped.")
