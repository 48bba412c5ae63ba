"""The training pages: who may see what (a PSP sees only their own hours), sessions, the
catalogue, compliance, transcripts, the team report (2011 §8.1–§8.3, §4.3, §3.9)."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from peerline.accounts.models import Role
from peerline.agencies import clock
from peerline.testing import personas as p
from peerline.testing.pdf import readable
from peerline.training import compliance, reports
from peerline.training.models import TrainingSession, TrainingTopic

from .helpers import attend, psp, session

pytestmark = pytest.mark.django_db

LONG_AGO = date(2024, 1, 1)
PERSONAS = [*Role, "norole", "outsider"]


@pytest.fixture
def setup(agency, other_agency, users):
    """Two PSPs of the agency with hours this quarter (one is the PSP persona), and a session of
    another agency."""
    today = clock.local_today(agency)
    me = psp(agency, "6001", active_since=LONG_AGO, user=users[Role.PEER_SUPPORTER],
             first_name="Imani", last_name="Selfsame")  # fmt: skip
    colleague = psp(agency, "6002", active_since=LONG_AGO, first_name="Oskar",
                    last_name="Otherperson")  # fmt: skip
    here = session(agency, today, "3", "8.3.1", title="Confidentiality refresher")
    attend(here, me, hours="2.5")
    attend(session(agency, today, "4", "8.3.17", title="Suicide assessment day"), colleague)
    elsewhere = session(other_agency, today, "2", title="Elsewhere session")
    return {"me": me, "colleague": colleague, "here": here, "elsewhere": elsewhere}


def _pages(setup):
    me, here = setup["me"], setup["here"]
    return {
        "training:sessions": ([], {Role.COORDINATOR}),
        "training:session-new": ([], {Role.COORDINATOR}),
        "training:session": ([here.pk], {Role.COORDINATOR}),
        "training:attendance": ([here.pk], {Role.COORDINATOR}),
        "training:compliance": ([], {Role.COORDINATOR}),
        "training:report-csv": ([], {Role.COORDINATOR}),
        "training:transcript": ([me.pk], {Role.COORDINATOR}),
        "training:transcript-pdf": ([me.pk], {Role.COORDINATOR}),
        "training:topics": ([], {Role.COORDINATOR, Role.STEERING_COMMITTEE}),
        "training:mine": ([], {Role.PEER_SUPPORTER}),
        "training:my-transcript": ([], {Role.PEER_SUPPORTER}),
        "training:my-transcript-pdf": ([], {Role.PEER_SUPPORTER}),
    }


def test_every_training_page_denies_every_other_role(setup, client_for):
    for name, (args, allowed) in _pages(setup).items():
        url = reverse(name, args=args)
        for persona in PERSONAS:
            status = client_for(persona).get(url).status_code
            if persona in allowed:
                assert status == 200, (name, persona)
            elif persona == "outsider" and Role.COORDINATOR in allowed:
                assert status in {200, 404}, (name, persona)  # their own agency's page only
            else:
                assert status == 403, (name, persona, status)


def test_a_psp_sees_only_their_own_hours_2011_8_2(setup, client_for):
    client = client_for(Role.PEER_SUPPORTER)
    page = client.get("/training/mine/").content.decode()
    assert '<span class="peerline-stat__value" id="my-credited">2.5</span>' in page
    mine = page[page.index('id="my-sessions"') :]
    assert "Otherperson" not in page and "Suicide assessment day" not in mine
    assert "Confidentiality refresher" in mine
    transcript = client.get("/training/mine/transcript/").content.decode()
    assert "Selfsame" in transcript and "Otherperson" not in transcript
    # Nothing of anyone else's: the coordinator's pages, a colleague's transcript, the API.
    colleague = setup["colleague"].pk
    assert client.get(f"/training/transcripts/{colleague}/").status_code == 403
    assert client.get(f"/training/transcripts/{colleague}.pdf").status_code == 403
    assert client.get("/training/compliance/").status_code == 403
    assert client.get("/api/v1/training/compliance?quarter=2026-Q1").status_code == 403


def test_the_mine_page_says_what_is_missing_and_what_was_never_covered(setup, client_for):
    page = client_for(Role.PEER_SUPPORTER).get("/training/mine/").content.decode()
    assert 'id="my-missing">1.5<' in page  # 4.0 required, 2.5 credited
    never = page[page.index('id="my-never-covered"') :]
    assert "8.3.17 Suicide assessment" in never and "8.3.1 Confidentiality" not in never


def test_a_psp_persona_not_on_the_team_sees_no_hours(users, client_for):
    page = client_for(Role.PEER_SUPPORTER).get("/training/mine/")
    assert page.status_code == 200 and b"not on the peer support team" in page.content


def test_another_agencys_session_and_psp_are_404(setup, client_for, other_agency):
    client = client_for(Role.COORDINATOR)
    elsewhere = setup["elsewhere"].pk
    stranger = psp(other_agency, "7001", active_since=LONG_AGO)
    for url in (
        f"/training/sessions/{elsewhere}/",
        f"/training/sessions/{elsewhere}/attendance/",
        f"/training/transcripts/{stranger.pk}/",
        f"/training/transcripts/{stranger.pk}.pdf",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            f"/training/sessions/{elsewhere}/attendance/", {"attended": [stranger.pk]}
        ).status_code
        == 404
    )
    assert b"Elsewhere session" not in client.get("/training/sessions/").content


def test_the_coordinator_schedules_and_edits_a_session(agency, client_for):
    client = client_for(Role.COORDINATOR)
    topic = TrainingTopic.objects.get(edition="2011", number="8.3.16")
    old = TrainingTopic.objects.get(edition="2006", number="16")
    data = {"title": "HIV update", "date": "2026-02-10", "hours": "2", "instructor": "Dr. Wu",
            "instructor_is_mhp": "on", "topics": [topic.pk], "location": "Room B"}  # fmt: skip
    response = client.post("/training/sessions/new/", data)
    made = TrainingSession.objects.get()
    assert response["Location"] == f"/training/sessions/{made.pk}/attendance/"
    assert made.instructor_is_mhp and list(made.topics.all()) == [topic]
    assert made.agency == agency and not made.partners_may_attend
    # The other edition's topics are not offered: the agency's edition is its catalogue.
    refused = client.post("/training/sessions/new/", {**data, "topics": [old.pk]})
    assert refused.status_code == 200 and TrainingSession.objects.count() == 1
    client.post(
        f"/training/sessions/{made.pk}/", {**data, "hours": "2.5", "partners_may_attend": "on"}
    )
    made.refresh_from_db()
    assert made.hours == Decimal("2.5") and made.partners_may_attend
    bad = client.post("/training/sessions/new/", {**data, "hours": "30"})
    assert b"Nothing was saved" in bad.content and TrainingSession.objects.count() == 1
    # The list names topics in words, with the clause as small print (not "8.3.16" alone).
    listed = client.get("/training/sessions/").content.decode()
    assert "HIV and AIDS" in listed and "(8.3.16)" in listed


def test_the_steering_committee_adds_and_retires_the_agencys_own_topics_2011_8_1(
    agency, client_for
):
    client = client_for(Role.STEERING_COMMITTEE)
    page = client.get("/training/topics/").content.decode()
    assert "HIV and AIDS" in page and "16. AIDS" in page and "Trauma intervention" in page
    client.post("/training/topics/", {"action": "add", "title": "  Family support  nights "})
    topic = TrainingTopic.objects.get(agency=agency)
    assert (topic.title, topic.number, topic.edition) == ("Family support nights", "A1", "agency")
    duplicate = client.post(
        "/training/topics/", {"action": "add", "title": "family support nights"}
    )
    assert duplicate.status_code == 400 and TrainingTopic.objects.filter(agency=agency).count() == 1
    client.post("/training/topics/", {"action": "retire", "topic": topic.pk})
    topic.refresh_from_db()
    assert topic.retired_on is not None
    edition = TrainingTopic.objects.get(edition="2011", number="8.3.1")
    client.post("/training/topics/", {"action": "retire", "topic": edition.pk})
    edition.refresh_from_db()
    assert edition.retired_on is None  # the guidelines' topics are not the agency's to retire
    assert (
        client_for(Role.PEER_SUPPORTER).post("/training/topics/", {"title": "x"}).status_code == 403
    )


def test_the_compliance_page_links_a_flagged_psp_to_the_team_page_2011_4_3(agency, client_for):
    today = clock.local_today(agency)
    current = compliance.Quarter.of(today)
    behind = psp(agency, "6003", active_since=LONG_AGO, last_name="Laggard")
    keen = psp(agency, "6004", active_since=LONG_AGO, last_name="Keen")
    for n in range(1, 4):
        attend(session(agency, current.shift(-n).first, "4", "8.3.2"), keen)
    attend(session(agency, current.shift(-3).first + timedelta(days=1), "4"), behind)
    page = client_for(Role.COORDINATOR).get("/training/compliance/").content.decode()
    flagged = page[page.index('id="flagged-list"') : page.index('id="reminders-heading"')]
    assert reverse("team:member", args=[behind.pk]) in flagged and "Laggard" in flagged
    assert "Keen" not in flagged
    assert '<svg class="peerline-chart"' in page and 'id="coverage-table"' in page
    other = client_for(Role.COORDINATOR).get("/training/compliance/?quarter=2026-Q9")
    assert other.status_code == 404


def test_the_team_report_csv(agency, client_for):
    today = clock.local_today(agency)
    member = psp(agency, "=6005", active_since=LONG_AGO, last_name="Csvson")
    attend(session(agency, today, "3"), member)
    quarter = compliance.Quarter.of(today).label
    response = client_for(Role.COORDINATOR).get(f"/training/report.csv?quarter={quarter}")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"training-{quarter}.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == reports.CSV_HEADER
    assert rows[1][:4] == [quarter, "'=6005", "Csvson", "First=6005"]
    assert rows[1][7:10] == ["4.0", "3.0", "no"]


def test_the_transcript_pdf_and_html(setup, client_for):
    me = setup["me"]
    client = client_for(Role.COORDINATOR)
    html = client.get(f"/training/transcripts/{me.pk}/").content.decode()
    assert "Confidentiality refresher" in html and "2.5 of 3.0" in html
    response = client.get(f"/training/transcripts/{me.pk}.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and len(response.content) > 5000
    objects = readable(response.content)
    assert b"/Title (Sessions attended)" in objects and b"/Title (Quarters)" in objects
    html_for_pdf = render_to_string("training/transcript_pdf.html", {"t": reports.transcript(me)})
    assert "Imani Selfsame" in html_for_pdf and "Confidentiality refresher" in html_for_pdf
    own = client_for(Role.PEER_SUPPORTER).get("/training/mine/transcript.pdf")
    assert own["Content-Type"] == "application/pdf" and "6001" in own["Content-Disposition"]


def test_list_pages_run_a_fixed_number_of_queries(
    agency, client_for, django_assert_max_num_queries
):
    member = psp(agency, "6006", active_since=LONG_AGO)
    for n in range(12):
        attend(session(agency, date(2026, 1, 1) + timedelta(days=7 * n), "2", "8.3.3"), member)
    client = client_for(Role.COORDINATOR)
    with django_assert_max_num_queries(20):
        client.get("/training/sessions/")
    with django_assert_max_num_queries(25):
        client.get("/training/compliance/?quarter=2026-Q1")


def test_the_home_page_helper_needs_a_user_of_the_agency(agency):
    assert (
        compliance.flagged_for_review(agency=p.make_agency(code="EMPTY"), today=date(2026, 5, 1))
        == []
    )
