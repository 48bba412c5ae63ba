"""A real SMTP server for the paging tests: aiosmtpd on a free local port, the settings pointed
at it, and every message it accepted (or refused) recorded."""

from __future__ import annotations

import socket
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from peerline.accounts.models import Role
from peerline.team.models import PeerSupporter, Status
from peerline.testing import personas as p


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    rcpt_tos: list[str]
    to: str
    subject: str
    body: str


@dataclass
class SmtpServer:
    """What the server accepted; `refuse` makes it answer 451 to the next N messages;
    `before_ack(n)` runs when the n-th message (1-based, counting refused ones) arrives and may
    return an SMTP reply instead of accepting it (the reply is then not counted)."""

    port: int = 0
    accepted: list[Received] = field(default_factory=list)
    refused: int = 0
    refuse: int = 0
    seen: int = 0
    before_ack: Callable[[int], str | None] | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.seen += 1
        if self.before_ack is not None:
            reply = self.before_ack(self.seen)
            if reply is not None:
                return reply
        if self.refuse > 0:
            self.refuse -= 1
            self.refused += 1
            return "451 4.3.0 Mailbox busy, try again later"
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        part = message.get_body(preferencelist=("plain",))
        self.accepted.append(
            Received(
                rcpt_tos=list(envelope.rcpt_tos),
                to=str(message["To"]),
                subject=str(message["Subject"]),
                body=part.get_content() if part is not None else "",
            )
        )
        return "250 OK"

    def per_recipient(self) -> Counter[str]:
        return Counter(rcpt for message in self.accepted for rcpt in message.rcpt_tos)


@pytest.fixture
def smtp_server(settings) -> Iterator[SmtpServer]:
    handler = SmtpServer(port=free_port())
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    settings.PEERLINE_SMTP_HOST = "127.0.0.1"
    settings.PEERLINE_SMTP_PORT = handler.port
    settings.PEERLINE_SMTP_MODE = "insecure"
    settings.PEERLINE_SMTP_TIMEOUT = 5
    try:
        yield handler
    finally:
        controller.stop()


def make_psp(agency, number: str, username: str, email: str = "", **fields):
    """An active PSP with a log-in (pageable)."""
    employee = p.make_employee(agency, number, **fields)
    user = p.make_user(username, agency, Role.PEER_SUPPORTER, employee=employee)
    user.email = email
    user.save(update_fields=["email"])
    PeerSupporter.objects.create(
        agency=agency, employee=employee, status=Status.ACTIVE, status_since=date(2025, 1, 1)
    )
    return user
