"""The key that hashes API tokens and signs iCalendar feed links, apart from SECRET_KEY.

Rotating Django's SECRET_KEY (sessions, password-reset links, CSRF) must not revoke every API
token and every clinician's calendar subscription, so these have a key of their own:
`PEERLINE_TOKEN_KEY` from the environment, or, when it is unset, a random key made once and
kept in `DATA_DIR/token.key` (readable by its owner only). Nothing derives it from SECRET_KEY.
Several hosts behind a load balancer must share one `PEERLINE_TOKEN_KEY`.
"""

import hashlib
import hmac
import os
import secrets
from functools import cache
from pathlib import Path

from django.conf import settings


@cache
def token_key() -> bytes:
    configured: str = settings.PEERLINE_TOKEN_KEY
    if configured:
        return configured.encode()
    path = Path(settings.DATA_DIR) / "token.key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: of two processes starting at once, one writes the key and both read it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48))
    return path.read_text().strip().encode()


def digest(key: str) -> str:
    """HMAC-SHA256 of a token under the token key. Tokens are long random strings, so a fast
    keyed hash is enough (no slow KDF needed); the key keeps a stolen table from being tested
    offline."""
    return hmac.new(token_key(), key.encode(), hashlib.sha256).hexdigest()
