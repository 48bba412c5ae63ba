"""The audit trail is append-only and tamper-evident (issue 11 §6; DESIGN: AuditEvent)."""

import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from peerline.audit.chain import GENESIS, canonical_time
from peerline.audit.models import AuditEvent
from peerline.audit.services import Entry, check, record, record_many, state, verify
from peerline.core.jobs import JOBS

from .helpers import drop_triggers, sql

pytestmark = pytest.mark.django_db


def three(agency=None):
    return [record(f"test.step{n}", agency=agency, target=f"setting:{n}") for n in (1, 2, 3)]


def test_each_row_carries_the_hash_of_the_one_before_it():
    first, second, third = three()
    assert (first.seq, second.seq, third.seq) == (1, 2, 3)
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    result = verify()
    assert result.ok
    assert (result.checked, result.head_seq, result.head_hash) == (3, 3, third.hash)


def test_a_batch_is_chained_as_one_record_after_another(agency):
    """`record_many` (the bulk services): after a `record`, each row of the batch follows the
    one before it, and the chain verifies."""
    *_, third = three()
    batch = record_many([Entry("test.bulk", agency=agency, target=f"row:{n}") for n in (1, 2)])
    n = third.seq  # the agency's own events come first
    assert [(e.seq, e.target) for e in batch] == [(n + 1, "row:1"), (n + 2, "row:2")]
    assert batch[0].prev_hash == third.hash and batch[1].prev_hash == batch[0].hash
    assert record_many([]) == []
    assert verify().ok and verify().head_seq == n + 2


def test_rows_read_back_from_the_database_verify_exactly(agency):
    """The hash covers what the database gives back: a time on a whole second (no microseconds
    in isoformat), decimals, dates, floats and sets in `detail`, on SQLite and PostgreSQL."""
    event = record(
        "settings.changed",
        agency=agency,
        detail={
            "training_hours_per_quarter": {"old": Decimal("4.0"), "new": Decimal("6.5")},
            "since": date(2026, 1, 1),
            "ratio": 0.1,
            "big": 1e20,
            "roles": {"coordinator", "command_staff"},
        },
    )
    assert verify().ok
    stored = AuditEvent.objects.get(pk=event.pk).detail
    assert stored["training_hours_per_quarter"] == {"old": "4.0", "new": "6.5"}
    assert stored["roles"] == ["command_staff", "coordinator"]
    assert stored["big"] == "1e+20"


def test_the_canonical_time_is_utc_with_microseconds_always():
    assert canonical_time(datetime(2026, 12, 3, 15, 0, tzinfo=UTC)) == "2026-12-03T15:00:00.000000Z"


def test_the_database_refuses_update_and_delete():
    first, _, _ = three()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=first.pk + 1).update(action="test.forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=first.pk + 1).delete()
    assert AuditEvent.objects.filter(action="test.step2").exists()
    assert verify().ok


def test_verify_finds_a_row_edited_with_the_trigger_dropped():
    _, second, _ = three()
    drop_triggers()
    sql("UPDATE audit_auditevent SET target = %s WHERE id = %s", ["setting:99", second.pk])
    result = verify()
    assert not result.ok
    assert (result.broken_seq, result.broken_id) == (2, second.pk)
    assert "edited" in result.reason
    assert result.head_seq == 1


def test_verify_finds_a_deleted_row():
    _, second, third = three()
    drop_triggers()
    sql("DELETE FROM audit_auditevent WHERE id = %s", [second.pk])
    result = verify()
    assert (result.broken_seq, result.broken_id) == (3, third.pk)
    assert "row 2 missing" in result.reason


def test_verify_finds_the_oldest_row_deleted_which_sqlite_lets_through():
    first, second, _ = three()
    drop_triggers()
    sql("DELETE FROM audit_auditevent WHERE id = %s", [first.pk])
    result = verify()
    assert (result.broken_seq, result.broken_id, result.checked) == (2, second.pk, 0)


def test_verify_finds_a_row_inserted_out_of_chain():
    _, _, third = three()
    sql(
        "INSERT INTO audit_auditevent (seq, at, actor_label, action, target, detail, prev_hash,"
        " hash) VALUES (4, %s, 'someone', 'role.granted', 'user:1', '{}', %s, %s)",
        [third.at, "f" * 64, "e" * 64],
    )
    record("test.after")  # a genuine row after the forged one
    result = verify()
    assert result.broken_seq == 4
    assert "does not follow" in result.reason
    assert result.head_seq == 3


def test_verify_finds_a_forged_hash_at_the_end():
    _, _, third = three()
    sql(
        "INSERT INTO audit_auditevent (seq, at, actor_label, action, target, detail, prev_hash,"
        " hash) VALUES (4, %s, 'someone', 'role.granted', 'user:1', '{}', %s, %s)",
        [third.at, third.hash, "e" * 64],
    )
    assert verify().broken_seq == 4


def test_the_command_exits_non_zero_naming_the_first_broken_row(capsys):
    _, second, _ = three()
    call_command("audit", "verify")
    assert "3 rows verified" in capsys.readouterr().out
    drop_triggers()
    sql("UPDATE audit_auditevent SET action = 'test.forged' WHERE id = %s", [second.pk])
    with pytest.raises(CommandError) as refused:
        call_command("audit", "verify")
    assert refused.value.returncode == 1
    assert f"row 2 (id {second.pk})" in str(refused.value)


def test_the_command_checks_a_head_written_down_earlier_finding_rows_removed_from_the_end():
    _, second, third = three()
    call_command("audit", "verify", head=f"3:{third.hash}")
    drop_triggers()
    sql("DELETE FROM audit_auditevent WHERE id = %s", [third.pk])
    call_command("audit", "verify", head=f"2:{second.hash}")  # still there
    with pytest.raises(CommandError, match="broken at row 3: it is gone"):
        call_command("audit", "verify", head=f"3:{third.hash}")


def test_a_failing_change_leaves_no_event():
    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        record("test.doomed")
        raise Refused
    assert not AuditEvent.objects.exists()
    assert record("test.next").seq == 1  # the chain goes on as if nothing was written


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite admits one writer at a time by itself (IMMEDIATE transactions)",
)
@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_never_fork_the_chain_even_from_an_empty_table():
    """Two connections append at the same moment, the first rows included: one chain."""
    assert not AuditEvent.objects.exists()
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            start.wait()
            for n in range(25):
                with transaction.atomic():
                    record(f"test.{name}", target=f"setting:{n}")
        except BaseException as error:  # noqa: BLE001 - reported by the test
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert AuditEvent.objects.count() == 50
    result = verify()
    assert result.ok and result.head_seq == 50


def test_the_worker_checks_the_chain_hourly_and_logs_its_head(caplog):
    *_, third = three()
    job = JOBS["audit.verify"]
    assert job.every.total_seconds() == 3600
    with caplog.at_level("INFO", logger="peerline.audit"):
        job.run(third.at)
    assert f"head 3:{third.hash}" in caplog.text
    drop_triggers()
    sql("DELETE FROM audit_auditevent WHERE id = %s", [third.pk - 1])
    with caplog.at_level("INFO", logger="peerline.audit"):
        job.run(third.at)
    assert "broken at row 3" in caplog.text


def test_between_full_checks_the_rows_since_the_last_one_are_verified():
    first, second, third = three()
    assert check().ok  # the hourly full walk, kept
    fourth = record("test.step4")
    result, last = state()
    assert last is not None and last.head_seq == 3
    assert result.ok and result.head_seq == 4
    drop_triggers()
    sql("UPDATE audit_auditevent SET target = 'x' WHERE id = %s", [fourth.pk])
    assert state()[0].broken_seq == 4
    sql("UPDATE audit_auditevent SET hash = %s WHERE id = %s", ["d" * 64, third.pk])
    anchor = verify(since=(3, third.hash))
    assert (anchor.broken_seq, anchor.reason) == (3, "it changed since it was verified")


def test_a_row_edited_before_the_last_full_check_is_found_by_the_next_one():
    first, _, _ = three()
    assert check().ok
    drop_triggers()
    sql("UPDATE audit_auditevent SET target = 'x' WHERE id = %s", [first.pk])
    assert state()[0].ok  # the page goes on from the last full check …
    assert check().broken_seq == 1  # … until the next one, at most an hour later
    assert state()[0].broken_seq == 1  # and from then on the page walks it all again
