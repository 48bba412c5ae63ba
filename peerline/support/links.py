"""The signed links of a request for a peer: the PSP's one-tap answer and the requester's state
page. Both are the outbox's signed tokens (`peerline.notifications.links`) over a row number,
each with its own salt; neither holds a name, and both stop working when the row is erased."""

from datetime import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

from peerline.notifications import links as tokens

ANSWER_SALT = "peerline.support.answer"
STATUS_SALT = "peerline.support.status"


class LinkInvalid(Exception):
    """Tampered or truncated: a bare 404."""


def answer_token(page_pk: int, *, now: datetime) -> str:
    return tokens.sign(str(page_pk), salt=ANSWER_SALT, now=now)


def status_token(request_pk: int, *, now: datetime) -> str:
    return tokens.sign(str(request_pk), salt=STATUS_SALT, now=now)


def read(token: str, *, salt: str) -> int:
    """The row number a token names. Whether the row still exists is the caller's question:
    a genuine token for an erased request answers "closed", not 404."""
    try:
        payload, _made = tokens.unsign(token, salt=salt)
        return int(payload)
    except (signing.BadSignature, ValueError):
        raise LinkInvalid from None


def answer_url(page_pk: int, *, now: datetime) -> str:
    path = reverse("support:answer", args=[answer_token(page_pk, now=now)])
    return settings.BASE_URL.rstrip("/") + path
