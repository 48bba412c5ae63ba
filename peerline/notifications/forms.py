"""The channel form: one way to reach a person, checked for its kind."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import apprise
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from peerline.notifications.models import ChannelKind
from peerline.notifications.outbox import PHONE_RE, ntfy_url, phone_digits
from peerline.team.forms import UswdsForm

HINTS = {
    ChannelKind.EMAIL: "an e-mail address",
    ChannelKind.SMS: "a mobile number (digits), or the carrier's e-mail-to-text address",
    ChannelKind.NTFY: "the topic's address, e.g. https://ntfy.example.org/peer-team-jdoe",
    ChannelKind.TEAMS: "the Teams Workflows webhook URL (…/workflows/…/triggers/manual/paths/invoke?…)",
    ChannelKind.APPRISE: "any Apprise notification URL",
}


def apprise_services(url: str) -> list[str]:
    """The Apprise plugin names a URL is understood as; empty when Apprise rejects it."""
    pager = apprise.Apprise()
    if not pager.add(url):
        return []
    return [type(server).__name__ for server in pager]


class ChannelForm(UswdsForm):
    kind = forms.ChoiceField(label="Channel", choices=ChannelKind.choices)
    target = forms.CharField(
        label="Address",
        max_length=500,
        help_text="What to enter for each channel is listed below the form.",
    )
    enabled = forms.BooleanField(label="Page through this channel", required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].widget.attrs["autocomplete"] = "off"

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind, target = data.get("kind"), (data.get("target") or "").strip()
        if not kind or not target:
            return data
        try:
            data["target"] = clean_target(kind, target)
        except ValidationError as error:
            self.add_error("target", error)
        return data


def clean_target(kind: str, target: str) -> str:
    """The target normalised for its kind, or ValidationError saying what is expected."""
    if kind == ChannelKind.EMAIL:
        validate_email(target)
        return target
    if kind == ChannelKind.SMS:
        if "@" in target:
            validate_email(target)
            return target
        digits = phone_digits(target)
        if not PHONE_RE.match(digits):
            raise ValidationError("Enter a mobile number of 7 to 15 digits.")
        return digits
    if kind == ChannelKind.NTFY:
        if not target.startswith(("http://", "https://", "ntfy://", "ntfys://")):
            raise ValidationError("Enter the topic's URL (https://host/topic).")
        parts = urlsplit(target)
        if not parts.netloc or not parts.path.strip("/"):
            raise ValidationError("Enter the topic's URL, with its server and topic.")
        if "NotifyNtfy" not in apprise_services(ntfy_url(target)):
            raise ValidationError("This is not an ntfy topic URL.")
        return target
    if kind == ChannelKind.TEAMS:
        if not target.startswith("https://") or "NotifyWorkflows" not in apprise_services(target):
            raise ValidationError(
                "Enter the Workflows webhook URL Teams gave for the channel "
                "(it contains /workflows/…/triggers/manual/paths/invoke)."
            )
        return target
    if kind == ChannelKind.APPRISE:
        if not apprise_services(target):
            raise ValidationError("Apprise does not recognise this URL.")
        return target
    raise ValidationError("Choose a channel.")
