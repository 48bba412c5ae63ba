"""The training pages at scale (issue 18): the team's figures computed without loading every
PSP, the compliance table and the attendance roster a page at a time, a page of the roster saved
without touching the others. Expected answers are worked out by hand in each test."""

from datetime import date
from decimal import Decimal

import pytest

from peerline.accounts.models import Role
from peerline.team.models import PeerSupporter, Status
from peerline.testing import personas as p
from peerline.training import compliance, selectors, views

from .helpers import attend, leave, psp, session

pytestmark = pytest.mark.django_db

Q1, Q2, Q3 = compliance.Quarter(2026, 1), compliance.Quarter(2026, 2), compliance.Quarter(2026, 3)
AFTER_Q3 = date(2026, 10, 15)
LONG_AGO = date(2024, 1, 1)


@pytest.fixture
def small_team(agency):
    """Five PSPs and a candidate, their Q1–Q3 2026 worked out by hand (4 h a quarter, 2011 §8.2):

    * Adams: 4 h in Q1, Q2 and Q3: compliant, 0 behind.
    * Baker: 4 h in Q1 and Q2, 1 h in Q3: short 3 h, one quarter behind, a reminder.
    * Clark: nothing in Q2 or Q3: two behind, flagged for a review (§4.3).
    * Davis: active from August 1: 61 of Q3's 92 days, 4 × 61 ÷ 92 = 2.65 → 2.5 h owed; 3 h
      credited: compliant.
    * Evans: on leave from July 1 to September 1 (62 days paused), 30 active days:
      4 × 30 ÷ 92 = 1.30 → 1.5 h owed; nothing credited, behind in Q3 only (Q1, Q2 met).
    * Fox: a candidate who never served: on no quarter's list.
    """
    session(agency, date(2024, 1, 2), "2", title="First session recorded")
    adams = psp(agency, "7001", active_since=LONG_AGO, last_name="Adams")
    baker = psp(agency, "7002", active_since=LONG_AGO, last_name="Baker")
    clark = psp(agency, "7003", active_since=LONG_AGO, last_name="Clark")
    davis = psp(agency, "7004", active_since=date(2026, 8, 1), last_name="Davis")
    evans = psp(agency, "7005", active_since=LONG_AGO, last_name="Evans")
    leave(evans, date(2026, 7, 1), returned=date(2026, 9, 1))
    PeerSupporter.objects.create(
        agency=agency,
        employee=p.make_employee(agency, "7006", last_name="Fox"),
        status=Status.CANDIDATE,
        status_since=LONG_AGO,
    )
    for quarter, who in ((Q1, [adams, baker, clark, evans]), (Q2, [adams, baker, evans])):
        attend(session(agency, quarter.first.replace(day=10), "4", title=f"{quarter}"), *who)
    q3 = session(agency, date(2026, 8, 20), "4", "8.3.2", title="Q3")
    attend(q3, adams)
    attend(q3, baker, hours="1")
    attend(q3, davis, hours="3")
    return {"adams": adams, "baker": baker, "clark": clark, "davis": davis, "evans": evans}


def test_the_teams_figures_match_a_hand_count_2011_8_2_4_3(agency, small_team):
    team = compliance.team_compliance(agency=agency, quarter=Q3, today=AFTER_Q3)
    by_name = {
        name: next(line for line in team.lines if line.psp_id == member.pk)
        for name, member in small_team.items()
    }
    assert [line.psp_id for line in team.lines] == [m.pk for m in small_team.values()]
    expected = {  # required, credited, behind in a row
        "adams": ("4.0", "4.0", 0),
        "baker": ("4.0", "1.0", 1),
        "clark": ("4.0", "0.0", 2),
        "davis": ("2.5", "3.0", 0),
        "evans": ("1.5", "0.0", 1),
    }
    for name, (required, credited, run) in expected.items():
        line = by_name[name]
        got = (line.standing.hours_required, line.standing.hours_credited, line.consecutive_behind)
        assert got == (Decimal(required), Decimal(credited), run), name
    assert by_name["evans"].standing.paused_days == 62
    assert by_name["davis"].standing.active_days == 61
    assert (team.size, team.compliant_count, team.reminder_count, team.flagged_count) == (
        5,
        2,
        2,
        1,
    )
    assert [row.peer_supporter for row in team.flagged] == [small_team["clark"]]
    count, first = compliance.flagged_for_review_summary(agency=agency, today=AFTER_Q3, first=5)
    assert count == 1 and [row.peer_supporter for row in first] == [small_team["clark"]]
    flagged = compliance.flagged_for_review(agency=agency, today=AFTER_Q3)
    assert [(row.peer_supporter, row.consecutive_behind) for row in flagged] == [
        (small_team["clark"], 2)
    ]


def test_topic_coverage_counts_each_psp_once(agency, small_team):
    """Three of the five attended the Q3 session on 8.3.2; Adams twice (a second session)."""
    attend(session(agency, date(2026, 9, 3), "2", "8.3.2", title="Again"), small_team["adams"])
    team = compliance.team_compliance(agency=agency, quarter=Q3, today=AFTER_Q3)
    coverage = selectors.topic_coverage(
        agency=agency, team=[line.psp_id for line in team.lines], until=AFTER_Q3
    )
    found = next(c for c in coverage if c.topic.number == "8.3.2")
    assert (found.covered_by, found.team_size, found.last_session) == (3, 5, date(2026, 9, 3))
    assert next(c for c in coverage if c.topic.number == "8.3.16").covered_by == 0


def test_the_compliance_table_is_paged_and_filtered_with_the_whole_teams_figures(
    agency, small_team, client_for, monkeypatch
):
    monkeypatch.setattr(views, "COMPLIANCE_PER_PAGE", 2)
    client = client_for(Role.COORDINATOR)
    first = client.get("/training/compliance/?quarter=2026-Q3").content.decode()
    table = first[first.index('id="compliance-table"') : first.index("</table>")]
    assert table.count('<th scope="row">') == 2 and "Adams" in table and "Baker" in table
    assert 'id="stat-team">5<' in first and 'id="stat-flagged">1<' in first
    assert 'href="?page=2&amp;quarter=2026-Q3"' in first and "Next" in first
    last = client.get("/training/compliance/?quarter=2026-Q3&page=3").content.decode()
    table = last[last.index('id="compliance-table"') : last.index("</table>")]
    assert table.count('<th scope="row">') == 1 and "Evans" in table
    review = client.get("/training/compliance/?quarter=2026-Q3&show=review").content.decode()
    table = review[review.index('id="compliance-table"') : review.index("</table>")]
    assert table.count('<th scope="row">') == 1 and "Clark" in table
    assert 'id="stat-team">5<' in review  # the figures stay the whole team's
    short = client.get("/training/compliance/?quarter=2026-Q3&show=short").content.decode()
    assert "page=2&amp;quarter=2026-Q3&amp;show=short" in short  # 3 short: Baker, Clark, Evans


def test_the_review_list_shows_the_first_names_and_links_to_the_rest(
    agency, small_team, client_for, monkeypatch
):
    monkeypatch.setattr(views, "LISTED", 0)
    page = (
        client_for(Role.COORDINATOR).get("/training/compliance/?quarter=2026-Q3").content.decode()
    )
    listed = page[page.index('id="flagged-heading"') : page.index('id="reminders-heading"')]
    assert 'id="flagged-more"' in listed and "show=review" in listed and "Clark" not in listed
    assert 'id="reminders-more"' in page and "show=remind" in page


# -- the attendance roster a page at a time ------------------------------------------------------


@pytest.fixture
def roster(agency):
    return [
        psp(agency, f"80{n:02d}", active_since=LONG_AGO, last_name=f"Roster{n}") for n in range(5)
    ]


def _credited(sess):
    return dict(sess.attendances.values_list("peer_supporter_id", "hours_credited"))


def test_saving_one_page_of_the_roster_keeps_the_marks_of_the_others(
    agency, roster, client_for, monkeypatch
):
    monkeypatch.setattr(views, "ROSTER_PER_PAGE", 2)
    sess = session(agency, date(2026, 5, 12), "3")
    url = f"/training/sessions/{sess.pk}/attendance/"
    client = client_for(Role.COORDINATOR)
    page1 = client.get(url).content.decode()
    assert page1.count('name="attended"') == 2 and "Roster0" in page1 and "Roster1" in page1
    assert 'href="?page=2"' in page1 and "5 peer supporters may attend" in page1
    saved = client.post(
        url + "?page=1",
        {"action": "save_next", "shown": [roster[0].pk, roster[1].pk], "attended": [roster[0].pk]},
    )
    assert saved.status_code == 302 and saved["Location"] == url + "?page=2"
    page2 = client.get(saved["Location"]).content.decode()
    assert "Roster2" in page2 and "Roster0" not in page2
    client.post(
        url + "?page=2",
        {"action": "save", "shown": [roster[2].pk, roster[3].pk], "attended": [roster[3].pk]},
    )
    # Roster0 (page 1) is still recorded: page 2's save was the truth about page 2 only.
    assert _credited(sess) == {roster[0].pk: Decimal("3.0"), roster[3].pk: Decimal("3.0")}
    # Unticking on page 1 removes only page 1's mark.
    client.post(url, {"action": "save", "shown": [roster[0].pk, roster[1].pk]})
    assert _credited(sess) == {roster[3].pk: Decimal("3.0")}
    # A tick for someone not on the form is refused, and nothing changes.
    refused = client.post(
        url, {"action": "save", "shown": [roster[0].pk], "attended": [roster[4].pk]}
    )
    assert refused.status_code == 400 and _credited(sess) == {roster[3].pk: Decimal("3.0")}


def test_a_search_finds_a_name_on_another_page_and_keeps_the_ticks_not_saved(
    agency, roster, client_for, monkeypatch
):
    monkeypatch.setattr(views, "ROSTER_PER_PAGE", 2)
    sess = session(agency, date(2026, 5, 12), "3")
    url = f"/training/sessions/{sess.pk}/attendance/"
    client = client_for(Role.COORDINATOR)
    found = client.post(
        url,
        {
            "action": "filter",
            "q": "roster4",
            "shown": [roster[0].pk, roster[1].pk],
            "attended": [roster[0].pk],
        },
    ).content.decode()
    assert f'id="attended-{roster[4].pk}"' in found  # on page 3, found by the search
    assert f'value="{roster[0].pk}" checked' in found  # the tick not saved is still there
    shown = {int(v) for v in found.split('name="shown" value="')[1:] for v in [v.split('"')[0]]}
    assert shown == {roster[0].pk, roster[1].pk, roster[4].pk}
    client.post(
        url,
        {"action": "save", "shown": sorted(shown), "attended": [roster[0].pk, roster[4].pk]},
    )
    assert set(_credited(sess)) == {roster[0].pk, roster[4].pk}


def test_the_roster_narrows_to_a_division(agency, roster, client_for):
    other = agency.divisions.exclude(code="PATROL").first()
    employee = roster[4].employee
    employee.division = other
    employee.save(update_fields=["division"])
    sess = session(agency, date(2026, 5, 12), "3")
    page = (
        client_for(Role.COORDINATOR)
        .get(f"/training/sessions/{sess.pk}/attendance/?division={other.pk}")
        .content.decode()
    )
    assert page.count('name="attended"') == 1 and "Roster4" in page
    assert f'action="?division={other.pk}&amp;page=1"' in page  # a save stays in the division
