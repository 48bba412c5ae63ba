"""A real SMTP server (aiosmtpd) for the invitation and reset tests, with Django's mail pointed
at it (pytest-django swaps in an in-memory mailbox otherwise)."""

import re
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller

from peerline.notifications.tests.conftest import SmtpServer, free_port


@pytest.fixture
def mail_server(settings) -> Iterator[SmtpServer]:
    handler = SmtpServer(port=free_port())
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = handler.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield handler
    finally:
        controller.stop()


def link_in(body: str) -> str:
    """The path of the one link in an e-mail's body."""
    found = re.search(r"https?://[^/\s]+(/\S+)", body)
    assert found, body
    return found.group(1)
