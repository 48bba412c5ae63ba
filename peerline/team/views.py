"""The coordinator's team pages: the roster, one member, one application, the agreements
(2011 §3.9, §4, §6.8). Thin: every write is a function of `services`, every rule is there.

The pages of one's own part in the team (volunteering, signing, recommending, scoring) are in
`views_self.py`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from peerline.accounts import policy
from peerline.accounts.models import User
from peerline.accounts.sessions import ask_again
from peerline.agencies import clock
from peerline.agencies.clock import local_today

from . import selectors, services
from .forms import (
    ActivateForm,
    DecideForm,
    DeselectForm,
    EligibilityForm,
    LeaveForm,
    PanelForm,
    PublishForm,
    ReasonForm,
    RecommendForm,
    ReturnForm,
    TrainingForm,
    UswdsForm,
)
from .models import Application, PeerSupporter, Status

S = Status
V = Callable[..., HttpResponse]
MEMBERS_PER_PAGE = 50
APPLICATIONS_ON_ROSTER = 10


@dataclass(frozen=True)
class Action:
    """One thing the coordinator can do from a page: its form, when it applies, what it does."""

    name: str
    title: str
    button: str
    form: type[UswdsForm]
    statuses: frozenset[str]
    # Returns the success message, or the message and warnings that did not block.
    run: Callable[[Any, dict[str, Any], User], str | tuple[str, list[str]]]
    intro: str = ""
    danger: bool = False
    when: Callable[[Any], bool] = lambda target: True  # shown only when this holds too


def _run_action(
    request: policy.AgencyRequest,
    actions: list[Action],
    target: Any,
    status: str,
    make: Callable[[Action, Any], UswdsForm],
) -> tuple[HttpResponse | None, dict[str, UswdsForm]]:
    """Handle a POST for one of `actions`: a redirect when done, else the bound form to show
    again with its errors (nothing typed is lost)."""
    bound: dict[str, UswdsForm] = {}
    if request.method != "POST":
        return None, bound
    action = next((a for a in actions if a.name == request.POST.get("action")), None)
    if action is None or status not in action.statuses:
        messages.error(request, "That action does not apply any more: nothing was changed.")
        return redirect(request.path), bound
    form = make(action, request.POST)
    if form.is_valid():
        try:
            done = action.run(target, form.cleaned_data, request.user)
        except services.TeamError as refusal:
            form.add_error(None, str(refusal))
        else:
            text, warnings = done if isinstance(done, tuple) else (done, [])
            messages.success(request, text)
            for warning in warnings:
                messages.warning(request, warning)
            return redirect(request.path), bound
    bound[action.name] = form
    return None, bound


def _forms(
    actions: list[Action],
    target: Any,
    status: str,
    bound: dict[str, UswdsForm],
    make: Callable[[Action, Any], UswdsForm],
) -> list[tuple[Action, UswdsForm]]:
    return [
        (action, bound.get(action.name) or make(action, None))
        for action in actions
        if status in action.statuses and (action.name in bound or action.when(target))
    ]


# -- the roster ----------------------------------------------------------------------------------


@require_safe
@policy.requires(policy.Permission.TEAM_MANAGE)
@clock.in_agency_zone
def roster(request: policy.AgencyRequest) -> HttpResponse:
    """The team by status, 50 to a page, who is due back from leave, and selection in progress
    (2011 §3.9)."""
    agency = request.agency
    status = request.GET.get("status", "")
    if status not in S.values:
        status = ""
    today = local_today(agency)
    counts = selectors.status_counts(agency)
    # Four reads below are about the current agreement: read once (issue 18).
    current = selectors.current_agreement(agency)
    # A page at a time: a large agency's team and candidates run to thousands (issue 18).
    page = Paginator(
        selectors.team_roster(agency, status or None, current=current), MEMBERS_PER_PAGE
    ).get_page(request.GET.get("page"))
    members = list(page.object_list)
    in_progress, yours = selectors.application_counts(agency, current=current)
    return render(
        request,
        "team/roster.html",
        {
            "status": status,
            "status_label": S(status).label if status else "",
            "counts": counts,
            "total": sum(n for _, _, n in counts),
            "page": page,
            "members": members,
            "any_supervisor": any(psp.supervises for psp in members),  # type: ignore[attr-defined]
            "due_back": selectors.leaves_due_back(agency, today),
            # The oldest few and the counts: the whole list is a page of its own (issue 18).
            "applications": selectors.next_steps(
                selectors.open_applications(agency, current=current)[:APPLICATIONS_ON_ROSTER]
            ),
            "applications_total": in_progress,
            "applications_yours": yours,
            "unsigned": selectors.unsigned_current_query(agency, current=current).count(),
            "guidance": selectors.SUPERVISOR_GUIDANCE,
        },
    )


# Whose move an application waits for: the filter of the list of applications in progress.
MOVES = {"yours": "Your move", "others": "Waiting on someone else"}


@require_safe
@policy.requires(policy.Permission.TEAM_MANAGE)
@clock.in_agency_zone
def applications(request: policy.AgencyRequest) -> HttpResponse:
    """Selection in progress, oldest first, 50 to a page, each with its next step; filtered to
    the coordinator's move or someone else's (2011 §4.1)."""
    agency = request.agency
    move = request.GET.get("move", "")
    if move not in MOVES:
        move = ""
    current = selectors.current_agreement(agency)  # once for the list and its counts
    found = selectors.open_applications(
        agency, yours={"yours": True, "others": False}.get(move), current=current
    )
    total, yours = selectors.application_counts(agency, current=current)
    page = Paginator(found, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "team/applications.html",
        {
            "move": move,
            "move_label": MOVES.get(move, ""),
            "counts": [
                ("yours", MOVES["yours"], yours),
                ("others", MOVES["others"], total - yours),
            ],
            "total": total,
            "page": page,
            "applications": selectors.next_steps(page.object_list),  # type: ignore[arg-type]
        },
    )


# -- one member ----------------------------------------------------------------------------------

ON_TEAM = frozenset({S.ACTIVE, S.ON_LEAVE})
SERVED = frozenset({S.ACTIVE, S.ON_LEAVE, S.INACTIVE})


def _activate(psp: PeerSupporter, data: dict[str, Any], by: User) -> str:
    services.activate(peer_supporter=psp, by=by, on=data["on"])
    return f"{psp.employee.full_name} is now an active peer supporter."


def _training(psp: PeerSupporter, data: dict[str, Any], by: User) -> str:
    services.record_initial_training(peer_supporter=psp, on=data["on"], by=by)
    return "Initial training recorded."


def _leave(psp: PeerSupporter, data: dict[str, Any], by: User) -> str:
    services.leave_start(peer_supporter=psp, by=by, **data)
    return f"Leave recorded; expected back {data['expected_return']:%B %-d, %Y}."


def _return(psp: PeerSupporter, data: dict[str, Any], by: User) -> str:
    services.leave_end(peer_supporter=psp, returned_on=data["returned_on"], by=by)
    return f"{psp.employee.full_name} is back from leave and active."


def _step_down(psp: PeerSupporter, data: dict[str, Any], by: User) -> str:
    services.step_down(peer_supporter=psp, by=by, **data)
    return f"{psp.employee.full_name} has stepped down (inactive)."


def _reinstate(psp: PeerSupporter, data: dict[str, Any], by: User) -> str:
    services.reinstate(peer_supporter=psp, by=by, **data)
    return f"{psp.employee.full_name} is active again."


def _alumni(psp: PeerSupporter, data: dict[str, Any], by: User) -> str:
    services.retire_from_team(peer_supporter=psp, by=by, **data)
    return f"{psp.employee.full_name} is now an alumnus of the team."


def _deselect(psp: PeerSupporter, data: dict[str, Any], by: User) -> str:
    services.deselect(peer_supporter=psp, by=by, **data)
    return f"The deselection of {psp.employee.full_name} is recorded."


MEMBER_ACTIONS = [
    # In the order they are done: training comes before activation.
    Action("training", "Record the initial training", "Record training", TrainingForm,
           frozenset({S.CANDIDATE, *SERVED}), _training, "The agency's initial training.",
           when=lambda psp: psp.status == S.CANDIDATE or psp.initial_training_on is None),
    Action("activate", "Activate", "Activate now", ActivateForm, frozenset({S.CANDIDATE}), _activate,
           "Once the onboarding checklist is complete: grants the peer supporter role."),
    Action("leave", "Start a leave of absence", "Start the leave", LeaveForm,
           frozenset({S.ACTIVE}), _leave,
           "PSPs are encouraged to take a leave when personal issues or obligations require it "
           "(2011 §4.4)."),
    Action("return", "Back from leave", "Record the return", ReturnForm,
           frozenset({S.ON_LEAVE}), _return),
    Action("reinstate", "Reinstate", "Reinstate now", ReasonForm, frozenset({S.INACTIVE}),
           _reinstate, "A former member comes back once they have signed the current agreement "
           "(2011 §6.8)."),
    Action("step_down", "Step down", "Record stepping down", ReasonForm, ON_TEAM, _step_down,
           "The PSP leaves the team for now (inactive) and may be reinstated."),
    Action("alumni", "Retire from the team (alumni)", "Record as alumni", ReasonForm, SERVED,
           _alumni, "Left the agency, or retired from the team in good standing."),
    Action("deselect", "Deselect", "Record the deselection", DeselectForm, SERVED, _deselect,
           "A decision of the program, by the criteria of 2011 §4.3; Peerline never deselects "
           "anyone by itself.", danger=True),
]  # fmt: skip


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Permission.TEAM_MANAGE)
@clock.in_agency_zone
def member(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    """One PSP: status, dated history, onboarding, signatures, leaves, deselections, and what the
    coordinator can do next (2011 §4.1–§4.4, §6.8, §7.4)."""
    psp = policy.scoped_or_404(
        PeerSupporter.objects.select_related("employee__division", "employee__shift"),
        request,
        pk=pk,
    )
    if request.POST.get("action") == "activate" and (confirm := ask_again(request)):
        return confirm  # activating grants a role: the password again if typed long ago
    today = local_today(request.agency)

    def make(action: Action, data: Any) -> UswdsForm:
        initial = {"on": today, "starts_on": today, "returned_on": today}
        return action.form(data, prefix=action.name, initial=initial)

    done, bound = _run_action(request, MEMBER_ACTIONS, psp, psp.status, make)
    if done:
        return done
    return render(
        request,
        "team/member.html",
        {
            "psp": psp,
            "employee": psp.employee,
            "today": today,
            "history": psp.history.select_related("recorded_by"),
            "checklist": services.onboarding(psp),
            "current": selectors.current_agreement(request.agency),
            "signatures": psp.signatures.select_related("agreement", "signed_by"),
            "leaves": psp.leaves.select_related("recorded_by"),
            "deselections": psp.deselections.select_related("decided_by"),
            "applications": psp.applications.select_related("decision"),
            "supervises": selectors.supervises_others(psp.employee),
            "guidance": selectors.SUPERVISOR_GUIDANCE,
            "actions": _forms(MEMBER_ACTIONS, psp, psp.status, bound, make),
            "bound": next(iter(bound), ""),
        },
    )


# -- one application -----------------------------------------------------------------------------

OPEN = frozenset({"open"})


def _eligibility(app: Application, data: dict[str, Any], by: User) -> str:
    services.check_eligibility(application=app, by=by, **data)
    return "Eligibility check recorded."


def _recommend(app: Application, data: dict[str, Any], by: User) -> str:
    services.request_recommendation(application=app, by=by, **data)
    return "Recommendation asked. Send them the link shown under Recommendations."


def _panel(app: Application, data: dict[str, Any], by: User) -> tuple[str, list[str]]:
    _, warnings = services.set_panel(application=app, by=by, **data)
    return "Panel saved. Each member finds their score sheet under Interviews.", warnings


def _decide(app: Application, data: dict[str, Any], by: User) -> str:
    decision = services.decide(application=app, by=by, **data)
    return f"Decision recorded: {decision.get_outcome_display().lower()}."


def _withdraw(app: Application, data: dict[str, Any], by: User) -> str:
    services.withdraw(application=app, by=by)
    return "The application is withdrawn."


APPLICATION_ACTIONS = [
    Action("eligibility", "Record the eligibility check", "Record", EligibilityForm, OPEN,
           _eligibility),
    Action("recommend", "Ask for a recommendation", "Ask", RecommendForm, OPEN, _recommend,
           "From superiors and/or peers (2011 §4.1)."),
    Action("panel", "Interview panel", "Save the panel", PanelForm, OPEN, _panel,
           "Peer supporters and the program's licensed mental health professional (2011 §4.1)."),
    Action("decide", "Decide", "Record the decision", DecideForm, OPEN, _decide,
           "Selected: the candidate signs the agreement and completes the initial training, "
           "then you activate them. Not selected: they become inactive."),
    Action("withdraw", "Withdraw the application", "Withdraw", UswdsForm,
           frozenset({"open", "selected"}), _withdraw,
           "When the volunteer asks to withdraw. They become inactive.", danger=True),
]  # fmt: skip


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Permission.TEAM_MANAGE)
@clock.in_agency_zone
def application(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    """Selection of one volunteer: eligibility, recommendations, the interview panel and its
    scores, and the decision with its reasons (2011 §4.1, §4.2)."""
    agency = request.agency
    app = selectors.application_detail(agency).filter(pk=pk).first()
    if app is None:
        raise Http404
    psp, employee = app.peer_supporter, app.peer_supporter.employee
    decision = getattr(app, "decision", None)
    if app.withdrawn_at or psp.status != S.CANDIDATE:
        state = "closed"
    else:
        state = "selected" if decision else "open"
    users = selectors.agency_users(agency, exclude=employee.user_id)
    seats = selectors.panel_choices(agency, exclude=employee.user_id)
    interview = getattr(app, "interview", None)
    sheets = list(interview.scores.all()) if interview else []

    def make(action: Action, data: Any) -> UswdsForm:
        if action.name == "recommend":
            return RecommendForm(data, prefix="recommend", users=users)
        if action.name == "panel":
            initial = {
                "members": [f"{s.panelist_id}:{s.panel_role}" for s in sheets],
                "scheduled_for": interview.scheduled_for if interview else None,
                "location": interview.location if interview else "",
            }
            return PanelForm(data, prefix="panel", choices=seats, initial=initial)
        initial = {}
        if action.name == "eligibility" and app.eligible is not None:
            initial = {"eligible": "yes" if app.eligible else "no", "note": app.eligibility_note}
        return action.form(data, prefix=action.name, initial=initial)

    done, bound = _run_action(request, APPLICATION_ACTIONS, app, state, make)
    if done:
        return done
    recommendations = [
        (r, request.build_absolute_uri(reverse("team:recommendation", args=[r.pk])))
        for r in app.recommendations.all()
    ]
    return render(
        request,
        "team/application.html",
        {
            "app": app,
            "psp": psp,
            "employee": employee,
            "state": state,
            "decision": decision,
            "facts": selectors.eligibility_facts(employee, local_today(agency)),
            "recommendations": recommendations,
            "interview": interview,
            "sheets": sheets,
            "scores": selectors.score_table(sheets),
            "warnings": services.panel_warnings(interview) if interview else [],
            "checklist": services.onboarding(psp) if state == "selected" else None,
            "supervises": selectors.supervises_others(employee),
            "guidance": selectors.SUPERVISOR_GUIDANCE,
            "act": {
                a.name: (a, f) for a, f in _forms(APPLICATION_ACTIONS, app, state, bound, make)
            },
            "bound": next(iter(bound), ""),
        },
    )


# -- the agreement's versions --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Permission.TEAM_MANAGE)
@clock.in_agency_zone
def agreements(request: policy.AgencyRequest) -> HttpResponse:
    """The versions of the confidentiality agreement, publishing a new one, and who has not
    signed the current one (2011 §6.8)."""
    agency = request.agency
    # Newest first: the first is the version in force, `current_agreement`, without reading it
    # a second time (issue 18).
    versions = list(selectors.agreements_with_counts(agency))
    current = versions[0] if versions else None
    if request.method == "POST":
        form = PublishForm(request.POST)
        if form.is_valid():
            try:
                new = services.publish_agreement(
                    agency=agency, text=form.cleaned_data["text"], by=request.user
                )
            except services.TeamError as refusal:
                form.add_error("text", str(refusal))
            else:
                messages.success(
                    request, f"Version {new.version} published: every PSP signs it again."
                )
                return redirect("team:agreements")
    else:
        form = PublishForm(initial={"text": current.text if current else ""})
    return render(
        request,
        "team/agreements.html",
        {
            "versions": [(version, selectors.paragraphs(version.text)) for version in versions],
            "current": current,
            # By last name, 50 to a page: after a new version, the whole team is on it.
            "unsigned": Paginator(
                selectors.unsigned_current_query(agency, current=current), MEMBERS_PER_PAGE
            ).get_page(request.GET.get("page")),
            "form": form,
        },
    )
