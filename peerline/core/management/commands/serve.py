from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Run Peerline's production web server (gunicorn; static files served by WhiteNoise). "
        "Access logs carry no query string, no page token and no calendar key."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--bind", default="127.0.0.1:8000", help="address:port to listen on (%(default)s)"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=settings.PEERLINE_WEB_WORKERS,
            help="processes (PEERLINE_WEB_WORKERS, default %(default)s)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=settings.PEERLINE_WEB_THREADS,
            help="threads per process (PEERLINE_WEB_THREADS, default %(default)s)",
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        from peerline.core.server import serve

        serve(
            bind=options["bind"],
            workers=options["workers"],
            threads=options["threads"],
            keepalive=settings.PEERLINE_WEB_KEEPALIVE,
            max_requests=settings.PEERLINE_WEB_MAX_REQUESTS,
        )
