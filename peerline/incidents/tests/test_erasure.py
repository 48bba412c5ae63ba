"""Erasure that erases (2011 §6.7; DESIGN principle 8): after the retention window, no table and
no byte of the database file holds the incident's free text, the one-tap tokens, the pages, the
addresses paged, or a link from an involved person to the incident."""

import re
import tempfile
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import connection, models

from peerline.incidents import services
from peerline.incidents.models import CriticalIncident, IncidentArea, PageToken
from peerline.notifications.models import Notification
from peerline.notifications.outbox import rendered_body

from .helpers import T0, clinician, psp, staff

PLACE = "Behind the quartermaster depot zq"
# The rosters of employees, accounts and clinicians keep their own names and addresses.
ROSTER_TABLES = {"agencies_employee", "accounts_user", "clinical_mentalhealthprofessional"}


def every_text(exclude: set[str]) -> list[tuple[str, str]]:
    """(table, value) for every text column of every row of every model's table."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in exclude:
            continue
        fields = [
            f.column
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(connection.ops.quote_name(c) for c in fields)} "  # noqa: S608
                f"FROM {connection.ops.quote_name(table)}"
            )
            found += [(table, str(v)) for row in cursor.fetchall() for v in row if v is not None]
    return found


@pytest.fixture
def erased(agency, chain):
    agency.incident_retention_days = 30
    agency.save()
    area = IncidentArea.objects.create(agency=agency, name="North district")
    team = [psp(e) for e in staff(agency, 2)]
    clinician(agency, on_call_at=T0, email="dr.erasure@clinic.example")
    inc = services.incident_open(
        agency=agency,
        by=None,
        type="ois",
        occurred_at=T0,
        place=PLACE,
        area=area,
        principals=[chain.officer],
        witnesses=[chain.officer2],
        units=[],
        team_size=2,
        now=T0,
    )
    services.activate(incident=inc, by=None, now=T0 + timedelta(minutes=5))
    deployments = inc.deployments.count()
    pages = list(Notification.objects.filter(key__startswith=f"incident:{inc.pk}:"))
    # The links are made as the worker sends each page (links.fill_links).
    sent = [rendered_body(n) for n in pages]
    tokens = {m for body in sent for m in re.findall(r"/page/([^/\s?]+)/", body)}
    digests = set(
        PageToken.objects.filter(deployment__incident=inc).values_list("digest", flat=True)
    )
    targets = {n.target for n in pages}
    assert tokens and targets and PLACE in pages[0].body, "the pages carried them before"
    assert len(digests) == len(tokens), "one stored digest per link sent"
    # Before erasure too, no table holds a token in clear (DESIGN principle 8).
    assert not [(t, v) for t, v in every_text(exclude=set()) if any(k in v for k in tokens)]
    services.close(incident=inc, by=None, now=T0 + timedelta(days=1))
    assert services.erase_expired(T0 + timedelta(days=40)) == 1
    inc.refresh_from_db()
    return {
        "deployments": deployments,
        "incident": inc,
        "tokens": tokens,
        "digests": digests,
        "targets": targets,
        "team": team,
        "pages": pages,
    }


def test_no_table_holds_the_incidents_text_tokens_or_addresses_2011_6_7(erased, chain):
    values = every_text(exclude=set())
    needles = {PLACE, "quartermaster", *erased["tokens"], *erased["digests"]}
    assert not [(t, v) for t, v in values if any(n in v for n in needles)]
    # Addresses live in the roster and accounts; nowhere else.
    outside = every_text(exclude=ROSTER_TABLES | {"notifications_contactchannel"})
    for target in erased["targets"]:
        assert not [(t, v) for t, v in outside if target in v], target
    # Names of those involved only on the roster, never beside the incident.
    for person in (chain.officer, chain.officer2):
        assert not [(t, v) for t, v in outside if person.last_name in v and person.first_name in v]


def test_what_is_kept_is_not_about_anyone_2011_6_7(erased):
    inc: CriticalIncident = erased["incident"]
    assert inc.place == "" and inc.area.name == "North district"
    assert not inc.involvements.exists() and not inc.deployments.exists()
    assert not inc.follow_ups.exists()
    zone = ZoneInfo(inc.agency.time_zone)
    for moment in (inc.occurred_at, inc.activated_at, inc.closed_at, inc.opened_at):
        local = moment.astimezone(zone)
        assert (local.day, local.hour, local.minute, local.second) == (1, 0, 0, 0)
    assert (inc.principals_count, inc.witnesses_count) == (1, 1)
    assert sum(t.paged for t in inc.tallies.all()) == erased["deployments"] == 3
    # The outbox rows stay, emptied: their delivery status is the count.
    rows = Notification.objects.filter(key__startswith=f"incident:{inc.pk}:")
    assert rows.count() == len(erased["pages"])
    assert set(rows.values_list("body", "target", "subject")) == {("", "", "")}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads an SQLite file")
@pytest.mark.django_db(transaction=True)  # VACUUM runs outside a transaction
def test_the_database_file_holds_none_of_it_after_vacuum_2011_6_7(erased):
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "after-erasure.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.execute("VACUUM INTO %s", [str(copy)])
        raw = copy.read_bytes()
    assert raw, "the copy was written"
    for needle in {PLACE, *erased["tokens"], *erased["digests"]}:
        assert needle.encode() not in raw, needle
