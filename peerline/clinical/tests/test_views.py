"""The clinical pages: clinicians, the on-call schedule, who is on call now, and who may see
each (2011 §3.4, §5.1)."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peerline.accounts.models import Role
from peerline.agencies import clock
from peerline.clinical import ical, selectors
from peerline.clinical.models import MentalHealthProfessional, OnCallShift

from .helpers import make_clinician, make_shift

ALL = [*Role, "norole", "outsider"]


def today(agency):
    return timezone.localdate(timezone=clock.zone(agency))


def hour(offset=0):
    return timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=offset)


# -- who may see what ----------------------------------------------------------------------------


@pytest.fixture
def objects(agency, other_agency):
    ada = make_clinician(agency, "Dr. Ada Park")
    theirs = make_clinician(other_agency, "Dr. Other Agency")
    return {
        "ada": ada,
        "theirs": theirs,
        "shift": make_shift(ada, hour(1), hour(9)),
        "their_shift": make_shift(theirs, hour(1), hour(9)),
    }


# Written by hand from DESIGN.md, not read from `policy.GRANTS` (see tests/test_denial_matrix.py):
# clinicians and the schedule are the coordinator's and the clinical advisor's (2011 §3.4, §5.1);
# who is on call now and logging a consultation, also every PSP's.
MANAGE = {Role.COORDINATOR, Role.CLINICAL_ADVISOR}
TEAM = {Role.PEER_SUPPORTER, Role.COORDINATOR, Role.CLINICAL_ADVISOR}
PAGES = [
    ("clinical:clinicians", None, "get", MANAGE),
    ("clinical:clinician-new", None, "get", MANAGE),
    ("clinical:clinician", "ada", "get", MANAGE),
    ("clinical:on-call", None, "get", MANAGE),
    ("clinical:shift-delete", "shift", "post", MANAGE),
    ("clinical:now", None, "get", TEAM),
    ("clinical:consultation-log", None, "get", TEAM),
    ("clinical:consultations", None, "get", MANAGE),
]


@pytest.mark.parametrize("name,obj,method,allowed", PAGES, ids=[p[0] for p in PAGES])
def test_every_clinical_page_denies_the_roles_it_does_not_grant(
    users, objects, name, obj, method, allowed
):
    url = reverse(name, args=[objects[obj].pk] if obj else [])
    for persona in ALL:
        client = Client()
        client.force_login(users[persona])
        response = getattr(client, method)(url)
        if persona in allowed:
            # The shift is gone once the first granted role has deleted it.
            answers = {302, 404} if method == "post" else {200}
            assert response.status_code in answers, (persona, response.status_code)
        elif persona != "outsider":
            assert response.status_code == 403, (persona, response.status_code)
    if method == "post":
        assert not OnCallShift.objects.filter(pk=objects["shift"].pk).exists()
        assert OnCallShift.objects.filter(pk=objects["their_shift"].pk).exists()


def test_another_agencys_clinician_and_shift_are_404(client_for, objects):
    for role in (Role.COORDINATOR, Role.CLINICAL_ADVISOR):
        client = client_for(role)
        assert (
            client.get(reverse("clinical:clinician", args=[objects["theirs"].pk])).status_code
            == 404
        )
        assert (
            client.post(
                reverse("clinical:shift-delete", args=[objects["their_shift"].pk])
            ).status_code
            == 404
        )
    assert OnCallShift.objects.filter(pk=objects["their_shift"].pk).exists()


def test_the_outsider_sees_nothing_of_this_agencys_clinicians(users, objects):
    client = Client()
    client.force_login(users["outsider"])
    assert client.get(reverse("clinical:clinician", args=[objects["ada"].pk])).status_code == 404
    assert b"Ada Park" not in client.get(reverse("clinical:clinicians")).content
    assert b"Ada Park" not in client.get(reverse("clinical:now")).content


# -- clinicians ----------------------------------------------------------------------------------


def test_the_coordinator_adds_a_clinician_linked_to_a_clinical_advisor_log_in(
    client_for, users, agency
):
    advisor = users[Role.CLINICAL_ADVISOR]
    response = client_for(Role.COORDINATOR).post(
        reverse("clinical:clinician-new"),
        {
            "name": "Dr. New Person",
            "role": "clinical_advisor",
            "licence_type": "psychologist",
            "licence_number": "PSY-9",
            "licence_state": "il",
            "licence_expires": "2030-01-31",
            "familiar_with_public_safety": "on",
            "phone": "312-555-0100",
            "user": advisor.pk,
            "active": "on",
        },
    )
    added = MentalHealthProfessional.objects.get(name="Dr. New Person")
    assert response.status_code == 302 and response["Location"] == reverse(
        "clinical:clinician", args=[added.pk]
    )
    assert (added.agency, added.user, added.licence_state) == (agency, advisor, "IL")


def test_only_a_clinical_advisor_of_this_agency_can_be_linked(client_for, users, agency):
    psp = users[Role.PEER_SUPPORTER]
    response = client_for(Role.COORDINATOR).post(
        reverse("clinical:clinician-new"),
        {
            "name": "Dr. X",
            "role": "consultant",
            "licence_type": "lpc",
            "licence_number": "1",
            "licence_state": "IL",
            "licence_expires": "2030-01-31",
            "user": psp.pk,
        },
    )
    assert response.status_code == 200 and "Nothing was saved" in response.content.decode()
    assert not MentalHealthProfessional.objects.filter(name="Dr. X").exists()


@pytest.mark.parametrize(
    "days,text,kind",
    [
        (61, None, None),
        (60, "Expires in 60 days", "warning"),
        (0, "Expires today", "warning"),
        (-1, "Expired", "error"),
    ],
)
def test_the_list_and_the_clinicians_page_warn_of_the_licence_2011_5_1(
    client_for, agency, days, text, kind
):
    ada = make_clinician(agency, expires=today(agency) + timedelta(days=days))
    client = client_for(Role.COORDINATOR)
    listing = client.get(reverse("clinical:clinicians")).content.decode()
    page = client.get(reverse("clinical:clinician", args=[ada.pk])).content.decode()
    if kind is None:
        assert "licences-expiring" not in listing and "licences-expired" not in listing
        assert 'id="licence-alert"' not in page
    else:
        assert text in listing
        banner = "licences-expired" if kind == "error" else "licences-expiring"
        assert f'id="{banner}"' in listing
        assert (
            f'usa-alert--{kind} margin-top-3" role="{"alert" if kind == "error" else "status"}" id="licence-alert"'
            in page
        )


# -- the on-call schedule ------------------------------------------------------------------------


def test_the_schedule_lists_every_hole_and_adding_a_shift_fills_it_2011_5_1(client_for, agency):
    ada = make_clinician(agency)
    client = client_for(Role.COORDINATOR)
    html = client.get(reverse("clinical:on-call")).content.decode()
    assert html.count("data-hole") == 1  # nobody on call: one hole to the end of the 30 days
    assert 'role="img"' in html and "peerline-oncall-hole" in html
    tz = clock.zone(agency)
    start = selectors.local_midnight(today(agency), tz)
    end = selectors.window_end(agency, start, 30)
    # Fill the whole window with shifts of at most a week, midnight to midnight: "now" plus 6
    # days could be a wall time a DST change skips or repeats, which the form rightly refuses.
    cursor = start.astimezone(tz)
    while cursor < end:
        next_midnight = datetime.combine(cursor.date() + timedelta(days=6), time(), tzinfo=tz)
        stop = min(next_midnight, end.astimezone(tz))
        response = client.post(
            reverse("clinical:on-call"),
            {
                "clinician": ada.pk,
                "starts_at": f"{cursor:%Y-%m-%dT%H:%M}",
                "ends_at": f"{stop:%Y-%m-%dT%H:%M}",
                "weeks": 1,
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        cursor = stop
    html = client.get(reverse("clinical:on-call")).content.decode()
    assert "data-hole" not in html and "No hole in the next 30 days" in html


def test_a_shift_added_with_repeat_weekly_makes_one_per_week_and_can_be_deleted(client_for, agency):
    ada = make_clinician(agency)
    client = client_for(Role.COORDINATOR)
    first = timezone.now().astimezone(clock.zone(agency)).replace(
        hour=8, minute=0, second=0, microsecond=0
    ) + timedelta(days=1)
    response = client.post(
        reverse("clinical:on-call"),
        {
            "clinician": ada.pk,
            "starts_at": f"{first:%Y-%m-%dT%H:%M}",
            "ends_at": f"{first + timedelta(hours=12):%Y-%m-%dT%H:%M}",
            "weeks": 4,
        },
    )
    assert response.status_code == 302
    assert OnCallShift.objects.filter(clinician=ada).count() == 4
    shift = OnCallShift.objects.filter(clinician=ada).first()
    client.post(reverse("clinical:shift-delete", args=[shift.pk]))
    assert OnCallShift.objects.filter(clinician=ada).count() == 3


def test_a_refused_shift_shows_why_and_saves_nothing(client_for, agency):
    ada = make_clinician(agency, expires=today(agency) + timedelta(days=2))
    first = (
        timezone.now()
        .astimezone(clock.zone(agency))
        .replace(hour=8, minute=0, second=0, microsecond=0)
    )
    response = client_for(Role.COORDINATOR).post(
        reverse("clinical:on-call"),
        {
            "clinician": ada.pk,
            "starts_at": f"{first:%Y-%m-%dT%H:%M}",
            "ends_at": f"{first + timedelta(hours=12):%Y-%m-%dT%H:%M}",
            "weeks": 3,
        },
    )
    assert response.status_code == 200 and "licence expires" in response.content.decode()
    assert not OnCallShift.objects.exists()


def test_a_fill_link_prefills_the_form_with_the_holes_times(client_for, agency):
    html = (
        client_for(Role.COORDINATOR)
        .get(reverse("clinical:on-call") + "?start=2030-01-02T20:00&end=2030-01-03T08:00")
        .content.decode()
    )
    assert 'value="2030-01-02T20:00"' in html and 'value="2030-01-03T08:00"' in html


# -- who is on call now --------------------------------------------------------------------------


def test_a_psp_sees_who_is_on_call_with_tap_to_call_until_when_and_who_is_next_2011_5_1(
    client_for, agency
):
    ada = make_clinician(agency, "Dr. Ada Park", phone="(720) 555-0141")
    ben = make_clinician(agency, "Dr. Ben Cole")
    # The shift's own end, not hour(3) again: the hour may turn during the test.
    ends_at = make_shift(ada, hour(-2), hour(3)).ends_at
    make_shift(ben, ends_at, ends_at + timedelta(hours=6))
    html = client_for(Role.PEER_SUPPORTER).get(reverse("clinical:now")).content.decode()
    assert (
        "Dr. Ada Park" in html
        and 'href="tel:7205550141"' in html
        and 'href="sms:7205550141"' in html
    )
    until = timezone.localtime(ends_at, clock.zone(agency))
    assert f"{until:%H:%M}" in html
    assert 'id="next-on-call"><strong>Dr. Ben Cole</strong>' in html


def test_when_no_one_is_on_call_the_page_says_so_and_gives_the_crisis_lines(client_for, agency):
    html = client_for(Role.PEER_SUPPORTER).get(reverse("clinical:now")).content.decode()
    assert 'id="no-one-on-call"' in html and 'href="tel:988"' in html


def test_the_feed_token_is_shown_only_on_the_managers_page(client_for, agency):
    ada = make_clinician(agency)
    make_shift(ada, hour(-1), hour(5))
    # The token is signed with a timestamp, so the page's own is read back, not recomputed.
    feed = re.compile(r"/clinical/calendar/([^/\s\"']+)/on-call\.ics")
    psp_page = client_for(Role.PEER_SUPPORTER).get(reverse("clinical:now")).content.decode()
    assert not feed.search(psp_page)
    manager_page = (
        client_for(Role.CLINICAL_ADVISOR)
        .get(reverse("clinical:clinician", args=[ada.pk]))
        .content.decode()
    )
    found = feed.search(manager_page)
    assert found and ical.clinician_for(found.group(1)) == ada


def test_the_api_says_who_is_on_call_since_and_until_when_and_who_is_next(client_for, agency):
    ada, ben = make_clinician(agency, "Dr. Ada Park"), make_clinician(agency, "Dr. Ben Cole")
    # The shift's own end, not hour(3) again: the hour may turn during the test.
    ends_at = make_shift(ada, hour(-2), hour(3)).ends_at
    make_shift(ben, ends_at, ends_at + timedelta(hours=6))
    body = client_for(Role.PEER_SUPPORTER).get("/api/v1/on-call").json()
    assert [(c["name"], c["phone"]) for c in body["now"]] == [("Dr. Ada Park", ada.phone)]
    assert body["now"][0]["ends_at"].startswith(
        f"{timezone.localtime(ends_at, clock.zone(agency)):%Y-%m-%dT%H:%M}"
    )
    assert body["next"]["name"] == "Dr. Ben Cole"
    assert client_for(Role.EMPLOYEE).get("/api/v1/on-call").status_code == 403
