"""One's own part in the team: volunteering, signing the agreement, a recommendation asked of
me, my interview score sheets (2011 §4.1, §4.2, §6.8).

Every page answers for the logged-in user's own rows only: someone else's request or score sheet
is a 404, the same answer as a missing one.
"""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from peerline.accounts import policy
from peerline.agencies import clock
from peerline.agencies.models import Employee

from . import selectors, services
from .forms import AnswerForm, ScoreForm, SignForm, VolunteerForm
from .models import CONSIDERATIONS, PeerSupporter, Status

# What is asked of one person runs to hundreds on a large agency's panels (issue 18): a page at
# a time, what is still to do first.
PER_PAGE = 50


def _my_employee(request: policy.AgencyRequest) -> Employee | None:
    return (
        Employee.objects.filter(user=request.user, agency=request.agency)
        .select_related("division")
        .first()
    )


def _refused(form: Any, refusal: services.TeamError) -> None:
    form.add_error(None, str(refusal))


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Permission.TEAM_SELF)
@clock.in_agency_zone
def volunteer(request: policy.AgencyRequest) -> HttpResponse:
    """An employee volunteers with a short statement, then follows their application
    (2011 §4.1: PSPs are volunteers)."""
    employee = _my_employee(request)
    if employee is None:
        return render(request, "team/not_employee.html")
    psp = PeerSupporter.objects.filter(employee=employee).first()
    application = selectors.latest_application(psp) if psp else None
    form = VolunteerForm()
    can_apply = psp is None or psp.status in (Status.INACTIVE, Status.DESELECTED)
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        try:
            if application is None:
                raise services.TeamError("You have no application to withdraw.")
            services.withdraw(application=application, by=request.user)
        except services.TeamError as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, "Your application is withdrawn.")
        return redirect("team:volunteer")
    if request.method == "POST":
        form = VolunteerForm(request.POST)
        if form.is_valid():
            try:
                services.volunteer(
                    employee=employee,
                    statement=form.cleaned_data["statement"],
                    by=request.user,
                    now=timezone.now(),
                )
            except services.TeamError as refusal:
                if not can_apply:  # the page shows no form: say it at the top
                    messages.error(request, str(refusal))
                    return redirect("team:volunteer")
                _refused(form, refusal)
            else:
                messages.success(
                    request, "Thank you for volunteering. The program coordinator will be in touch."
                )
                return redirect("team:volunteer")
    decision = getattr(application, "decision", None) if application else None
    in_progress = psp is not None and psp.status == Status.CANDIDATE
    return render(
        request,
        "team/volunteer.html",
        {
            "employee": employee,
            "psp": psp,
            "application": application if in_progress else None,
            "decision": decision if in_progress else None,
            "checklist": services.onboarding(psp) if psp and in_progress and decision else None,
            "form": form if can_apply else None,
            "supervises": selectors.supervises_others(employee),
            "guidance": selectors.SUPERVISOR_GUIDANCE,
        },
    )


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Permission.TEAM_SELF)
@clock.in_agency_zone
def agreement(request: policy.AgencyRequest) -> HttpResponse:
    """Read and sign the current confidentiality agreement (2011 §6.8): selected candidates and
    members who have not signed this version."""
    employee = _my_employee(request)
    psp = PeerSupporter.objects.filter(employee=employee).first() if employee else None
    if psp is None:
        # Nothing of theirs to sign: the page where one volunteers says why.
        messages.info(request, "The agreement is for peer supporters and selected candidates.")
        return redirect("team:volunteer")
    current = selectors.current_agreement(request.agency)
    signed = selectors.has_signed(psp, current)
    can_sign = current is not None and not signed and services.can_sign(psp)
    form = SignForm()
    if request.method == "POST" and not can_sign:
        messages.error(request, "There is nothing for you to sign now: nothing was saved.")
        return redirect("team:agreement")
    if request.method == "POST" and current is not None:
        form = SignForm(request.POST)
        if form.is_valid():
            try:
                services.sign_agreement(
                    peer_supporter=psp,
                    agreement=current,
                    typed_name=form.cleaned_data["typed_name"],
                    by=request.user,
                    now=timezone.now(),
                )
            except services.TeamError as refusal:
                form.add_error("typed_name", str(refusal))
            else:
                messages.success(request, f"You signed version {current.version}. Thank you.")
                return redirect("team:agreement")
    return render(
        request,
        "team/agreement.html",
        {
            "psp": psp,
            "employee": employee,
            "current": current,
            "paragraphs": selectors.paragraphs(current.text) if current else [],
            "signed": signed,
            "can_sign": can_sign,
            "signatures": psp.signatures.select_related("agreement"),
            "form": form,
        },
    )


@require_safe
@policy.requires(policy.Permission.TEAM_SELF)
@clock.in_agency_zone
def recommendations(request: policy.AgencyRequest) -> HttpResponse:
    """The recommendations the program asked of me, unanswered first, 50 to a page (2011 §4.1)."""
    asked = selectors.recommendations_for(request.user, request.agency)
    page = Paginator(asked, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "team/recommendations.html", {"asked": page, "page": page})


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Permission.TEAM_SELF)
@clock.in_agency_zone
def recommendation(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    """Answer a recommendation asked of me, once; anyone else's is a 404."""
    found = (
        selectors.recommendations_for(request.user, request.agency)
        .select_related("application__interview")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    application = found.application
    still_open = application.withdrawn_at is None and not hasattr(application, "decision")
    form = AnswerForm()
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                services.answer_recommendation(
                    recommendation=found, by=request.user, **form.cleaned_data
                )
            except services.TeamError as refusal:
                if found.answered_at is None and still_open:
                    _refused(form, refusal)
                else:  # the page shows no form: say it at the top
                    messages.error(request, str(refusal))
                    return redirect("team:recommendation", pk=found.pk)
            else:
                messages.success(request, "Thank you: your recommendation is recorded.")
                return redirect("team:recommendation", pk=found.pk)
    return render(
        request,
        "team/recommendation.html",
        {
            "rec": found,
            "candidate": application.peer_supporter.employee,
            "still_open": still_open,
            "form": form,
            "considerations": [label for _, label in CONSIDERATIONS],
        },
    )


@require_safe
@policy.requires(policy.Permission.TEAM_INTERVIEW)
@clock.in_agency_zone
def interviews(request: policy.AgencyRequest) -> HttpResponse:
    """My seats on interview panels, the sheets to fill in first, 50 to a page (2011 §4.1)."""
    seats = selectors.panel_seats_for(request.user, request.agency)
    page = Paginator(seats, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "team/interviews.html", {"seats": page, "page": page})


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Permission.TEAM_INTERVIEW)
@clock.in_agency_zone
def score(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    """My score sheet: each consideration of 2011 §4.2 from 1 to 5. Changeable until the
    decision; another panelist's sheet is a 404."""
    seat = (
        selectors.panel_seats_for(request.user, request.agency)
        .select_related("interview")
        .filter(pk=pk)
        .first()
    )
    if seat is None:
        raise Http404
    application = seat.interview.application
    still_open = application.withdrawn_at is None and not hasattr(application, "decision")
    initial = {name: getattr(seat, name) for name, _ in CONSIDERATIONS}
    form = ScoreForm(initial={**initial, "comments": seat.comments})
    if request.method == "POST" and not still_open:
        messages.error(request, "The application has been decided: the score sheet is closed.")
        return redirect("team:score", pk=seat.pk)
    if request.method == "POST":
        form = ScoreForm(request.POST)
        if form.is_valid():
            values = dict(form.cleaned_data)
            comments = values.pop("comments")
            try:
                services.submit_score(score=seat, values=values, comments=comments, by=request.user)
            except services.TeamError as refusal:
                _refused(form, refusal)
            else:
                messages.success(request, "Your score sheet is saved.")
                return redirect("team:interviews")
    return render(
        request,
        "team/score.html",
        {
            "seat": seat,
            "candidate": application.peer_supporter.employee,
            "application": application,
            "still_open": still_open,
            "form": form,
        },
    )
