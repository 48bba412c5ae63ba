"""Signed, expiring one-tap tokens for the links in a page, for any app that pages (issue 14.2).

A token is a salted `TimestampSigner` signature over the caller's payload (e.g. "<pk>.<round>"):
it names a row, holds no name, and cannot be forged or moved to another row or to another app
(each app has its own salt). The caller decides how old a token may be; the clock is passed in
(`now`) so tests control it.
"""

from datetime import datetime

from django.core import signing
from django.utils import timezone


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
