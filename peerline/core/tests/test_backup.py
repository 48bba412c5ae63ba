"""Backups that restore: the drill (seed, back up, wipe, restore, compare every table), and the
ageing of backups past retention (DESIGN: nothing outlives its purpose, backups included)."""

import hashlib
import os
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection

from peerline.core import backup as backups
from peerline.web import demo

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def fingerprint():
    """Every table's row count and a checksum of its rows, read straight from the database."""
    found = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 (names from introspection)
            rows = sorted(repr(row) for row in cursor.fetchall())
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            found[table] = (len(rows), digest)
    return found


@pytest.mark.django_db(transaction=True)
def test_restore_drill_brings_back_every_row_of_every_table(tmp_path):
    demo.seed_demo(employees=demo.MIN_EMPLOYEES, seed=3)
    before = fingerprint()
    assert before["agencies_employee"][0] >= 2 * demo.MIN_EMPLOYEES  # the demo and its partner
    path = backups.backup(now=T0, folder=tmp_path)
    assert path.name == f"peerline-20260302T120000Z{backups.SUFFIXES[connection.vendor]}"
    assert oct(path.stat().st_mode & 0o777) == "0o600"  # only the service account reads it

    call_command("flush", "--noinput")  # the disaster
    assert fingerprint()["agencies_employee"][0] == 0

    call_command("restore", str(path), "--yes")
    after = fingerprint()
    assert after == before


def test_prune_deletes_backups_older_than_the_shortest_retention_and_keeps_the_rest(
    tmp_path, agency, other_agency
):
    agency.incident_retention_days = 14
    agency.save()
    other_agency.incident_retention_days = 60
    other_agency.save()
    names = {
        "peerline-20260216T115959Z.dump": "older than 14 days",
        "peerline-20260216T120001Z.dump": "within 14 days",
        "peerline-20260301T000000Z.sqlite3": "yesterday",
        "notes.txt": "not a backup",
    }
    for name in names:
        (tmp_path / name).write_text("x")
    deleted = backups.prune(now=T0, folder=tmp_path)
    assert [p.name for p in deleted] == ["peerline-20260216T115959Z.dump"]
    assert sorted(os.listdir(tmp_path)) == sorted(set(names) - {"peerline-20260216T115959Z.dump"})


def test_the_worker_ages_backups_as_a_scheduled_job():
    from peerline.core.jobs import JOBS

    assert JOBS["core.prune-backups"].every <= timedelta(days=1)


def test_a_backup_of_the_wrong_kind_is_refused(tmp_path, db):
    wrong = tmp_path / ("peerline-x.sqlite3" if connection.vendor != "sqlite" else "x.dump")
    wrong.write_text("x")
    with pytest.raises(backups.BackupError, match="is not a"):
        backups.restore(wrong)
