"""The steering committee's pages (2011 §3.2), program settings, and clinical oversight (§3.4)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from peerline.accounts import policy
from peerline.agencies.clock import local_today

from . import selectors, services
from .forms import DecisionForm, MeetingForm, MemberForm, ScopeForm, SettingsForm
from .models import AdvisorScope, CommitteeDecision, Meeting, SettingChange, SteeringCommitteeMember

P = policy.Permission


def _errors(form, error: ValidationError) -> None:  # type: ignore[no-untyped-def]
    if hasattr(error, "error_dict"):
        for field, found in error.message_dict.items():
            form.add_error(field if field in form.fields else None, found)
    else:
        form.add_error(None, error.messages)


def _pk(value: str) -> int:
    return int(value) if value.isdigit() else 0


@require_http_methods(["GET", "POST"])
@policy.requires(P.COMMITTEE_MANAGE)
def committee(request: policy.AgencyRequest) -> HttpResponse:
    """Members with their seat, the §3.2 composition check, and the decisions."""
    agency, today = request.agency, local_today(request.agency)
    member_form = MemberForm(request.POST if "add_member" in request.POST else None)
    decision_form = DecisionForm(request.POST if "add_decision" in request.POST else None)
    if request.method == "POST":
        try:
            if "add_member" in request.POST and member_form.is_valid():
                services.member_add(agency=agency, by=request.user, **member_form.cleaned_data)
                messages.success(request, "Member added.")
                return redirect("committee:index")
            if "add_decision" in request.POST and decision_form.is_valid():
                services.decision_record(
                    agency=agency, by=request.user, **decision_form.cleaned_data
                )
                messages.success(request, "Decision recorded.")
                return redirect("committee:index")
            if "end_member" in request.POST:
                member = policy.scoped_or_404(
                    SteeringCommitteeMember.objects, request, pk=_pk(request.POST["end_member"])
                )
                services.member_end(member=member, by=request.user, on=today)
                messages.success(request, f"{member.name} left the committee today.")
                return redirect("committee:index")
        except ValidationError as error:
            _errors(member_form if "add_member" in request.POST else decision_form, error)
    return render(
        request,
        "committee/index.html",
        {
            "members": selectors.current_members(agency, today),
            "composition": selectors.composition(agency, today),
            "training": selectors.training_summary(agency, today),
            "decisions": CommitteeDecision.objects.filter(agency=agency)[:50],
            "member_form": member_form,
            "decision_form": decision_form,
        },
    )


@require_http_methods(["GET", "POST"])
@policy.requires(P.PROGRAM_SETTINGS)
def program_settings(request: policy.AgencyRequest) -> HttpResponse:
    """Program settings: who may change what is written beside each, every change recorded with
    its old and new value (2011 §3.2)."""
    agency = request.agency
    held = policy.roles(request)
    initial = {name: getattr(agency, name) for name in services.WHO_MAY}
    form = SettingsForm(request.POST or None, initial=initial)
    mine = {name for name, roles in services.WHO_MAY.items() if held & roles}
    for name, field in form.fields.items():
        field.disabled = name not in mine
        who = " and ".join(sorted(r.label.lower() for r in services.WHO_MAY[name]))
        field.help_text = f"{field.help_text} Changed by: {who}.".strip()
    if request.method == "POST" and form.is_valid():
        changed = 0
        try:
            # Only what was changed on the form: the edition first, which may set the
            # training hours to its own figure (an hours value left as shown does not undo it).
            for name in sorted(mine & set(form.changed_data)):
                if name == "guideline_edition":
                    changed += services.edition_choose(
                        agency=agency, by=request.user, roles=held,
                        edition=form.cleaned_data[name],
                    )  # fmt: skip
                    continue
                changed += services.setting_change(
                    agency=agency, by=request.user, roles=held, setting=name,
                    value=form.cleaned_data[name],
                )  # fmt: skip
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, f"{changed} setting{'s' if changed != 1 else ''} changed.")
            return redirect("committee:settings")
    return render(
        request,
        "committee/settings.html",
        {
            "form": form,
            "changes": SettingChange.objects.filter(agency=agency).select_related("by")[:50],
        },
    )


@require_http_methods(["GET", "POST"])
@policy.requires(P.OVERSIGHT_MANAGE)
def oversight(request: policy.AgencyRequest) -> HttpResponse:
    """The advisor's agreed role and scope, and oversight and team meetings (2011 §3.4, §3.9)."""
    agency = request.agency
    scope_form = ScopeForm(request.POST if "write_scope" in request.POST else None)
    meeting_form = MeetingForm(request.POST if "add_meeting" in request.POST else None)
    if request.method == "POST":
        try:
            if "write_scope" in request.POST and scope_form.is_valid():
                services.scope_write(agency=agency, by=request.user, **scope_form.cleaned_data)
                return redirect("committee:oversight")
            if "accept_scope" in request.POST:
                scope = policy.scoped_or_404(
                    AdvisorScope.objects, request, pk=_pk(request.POST["accept_scope"])
                )
                services.scope_accept(scope=scope, by=request.user, roles=policy.roles(request))
                messages.success(request, "Accepted.")
                return redirect("committee:oversight")
            if "add_meeting" in request.POST and meeting_form.is_valid():
                services.meeting_record(agency=agency, by=request.user, **meeting_form.cleaned_data)
                return redirect("committee:oversight")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return render(
        request,
        "committee/oversight.html",
        {
            "scope": selectors.current_scope(agency),
            "agreed": selectors.agreed_scope(agency),
            "meetings": Meeting.objects.filter(agency=agency)[:50],
            "scope_form": scope_form,
            "meeting_form": meeting_form,
        },
    )


@require_POST
@policy.requires(P.PROGRAM_SETTINGS)
def edition(request: policy.AgencyRequest) -> HttpResponse:
    """Choose the edition alone (a button on the self-assessment page)."""
    try:
        services.edition_choose(
            agency=request.agency, by=request.user, roles=policy.roles(request),
            edition=request.POST.get("edition", ""),
        )  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("committee:settings")


@policy.requires(P.OVERSIGHT_MANAGE)
def advisor_summary(request: policy.AgencyRequest) -> HttpResponse:
    """The clinical advisor's oversight summary of the team (2011 §3.4, §5; 2006 Administration
    4): counts for the agency as a whole, never who was supported, never one PSP's figures."""
    agency = request.agency
    summary = selectors.advisor_summary(agency, local_today(agency), timezone.now())
    return render(request, "committee/advisor_summary.html", {"summary": summary})
