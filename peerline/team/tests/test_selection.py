"""Selection: volunteering, eligibility, recommendations, the panel and the decision (2011 §4.1,
§4.2)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from peerline.accounts.models import Role
from peerline.team import selectors, services
from peerline.team.models import (
    Application,
    Interview,
    Outcome,
    PanelRole,
    PeerSupporter,
    RecommenderRelation,
    Recommends,
    Status,
)
from peerline.team.services import TeamError
from peerline.testing import personas as p

from .helpers import has_role, login_for, psp_in

SCORES = {
    "education_training": 4,
    "resolved_trauma": 3,
    "maturity": 5,
    "judgment": 4,
    "ethics": 5,
    "credibility": 4,
}


@pytest.fixture
def volunteer(chain):
    return login_for(chain.officer2)


@pytest.fixture
def application(chain, volunteer):
    return services.volunteer(
        employee=chain.officer2, statement="  I want to help.  ", by=volunteer, now=timezone.now()
    )


def test_volunteering_makes_a_candidate_with_an_application_2011_4_1(application, chain):
    psp = PeerSupporter.objects.get(employee=chain.officer2)
    assert psp.status == Status.CANDIDATE and psp.agency == chain.officer2.agency
    assert application.statement == "I want to help."
    change = psp.history.get()
    assert (change.from_status, change.to_status, change.reason) == ("", "candidate", "Volunteered")
    assert change.recorded_by == chain.officer2.user
    assert not has_role(psp)


def test_volunteering_twice_or_from_the_team_is_refused(application, chain, volunteer):
    with pytest.raises(TeamError, match="already an application"):
        services.volunteer(
            employee=chain.officer2, statement="Again", by=volunteer, now=timezone.now()
        )
    psp_in(Status.ACTIVE, chain.officer)
    with pytest.raises(TeamError, match="Already on the peer support team"):
        services.volunteer(employee=chain.officer, statement="Me", by=None, now=timezone.now())
    assert Application.objects.count() == 2  # the one above and psp_in's


def test_volunteering_needs_a_statement_and_a_current_employee(chain):
    with pytest.raises(TeamError, match="why you want"):
        services.volunteer(employee=chain.officer, statement="   ", by=None, now=timezone.now())
    chain.officer.separated_on = date(2024, 1, 1)
    chain.officer.save()
    with pytest.raises(TeamError, match="current employee"):
        services.volunteer(employee=chain.officer, statement="Me", by=None, now=timezone.now())
    assert not PeerSupporter.objects.exists()


def test_alumni_do_not_apply_again_here_but_inactive_and_deselected_do(chain):
    psp_in(Status.ALUMNI, chain.officer)
    with pytest.raises(TeamError, match="alumni"):
        services.volunteer(employee=chain.officer, statement="Me", by=None, now=timezone.now())
    psp = psp_in(Status.DESELECTED, chain.officer2)
    services.volunteer(employee=chain.officer2, statement="Me again", by=None, now=timezone.now())
    psp.refresh_from_db()
    assert psp.status == Status.CANDIDATE and psp.applications.count() == 2


def test_eligibility_facts_good_standing_and_minimum_service_2011_4_1(agency, chain):
    officer = chain.officer
    on = date(2026, 3, 15)
    officer.hire_date = date(2025, 4, 16)
    facts = selectors.eligibility_facts(officer, on)
    assert facts.months_of_service == 10 and facts.min_service_months == 12
    assert facts.meets_service is False and facts.looks_eligible is False
    officer.hire_date = date(2025, 3, 15)
    assert selectors.eligibility_facts(officer, on).looks_eligible is True
    officer.good_standing = False
    assert selectors.eligibility_facts(officer, on).looks_eligible is False
    officer.good_standing, officer.hire_date = True, None
    facts = selectors.eligibility_facts(officer, on)
    assert facts.months_of_service is None and facts.looks_eligible is None


def test_the_coordinator_records_the_eligibility_check(application, coordinator):
    services.check_eligibility(
        application=application, eligible=False, note="Under 12 months", by=coordinator
    )
    application.refresh_from_db()
    assert application.eligible is False and application.eligibility_note == "Under 12 months"
    assert application.eligibility_checked_by == coordinator
    assert application.eligibility_checked_at is not None


def test_a_recommendation_is_asked_of_an_agency_user_and_answered_once_by_them(
    application, coordinator, sergeant_login, users, volunteer
):
    services.check_eligibility(application=application, eligible=True, note="", by=coordinator)
    rec = services.request_recommendation(
        application=application, recommender=sergeant_login, relation=RecommenderRelation.SUPERIOR,
        by=coordinator,
    )  # fmt: skip
    assert list(selectors.recommendations_pending_for(sergeant_login)) == [rec]
    with pytest.raises(TeamError, match="already asked"):
        services.request_recommendation(
            application=application, recommender=sergeant_login, relation="peer", by=coordinator
        )
    with pytest.raises(TeamError, match="user of this agency"):
        services.request_recommendation(
            application=application, recommender=users["outsider"], relation="peer", by=coordinator
        )
    with pytest.raises(TeamError, match="themselves"):
        services.request_recommendation(
            application=application, recommender=volunteer, relation="peer", by=coordinator
        )
    with pytest.raises(TeamError, match="Only the person asked"):
        services.answer_recommendation(
            recommendation=rec, recommends=Recommends.YES, comments="", by=coordinator
        )
    services.answer_recommendation(
        recommendation=rec, recommends=Recommends.STRONGLY, comments=" Steady. ", by=sergeant_login
    )
    rec.refresh_from_db()
    assert rec.recommends == Recommends.STRONGLY and rec.comments == "Steady."
    assert rec.answered_at is not None
    with pytest.raises(TeamError, match="already been answered"):
        services.answer_recommendation(
            recommendation=rec, recommends=Recommends.NO, comments="", by=sergeant_login
        )
    assert not selectors.recommendations_pending_for(sergeant_login).exists()


@pytest.fixture
def panel(agency, chain):
    psp = psp_in(Status.ACTIVE, chain.telecommunicator)  # not in the officer's chain
    clinician = p.make_user("clinician", agency, Role.CLINICAL_ADVISOR)
    return psp.employee.user, clinician


def test_the_panel_is_psps_and_the_mhp_each_scoring_2011_4_1_4_2(application, panel, coordinator):
    psp_user, clinician = panel
    services.check_eligibility(application=application, eligible=True, note="", by=coordinator)
    interview, warnings = services.set_panel(
        application=application, members=[(psp_user, PanelRole.PSP), (clinician, PanelRole.MHP)],
        scheduled_for=timezone.now() + timedelta(days=3), location=" Room B ", by=coordinator,
    )  # fmt: skip
    assert warnings == [] and interview.location == "Room B"
    assert {s.panelist for s in interview.scores.all()} == {psp_user, clinician}
    seat = selectors.panel_seats_pending_for(clinician).get()
    with pytest.raises(TeamError, match="Only the panelist"):
        services.submit_score(score=seat, values=SCORES, comments="", by=psp_user)
    with pytest.raises(TeamError, match="from 1 to 5"):
        services.submit_score(score=seat, values={**SCORES, "ethics": 6}, comments="", by=clinician)
    with pytest.raises(TeamError, match="Credibility"):
        services.submit_score(
            score=seat, values={**SCORES, "credibility": None}, comments="", by=clinician
        )
    services.submit_score(score=seat, values=SCORES, comments="Ready.", by=clinician)
    seat.refresh_from_db()
    assert seat.maturity == 5 and seat.submitted_at is not None
    assert not selectors.panel_seats_pending_for(clinician).exists()
    table = selectors.score_table(list(interview.scores.order_by("pk")))
    assert [row.mean for row in table] == [4, 3, 5, 4, 5, 4]  # only the submitted sheet counts
    # A panelist who has scored stays on the panel.
    with pytest.raises(TeamError, match="already scored"):
        services.set_panel(application=application, members=[(psp_user, PanelRole.PSP)],
                           scheduled_for=None, location="", by=coordinator)  # fmt: skip


def test_the_panel_warns_without_an_mhp_and_refuses_wrong_seats(
    application, panel, coordinator, chain, volunteer
):
    psp_user, clinician = panel
    services.check_eligibility(application=application, eligible=True, note="", by=coordinator)
    _, warnings = services.set_panel(
        application=application, members=[(psp_user, PanelRole.PSP)], scheduled_for=None,
        location="", by=coordinator,
    )  # fmt: skip
    assert any("mental health professional" in w for w in warnings)
    with pytest.raises(TeamError, match="does not hold the role"):
        services.set_panel(application=application, members=[(clinician, PanelRole.PSP)],
                           scheduled_for=None, location="", by=coordinator)  # fmt: skip
    with pytest.raises(TeamError, match="own panel"):
        services.set_panel(application=application, members=[(volunteer, PanelRole.PSP)],
                           scheduled_for=None, location="", by=coordinator)  # fmt: skip
    with pytest.raises(TeamError, match="one seat"):
        services.set_panel(application=application,
                           members=[(psp_user, PanelRole.PSP), (psp_user, PanelRole.PSP)],
                           scheduled_for=None, location="", by=coordinator)  # fmt: skip
    # The volunteer's own sergeant on the panel: a warning (2011 §7.2), not a refusal.
    sergeant = psp_in(Status.ACTIVE, chain.sergeant).employee.user
    _, warnings = services.set_panel(
        application=application, members=[(sergeant, PanelRole.PSP), (clinician, PanelRole.MHP)],
        scheduled_for=None, location="", by=coordinator,
    )  # fmt: skip
    assert warnings == [f"{chain.sergeant.full_name} is in the candidate's chain of command: "
                        "consider another panelist (2011 §7.2)."]  # fmt: skip
    assert Interview.objects.get().scores.count() == 2


def test_not_selected_makes_the_candidate_inactive_with_the_reasons_2011_4_1(
    application, coordinator
):
    with pytest.raises(TeamError, match="reasons"):
        services.decide(
            application=application, outcome=Outcome.NOT_SELECTED, reasons=" ", by=coordinator
        )
    decision = services.decide(
        application=application, outcome=Outcome.NOT_SELECTED, reasons="Apply again next year.",
        by=coordinator,
    )  # fmt: skip
    psp = application.peer_supporter
    psp.refresh_from_db()
    assert psp.status == Status.INACTIVE and decision.decided_by == coordinator
    assert psp.history.last().reason == "Not selected: Apply again next year."
    with pytest.raises(TeamError, match="decided"):
        services.decide(
            application=application, outcome=Outcome.SELECTED, reasons="Oops", by=coordinator
        )


def test_selection_needs_eligibility_and_a_favourable_recommendation_2011_4_1(
    application, coordinator, sergeant_login
):
    def select():
        return services.decide(
            application=application, outcome=Outcome.SELECTED, reasons="Good.", by=coordinator
        )

    with pytest.raises(TeamError, match="eligibility"):
        select()
    services.check_eligibility(application=application, eligible=True, note="", by=coordinator)
    rec = services.request_recommendation(
        application=application, recommender=sergeant_login, relation="superior", by=coordinator
    )
    with pytest.raises(TeamError, match="recommendation"):
        select()
    services.answer_recommendation(
        recommendation=rec, recommends=Recommends.NO, comments="", by=sergeant_login
    )
    with pytest.raises(TeamError, match="recommendation"):
        select()
    rec.recommends = Recommends.RESERVATIONS
    rec.save()
    select()
    psp = application.peer_supporter
    psp.refresh_from_db()
    assert psp.status == Status.CANDIDATE  # until onboarding is complete
    assert selectors.is_selected(psp)
    # Once decided, nothing more is asked or scored.
    with pytest.raises(TeamError, match="decided"):
        services.check_eligibility(application=application, eligible=True, note="", by=coordinator)


def test_a_volunteer_withdraws_and_becomes_inactive(application, volunteer):
    services.withdraw(application=application, by=volunteer)
    psp = application.peer_supporter
    psp.refresh_from_db()
    assert psp.status == Status.INACTIVE and application.withdrawn_at is not None
    assert psp.history.last().reason == "Application withdrawn"
    with pytest.raises(TeamError, match="already withdrawn"):
        services.withdraw(application=application, by=volunteer)


def test_open_applications_say_what_comes_next(
    agency, application, coordinator, sergeant_login, panel, other_agency
):
    def step():
        (found,) = selectors.next_steps(selectors.open_applications(agency))
        return found.next_step, found.needs_action

    assert step() == ("Check eligibility", True)
    services.check_eligibility(application=application, eligible=True, note="", by=coordinator)
    assert step() == ("Ask for recommendations", True)
    rec = services.request_recommendation(
        application=application, recommender=sergeant_login, relation="superior", by=coordinator
    )
    assert step() == ("Waiting for recommendations", False)
    services.answer_recommendation(
        recommendation=rec, recommends="yes", comments="", by=sergeant_login
    )
    assert step() == ("Set the interview panel, or decide", True)
    services.set_panel(application=application, members=[(panel[1], PanelRole.MHP)],
                       scheduled_for=None, location="", by=coordinator)  # fmt: skip
    assert step() == ("Waiting for 1 of 1 score sheets", False)
    services.submit_score(
        score=selectors.panel_seats_pending_for(panel[1]).get(), values=SCORES, comments="",
        by=panel[1],
    )  # fmt: skip
    assert step() == ("Decide", True)
    services.decide(application=application, outcome="selected", reasons="Good.", by=coordinator)
    assert step() == ("Selected: waiting for the agreement to be signed", False)
    assert list(selectors.open_applications(other_agency)) == []


def test_no_recommendation_or_interview_before_the_eligibility_check_2011_4_1(
    application, panel, coordinator, sergeant_login
):
    """Issue 17: recommending and scoring were allowed before eligibility was recorded."""
    psp_user, clinician = panel
    with pytest.raises(TeamError, match="eligibility check first"):
        services.request_recommendation(
            application=application, recommender=sergeant_login,
            relation=RecommenderRelation.SUPERIOR, by=coordinator,
        )  # fmt: skip
    with pytest.raises(TeamError, match="eligibility check first"):
        services.set_panel(application=application, members=[(clinician, PanelRole.MHP)],
                           scheduled_for=None, location="", by=coordinator)  # fmt: skip
    services.check_eligibility(
        application=application, eligible=False, note="Under 12 months", by=coordinator
    )
    with pytest.raises(TeamError, match="eligibility check first"):
        services.set_panel(application=application, members=[(clinician, PanelRole.MHP)],
                           scheduled_for=None, location="", by=coordinator)  # fmt: skip


def test_the_selection_steps_keep_the_time_they_are_given(
    application, coordinator, sergeant_login, panel
):
    """The demo records selections made months ago: each step keeps its `now`."""
    psp_user, _ = panel
    checked, answered, scored, decided = (
        datetime(2026, 3, day, 10, tzinfo=UTC) for day in (2, 9, 12, 16)
    )
    services.check_eligibility(
        application=application, eligible=True, note="", by=coordinator, now=checked
    )
    rec = services.request_recommendation(
        application=application, recommender=sergeant_login, relation="superior", by=coordinator
    )
    services.answer_recommendation(
        recommendation=rec, recommends=Recommends.YES, comments="", by=sergeant_login, now=answered
    )
    interview, _ = services.set_panel(
        application=application, members=[(psp_user, PanelRole.PSP)], scheduled_for=None,
        location="", by=coordinator,
    )  # fmt: skip
    score = services.submit_score(
        score=interview.scores.get(), values=SCORES, comments="", by=psp_user, now=scored
    )
    decision = services.decide(
        application=application, outcome=Outcome.SELECTED, reasons="Good.", by=coordinator,
        now=decided,
    )  # fmt: skip
    application.refresh_from_db()
    rec.refresh_from_db()
    assert application.eligibility_checked_at == checked
    assert rec.answered_at == answered
    assert score.submitted_at == scored
    assert decision.decided_at == decided
