"""What logging a contact over the API costs in SQL statements (issue 18: "contact logging is at
0.53–0.70 of its floor"). A count, not a time: the time is measured in `bench/`.

The floor is two statements (the token and the INSERT). The rules add what they need and no
more: the roles with their agencies (read with the token, in its query; the agency never looked
up again), on PostgreSQL the agency's row lock (SQLite has none: its transaction holds the
database's write lock), the INSERT that also says whether the month's quarter is closed (2011
§3.1: a closed report never changes), and, under the test's outer transaction, the savepoint
pair of the service's `transaction.atomic`. The links (agency, PSP, exception) are not checked
again by `full_clean`: the service read each of them scoped to the agency, and the database
checks them on INSERT.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.utils import timezone

from peerline.accounts.models import ApiToken, Role
from peerline.agencies import periods
from peerline.agencies.models import Agency
from peerline.contacts.models import Contact
from peerline.governance.models import ConfidentialityException, ExceptionCategory
from peerline.stats.models import ClosedPeriod

from .test_api import payload

TOKEN_AND_ROLES = 1  # the live token with its user, their roles in every agency and the agencies
LOCK = 1 if connection.features.has_select_for_update else 0  # the agency's row lock
SAVEPOINT = 2  # SAVEPOINT and RELEASE of the service's transaction (BEGIN/COMMIT outside tests)
INSERT = 1  # with "is the month's quarter closed?"
BUDGET = TOKEN_AND_ROLES + LOCK + SAVEPOINT + INSERT  # it was 10 + the savepoints


@pytest.fixture
def bearer(users):
    key = ApiToken.issue(users[Role.PEER_SUPPORTER], name="phone")
    # The token's "last used" is written at most once a minute: make this request not the first.
    ApiToken.objects.update(last_used_at=timezone.now())
    return {"Authorization": f"Bearer {key}"}


def _post(bearer, body):
    return Client().post("/api/v1/contacts", body, content_type="application/json", headers=bearer)


def test_a_contact_is_logged_in_five_statements_four_on_sqlite_2011_6_7(
    bearer, agency, django_assert_num_queries
):
    with django_assert_num_queries(5 if connection.vendor == "postgresql" else 4):
        response = _post(bearer, payload(agency))
    assert response.status_code == 201, response.content
    assert Contact.objects.get().period == periods.quarter_of(periods.local_today(agency))


def test_an_exception_chosen_costs_one_lookup_scoped_to_the_agency_2011_6_3(
    bearer, agency, other_agency, django_assert_num_queries
):
    own, theirs = (
        ConfidentialityException.objects.create(
            agency=a, category=ExceptionCategory.AGENCY_DEFINED, label="Test-only limit"
        )
        for a in (agency, other_agency)
    )
    with django_assert_num_queries(BUDGET + 1):
        response = _post(bearer, payload(agency, exception=own.pk))
    assert response.status_code == 201, response.content
    refused = _post(bearer, payload(agency, exception=theirs.pk))
    assert refused.status_code == 422
    assert Contact.objects.count() == 1


def test_the_lock_still_moves_a_closed_quarters_contact_to_the_open_one_2011_3_1(
    bearer, agency, django_assert_num_queries
):
    """The closed-period check rides on the INSERT; the rule is unchanged."""
    today = periods.local_today(agency)
    last_quarter = (today.replace(day=1) - timedelta(days=93)).replace(day=1)
    ClosedPeriod.objects.create(
        agency=agency, period=periods.quarter_of(last_quarter), threshold=11, release_json=b"{}"
    )
    with django_assert_num_queries(BUDGET):
        response = _post(bearer, payload(agency, month=f"{last_quarter:%Y-%m}"))
    assert response.status_code == 201, response.content
    contact = Contact.objects.get()
    assert contact.month == last_quarter
    assert contact.period == periods.quarter_of(today)


def _until_a_session_waits_on_a_lock() -> None:
    """Return once another session of the test database waits on a lock (PostgreSQL)."""
    for _ in range(100):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # else kept for the transaction
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    pytest.fail("the contact never waited on the agency's lock")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite admits one writer at a time by itself (IMMEDIATE transactions)",
)
@pytest.mark.django_db(transaction=True)
def test_a_contact_waiting_on_a_close_counts_in_the_open_quarter_2011_3_1(agency, users):
    """A quarter closes while a contact for it waits on the agency's lock: once the close
    commits, the contact goes to the open quarter, never into the frozen report. (Read in one
    statement with the lock, the closed quarters came from before the wait: it went in.)"""
    from peerline.contacts import services

    today = periods.local_today(agency)
    last_quarter = (today.replace(day=1) - timedelta(days=93)).replace(day=1)
    waiting = threading.Event()
    failures: list[BaseException] = []

    def log() -> None:
        try:
            waiting.set()
            services.contact_log(
                agency=agency,
                peer_supporter=users[Role.PEER_SUPPORTER],
                data=payload(agency, month=f"{last_quarter:%Y-%m}"),
            )
        except BaseException as error:  # noqa: BLE001 - reported by the test
            failures.append(error)
        finally:
            connections.close_all()

    with transaction.atomic():  # what `stats.releases.period_close` holds while it counts
        Agency.objects.select_for_update().get(pk=agency.pk)
        ClosedPeriod.objects.create(
            agency=agency, period=periods.quarter_of(last_quarter), threshold=11, release_json=b"{}"
        )
        thread = threading.Thread(target=log)
        thread.start()
        waiting.wait()
        _until_a_session_waits_on_a_lock()
    thread.join()
    assert failures == []
    assert Contact.objects.get().period == periods.quarter_of(today)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's IMMEDIATE transaction takes the write lock before the service reads the "
    "clock: no wait comes between the two there",
)
@pytest.mark.django_db(transaction=True)
def test_a_contact_waiting_while_its_quarter_ends_and_closes_is_refused_from_it_2011_3_1(
    agency, users, monkeypatch
):
    """A contact for the quarter's last month is sent just before the agency's midnight; the
    quarter ends and closes while the contact waits on the agency's lock. The quarter it falls
    back to is today's as of after the wait (the new one), not as of before it: the closed
    quarter, whose release is frozen, refuses it either way."""
    from peerline.agencies import clock
    from peerline.contacts import services

    today = periods.local_today(agency)
    ended = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1) - timedelta(days=1)
    assert ended == periods.last_day(periods.quarter_of(ended))  # the last quarter's last day
    new_quarter = periods.quarter_of(ended + timedelta(days=1))
    day = {"today": ended}  # the agency's date, as the service reads it
    monkeypatch.setattr(clock, "local_today", lambda agency, now=None: day["today"])
    waiting = threading.Event()
    failures: list[BaseException] = []
    logged: list[Contact] = []

    def log() -> None:
        try:
            waiting.set()
            logged.append(
                services.contact_log(
                    agency=agency,
                    peer_supporter=users[Role.PEER_SUPPORTER],
                    data=payload(agency, month=f"{ended:%Y-%m}"),
                )
            )
        except BaseException as error:  # noqa: BLE001 - reported by the test
            failures.append(error)
        finally:
            connections.close_all()

    with transaction.atomic():  # what `stats.releases.period_close` holds while it counts
        Agency.objects.select_for_update().get(pk=agency.pk)
        thread = threading.Thread(target=log)
        thread.start()
        waiting.wait()
        _until_a_session_waits_on_a_lock()
        day["today"] = ended + timedelta(days=1)  # the agency's midnight: the quarter has ended
        ClosedPeriod.objects.create(
            agency=agency, period=periods.quarter_of(ended), threshold=11, release_json=b"{}"
        )
    thread.join()
    assert failures == []
    assert Contact.objects.filter(period=periods.quarter_of(ended)).count() == 0
    stored = Contact.objects.get()
    assert (stored.month, stored.period) == (ended.replace(day=1), new_quarter)
    assert logged[0].period == new_quarter


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the fallback of old SQLite; PostgreSQL has RETURNING"
)
def test_without_returning_the_lock_and_check_are_statements_of_their_own_2011_3_1(
    bearer, agency, monkeypatch, django_assert_num_queries
):
    """A database that cannot answer the INSERT's columns (SQLite before 3.35): the lock, the
    closed-quarter check and the ORM's INSERT, one after the other; the same rule."""
    monkeypatch.setattr(connection.features, "can_return_columns_from_insert", False)
    today = periods.local_today(agency)
    last_quarter = (today.replace(day=1) - timedelta(days=93)).replace(day=1)
    ClosedPeriod.objects.create(
        agency=agency, period=periods.quarter_of(last_quarter), threshold=11, release_json=b"{}"
    )
    with django_assert_num_queries(6):  # token, savepoint, lock, closed?, INSERT, release
        response = _post(bearer, payload(agency, month=f"{last_quarter:%Y-%m}"))
    assert response.status_code == 201, response.content
    assert response.json()["period"] == Contact.objects.get().period == periods.quarter_of(today)
