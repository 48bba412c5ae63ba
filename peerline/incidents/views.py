"""The coordinator's incident pages (2011 §3.3, §3.9): the list, the fast form, the proposal with
every exclusion, activation, the live board, follow-ups, closing; and the partner coordinator's
mutual-aid requests (§3.8.2).

From "shooting reported" to a paged team: list → new (type, time, place, people, units) →
detail (proposal, Activate) → the same page becomes the live board. Three screens.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peerline.accounts import policy
from peerline.agencies.models import Employee
from peerline.agencies.selectors import roster
from peerline.core import validation

from . import paging, selectors, services
from .forms import FollowUpTimeForm, IncidentForm, TeamSizeForm, local_input
from .models import (
    Circle,
    CriticalIncident,
    FollowUp,
    IncidentStatus,
    IncidentType,
    Involvement,
    MutualAidRequest,
)
from .proposal import TEAM_SIZES, propose

P = policy.Permission
SEARCH_LIMIT = 20


def _incident(request: policy.AgencyRequest, pk: int) -> CriticalIncident:
    return policy.scoped_or_404(CriticalIncident.objects.select_related("agency"), request, pk=pk)


@require_GET
@policy.requires(P.INCIDENT_ACTIVATE)
def incident_list(request: policy.AgencyRequest) -> HttpResponse:
    """Open incidents and those of the last 90 days."""
    incidents = selectors.incident_list(agency=request.agency, now=timezone.now())
    return render(request, "incidents/list.html", {"incidents": incidents})


def _ids(values: list[str]) -> list[int]:
    return list(dict.fromkeys(int(v) for v in values if v.isdigit()))


@require_http_methods(["GET", "POST"])
@policy.requires(P.INCIDENT_ACTIVATE)
def incident_new(request: policy.AgencyRequest) -> HttpResponse:
    """The fast form. Principals and witnesses are found by a POSTed name or number search and
    kept as hidden ids between posts; the final button opens the incident."""
    agency = request.agency
    data = request.POST
    if request.method == "GET":
        form = IncidentForm(
            agency=agency, initial={"occurred_at": local_input(timezone.now(), agency)}
        )
        return _render_new(request, form, [], [], [], "")
    form = IncidentForm(data, agency=agency)
    principal_ids, witness_ids = _ids(data.getlist("principal")), _ids(data.getlist("witness"))
    for value, into, other in (
        (data.get("add_principal", ""), principal_ids, witness_ids),
        (data.get("add_witness", ""), witness_ids, principal_ids),
    ):
        if value.isdigit():
            pk = int(value)
            if pk in other:
                other.remove(pk)
            if pk not in into:
                into.append(pk)
    removed = data.get("remove", "")
    if removed.isdigit():
        principal_ids = [pk for pk in principal_ids if pk != int(removed)]
        witness_ids = [pk for pk in witness_ids if pk != int(removed)]
    found = (
        Employee.objects.current()
        .filter(agency=agency)
        .select_related("division")
        .in_bulk(principal_ids + witness_ids)
    )
    principals = [found[pk] for pk in principal_ids if pk in found]
    witnesses = [found[pk] for pk in witness_ids if pk in found]
    search = data.get("q", "").strip()
    if data.get("action") == "open":
        if form.is_valid():
            try:
                incident = services.incident_open(
                    agency=agency,
                    by=request.user,
                    type=form.cleaned_data["type"],
                    occurred_at=form.cleaned_data["occurred_at"],
                    place=form.cleaned_data["place"],
                    area=form.cleaned_data["area"],
                    principals=principals,
                    witnesses=witnesses,
                    units=list(form.cleaned_data["units"]),
                    team_size=form.cleaned_data["team_size"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("incidents:detail", incident.pk)
        # The search typed before the error still shows what it found (issue 17: "Clarke", 3).
        matches, shown = _search(agency, search, principals + witnesses)
        return _render_new(
            request, form, principals, witnesses, matches, shown, show_errors=True, q=search
        )
    matches, shown = _search(agency, search, principals + witnesses)
    return _render_new(request, form, principals, witnesses, matches, shown, q=search)


def _search(agency, search: str, chosen_people: list[Employee]) -> tuple[list[Employee], str]:  # type: ignore[no-untyped-def]
    """The employees matching `search` not chosen yet, and the search to show: everyone found
    is chosen already shows the choice, not "no match"."""
    chosen = {e.pk for e in chosen_people}
    found_any = (
        list(roster(agency=agency, search=search)[: SEARCH_LIMIT + len(chosen)]) if search else []
    )
    matches = [e for e in found_any if e.pk not in chosen][:SEARCH_LIMIT]
    return matches, (search if matches or not found_any else "")


def _render_new(
    request: policy.AgencyRequest,
    form: IncidentForm,
    principals: list[Employee],
    witnesses: list[Employee],
    matches: list[Employee],
    search: str,
    *,
    show_errors: bool = False,
    q: str | None = None,
) -> HttpResponse:
    return render(
        request,
        "incidents/new.html",
        {
            "form": form,
            "show_errors": show_errors,
            "principals": principals,
            "witnesses": witnesses,
            "matches": matches,
            "q": search if q is None else q,
            "searched": bool(search),
            "people_action": request.method == "POST" and not show_errors,
            "types": [(value, label, TEAM_SIZES[value]) for value, label in IncidentType.choices],
        },
    )


@require_GET
@policy.requires(P.INCIDENT_ACTIVATE)
def incident_detail(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    """Before activation: the proposal with every exclusion and its reason, and Activate.
    After: the live board, the follow-ups and Close."""
    incident = _incident(request, pk)
    context: dict[str, object] = {
        "incident": incident,
        "involved": Involvement.objects.filter(incident=incident)
        .select_related("employee__division")
        .order_by("circle", "employee__last_name"),
        "Circle": Circle,
        "size_form": TeamSizeForm(initial={"team_size": incident.team_size}),
    }
    if incident.status == IncidentStatus.OPEN:
        context["proposal"] = propose(incident=incident, now=timezone.now())
    else:
        context["board"] = selectors.board(incident)
        context["follow_ups"] = incident.follow_ups.all()
    return render(request, "incidents/detail.html", context)


@require_GET
@policy.requires(P.INCIDENT_ACTIVATE)
def incident_board(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    """The board alone: what htmx polls every few seconds (the page works by reload too).

    Rendered without the context processors: the fragment shows none of what they add (the
    navigation's permission checks, the agencies), and every coordinator's screen asks for it
    every 5 s during an incident (issue 18)."""
    incident = policy.scoped_or_404(selectors.board_incidents(), request, pk=pk)
    board = selectors.board(incident)
    return HttpResponse(render_to_string("incidents/_board.html", {"board": board}))


@require_POST
@policy.requires(P.INCIDENT_ACTIVATE)
def incident_activate(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    try:
        deployments = services.activate(incident=incident, by=request.user, now=timezone.now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        psps = sum(d.peer_supporter_id is not None for d in deployments)
        clinicians = len(deployments) - psps
        messages.success(
            request,
            f"Paged {psps} peer supporter{'s' if psps != 1 else ''} and "
            f"{clinicians} clinician{'s' if clinicians != 1 else ''}. Answers appear below.",
        )
    return redirect("incidents:detail", pk)


@require_POST
@policy.requires(P.INCIDENT_ACTIVATE)
def incident_team_size(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    form = TeamSizeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("team_size", [])))
        return redirect("incidents:detail", pk)
    try:
        services.team_size_set(
            incident=incident, team_size=form.cleaned_data["team_size"], now=timezone.now()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Team size set to {form.cleaned_data['team_size']}.")
    return redirect("incidents:detail", pk)


@require_POST
@policy.requires(P.INCIDENT_ACTIVATE)
def incident_close(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    try:
        services.close(incident=incident, by=request.user, now=timezone.now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        days = incident.agency.incident_retention_days
        messages.success(
            request,
            f"Incident closed. Who was involved is erased in {days} days; the counts stay.",
        )
    return redirect("incidents:detail", pk)


@require_http_methods(["GET", "POST"])
@policy.requires(P.INCIDENT_ACTIVATE)
def follow_ups(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    """The follow-up schedule: done, skip, reopen, or a new time (2011 §2.3.3)."""
    incident = _incident(request, pk)
    agency = request.agency
    if request.method == "POST":
        follow_up = FollowUp.objects.filter(
            incident=incident, pk=validation.id_or_none(request.POST.get("follow_up")) or 0
        ).first()
        action = request.POST.get("action", "")
        if follow_up is None:
            messages.error(request, "No such follow-up.")
            return redirect("incidents:follow-ups", pk)
        due_at = None
        if action == "reschedule":
            form = FollowUpTimeForm(request.POST, agency=agency)
            if not form.is_valid():
                messages.error(request, " ".join(str(e) for e in form.errors["due_at"]))
                return redirect("incidents:follow-ups", pk)
            due_at = form.cleaned_data["due_at"]
        try:
            services.follow_up_update(
                follow_up=follow_up, action=action, now=timezone.now(), due_at=due_at
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{follow_up.get_kind_display()}: saved.")
        return redirect("incidents:follow-ups", pk)
    rows = [(f, local_input(f.due_at, agency)) for f in incident.follow_ups.all()]
    return render(
        request,
        "incidents/follow_ups.html",
        {"incident": incident, "rows": rows, "now": timezone.now()},
    )


@require_GET
@policy.requires(P.MUTUAL_AID)
def mutual_aid(request: policy.AgencyRequest) -> HttpResponse:
    """Requests partner agencies sent to this agency (2011 §3.8.2)."""
    # The minimum, never a name or the free text (2011 §3.8.2, §6.7).
    requests = [
        (aid, paging.coarse_time(aid.incident), paging.general_area(aid.incident))
        for aid in selectors.requests_to(agency=request.agency, now=timezone.now())
    ]
    return render(request, "incidents/mutual_aid.html", {"requests": requests})


@require_POST
@policy.requires(P.MUTUAL_AID)
def mutual_aid_answer(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    """Accept or decline a request sent to this agency; any other agency's answers 404."""
    aid = MutualAidRequest.objects.filter(partner=request.agency, pk=pk).first()
    if aid is None:
        raise Http404
    accept = request.POST.get("answer") == "accept"
    try:
        services.mutual_aid_answer(request=aid, accept=accept, by=request.user, now=timezone.now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            "Accepted: your peer supporters are being paged."
            if accept
            else "Declined. The requesting coordinator sees it on their board.",
        )
    return redirect("incidents:mutual-aid")
