"""Backups that restore (docs/deploy.md, "Backups").

SQLite is copied with its online backup API, page by page, consistent while the server and the
worker write. PostgreSQL is dumped with `pg_dump` in the custom format and restored with
`pg_restore`. Backups go to `PEERLINE_BACKUP_DIR`, named by their UTC time.

A backup holds every agency's data, incident details included. The worker deletes backups older
than the shortest incident retention window of any agency, so what retention erased from the
database is gone from the backups too no later than that many days afterwards (DESIGN: nothing
outlives its purpose).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection

PREFIX = "peerline-"
SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".dump"}
DEFAULT_RETENTION_DAYS = 30


class BackupError(Exception):
    pass


def backup_dir() -> Path:
    return Path(settings.PEERLINE_BACKUP_DIR)


def _vendor() -> str:
    vendor = connection.vendor
    if vendor not in SUFFIXES:
        raise BackupError(f"backups of a {vendor} database are not supported")
    return vendor


def _pg_args_env() -> tuple[list[str], dict[str, str]]:
    db: dict[str, Any] = connection.settings_dict
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])  # never on the command line (ps shows it)
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-500:]}")


def backup(*, now: datetime, folder: Path | None = None) -> Path:
    """Write a backup of the database and return its path."""
    vendor = _vendor()
    folder = folder or backup_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{PREFIX}{now:%Y%m%dT%H%M%SZ}{SUFFIXES[vendor]}"
    partial = path.with_name(path.name + ".partial")  # never a half-written backup by its name
    if vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(partial)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        args, env = _pg_args_env()
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(partial), *args], env)
    os.chmod(partial, 0o600)
    partial.rename(path)
    return path


def restore(path: Path) -> None:
    """Replace the database's contents with the backup at `path`. Stop the server and the
    worker first: a restore is a return to the past for every agency at once."""
    vendor = _vendor()
    if not path.is_file():
        raise BackupError(f"no backup at {path}")
    if path.suffix != SUFFIXES[vendor]:
        raise BackupError(f"{path.name} is not a {vendor} backup")
    if vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        connection.close()
        args, env = _pg_args_env()
        _run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
             *args, str(path)],
            env,
        )  # fmt: skip


def retention_days() -> int:
    """How long a backup may be kept: the shortest incident retention of any agency."""
    # Looked up by name: the agencies are a higher layer than core.
    shortest = (
        apps.get_model("agencies", "Agency")
        .objects.order_by("incident_retention_days")
        .values_list("incident_retention_days", flat=True)
        .first()
    )
    return DEFAULT_RETENTION_DAYS if shortest is None else int(shortest)


def prune(*, now: datetime, folder: Path | None = None) -> list[Path]:
    """Delete the backups older than `retention_days()`; returns what was deleted."""
    folder = folder or backup_dir()
    if not folder.is_dir():
        return []
    limit = now - timedelta(days=retention_days())
    deleted = []
    for path in sorted(folder.glob(f"{PREFIX}*")):
        taken = _taken_at(path)
        if taken is not None and taken < limit:
            path.unlink()
            deleted.append(path)
    return deleted


def _taken_at(path: Path) -> datetime | None:
    stamp = path.name.removeprefix(PREFIX).split(".", 1)[0]
    try:
        return datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None  # not one of ours: left alone
