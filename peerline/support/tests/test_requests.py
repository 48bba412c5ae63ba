"""Requests for a peer: who is paged, first to accept wins, escalation, erasure, the counts
(issue 16.1; IACP 2011 §3.6, §5.1, §6.7, §7.2; DESIGN principle 8)."""

import logging
from datetime import date, timedelta

import pytest
from django.contrib import admin
from django.db import connection

from peerline.audit.models import AuditEvent
from peerline.notifications.models import Notification, NotificationStatus
from peerline.support import services
from peerline.support.models import (
    RequestStatus,
    SupportPage,
    SupportRequest,
    SupportSettings,
    SupportTally,
)

from .conftest import T0, make_clinician, make_psp

PHONE = "+13125550199"


def paged_numbers(request: SupportRequest) -> set[str]:
    return {
        page.peer_supporter.employee.employee_number
        for page in request.pages.select_related("peer_supporter__employee")
        if page.peer_supporter
    }


def settings_for(agency, **values) -> SupportSettings:
    return SupportSettings.objects.create(agency=agency, **values)


def test_only_active_psps_who_match_the_preferences_are_paged_2011_3_6(agency, team):
    settings_for(agency, psps_per_round=10)
    sent = services.request_create(
        agency=agency, now=T0, category="civilian", job_family="telecommunications"
    )
    assert paged_numbers(sent) == {"7003", "7004"}
    spanish = services.request_create(agency=agency, now=T0, language="es")
    assert paged_numbers(spanish) == {"7003"}


def test_nobody_from_the_requesters_division_is_paged_2011_7_2(agency, team):
    settings_for(agency, psps_per_round=10)
    patrol = agency.divisions.get(code="PATROL")
    sent = services.request_create(agency=agency, now=T0, not_division=patrol)
    # 7006 is on leave (2011 §4.4): never paged.
    assert paged_numbers(sent) == {"7003", "7004", "7005"}


def test_a_division_of_another_agency_is_refused(agency, other_agency, team):
    with pytest.raises(ValueError):
        services.request_create(agency=agency, now=T0, not_division=other_agency.divisions.first())


def test_pages_carry_no_detail_and_have_one_key_per_person_and_round(agency, team):
    settings_for(agency, psps_per_round=2)
    sent = services.request_create(
        agency=agency, now=T0, callback_phone=PHONE, callback_email="me@home.example", language=""
    )
    rows = list(Notification.objects.filter(topic=f"support:{sent.pk}"))
    assert len(rows) == 2
    for row in rows:
        assert PHONE not in row.body and "me@home.example" not in row.body
        assert row.key.startswith(f"support:{sent.pk}:psp:") and ":round:1:" in row.key
    # Writing the same round again adds nothing (the outbox's exactly-once keys).
    page = sent.pages.first()
    assert page is not None
    services._notify(sent, page, now=T0)
    assert Notification.objects.filter(topic=f"support:{sent.pk}").count() == 2


def test_the_first_to_accept_gets_it_and_the_others_see_taken_2011_3_6(agency, team):
    settings_for(agency, psps_per_round=3)
    sent = services.request_create(agency=agency, now=T0, callback_phone=PHONE)
    first, second, _third = list(sent.pages.all())
    Notification.objects.filter(
        key__startswith=f"support:{sent.pk}:psp:{first.peer_supporter_id}:"
    ).update(status=NotificationStatus.SENT)
    services.accept(page=first, now=T0 + timedelta(minutes=7))
    with pytest.raises(services.Taken):
        services.accept(page=second, now=T0 + timedelta(minutes=8))
    sent.refresh_from_db()
    assert sent.status == RequestStatus.ACCEPTED
    # The pages not sent yet are withdrawn; the one already sent stays sent.
    statuses = set(
        Notification.objects.filter(topic=f"support:{sent.pk}").values_list("status", flat=True)
    )
    assert statuses == {"sent", "withdrawn"}
    tally = SupportTally.objects.get(agency=agency)
    assert (tally.month, tally.requests, tally.answered, tally.minutes_to_answer) == (
        date(2026, 3, 1),
        1,
        1,
        7,
    )


def test_done_erases_the_details_everywhere_and_the_count_stays_principle_8(agency, team):
    sent = services.request_create(agency=agency, now=T0, callback_phone=PHONE)
    page = sent.pages.first()
    services.accept(page=page, now=T0 + timedelta(minutes=3))
    services.done(page=page)
    assert not SupportRequest.objects.exists() and not SupportPage.objects.exists()
    rows = Notification.objects.filter(key__startswith="support:")
    assert rows.exists()
    assert all(row.body == "" and row.target == "" and row.topic == "" for row in rows)
    assert all(row.key.startswith("support:erased:") for row in rows)
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608  (names from the schema)
            assert PHONE not in repr(cursor.fetchall()), table
    tally = SupportTally.objects.get(agency=agency)
    assert (tally.requests, tally.answered) == (1, 1)


def test_an_unanswered_request_is_erased_when_it_expires(agency, team):
    settings_for(agency, expiry_hours=24)
    sent = services.request_create(agency=agency, now=T0, callback_phone=PHONE)
    assert services.erase_due(now=T0 + timedelta(hours=23, minutes=59)) == 0
    assert SupportRequest.objects.filter(pk=sent.pk).exists()
    assert services.erase_due(now=T0 + timedelta(hours=24)) == 1
    assert not SupportRequest.objects.exists()
    tally = SupportTally.objects.get(agency=agency)
    assert (tally.requests, tally.answered) == (1, 0)


def test_accepted_details_are_erased_after_the_window_even_if_not_marked_done(agency, team):
    settings_for(agency, shown_hours=2)
    sent = services.request_create(agency=agency, now=T0, callback_phone=PHONE)
    services.accept(page=sent.pages.first(), now=T0 + timedelta(minutes=5))
    assert services.erase_due(now=T0 + timedelta(hours=2)) == 0
    assert services.erase_due(now=T0 + timedelta(hours=2, minutes=5)) == 1
    assert not SupportRequest.objects.exists()


def test_nobody_accepts_the_next_psps_then_the_on_call_clinician_2011_5_1(agency, team):
    settings_for(agency, psps_per_round=2, escalate_after_minutes=10)
    clinician = make_clinician(agency, on_call_at=T0)
    sent = services.request_create(agency=agency, now=T0)
    assert sent.pages.count() == 2
    assert services.escalate_due(now=T0 + timedelta(minutes=9)) == 0
    services.escalate_due(now=T0 + timedelta(minutes=10))
    assert sent.pages.count() == 4
    services.escalate_due(now=T0 + timedelta(minutes=20))
    assert sent.pages.count() == 5  # the fifth and last matching PSP
    services.escalate_due(now=T0 + timedelta(minutes=30))
    last = sent.pages.order_by("-pk").first()
    assert last is not None and last.clinician == clinician
    services.escalate_due(now=T0 + timedelta(minutes=40))
    assert sent.pages.count() == 6  # everyone was asked: nothing more
    assert Notification.objects.filter(target="ruiz@clinic.example").count() == 1


def test_an_accepted_request_is_not_escalated(agency, team):
    settings_for(agency, psps_per_round=1, escalate_after_minutes=10)
    sent = services.request_create(agency=agency, now=T0)
    services.accept(page=sent.pages.get(), now=T0 + timedelta(minutes=1))
    services.escalate_due(now=T0 + timedelta(minutes=30))
    assert sent.pages.count() == 1


def test_families_and_retirees_use_the_door_only_if_the_agency_says_so_2011_2_3_7(agency, team):
    settings_for(agency, families_may_use=False, retirees_may_use=True)
    with pytest.raises(services.NotAllowed):
        services.request_create(agency=agency, now=T0, requester="family")
    assert services.request_create(agency=agency, now=T0, requester="retiree").pk


def test_requests_leave_nothing_in_the_audit_trail_or_the_logs_2011_6_7(agency, team, caplog):
    caplog.set_level(logging.DEBUG)
    sent = services.request_create(
        agency=agency, now=T0, callback_phone=PHONE, callback_email="me@home.example"
    )
    page = sent.pages.first()
    services.accept(page=page, now=T0 + timedelta(minutes=2))
    services.done(page=page)
    assert (
        not AuditEvent.objects.filter(action__startswith="support.")
        .exclude(action__startswith="support.access_link")
        .exists()
    )
    assert PHONE not in caplog.text and "me@home.example" not in caplog.text
    assert PHONE not in str(sent)


def test_no_admin_page_shows_a_request():
    registered = {model._meta.label for model in admin.site._registry}
    assert not registered & {"support.SupportRequest", "support.SupportPage"}


def test_a_psp_of_another_agency_is_never_paged(agency, other_agency, team):
    make_psp(other_agency, "8001")
    settings_for(agency, psps_per_round=20)
    sent = services.request_create(agency=agency, now=T0)
    assert all(page.peer_supporter.agency_id == agency.pk for page in sent.pages.all())
    assert sent.pages.count() == 5


def test_the_worker_runs_escalation_and_erasure_as_scheduled_jobs(agency, team):
    from peerline.core.jobs import JOBS, run_due

    assert {"support.escalation", "support.erasure"} <= set(JOBS)
    services.request_create(agency=agency, now=T0, callback_phone=PHONE)
    jobs = {name: JOBS[name] for name in ("support.escalation", "support.erasure")}
    run_due(T0 + timedelta(days=2), jobs=jobs)
    assert not SupportRequest.objects.exists()
