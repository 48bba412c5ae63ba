"""Notifications: each person's channels, and the outbox the worker sends from.

The intent to notify is a `Notification` row written in the same transaction as what caused it
(an activation, an escalation, a mutual-aid request): nothing is sent inside a web request. The
worker (`peerline worker`) sends through Apprise with retries and back-off. `key` is unique per
(subject, person, channel, round), so writing the intent twice, or resending after a crash, can
never make two pages of one.

The outbox knows nothing of the apps that page through it (issue 14.2): a row names what it is
about with a `topic` string, "<kind>:<pk>" (e.g. "deployment:12", "mutual-aid:3", "support:7"),
which the app that wrote it reads back (delivery status, withdrawal, erasure).

Pages carry no names of involved people: the incident type, a general place and time, and a link.
"""

from django.conf import settings
from django.db import models


class ChannelKind(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "Text message (SMS gateway)"
    NTFY = "ntfy", "ntfy push"
    TEAMS = "teams", "Microsoft Teams"
    APPRISE = "apprise", "Other (an Apprise URL)"


class ContactChannel(models.Model):
    """One way to reach a person, configured by the agency. A person without any is reached by
    e-mail at the address of their account."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_channels"
    )
    kind = models.CharField(max_length=16, choices=ChannelKind.choices)
    # An e-mail address, a phone number for the SMS gateway, or an Apprise URL.
    target = models.CharField(max_length=500)
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["user", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user}"


def topic_for(kind: str, pk: int) -> str:
    """The outbox topic of one row of an app: "deployment:12", "support:7"."""
    return f"{kind}:{pk}"


class NotificationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"  # gave up after the last retry
    WITHDRAWN = "withdrawn", "Withdrawn"  # no longer needed: the page was passed on or closed


class Notification(models.Model):
    """One message to one person over one channel: the outbox row."""

    key = models.CharField(max_length=200, unique=True)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    # What the row is about, "<kind>:<pk>", written and read by the app that pages (never a name).
    topic = models.CharField(max_length=100, blank=True, db_index=True)
    kind = models.CharField(max_length=16, choices=ChannelKind.choices)
    target = models.CharField(max_length=500)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(
        max_length=16, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    # A worker's lease on the row while it sends; a lease older than the timeout is taken over.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key} ({self.get_status_display()})"
