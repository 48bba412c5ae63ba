"""Recording attendance in bulk from a session's roster (2011 §8.2), partner agencies' PSPs
(2011 §3.8.2)."""

from datetime import date
from decimal import Decimal

import pytest

from peerline.partners.models import PartnerAgreement
from peerline.partners.testing import accepted_agreement
from peerline.team.models import Status
from peerline.testing.personas import make_agency
from peerline.training import compliance, selectors, services
from peerline.training.models import Attendance

from .helpers import change, leave, psp, session

pytestmark = pytest.mark.django_db

DAY = date(2026, 5, 12)
LONG_AGO = date(2024, 1, 1)


@pytest.fixture
def team(agency):
    return [
        psp(agency, f"50{n:02d}", active_since=LONG_AGO, last_name=f"Member{n}") for n in range(4)
    ]


def _hours(sess):
    return dict(sess.attendances.values_list("peer_supporter_id", "hours_credited"))


def test_bulk_attendance_credits_the_session_hours_or_fewer(agency, team):
    sess = session(agency, DAY, "3")
    result = services.attendance_record(
        session=sess, attendees={team[0].pk: None, team[1].pk: Decimal("1.5")}, by=None
    )
    assert (result.created, result.attending) == (2, 2)
    assert _hours(sess) == {team[0].pk: Decimal("3.0"), team[1].pk: Decimal("1.5")}


def test_posting_the_same_roster_twice_changes_nothing(agency, team):
    sess = session(agency, DAY, "3")
    roster = {team[0].pk: None, team[1].pk: Decimal("1.5")}
    services.attendance_record(session=sess, attendees=roster, by=None)
    again = services.attendance_record(session=sess, attendees=roster, by=None)
    assert (again.created, again.updated, again.removed, again.unchanged) == (0, 0, 0, 2)
    assert Attendance.objects.count() == 2


def test_the_roster_is_the_whole_truth_untick_removes(agency, team):
    sess = session(agency, DAY, "3")
    services.attendance_record(session=sess, attendees={t.pk: None for t in team}, by=None)
    result = services.attendance_record(session=sess, attendees={team[0].pk: Decimal("2")}, by=None)
    assert (result.updated, result.removed) == (1, 3)
    assert _hours(sess) == {team[0].pk: Decimal("2.0")}


@pytest.mark.parametrize("hours", ["0", "3.5", "-1", "1.25"])
def test_hours_credited_are_positive_and_at_most_the_session(agency, team, hours):
    sess = session(agency, DAY, "3")
    with pytest.raises(services.TrainingError):
        services.attendance_record(session=sess, attendees={team[0].pk: Decimal(hours)}, by=None)
    assert not Attendance.objects.exists()


def test_the_roster_is_the_agencys_active_psps_and_those_on_leave(agency, team):
    on_leave = team[1]
    leave(on_leave, date(2026, 4, 1))
    change(team[2], Status.DESELECTED, date(2026, 4, 1))
    candidate = psp(agency, "5099", active_since=LONG_AGO)
    change(candidate, Status.CANDIDATE, date(2026, 4, 1))
    sess = session(agency, DAY, "3")
    assert set(selectors.eligible_attendees(sess)) == {team[0], on_leave, team[3]}
    with pytest.raises(services.TrainingError, match="may not attend"):
        services.attendance_record(session=sess, attendees={team[2].pk: None}, by=None)


def _partner(host, partner, **fields):
    return accepted_agreement(
        host, partner, starts_on=fields.pop("starts_on", date(2025, 1, 1)), **fields
    )


def test_partner_psps_attend_only_sessions_open_to_them_2011_3_8_2(agency, other_agency, team):
    _partner(agency, other_agency)
    guest = psp(other_agency, "7001", active_since=LONG_AGO)
    closed = session(agency, DAY, "3")
    with pytest.raises(services.TrainingError, match="3.8.2"):
        services.attendance_record(session=closed, attendees={guest.pk: None}, by=None)
    open_ = session(agency, DAY, "3", partners_may_attend=True)
    assert guest in selectors.eligible_attendees(open_)
    services.attendance_record(session=open_, attendees={guest.pk: None, team[0].pk: None}, by=None)
    # The hours count in the guest's own agency (§3.8.2, §8.2), once its coordinator confirms.
    q = compliance.Quarter.of(DAY)
    theirs = compliance.team_compliance(agency=other_agency, quarter=q, today=date(2026, 7, 2))
    assert [(r.peer_supporter, r.standing.hours_credited) for r in theirs.rows] == [
        (guest, Decimal("0.0"))
    ]
    pending = list(services.pending_partner_credit(other_agency))
    assert [row.peer_supporter for row in pending] == [guest]
    assert not services.pending_partner_credit(agency).exists()
    services.partner_credit_answer(
        agency=other_agency, attendance_ids=[row.pk for row in pending], confirm=True, by=None
    )
    theirs = compliance.team_compliance(agency=other_agency, quarter=q, today=date(2026, 7, 2))
    assert [(r.peer_supporter, r.standing.hours_credited) for r in theirs.rows] == [
        (guest, Decimal("3.0"))
    ]
    ours = compliance.team_compliance(agency=agency, quarter=q, today=date(2026, 7, 2))
    assert guest not in [r.peer_supporter for r in ours.rows]


def test_partner_psps_need_an_agreement_sharing_training_in_force(agency, other_agency):
    guest = psp(other_agency, "7001", active_since=LONG_AGO)
    open_ = session(agency, DAY, "3", partners_may_attend=True)
    _partner(agency, other_agency, shares_training=False)
    assert guest not in selectors.eligible_attendees(open_)
    PartnerAgreement.objects.update(shares_training=True, ends_on=date(2026, 5, 1))  # ended
    assert guest not in selectors.eligible_attendees(open_)
    PartnerAgreement.objects.update(ends_on=None)
    assert guest in selectors.eligible_attendees(open_)
    # One-way: the guest's agency sharing with us does not open our sessions to it.
    PartnerAgreement.objects.all().delete()
    _partner(other_agency, agency)
    assert guest not in selectors.eligible_attendees(open_)


def test_a_psp_of_a_non_partner_agency_is_refused_and_nothing_is_recorded(
    agency, other_agency, team
):
    _partner(agency, other_agency)
    stranger = psp(
        make_agency(code="THIRD", name="Third Town Police"), "8001", active_since=LONG_AGO
    )
    open_ = session(agency, DAY, "3", partners_may_attend=True)
    with pytest.raises(services.TrainingError, match="Nothing was recorded"):
        services.attendance_record(
            session=open_, attendees={team[0].pk: None, stranger.pk: None}, by=None
        )
    assert not Attendance.objects.exists()


def test_shortening_a_session_lowers_hours_credited_above_it(agency, team):
    sess = session(agency, DAY, "4")
    services.attendance_record(
        session=sess, attendees={team[0].pk: None, team[1].pk: Decimal("1")}, by=None
    )
    fields = services.SessionFields(
        title=sess.title, date=sess.date, start_time=None, hours=Decimal("2"), topics=[],
        instructor=sess.instructor, instructor_is_mhp=False, location="", partners_may_attend=False,
        notes="",
    )  # fmt: skip
    services.session_save(agency=agency, fields=fields, by=None, session=sess)
    assert _hours(sess) == {team[0].pk: Decimal("2.0"), team[1].pk: Decimal("1.0")}


# -- the roster page -----------------------------------------------------------------------------


def test_the_roster_page_records_attendance_in_one_post(agency, team, client_for):
    sess = session(agency, DAY, "3")
    client = client_for("coordinator")
    url = f"/training/sessions/{sess.pk}/attendance/"
    page = client.get(url)
    assert page.status_code == 200
    assert page.content.count(b'name="attended"') == 4
    data = {"action": "save", "attended": [team[0].pk, team[2].pk], f"hours-{team[2].pk}": "1.5"}
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    assert _hours(sess) == {team[0].pk: Decimal("3.0"), team[2].pk: Decimal("1.5")}
    shown = client.get(url).content.decode()
    assert "credited 3.0 h" in shown and "credited 1.5 h" in shown
    assert "<strong>4.5</strong> hours credited" in shown
    client.post(url, data)  # the same post again: idempotent
    assert _hours(sess) == {team[0].pk: Decimal("3.0"), team[2].pk: Decimal("1.5")}


def test_the_roster_page_refuses_someone_not_eligible(agency, other_agency, team, client_for):
    stranger = psp(other_agency, "7001", active_since=LONG_AGO)
    sess = session(agency, DAY, "3")
    url = f"/training/sessions/{sess.pk}/attendance/"
    response = client_for("coordinator").post(
        url, {"action": "save", "attended": [team[0].pk, stranger.pk]}
    )
    assert response.status_code == 400
    assert b"Nothing was recorded" in response.content
    assert not Attendance.objects.exists()
    bad = client_for("coordinator").post(url, {"action": "save", "attended": ["x"]})
    assert bad.status_code == 400 and not Attendance.objects.exists()


def test_without_javascript_filter_and_tick_all_work_by_post_and_save_nothing(
    agency, team, client_for
):
    sess = session(agency, DAY, "3")
    url = f"/training/sessions/{sess.pk}/attendance/"
    client = client_for("coordinator")
    filtered = client.post(url, {"action": "filter", "q": "member2"}).content.decode()
    assert filtered.count("hidden>") >= 3  # the other rows are hidden, still in the form
    assert f'id="attended-{team[2].pk}"' in filtered
    ticked = client.post(url, {"action": "select_all", "q": "member2"}).content.decode()
    assert f'value="{team[2].pk}" checked' in ticked
    assert f'value="{team[0].pk}" checked' not in ticked
    assert "Not saved yet" in ticked
    everyone = client.post(url, {"action": "select_all"}).content.decode()
    assert everyone.count(" checked>") == 4
    assert not Attendance.objects.exists()
