"""Number the rows (`seq`), make `prev_hash` unique (no fork), re-chain any rows written before
with the canonical form, and refuse UPDATE and DELETE in the database itself.

The triggers are the cheap first line; the chain is what detects a change made by someone who
dropped them. On SQLite the oldest row may still be deleted, so that a test database can be
emptied between tests (`DELETE FROM` removes rows oldest first); `verify` finds that too, since
the first row left is then not row 1. PostgreSQL empties test databases with TRUNCATE, which
row triggers do not see, so there every DELETE is refused.
"""

from django.db import migrations, models

from peerline.audit.chain import GENESIS, canonical_detail, row_hash

POSTGRES_UP = [
    """
    CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION USING MESSAGE = 'the audit trail is append-only: ' || TG_OP || ' refused';
    END $$
    """,
    """
    CREATE TRIGGER audit_auditevent_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_append_only()
    """,
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_append_only()",
]
SQLITE_UP = [
    """
    CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE refused'); END
    """,
    """
    CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
    WHEN OLD.id <> (SELECT MIN(id) FROM audit_auditevent)
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: DELETE refused'); END
    """,
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete",
]
TRIGGERS = {"postgresql": (POSTGRES_UP, POSTGRES_DOWN), "sqlite": (SQLITE_UP, SQLITE_DOWN)}


def _run(schema_editor, index):
    for statement in TRIGGERS.get(schema_editor.connection.vendor, ([], []))[index]:
        schema_editor.execute(statement)


def triggers_up(apps, schema_editor):
    _run(schema_editor, 0)


def triggers_down(apps, schema_editor):
    _run(schema_editor, 1)


def rechain(apps, schema_editor):
    """Rows written before this migration (the same day, before any release) get their number
    and their hash in the canonical form."""
    AuditEvent = apps.get_model("audit", "AuditEvent")
    prev = GENESIS
    for seq, event in enumerate(AuditEvent.objects.order_by("id"), start=1):
        event.seq, event.prev_hash = seq, prev
        event.detail = canonical_detail(event.detail)
        event.hash = row_hash(
            seq=seq,
            prev_hash=prev,
            at=event.at,
            agency_id=event.agency_id,
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            action=event.action,
            target=event.target,
            detail=event.detail,
        )
        prev = event.hash
        event.save()


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.RunPython(rechain, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(unique=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(max_length=64, unique=True),
        ),
        migrations.AlterModelOptions(name="auditevent", options={"ordering": ["seq"]}),
        migrations.RunPython(triggers_up, triggers_down),
    ]
