"""Each clinician's on-call calendar feed at a signed public URL (2011 §5.1)."""

from datetime import UTC, timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from peerline.clinical import ical

from .helpers import make_clinician, make_shift


def _feed_url(clinician):
    return reverse("clinical:ical", args=[ical.token_for(clinician)])


def _shifts(clinician, count, first_hour=8):
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=first_hour)
    return [
        make_shift(clinician, start + timedelta(days=n), start + timedelta(days=n, hours=12))
        for n in range(count)
    ]


def test_the_feed_has_one_event_per_shift_in_utc_without_a_log_in_2011_5_1(agency):
    ada = make_clinician(agency, "Dr. Ada Park", email="ada@example.org", phone="720-555-0199")
    shifts = _shifts(ada, 3)
    response = Client().get(_feed_url(ada))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 3
    for event, shift in zip(events, shifts, strict=True):
        assert event.decoded("dtstart") == shift.starts_at
        assert event.decoded("dtstart").utcoffset() == timedelta(0)
        assert event.decoded("dtend") == shift.ends_at
        assert str(event["summary"]) == f"On call — {agency.name}"
    body = response.content.decode()
    for shift in shifts:  # written in UTC ("Z"), never in a local zone
        assert f"DTSTART:{shift.starts_at.astimezone(UTC):%Y%m%dT%H%M%S}Z" in body
        assert f"DTEND:{shift.ends_at.astimezone(UTC):%Y%m%dT%H%M%S}Z" in body
    assert "TZID" not in body
    # Nothing else about anyone: no name, phone or e-mail in the feed.
    for private in ("Ada Park", "555-0199", "ada@example.org"):
        assert private not in body


def test_the_uids_are_stable_from_one_fetch_to_the_next(agency):
    ada = make_clinician(agency)
    _shifts(ada, 2)
    first = [
        str(e["uid"])
        for e in Calendar.from_ical(Client().get(_feed_url(ada)).content).walk("VEVENT")
    ]
    second = [
        str(e["uid"])
        for e in Calendar.from_ical(Client().get(_feed_url(ada)).content).walk("VEVENT")
    ]
    assert first == second and len(set(first)) == 2


def test_the_feed_holds_no_other_clinicians_shifts(agency):
    ada, ben = make_clinician(agency, "Dr. Ada"), make_clinician(agency, "Dr. Ben")
    _shifts(ada, 1)
    bens = _shifts(ben, 4, first_hour=20)
    events = Calendar.from_ical(Client().get(_feed_url(ada)).content).walk("VEVENT")
    assert len(events) == 1
    assert {e.decoded("dtstart") for e in events}.isdisjoint({s.starts_at for s in bens})


def test_a_tampered_token_is_404(agency):
    ada, ben = make_clinician(agency, "Dr. Ada"), make_clinician(agency, "Dr. Ben")
    token = ical.token_for(ada)
    pk, signature = token.split(":", 1)
    assert Client().get(reverse("clinical:ical", args=[f"{ben.pk}:{signature}"])).status_code == 404
    assert (
        Client().get(reverse("clinical:ical", args=[f"{pk}:{signature[:-1]}x"])).status_code == 404
    )
    assert Client().get(reverse("clinical:ical", args=[str(ada.pk)])).status_code == 404
    assert Client().get(reverse("clinical:ical", args=[token])).status_code == 200


def test_an_inactive_clinicians_feed_is_404(agency):
    ada = make_clinician(agency, active=False)
    assert Client().get(_feed_url(ada)).status_code == 404


def test_the_clinicians_page_shows_the_feed_address_to_copy(client_for, agency):
    from peerline.accounts.models import Role

    ada = make_clinician(agency)
    html = (
        client_for(Role.COORDINATOR)
        .get(reverse("clinical:clinician", args=[ada.pk]))
        .content.decode()
    )
    # The link is timestamped (it expires): the one shown opens Ada's feed.
    import re

    token = re.search(r"/calendar/([^/\"]+)/on-call\.ics", html)
    assert token is not None and ical.clinician_for(token.group(1)) == ada
    assert 'id="feed-url"' in html and "readonly" in html and "data-copy-target" in html
