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
    if not path.exists():
        # Written whole beside it, then linked into place (a link never replaces a file): of two
        # processes starting at once, one key is linked and both read it, never a file still
        # empty (created with O_EXCL and written after, it was read empty by the other one).
        draft = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(8)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(48))
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip().encode()


def digest(key: str) -> str:
    """HMAC-SHA256 of a token under the token key. Tokens are long random strings, so a fast
    keyed hash is enough (no slow KDF needed); the key keeps a stolen table from being tested
    offline."""
    return hmac.new(token_key(), key.encode(), hashlib.sha256).hexdigest()
