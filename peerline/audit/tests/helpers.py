"""Tampering as someone with direct access to the database would do it."""

from django.db import connection

TRIGGERS = {
    "postgresql": ["DROP TRIGGER audit_auditevent_append_only ON audit_auditevent"],
    "sqlite": [
        "DROP TRIGGER audit_auditevent_no_update",
        "DROP TRIGGER audit_auditevent_no_delete",
    ],
}


def sql(statement: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def drop_triggers() -> None:
    """What someone who wants to edit the trail does first (rolled back with the test)."""
    for statement in TRIGGERS[connection.vendor]:
        sql(statement)
