"""Writes for the channels page: a person's channels, and a test page (2011 §3.3, §5.1)."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db import transaction

from peerline.accounts.models import User
from peerline.agencies.models import Agency
from peerline.notifications.models import ChannelKind, ContactChannel, Notification

TEST_SUBJECT = "Peerline test page"


@transaction.atomic
def add_channel(
    *, agency: Agency, user: User, kind: str, target: str, enabled: bool = True
) -> ContactChannel:
    return ContactChannel.objects.create(
        agency=agency, user=user, kind=kind, target=target, enabled=enabled
    )


@transaction.atomic
def update_channel(
    *, channel: ContactChannel, kind: str, target: str, enabled: bool
) -> ContactChannel:
    channel.kind, channel.target, channel.enabled = kind, target, enabled
    channel.save(update_fields=["kind", "target", "enabled"])
    return channel


@transaction.atomic
def remove_channel(*, channel: ContactChannel) -> None:
    channel.delete()


@transaction.atomic
def send_test(
    *, agency: Agency, user: User, now: datetime, channel: ContactChannel | None = None
) -> Notification:
    """Put a test page in the outbox for one channel (or the account e-mail when the person has
    none); the worker sends it. Each test has its own key: pressing twice sends twice."""
    if channel is not None:
        suffix, kind, target = f"channel-{channel.pk}", channel.kind, channel.target
    else:
        if not user.email:
            raise ValueError("this person has no e-mail address and no channel")
        suffix, kind, target = "email", ChannelKind.EMAIL, user.email
    return Notification.objects.create(
        key=f"test:user-{user.pk}:{secrets.token_hex(8)}:{suffix}",
        agency=agency,
        kind=kind,
        target=target,
        subject=TEST_SUBJECT,
        body=(
            f"This is a test page from Peerline for the peer support team of {agency.name}. "
            "Nothing is needed from you: if you read this, pages reach you here."
        ),
        next_attempt_at=now,
    )
