"""The health check of a reused PostgreSQL connection without a round trip while it is quiet
(`peerline/core/postgresql`, issue 18), and still replacing a connection the server closed."""

import time

import pytest
from django.db import connection, connections

from peerline.core.postgresql.base import quiet

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own backend"),
]


@pytest.fixture
def reused():
    """A second connection as a web thread keeps it between requests, health checks on."""
    other = connections.create_connection("default")
    other.settings_dict["CONN_HEALTH_CHECKS"] = True
    other.ensure_connection()
    asked = []
    real = other.is_usable

    def is_usable():
        asked.append(1)
        return real()

    other.is_usable = is_usable
    other.asked = asked
    yield other
    other.close()


def _next_request(wrapper):
    wrapper.close_if_unusable_or_obsolete()  # what Django runs when a request starts
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_quiet_connection_is_reused_without_a_select_1(reused):
    first = _next_request(reused)
    assert _next_request(reused) == first, "the same connection"
    assert reused.asked == []


def test_a_connection_the_server_closed_is_replaced_before_the_request_uses_it(reused):
    first = _next_request(reused)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [first])
    deadline = time.monotonic() + 5
    while quiet(reused.connection) and time.monotonic() < deadline:
        time.sleep(0.01)  # the server's goodbye reaches the socket
    assert not quiet(reused.connection)
    second = _next_request(reused)  # no error: the request gets a new connection
    assert second != first
    assert reused.asked == [1], "the server was asked (SELECT 1), and it was gone"
