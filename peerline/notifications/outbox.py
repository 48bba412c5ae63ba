"""The outbox: writing the intent to notify, and turning a channel into an Apprise URL.

`enqueue` is called inside the caller's transaction (an activation, an escalation round, a
mutual-aid request), so a page exists exactly when what caused it was committed (2011 §3.3,
§5.1). Nothing is sent here: `peerline worker` sends (see `worker.py`). Each row's key is unique,
so writing the same intent twice — a retried request, a worker that restarts — adds nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from django.conf import settings

from peerline.notifications.models import (
    ChannelKind,
    ContactChannel,
    Notification,
    NotificationStatus,
)

if TYPE_CHECKING:
    from peerline.accounts.models import User
    from peerline.agencies.models import Agency

# Notification.key is 200 characters; the channel suffix ("channel-<pk>") needs room.
MAX_KEY = 170

# Functions (notification, body) -> body the worker applies as it sends: an app fills in what
# must not be stored in the outbox (incidents: one-tap links, made at send time).
_RENDERERS: list[Callable[[Notification, str], str]] = []


def register_renderer(fn: Callable[[Notification, str], str]) -> None:
    if fn not in _RENDERERS:
        _RENDERERS.append(fn)


def rendered_body(notification: Notification) -> str:
    """The body as it is sent: the stored body with every renderer applied."""
    body = notification.body
    for fn in _RENDERERS:
        body = fn(notification, body)
    return body


def enqueue(
    *,
    agency: Agency,
    key: str,
    subject: str,
    body: str,
    now: datetime,
    user: User | None = None,
    email: str = "",
    topic: str = "",
) -> list[Notification]:
    """Write the intent to notify one person, one Notification per channel: the user's enabled
    ContactChannels, or e-mail to `user.email` / `email` when they have none. Call it inside the
    caller's transaction. `key` names (subject, person, round), e.g.
    "incident:12:psp:34:round:1"; `topic` names the caller's row ("deployment:56", see
    `models.topic_for`) so the caller can read the delivery back and withdraw. The row's key is f"{key}:{channel}" (channel = "email" or
    "channel-<pk>"), unique, so enqueuing twice writes nothing new.

    Returns the rows for this key (new or already there); an empty list when the person has no
    channel and no e-mail address (nothing can reach them: the caller shows that)."""
    if not key or len(key) > MAX_KEY:
        raise ValueError(f"a notification key has 1 to {MAX_KEY} characters")
    targets = _targets(user=user, email=email)
    rows = [
        Notification(
            key=f"{key}:{suffix}",
            agency=agency,
            topic=topic,
            kind=kind,
            target=target,
            subject=subject[:200],
            body=body,
            next_attempt_at=now,
        )
        for suffix, kind, target in targets
    ]
    if not rows:
        return []
    # ON CONFLICT DO NOTHING on both SQLite and PostgreSQL: a duplicate key neither raises nor
    # aborts the caller's transaction.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return list(Notification.objects.filter(key__in=[r.key for r in rows]).order_by("pk"))


def _targets(*, user: User | None, email: str) -> list[tuple[str, str, str]]:
    """(key suffix, kind, target) for each way to reach the person."""
    out: list[tuple[str, str, str]] = []
    if user is not None:
        seen: set[tuple[str, str]] = set()
        channels = ContactChannel.objects.filter(user=user, enabled=True).order_by("pk")
        for channel in channels:
            # The same address configured twice (e.g. by two agencies) is one page, not two.
            if (channel.kind, channel.target) in seen:
                continue
            seen.add((channel.kind, channel.target))
            out.append((f"channel-{channel.pk}", channel.kind, channel.target))
    if not out:
        address = (user.email if user is not None else "") or email
        if address:
            out.append(("email", ChannelKind.EMAIL, address))
    return out


# --- Apprise URLs -----------------------------------------------------------------------------


def smtp_settings() -> dict[str, object]:
    """The SMTP server e-mail pages go through (the demo's `peerline mail-catcher` by default)."""
    return {
        "host": getattr(settings, "PEERLINE_SMTP_HOST", "127.0.0.1"),
        "port": int(getattr(settings, "PEERLINE_SMTP_PORT", 1025)),
        "from": getattr(settings, "PEERLINE_SMTP_FROM", "peerline@localhost"),
        # "insecure" (plain SMTP, the local catcher), "starttls" or "ssl".
        "mode": getattr(settings, "PEERLINE_SMTP_MODE", "insecure"),
        "user": getattr(settings, "PEERLINE_SMTP_USER", ""),
        "password": getattr(settings, "PEERLINE_SMTP_PASSWORD", ""),
        "timeout": int(getattr(settings, "PEERLINE_SMTP_TIMEOUT", 15)),
    }


def mailto_url(address: str) -> str:
    """Apprise's custom-server e-mail URL: mailto://[user:pass@]host:port?from=&to=&mode=."""
    smtp = smtp_settings()
    auth = ""
    if smtp["user"]:
        auth = quote(str(smtp["user"]), safe="") + ":" + quote(str(smtp["password"]), safe="") + "@"
    query = {
        "from": smtp["from"],
        "to": address,
        "mode": smtp["mode"],
        "cto": smtp["timeout"],  # connection timeout, seconds
    }
    schema = "mailtos" if smtp["mode"] != "insecure" else "mailto"
    return f"{schema}://{auth}{smtp['host']}:{smtp['port']}?{urlencode(query)}"


PHONE_RE = re.compile(r"^\+?[0-9]{7,15}$")


def phone_digits(value: str) -> str:
    """A phone number as digits (and a leading +), separators removed."""
    return re.sub(r"[\s().-]", "", value.strip())


def sms_url(target: str) -> str:
    """An SMS channel: an Apprise SMS URL as given (twilio://…), an e-mail-to-SMS gateway address
    (5551234567@carrier.example) sent by e-mail, or a phone number put into the agency's gateway
    (setting PEERLINE_SMS_GATEWAY: "{number}@gateway.example" or an Apprise URL with {number})."""
    if "://" in target:
        return target
    if "@" in target:
        return mailto_url(target)
    gateway = getattr(settings, "PEERLINE_SMS_GATEWAY", "{number}@sms.localhost")
    if not gateway:
        raise ValueError("no SMS gateway is configured")
    filled = gateway.replace("{number}", phone_digits(target).lstrip("+"))
    return filled if "://" in filled else mailto_url(filled)


def ntfy_url(target: str) -> str:
    """ntfy: an ntfy:// or ntfys:// URL as given, or the topic's web address
    (https://host/topic, on ntfy.sh or a self-hosted server) in Apprise's form."""
    if target.startswith(("ntfy://", "ntfys://")):
        return target
    if target.startswith("https://"):
        return "ntfys://" + target.removeprefix("https://")
    if target.startswith("http://"):
        return "ntfy://" + target.removeprefix("http://")
    raise ValueError("an ntfy channel needs the topic's URL")


def apprise_url(kind: str, target: str) -> str:
    """The Apprise URL for one ContactChannel (kind, target). Raises ValueError when the target
    cannot be turned into one."""
    if kind == ChannelKind.EMAIL:
        return mailto_url(target)
    if kind == ChannelKind.SMS:
        return sms_url(target)
    if kind == ChannelKind.NTFY:
        return ntfy_url(target)
    if kind in (ChannelKind.TEAMS, ChannelKind.APPRISE):
        # Teams: the Power Automate "Workflows" webhook URL, which Apprise parses natively.
        return target
    raise ValueError(f"unknown channel kind {kind!r}")


def withdraw(*, topics: list[str]) -> int:
    """Withdraw the pages about these topics that are not sent yet (the incident closed, the
    request was taken, the page was passed on): the worker will not send them. Call it in the
    caller's transaction. A page already in a worker's hands may still go; it is then marked sent,
    and its link says why."""
    return Notification.objects.filter(topic__in=topics, status=NotificationStatus.PENDING).update(
        status=NotificationStatus.WITHDRAWN
    )


def by_topic(topics: list[str]) -> dict[str, list[Notification]]:
    """The outbox rows of these topics, oldest first, in one query (delivery on a board)."""
    out: dict[str, list[Notification]] = {topic: [] for topic in topics}
    for row in Notification.objects.filter(topic__in=topics).order_by("pk"):
        out[row.topic].append(row)
    return out


def erase(*, topics: list[str], key_prefix: str) -> int:
    """Empty the rows of these topics (subject, body, address, error: what could name someone or
    carry a link) and detach them; status and attempts stay as delivery counts. Each key becomes
    f"{key_prefix}<pk>" so it no longer names the person paged (DESIGN principle 8)."""
    pks = list(Notification.objects.filter(topic__in=topics).values_list("pk", flat=True))
    for pk in pks:
        Notification.objects.filter(pk=pk).update(
            key=f"{key_prefix}{pk}", subject="", body="", target="", last_error="", topic=""
        )
    return len(pks)
