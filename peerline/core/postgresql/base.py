"""Django's PostgreSQL backend, with the health check of a reused connection made cheap
(issue 18: every request pays it).

`CONN_HEALTH_CHECKS` stays on: a connection kept between requests (`CONN_MAX_AGE`) that the
server closed (a restart, a failover, `idle_session_timeout`) must be replaced before a request
uses it, or that request fails. Django checks with a `SELECT 1` round trip at the start of every
request. Here the connection is first asked without one: libpq's own state, then whether its
socket has anything to read. A connection the server closed has (its goodbye, then the end of
the stream), while a healthy idle one has nothing. Only then, or whenever the answer is not
clear, Django's `SELECT 1` decides, as before. What neither can see quickly (a half-open
connection after a network loss, which a `SELECT 1` would wait on too) is left to TCP.
"""

import select
from typing import Any

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    # Django's own attributes, which its type stubs do not declare.
    health_check_enabled: bool
    health_check_done: bool
    pool: Any

    def close_if_health_check_failed(self) -> None:
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not self.pool
            and quiet(self.connection)
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()


def quiet(connection: Any) -> bool:
    """True when an idle psycopg connection is open as far as libpq knows and its socket has
    nothing waiting: no `SELECT 1` needed. False means "ask the server"."""
    if connection.closed or connection.broken:
        return False
    if connection.pgconn.status != pq.ConnStatus.OK:
        return False
    if connection.pgconn.transaction_status != pq.TransactionStatus.IDLE:
        return False
    if not hasattr(select, "poll"):
        return False
    poller = select.poll()
    poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
    return not poller.poll(0)
