"""What people do on the team's pages, through the forms: POST, then redirect, then a message;
errors next to the fields, with what was typed kept."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from peerline.accounts.models import Role
from peerline.team import selectors, services
from peerline.team.models import (
    AgreementSignature,
    ConfidentialityAgreement,
    Deselection,
    InterviewScore,
    PeerSupporter,
    Recommendation,
    Status,
)
from peerline.testing import personas as p

from .helpers import has_role, login_for, psp_in, selected_candidate, today
from .test_selection import SCORES


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def coord(client_for):
    return client_for(Role.COORDINATOR)


def test_a_leave_from_the_member_page_and_back_2011_4_4(chain, coord):
    psp = psp_in(Status.ACTIVE, chain.officer)
    url, on = f"/team/{psp.pk}/", today(psp.agency)
    bad = coord.post(url, {"action": "leave", "leave-starts_on": f"{on}",
                           "leave-expected_return": f"{on - timedelta(1)}", "leave-reason": "family"})  # fmt: skip
    assert bad.status_code == 200
    html = bad.content.decode()
    assert "The expected return cannot be before the leave starts." in html
    assert f'value="{on - timedelta(1)}"' in html and 'value="family" checked' in html
    assert 'aria-expanded="true" aria-controls="action-leave-body"' in html
    assert re.search(r'id="action-step_down-body" class="[^"]*" hidden', html)
    back = on + timedelta(20)
    done = coord.post(url, {"action": "leave", "leave-starts_on": f"{on}",
                            "leave-expected_return": f"{back}", "leave-reason": "family"})  # fmt: skip
    assert done.status_code == 302 and done["Location"] == url
    page = coord.get(url).content.decode()
    assert "Leave recorded" in page and "On leave" in page
    assert coord.post(url, {"action": "return", "return-returned_on": f"{on}"}).status_code == 302
    psp.refresh_from_db()
    assert psp.status == Status.ACTIVE
    assert [c.to_status for c in psp.history.all()][-2:] == ["on_leave", "active"]


def test_deselection_from_the_member_page_2011_4_3(chain, coord):
    psp = psp_in(Status.ACTIVE, chain.officer)
    url = f"/team/{psp.pk}/"
    missing = coord.post(url, {"action": "deselect", "deselect-criterion": "failure_to_attend_training",
                               "deselect-on": f"{today(psp.agency)}"})  # fmt: skip
    assert "This field is required." in missing.content.decode()
    assert not Deselection.objects.exists()
    coord.post(url, {"action": "deselect", "deselect-criterion": "failure_to_attend_training",
                     "deselect-reasons": "Missed three quarters.", "deselect-on": f"{today(psp.agency)}"})  # fmt: skip
    page = coord.get(url).content.decode()
    assert "Failure to attend training" in page and "Missed three quarters." in page
    assert PeerSupporter.objects.get().status == Status.DESELECTED and not has_role(psp)


def test_an_action_that_does_not_apply_changes_nothing(chain, coord):
    psp = psp_in(Status.ALUMNI, chain.officer)
    response = coord.post(f"/team/{psp.pk}/", {"action": "activate", "activate-on": "2026-01-01"})
    assert response.status_code == 302
    assert "does not apply" in coord.get(response["Location"]).content.decode()
    assert PeerSupporter.objects.get().status == Status.ALUMNI


def test_activation_refused_on_the_page_while_unsigned_2011_6_8(
    chain, coord, coordinator, sergeant_login
):
    psp = selected_candidate(chain.officer2, coordinator, sergeant_login)
    url, on = f"/team/{psp.pk}/", today(psp.agency)
    coord.post(url, {"action": "training", "training-on": f"{on}"})
    html = coord.post(url, {"action": "activate", "activate-on": f"{on}"}).content.decode()
    assert "Nothing was saved." in html and "agreement version 1 signed" in html
    psp.refresh_from_db()
    assert psp.status == Status.CANDIDATE and psp.initial_training_on == on


def test_selection_on_the_application_page_2011_4_1(
    chain, coord, coordinator, sergeant_login, agency
):
    volunteer = login_for(chain.officer2)
    app = services.volunteer(employee=chain.officer2, statement="Nights are long.", by=volunteer,
                             now=timezone.now())  # fmt: skip
    clinician = p.make_user("clinician", agency, Role.CLINICAL_ADVISOR)
    url = f"/team/applications/{app.pk}/"
    page = coord.get(url).content.decode()
    assert "Nights are long." in page and "Unknown: no hire date" in page
    coord.post(
        url, {"action": "eligibility", "eligibility-eligible": "yes", "eligibility-note": "OK"}
    )
    coord.post(url, {"action": "recommend", "recommend-recommender": sergeant_login.pk,
                     "recommend-relation": "superior"})  # fmt: skip
    rec = Recommendation.objects.get()
    page = coord.get(url).content.decode()
    assert f"http://testserver/team/recommendations/{rec.pk}/" in page
    # A panel without a peer supporter is saved, with a warning (2011 §4.1).
    response = coord.post(url, {"action": "panel", "panel-members": [f"{clinician.pk}:mhp"],
                                "panel-scheduled_for": "2030-05-01T14:00", "panel-location": "Room B"})  # fmt: skip
    assert response.status_code == 302
    page = coord.get(url).content.decode()
    assert "Panel saved" in page and "no peer supporter" in page and "Room B" in page
    interview = app.interview
    interview.refresh_from_db()
    assert (
        interview.scheduled_for.astimezone(timezone.get_fixed_timezone(-300)).hour == 14
    )  # Chicago, CDT
    refused = coord.post(
        url, {"action": "decide", "decide-outcome": "selected", "decide-reasons": "Ready."}
    )
    assert "none has been received in favour yet" in refused.content.decode()
    assert "Ready.</textarea>" in refused.content.decode()
    services.answer_recommendation(
        recommendation=rec, recommends="yes", comments="", by=sergeant_login
    )
    coord.post(url, {"action": "decide", "decide-outcome": "selected", "decide-reasons": "Ready."})
    page = coord.get(url).content.decode()
    assert "Decision recorded: selected." in page and "Onboarding before activation" in page


def test_an_employee_volunteers_and_withdraws_on_the_phone_page(chain, users):
    nobody = client_of(users[Role.EMPLOYEE])  # a log-in with no employee record
    assert (
        "Only employees of the agency can volunteer"
        in nobody.get("/team/volunteer/").content.decode()
    )
    assert nobody.post("/team/volunteer/", {"statement": "Me"}).status_code == 200
    assert not PeerSupporter.objects.exists()
    me = client_of(login_for(chain.sergeant))
    page = me.get("/team/volunteer/").content.decode()
    assert "You supervise others" in page  # 2011 §7.4, before applying
    empty = me.post("/team/volunteer/", {"action": "volunteer", "statement": "  "})
    assert "This field is required." in empty.content.decode()
    assert (
        me.post("/team/volunteer/", {"action": "volunteer", "statement": "I can help."}).status_code
        == 302
    )
    page = me.get("/team/volunteer/").content.decode()
    assert "Your application" in page and "Thank you for volunteering" in page
    twice = me.post("/team/volunteer/", {"action": "volunteer", "statement": "Again."}, follow=True)
    assert "already an application in progress" in twice.content.decode()
    assert PeerSupporter.objects.get().applications.count() == 1
    assert me.post("/team/volunteer/", {"action": "withdraw"}).status_code == 302
    assert PeerSupporter.objects.get().status == Status.INACTIVE
    assert "Apply again" in me.get("/team/volunteer/").content.decode()


def test_signing_the_agreement_on_the_page_2011_6_8(chain, coordinator, sergeant_login, users):
    assert client_of(users[Role.EMPLOYEE]).get("/team/agreement/").status_code == 302  # no PSP row
    psp = selected_candidate(chain.officer2, coordinator, sergeant_login)
    me = client_of(psp.employee.user)
    assert "Sign version 1" in me.get("/team/agreement/").content.decode()
    wrong = me.post(
        "/team/agreement/", {"typed_name": "Somebody", "confirm": "on"}
    ).content.decode()
    assert "Type your full name" in wrong and 'value="Somebody"' in wrong
    unticked = me.post("/team/agreement/", {"typed_name": psp.employee.full_name}).content.decode()
    assert "Tick the box to agree." in unticked
    assert not AgreementSignature.objects.exists()
    done = me.post(
        "/team/agreement/", {"typed_name": psp.employee.full_name.upper(), "confirm": "on"}
    )
    assert done.status_code == 302
    signature = AgreementSignature.objects.get()
    assert (signature.signed_by, signature.agreement.version) == (psp.employee.user, 1)
    assert "You have signed version 1" in me.get("/team/agreement/").content.decode()


def test_a_candidate_not_selected_reads_but_cannot_sign(chain):
    psp = psp_in(Status.CANDIDATE, chain.officer, selected=False, signed=False)
    me = client_of(psp.employee.user)
    page = me.get("/team/agreement/").content.decode()
    assert "once the program has selected you" in page and "Sign version" not in page
    data = {"typed_name": psp.employee.full_name, "confirm": "on"}
    refused = me.post("/team/agreement/", data, follow=True).content.decode()
    assert "nothing for you to sign now" in refused
    assert not AgreementSignature.objects.exists()


def test_publishing_a_version_on_the_agreements_page(agency, chain, coord):
    member = psp_in(Status.ACTIVE, chain.officer)
    assert coord.post("/team/agreements/", {"text": "  "}).status_code == 200
    response = coord.post("/team/agreements/", {"text": "New wording, version two."})
    assert response.status_code == 302
    page = coord.get("/team/agreements/").content.decode()
    assert "Version 2 published" in page and member.employee.full_name in page
    assert ConfidentialityAgreement.objects.filter(agency=agency).count() == 2


def test_answering_a_recommendation_at_its_link_once_2011_4_1(chain, coordinator, sergeant_login):
    volunteer = login_for(chain.officer2)
    app = services.volunteer(
        employee=chain.officer2, statement="Me.", by=volunteer, now=timezone.now()
    )
    services.check_eligibility(application=app, eligible=True, note="", by=coordinator)
    rec = services.request_recommendation(
        application=app, recommender=sergeant_login, relation="superior", by=coordinator
    )
    me, url = client_of(sergeant_login), f"/team/recommendations/{rec.pk}/"
    assert chain.officer2.full_name in me.get("/team/recommendations/").content.decode()
    kept = me.post(url, {"comments": "Kept this."}).content.decode()
    assert "This field is required." in kept and "Kept this.</textarea>" in kept
    assert me.post(url, {"recommends": "strongly", "comments": "Steady."}).status_code == 302
    page = me.get(url).content.decode()
    assert "You answered on" in page and "Strongly recommend" in page
    again = me.post(url, {"recommends": "no"}, follow=True).content.decode()
    assert "already been answered" in again
    rec.refresh_from_db()
    assert rec.recommends == "strongly"


def test_a_panelist_scores_on_their_sheet_2011_4_2(chain, coordinator, agency):
    volunteer = login_for(chain.officer2)
    app = services.volunteer(
        employee=chain.officer2, statement="Me.", by=volunteer, now=timezone.now()
    )
    services.check_eligibility(application=app, eligible=True, note="", by=coordinator)
    clinician = p.make_user("clinician", agency, Role.CLINICAL_ADVISOR)
    services.set_panel(application=app, members=[(clinician, "mhp")], scheduled_for=None,
                       location="", by=coordinator)  # fmt: skip
    seat = InterviewScore.objects.get()
    me = client_of(clinician)
    assert chain.officer2.full_name in me.get("/team/interviews/").content.decode()
    partial = me.post(f"/team/interviews/{seat.pk}/", {**SCORES, "ethics": ""}).content.decode()
    assert "This field is required." in partial and 'name="maturity" value="5" checked' in partial
    assert (
        me.post(f"/team/interviews/{seat.pk}/", {**SCORES, "comments": "Calm."}).status_code == 302
    )
    seat.refresh_from_db()
    assert seat.credibility == 4 and seat.comments == "Calm."
    assert list(selectors.panel_seats_pending_for(clinician)) == []


def test_a_candidates_actions_come_in_the_order_they_are_done_and_the_7_4_guidance_folds(
    chain, coord
):
    """Training is recorded before activation, so it is listed first; the §7.4 guidance of a
    supervisor folds on the member page (it is shown after every action) and opens where the
    volunteer applies (2011 §4.1, §7.4)."""
    psp = psp_in(Status.CANDIDATE, chain.sergeant, trained=False)
    page = coord.get(f"/team/{psp.pk}/").content.decode()
    assert page.index("Record the initial training") < page.index(">Activate<")
    guidance = re.search(r"<details[^>]*peerline-guidance[^>]*>", page)
    assert guidance and " open" not in guidance.group(0)

    volunteer = client_of(chain.sergeant.user).get("/team/volunteer/").content.decode()
    assert re.search(r"<details[^>]*peerline-guidance[^>]* open>", volunteer)
