"""Each audit test starts from an empty trail: rows committed by earlier tests of the same
process (a live server's, say) would otherwise shift the row numbers the tests expect. The
triggers are dropped, the rows deleted and the triggers made again, all inside the test's own
transaction (rolled back with it)."""

import importlib

import pytest
from django.db import connection

append_only = importlib.import_module("peerline.audit.migrations.0002_seq_and_append_only")


@pytest.fixture(autouse=True)
def empty_trail(db):
    up, down = append_only.TRIGGERS.get(connection.vendor, ([], []))
    with connection.cursor() as cursor:
        for statement in down:
            cursor.execute(statement)
        cursor.execute("DELETE FROM audit_chaincheck")
        cursor.execute("DELETE FROM audit_auditevent")
        for statement in up:
            cursor.execute(statement)
