import signal
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from django.core.management.base import BaseCommand, CommandError


def readable(content: bytes) -> tuple[str, str, str]:
    """(To, Subject, plain-text body) of a received message."""
    message = message_from_bytes(content, policy=policy.default)
    assert isinstance(message, EmailMessage)
    part = message.get_body(preferencelist=("plain", "html"))
    body = part.get_content() if part is not None else ""
    return str(message.get("To", "")), str(message.get("Subject", "")), body.strip()


class Printer:
    """aiosmtpd handler: print each message and accept it."""

    def __init__(self, write: Any) -> None:
        self.write = write
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.count += 1
        to, subject, body = readable(envelope.original_content or envelope.content)
        rule = "-" * 72
        self.write(f"{rule}\nMessage {self.count} to {to}\nSubject: {subject}\n\n{body}\n{rule}")
        return "250 Message accepted for delivery"


class Command(BaseCommand):
    help = (
        "A local SMTP server for the demo: prints each e-mail (and e-mail-to-SMS) page it "
        "receives to the console instead of delivering it. Never use it in production."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--port", type=int, default=1025, help="port (default 1025)")
        parser.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        def write(text: str) -> None:
            self.stdout.write(text)
            self.stdout.flush()

        controller = Controller(Printer(write), hostname=options["host"], port=options["port"])
        try:
            controller.start()
        except Exception as error:  # the port is taken, most often
            raise CommandError(
                f"Cannot listen on {options['host']}:{options['port']}: {error}"
            ) from None
        done = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: done.set())
        write(f"Mail catcher on {options['host']}:{options['port']}; Ctrl-C to stop.")
        try:
            done.wait()
        finally:
            controller.stop()
