"""Selection in batches (`check_eligibility_many`, `request_recommendations`,
`answer_recommendations`, `set_panels`, `submit_scores`, `decide_many`,
`record_initial_training_many`: the demo's hundreds): each row by the rules of the single form
(2011 §4.1, §4.2), the same rows and events written, and one refusal refuses the whole batch."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from peerline.accounts.models import Membership, Role
from peerline.audit import services as audit
from peerline.audit.models import AuditEvent
from peerline.team import services
from peerline.team.models import (
    Application,
    Decision,
    Interview,
    InterviewScore,
    Outcome,
    PanelRole,
    PeerSupporter,
    Recommendation,
    RecommenderRelation,
    Recommends,
    Status,
    StatusChange,
)
from peerline.team.services import TeamError
from peerline.testing import personas as p

from .helpers import login_for, psp_in, today

T = datetime(2026, 5, 4, 16, 0, tzinfo=UTC)
SCORES = {
    "education_training": 4,
    "resolved_trauma": 3,
    "maturity": 5,
    "judgment": 4,
    "ethics": 5,
    "credibility": 4,
}
STAGES = ("volunteered", "eligible", "asked", "recommended", "panel", "scored", "decided")


@pytest.fixture
def panel(agency, chain):
    """A PSP seat held by the lieutenant (in both officers' chain of command) and an MHP."""
    lieutenant = psp_in(Status.ACTIVE, chain.lieutenant).employee.user
    clinician = p.make_user("clinician", agency, Role.CLINICAL_ADVISOR)
    return [(lieutenant, PanelRole.PSP), (clinician, PanelRole.MHP)]


@pytest.fixture
def at(chain, coordinator, sergeant_login, panel):
    """`at(employee, stage)`: the employee's application taken to `stage` by the single forms."""

    def make(employee, stage: str) -> Application:
        if employee.user_id is None:
            login_for(employee)
            employee.refresh_from_db()
        step = STAGES.index(stage)
        application = services.volunteer(
            employee=employee, statement="I want to help.", by=employee.user, now=T
        )
        if step >= 1:
            services.check_eligibility(
                application=application, eligible=True, note="", by=coordinator
            )
        if step >= 2:
            asked = services.request_recommendation(
                application=application, recommender=sergeant_login,
                relation=RecommenderRelation.SUPERIOR, by=coordinator,
            )  # fmt: skip
        if step >= 3:
            services.answer_recommendation(
                recommendation=asked, recommends=Recommends.YES, comments="", by=sergeant_login
            )
        if step >= 4:
            services.set_panel(application=application, members=panel, scheduled_for=None,
                               location="", by=coordinator)  # fmt: skip
        if step >= 5:
            clinician = panel[1][0]
            services.submit_score(score=application.interview.scores.get(panelist=clinician),
                                  values=SCORES, comments="", by=clinician)  # fmt: skip
        if step >= 6:
            services.decide(application=application, outcome=Outcome.SELECTED, reasons="Good.",
                            by=coordinator)  # fmt: skip
        return application

    return make


def written(application: Application) -> dict[str, object]:
    """What selection wrote for `application`, without its keys: to compare two paths."""
    application.refresh_from_db()
    psp = PeerSupporter.objects.get(pk=application.peer_supporter_id)
    interview = Interview.objects.get(application=application)
    consideration = list(SCORES)
    events = AuditEvent.objects.filter(
        target__in=[f"application:{application.pk}", f"peer_supporter:{psp.pk}"]
    ).order_by("seq")
    return {
        "application": (
            application.eligible, application.eligibility_note,
            application.eligibility_checked_at, application.eligibility_checked_by_id,
        ),
        "recommendations": list(
            application.recommendations.order_by("pk").values_list(
                "recommender", "relation", "recommends", "comments", "answered_at"
            )
        ),
        "interview": (interview.scheduled_for, interview.location),
        "scores": sorted(
            interview.scores.values_list(
                "panelist", "panel_role", *consideration, "comments", "submitted_at"
            )
        ),
        "decision": Decision.objects.filter(application=application).values_list(
            "outcome", "reasons", "decided_at", "decided_by"
        ).get(),
        "training": psp.initial_training_on,
        "status": list(psp.history.order_by("pk").values_list("from_status", "to_status")),
        "events": [
            (e.action, "volunteer" if e.actor_id == psp.employee.user_id else e.actor_id, e.detail)
            for e in events
        ],
    }  # fmt: skip


def test_the_batch_forms_write_what_the_single_forms_write_2011_4_1_4_2(
    at, chain, coordinator, sergeant_login, panel
):
    one, many = at(chain.officer, "volunteered"), at(chain.officer2, "volunteered")
    clinician = panel[1][0]
    on = today(one.peer_supporter.agency)

    services.check_eligibility(application=one, eligible=True, note=" Ok ", by=coordinator, now=T)
    asked = services.request_recommendation(
        application=one, recommender=sergeant_login, relation=RecommenderRelation.SUPERIOR,
        by=coordinator,
    )  # fmt: skip
    services.answer_recommendation(recommendation=asked, recommends=Recommends.YES,
                                   comments=" Steady. ", by=sergeant_login, now=T)  # fmt: skip
    interview, single_warnings = services.set_panel(
        application=one, members=panel, scheduled_for=T, location=" Room B ", by=coordinator
    )
    services.submit_score(score=interview.scores.get(panelist=clinician), values=SCORES,
                          comments=" Ready. ", by=clinician, now=T)  # fmt: skip
    services.decide(application=one, outcome=Outcome.SELECTED, reasons=" Good. ", by=coordinator,
                    now=T)  # fmt: skip
    services.record_initial_training(peer_supporter=one.peer_supporter, on=on, by=coordinator)

    services.check_eligibility_many(
        checks=[services.EligibilityCheck(application=many, eligible=True, note=" Ok ",
                                          by=coordinator, now=T)]
    )  # fmt: skip
    (asked,) = services.request_recommendations(
        requests=[services.RecommendationRequest(application=many, recommender=sergeant_login,
                                                 relation=RecommenderRelation.SUPERIOR,
                                                 by=coordinator)]
    )  # fmt: skip
    services.answer_recommendations(
        answers=[services.RecommendationAnswer(recommendation=asked, recommends=Recommends.YES,
                                               comments=" Steady. ", by=sergeant_login, now=T)]
    )  # fmt: skip
    ((interview, batch_warnings),) = services.set_panels(
        panels=[services.PanelSetting(application=many, members=panel, scheduled_for=T,
                                      location=" Room B ", by=coordinator)]
    )  # fmt: skip
    services.submit_scores(
        submissions=[services.ScoreSubmission(score=interview.scores.get(panelist=clinician),
                                              values=SCORES, comments=" Ready. ", by=clinician,
                                              now=T)]
    )  # fmt: skip
    services.decide_many(
        decisions=[services.Deciding(application=many, outcome=Outcome.SELECTED,
                                     reasons=" Good. ", by=coordinator, now=T)]
    )  # fmt: skip
    services.record_initial_training_many(
        trainings=[services.InitialTraining(peer_supporter=many.peer_supporter, on=on,
                                            by=coordinator)]
    )  # fmt: skip

    single, batch = written(one), written(many)
    assert batch == single
    # The values themselves, not only their agreement.
    assert single["application"] == (True, "Ok", T, coordinator.pk)
    assert single["decision"] == ("selected", "Good.", T, coordinator.pk)
    assert [action for action, _, _ in single["events"]] == [
        "team.status_changed",
        "selection.eligibility_checked",
        "selection.recommendation_requested",
        "selection.panel_set",
        "selection.decided",
        "team.initial_training_recorded",
    ]
    # The lieutenant sits in both officers' chain of command (2011 §7.2).
    assert batch_warnings == single_warnings
    assert [w for w in single_warnings if "chain of command" in w] == [
        "First1110 Last1110 is in the candidate's chain of command: consider another panelist "
        "(2011 §7.2)."
    ]
    assert audit.verify().ok


def test_a_candidate_not_selected_becomes_inactive_in_a_batch_as_alone(at, chain, coordinator):
    one, many = at(chain.officer, "eligible"), at(chain.officer2, "eligible")
    services.decide(application=one, outcome=Outcome.NOT_SELECTED, reasons="Not now.",
                    by=coordinator)  # fmt: skip
    services.decide_many(
        decisions=[services.Deciding(application=many, outcome=Outcome.NOT_SELECTED,
                                     reasons="Not now.", by=coordinator)]
    )  # fmt: skip
    for application in (one, many):
        psp = PeerSupporter.objects.get(pk=application.peer_supporter_id)
        change = psp.history.order_by("pk").last()
        assert (psp.status, change.from_status, change.reason) == (
            Status.INACTIVE, Status.CANDIDATE, "Not selected: Not now.",
        )  # fmt: skip


WRITTEN = (Application, Recommendation, Interview, InterviewScore, Decision, StatusChange)


def counts() -> list[object]:
    """Every table selection writes, with the values that change: nothing may move."""
    return [
        list(Application.objects.order_by("pk").values_list("eligible", "eligibility_checked_at")),
        list(Recommendation.objects.order_by("pk").values_list("recommends", "answered_at")),
        list(InterviewScore.objects.order_by("pk").values_list("panelist", "submitted_at")),
        list(PeerSupporter.objects.order_by("pk").values_list("status", "initial_training_on")),
        [model.objects.count() for model in WRITTEN],
        AuditEvent.objects.count(),
    ]


def refused_alike(batch, single, message: str, *, alone: bool = True) -> None:
    """The batch refuses with `message` and writes nothing; the single form refuses the same
    row with the same words (`alone`: a row refused only for repeating one of the batch has no
    single form to compare)."""
    before = counts()
    with pytest.raises(TeamError, match=re.escape(message)) as refused:
        batch()
    assert str(refused.value).endswith("Nothing was written.")
    assert counts() == before
    if alone:
        with pytest.raises(TeamError, match=re.escape(message.split(": ", 1)[1])):
            single()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("withdrawn", "Eligibility check 2: This application was withdrawn."),
        ("decided", "Eligibility check 2: This application has been decided."),
    ],
)
def test_eligibility_checks_refuse_what_one_refuses(at, chain, coordinator, case, message):
    good = at(chain.officer, "volunteered")
    if case == "withdrawn":
        bad = at(chain.officer2, "volunteered")
        services.withdraw(application=bad, by=coordinator)
    else:
        bad = at(chain.officer2, "decided")
    rows = [services.EligibilityCheck(application=a, eligible=True, note="", by=coordinator)
            for a in (good, bad)]  # fmt: skip
    refused_alike(
        lambda: services.check_eligibility_many(checks=rows),
        lambda: services.check_eligibility(
            application=bad, eligible=True, note="", by=coordinator
        ),  # fmt: skip
        message,
    )


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("not eligible", "Request 2: Record the eligibility check first"),
        ("relation", "Request 2: Choose superior or peer."),
        ("themselves", "Request 2: A volunteer cannot recommend themselves."),
        ("outsider", "Request 2: The recommender must be a user of this agency."),
        ("decided", "Request 2: This application has been decided."),
        ("asked before", "Request 2: A recommendation was already asked of this person."),
        ("twice in the batch", "Request 2: A recommendation was already asked of this person."),
    ],
)
def test_requests_refuse_what_one_refuses(
    at, chain, coordinator, sergeant_login, users, case, message
):
    good = at(chain.officer, "eligible")
    bad = at(chain.officer2, {"not eligible": "volunteered", "decided": "decided",
                              "asked before": "asked"}.get(case, "eligible"))  # fmt: skip
    recommender, relation = sergeant_login, RecommenderRelation.SUPERIOR
    if case == "relation":
        relation = "friend"
    elif case == "themselves":
        recommender = chain.officer2.user
    elif case == "outsider":
        recommender = users["outsider"]
    elif case == "twice in the batch":
        bad = good
    rows = [
        services.RecommendationRequest(application=good, recommender=sergeant_login,
                                       relation=RecommenderRelation.SUPERIOR, by=coordinator),
        services.RecommendationRequest(application=bad, recommender=recommender,
                                       relation=relation, by=coordinator),
    ]  # fmt: skip
    refused_alike(
        lambda: services.request_recommendations(requests=rows),
        lambda: services.request_recommendation(
            application=bad, recommender=recommender, relation=relation, by=coordinator
        ),  # fmt: skip
        message,
        alone=case != "twice in the batch",
    )


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("another user", "Answer 2: Only the person asked can answer this recommendation."),
        ("answered before", "Answer 2: This recommendation has already been answered."),
        ("twice in the batch", "Answer 2: This recommendation has already been answered."),
        ("choice", "Answer 2: Choose one of the answers."),
        ("decided", "Answer 2: This application has been decided."),
    ],
)
def test_answers_refuse_what_one_refuses(at, chain, coordinator, sergeant_login, case, message):
    good = at(chain.officer, "asked").recommendations.get()
    bad = at(chain.officer2, "recommended" if case == "answered before" else "asked")
    if case == "decided":
        other = services.request_recommendation(
            application=bad, recommender=coordinator, relation=RecommenderRelation.PEER,
            by=coordinator,
        )  # fmt: skip
        services.answer_recommendation(recommendation=other, recommends=Recommends.YES,
                                       comments="", by=coordinator)  # fmt: skip
        services.decide(application=bad, outcome=Outcome.SELECTED, reasons="Good.",
                        by=coordinator)  # fmt: skip
    asked = bad.recommendations.get(recommender=sergeant_login)
    by, recommends = sergeant_login, Recommends.YES
    if case == "another user":
        by = coordinator
    elif case == "choice":
        recommends = "maybe"
    elif case == "twice in the batch":
        asked = good
    rows = [
        services.RecommendationAnswer(recommendation=good, recommends=Recommends.YES,
                                      comments="", by=sergeant_login),
        services.RecommendationAnswer(recommendation=asked, recommends=recommends, comments="",
                                      by=by),
    ]  # fmt: skip
    refused_alike(
        lambda: services.answer_recommendations(answers=rows),
        lambda: services.answer_recommendation(
            recommendation=asked, recommends=recommends, comments="", by=by
        ),  # fmt: skip
        message,
        alone=case != "twice in the batch",
    )


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("not eligible", "Panel 2: Record the eligibility check first"),
        ("nobody", "Panel 2: Choose at least one panel member."),
        ("two seats", "Panel 2: Clinician can hold only one seat on the panel."),
        ("the candidate", "Panel 2: The candidate cannot sit on their own panel."),
        ("wrong seat", "Panel 2: Clinician does not hold the role for that seat in this agency."),
        ("scored leaves", "Panel 2: Clinician has already scored: keep them on the panel."),
        ("twice in the batch", "Panel 2: One panel per application in a batch."),
    ],
)
def test_panels_refuse_what_one_refuses(at, chain, coordinator, panel, case, message):
    clinician = panel[1][0]
    clinician.first_name = "Clinician"
    clinician.save()
    good = at(chain.officer, "recommended")
    bad = at(chain.officer2, {"not eligible": "volunteered", "scored leaves": "scored"}.get(
        case, "recommended"))  # fmt: skip
    members = panel
    if case == "nobody":
        members = []
    elif case == "two seats":
        members = [*panel, (clinician, PanelRole.PSP)]
    elif case == "the candidate":
        members = [*panel, (chain.officer2.user, PanelRole.PSP)]
    elif case == "wrong seat":
        members = [(clinician, PanelRole.PSP)]
    elif case == "scored leaves":
        members = panel[:1]
    elif case == "twice in the batch":
        bad = good
    rows = [services.PanelSetting(application=a, members=m, scheduled_for=None, location="",
                                  by=coordinator) for a, m in ((good, panel), (bad, members))]  # fmt: skip
    refused_alike(
        lambda: services.set_panels(panels=rows),
        lambda: services.set_panel(
            application=bad, members=members, scheduled_for=None, location="", by=coordinator
        ),  # fmt: skip
        message,
        alone=case != "twice in the batch",
    )


def test_a_batch_changes_an_existing_panel_as_set_panel_does(agency, at, chain, coordinator, panel):
    """Panels set before: the lieutenant (not yet scored) leaves, the clinician changes seat,
    a newcomer gets a sheet; the batch does to one what `set_panel` does to the other."""
    lieutenant, clinician = panel[0][0], panel[1][0]
    # The clinician also on the team, for a PSP seat.
    Membership.objects.create(user=clinician, agency=agency, role=Role.PEER_SUPPORTER)
    newcomer = psp_in(Status.ACTIVE, chain.comm_supervisor).employee.user
    members = [(clinician, PanelRole.PSP), (newcomer, PanelRole.PSP)]
    one, many = at(chain.officer, "panel"), at(chain.officer2, "panel")
    services.set_panel(application=one, members=members, scheduled_for=T, location="Room C",
                       by=coordinator)  # fmt: skip
    services.set_panels(
        panels=[services.PanelSetting(application=many, members=members, scheduled_for=T,
                                      location="Room C", by=coordinator)]
    )  # fmt: skip
    seats = []
    for application in (one, many):
        interview = Interview.objects.get(application=application)
        assert (interview.scheduled_for, interview.location) == (T, "Room C")
        seats.append(sorted(interview.scores.values_list("panelist", "panel_role")))
    assert (
        seats[0]
        == seats[1]
        == sorted([(clinician.pk, PanelRole.PSP), (newcomer.pk, PanelRole.PSP)])
    )
    assert not InterviewScore.objects.filter(panelist=lieutenant).exists()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("another panelist", "Score sheet 2: Only the panelist can fill in their own score"),
        ("out of range", "Score sheet 2: Score “Personal and professional ethics” from 1 to 5"),
        ("decided", "Score sheet 2: This application has been decided."),
    ],
)
def test_score_sheets_refuse_what_one_refuses(at, chain, coordinator, panel, case, message):
    clinician = panel[1][0]
    good = at(chain.officer, "panel").interview.scores.get(panelist=clinician)
    bad_application = at(chain.officer2, "decided" if case == "decided" else "panel")
    sheet = bad_application.interview.scores.get(panelist=panel[0][0])
    by, values = panel[0][0], SCORES
    if case == "another panelist":
        by = clinician
    elif case == "out of range":
        values = {**SCORES, "ethics": 6}
    rows = [
        services.ScoreSubmission(score=good, values=SCORES, comments="", by=clinician),
        services.ScoreSubmission(score=sheet, values=values, comments="", by=by),
    ]
    refused_alike(
        lambda: services.submit_scores(submissions=rows),
        lambda: services.submit_score(score=sheet, values=values, comments="", by=by),
        message,
    )


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no reasons", "Decision 2: Give the reasons for the decision."),
        ("outcome", "Decision 2: Choose selected or not selected."),
        ("not eligible", "Decision 2: Record the eligibility check first: a PSP is a volunteer"),
        ("no favourable", "Decision 2: A PSP is selected with a recommendation"),
        ("decided", "Decision 2: This application has been decided."),
        ("withdrawn", "Decision 2: This application was withdrawn."),
        ("not a candidate", "Decision 2: Only a candidate's application can be decided."),
        ("twice in the batch", "Decision 2: This application has been decided."),
    ],
)
def test_decisions_refuse_what_one_refuses(at, chain, coordinator, case, message):
    good = at(chain.officer, "recommended")
    stage = {"not eligible": "volunteered", "no favourable": "asked", "decided": "decided"}
    bad = at(chain.officer2, stage.get(case, "recommended"))
    reasons, outcome = "Good.", Outcome.SELECTED
    if case == "no reasons":
        reasons = "  "
    elif case == "outcome":
        outcome = "maybe"
    elif case == "withdrawn":
        bad.withdrawn_at = timezone.now()
        bad.save()
    elif case == "not a candidate":
        PeerSupporter.objects.filter(pk=bad.peer_supporter_id).update(status=Status.INACTIVE)
    elif case == "twice in the batch":
        bad = good
    rows = [
        services.Deciding(application=good, outcome=Outcome.SELECTED, reasons="Good.",
                          by=coordinator),
        services.Deciding(application=bad, outcome=outcome, reasons=reasons, by=coordinator),
    ]  # fmt: skip
    refused_alike(
        lambda: services.decide_many(decisions=rows),
        lambda: services.decide(
            application=bad, outcome=outcome, reasons=reasons, by=coordinator
        ),  # fmt: skip
        message,
        alone=case != "twice in the batch",
    )


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("deselected", "Training 2: Training is recorded for candidates and members of the team."),
        ("in the future", "Training 2: The training date cannot be in the future."),
    ],
)
def test_initial_trainings_refuse_what_one_refuses(at, chain, coordinator, case, message):
    good = at(chain.officer, "decided").peer_supporter
    bad = psp_in(Status.DESELECTED if case == "deselected" else Status.CANDIDATE, chain.officer2)
    on = today(good.agency) + timedelta(days=1 if case == "in the future" else 0)
    rows = [
        services.InitialTraining(peer_supporter=good, on=today(good.agency), by=coordinator),
        services.InitialTraining(peer_supporter=bad, on=on, by=coordinator),
    ]
    refused_alike(
        lambda: services.record_initial_training_many(trainings=rows),
        lambda: services.record_initial_training(peer_supporter=bad, on=on, by=coordinator),
        message,
    )
