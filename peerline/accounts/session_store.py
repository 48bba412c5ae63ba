"""Django's database session store, reading the session's row with a statement written once
(`core.rawsql.Rows`) instead of compiling the same query on every request (issue 18: every
signed-in page reads its session first). The rest (writing, expiry, the key's rotation) is
Django's own, and so is the rule: a row past its `expire_date` is no session.

`SESSION_ENGINE = "peerline.accounts.session_store"`.
"""

from typing import Any

from django.contrib.sessions.backends import db
from django.db import router
from django.utils import timezone

from peerline.core import rawsql

_rows: list[rawsql.Rows] = []


def _live() -> rawsql.Rows:
    """The session's row by its key, while it has not expired."""
    if not _rows:
        from django.contrib.sessions.models import Session

        _rows.append(
            rawsql.Rows(
                Session, "{session_key} = %s AND {expire_date} > %s", ["session_key", "expire_date"]
            )
        )
    return _rows[0]


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        found = _live().first(
            self.session_key, timezone.now(), using=router.db_for_read(self.model)
        )
        if found is None:
            self._session_key = None
        return found
