"""The tokens of one-tap links, for any app that pages (issue 14.2).

A random token (`new_token`) names a row through its SHA-256 `digest`, the only form the app
stores, so neither the database, the outbox nor a backup holds a live link (2011 §6.7; DESIGN
principle 8); `TOKEN_SHAPE` refuses a guess before any database read.

A signed token is a salted `TimestampSigner` signature over the caller's payload (e.g. "<pk>.<round>"):
it names a row, holds no name, and cannot be forged or moved to another row or to another app
(each app has its own salt). The caller decides how old a token may be; the clock is passed in
(`now`) so tests control it.
"""

import hashlib
import re
import secrets
from datetime import datetime

from django.core import signing
from django.utils import timezone

TOKEN_BYTES = 32  # 256 random bits
# What secrets.token_urlsafe(32) makes: 43 characters of the URL-safe base64 alphabet.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class _Signer(signing.TimestampSigner):
    """A TimestampSigner whose clock is the caller's `now`."""

    def __init__(self, salt: str, now: datetime | None = None):
        super().__init__(salt=salt)
        self._now = now

    def timestamp(self) -> str:
        moment = self._now or timezone.now()
        return signing.b62_encode(int(moment.timestamp()))


def sign(payload: str, *, salt: str, now: datetime) -> str:
    return _Signer(salt, now).sign(payload)


def unsign(token: str, *, salt: str) -> tuple[str, int]:
    """(payload, when it was made as a Unix time); raises `signing.BadSignature` or ValueError
    when the token was tampered with or truncated."""
    signer = _Signer(salt)
    # The plain Signer check: the signature over "<payload>:<timestamp>".
    value = signing.Signer.unsign(signer, token)
    payload, stamp = value.rsplit(signer.sep, 1)
    return payload, signing.b62_decode(stamp)
