"""The coordinator's training pages: sessions, the attendance roster, compliance, transcripts and
the team report (2011 §3.9 "coordinates training", §8.2, §4.3). Thin: rules are in `services`,
`selectors` and `compliance`.
"""

from decimal import Decimal
from urllib.parse import parse_qsl, urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from peerline.accounts import policy
from peerline.accounts.sessions import fresh_sign_in
from peerline.agencies import clock
from peerline.audit.exports import audited_export
from peerline.core import validation
from peerline.stats.charts import Item, bar_chart
from peerline.team.models import PeerSupporter

from . import compliance, reports, selectors, services
from .compliance import Quarter
from .forms import RosterError, SessionForm, read_roster
from .models import TrainingSession

P = policy.Permission


def _quarter(request: policy.AgencyRequest) -> Quarter:
    """The quarter asked for in the query string (quarters are not personal), else this one."""
    asked = request.GET.get("quarter", "").strip()
    if not asked:
        return Quarter.today(request.agency)
    try:
        return Quarter.parse(asked)
    except compliance.BadQuarter as error:
        raise Http404(str(error)) from None


def quarter_choices(agency_quarter: Quarter, asked: Quarter) -> list[tuple[str, str]]:
    """This quarter and the seven before it, and the one asked if it is not among them."""
    found = [agency_quarter.shift(-n) for n in range(8)]
    if asked not in found:
        found.append(asked)
    return [(q.label, f"{q.label} · {q.title}") for q in sorted(found, reverse=True)]


# -- sessions ------------------------------------------------------------------------------------


@require_safe
@policy.requires(P.TRAINING_MANAGE)
def session_list(request: policy.AgencyRequest) -> HttpResponse:
    """Every session of the agency, newest first."""
    page = Paginator(selectors.sessions(request.agency), 25).get_page(
        validation.page_number(request.GET.get("page"))
    )
    today = clock.local_today(request.agency)
    return render(request, "training/sessions.html", {"page": page, "today": today})


@require_http_methods(["GET", "POST"])
@policy.requires(P.TRAINING_MANAGE)
def session_new(request: policy.AgencyRequest) -> HttpResponse:
    return _session_form(request, None)


@require_http_methods(["GET", "POST"])
@policy.requires(P.TRAINING_MANAGE)
def session_edit(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    return _session_form(request, policy.scoped_or_404(TrainingSession.objects, request, pk=pk))


def _session_form(request: policy.AgencyRequest, session: TrainingSession | None) -> HttpResponse:
    agency = request.agency
    if request.method == "POST":
        form = SessionForm(request.POST, agency=agency)
        if form.is_valid():
            try:
                saved = services.session_save(
                    agency=agency, fields=form.fields_value(), by=request.user, session=session
                )
            except services.TrainingError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Session saved: {saved.title}, {saved.date:%B %-d, %Y}.")
                target = "training:attendance" if session is None else "training:session"
                return redirect(target, pk=saved.pk)
    else:
        form = SessionForm.for_session(session, agency) if session else SessionForm(agency=agency)
    attended = session.attendances.count() if session else 0
    return render(
        request,
        "training/session_form.html",
        {"form": form, "session": session, "attended": attended},
    )


# -- the attendance roster (bulk, on a phone) ----------------------------------------------------


ROSTER_PER_PAGE = 50
FOUND_MOST = 50  # names found by a search of the whole roster, at most


@never_cache
@require_http_methods(["GET", "POST"])
@policy.requires(P.TRAINING_MANAGE)
def attendance(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    """The session's roster as big checkboxes: tick who came, save (2011 §8.2).

    A page of the roster at a time, narrowed by division or shift (issue 18: a team of
    thousands): the form names the PSPs it shows (`shown`), and saving records the truth about
    them only, so a page saved never unticks anyone on another. "Save and next page" saves and
    turns the page; with JavaScript, a page link saves unsaved ticks first.

    Searching a name looks through the whole roster, by POST, never in the address (no personal
    data in URLs); the rows already on the form stay in it (hidden when they do not match), so
    ticks not yet saved survive a search. Without JavaScript, "tick all" posts the roster back
    and the page returns with the ticks applied, nothing saved."""
    session = policy.scoped_or_404(TrainingSession.objects, request, pk=pk)
    division, shift = _roster_filter(request, session)
    roster = selectors.eligible_attendees(session)
    if division:
        roster = roster.filter(employee__division_id=division)
    if shift:
        roster = roster.filter(employee__shift_id=shift)
    # The ids in name order, then the page's PSPs: with LIMIT, PostgreSQL may sort every
    # employee of the agency by name to find the first fifty PSPs (issue 18).
    page = Paginator(list(roster.values_list("pk", flat=True)), ROSTER_PER_PAGE).get_page(
        validation.page_number(request.GET.get("page"))
    )
    filters = urlencode({k: v for k, v in (("division", division), ("shift", shift)) if v})
    here = reverse("training:attendance", args=[session.pk])
    loaded = roster.in_bulk(list(page.object_list))
    rows_of: list[PeerSupporter] = [loaded[pk] for pk in page.object_list]
    recorded_all = session.attendances.aggregate(n=Count("pk"), hours=Sum("hours_credited"))
    query, status = "", 200
    ticked: dict[int, Decimal | None] | None = None
    if request.method == "POST":
        action = request.POST.get("action", "save")
        query = request.POST.get("q", "").strip()[:100]
        try:
            shown = _ids(request.POST.getlist("shown"))
            ticked = read_roster(request.POST)
            if action in {"save", "save_next"}:
                result = services.attendance_record(
                    session=session,
                    attendees=ticked,
                    by=request.user,
                    among=shown if "shown" in request.POST else None,
                )
                messages.success(request, _saved_message(result))
                turn = page.number + 1 if action == "save_next" else request.POST.get("goto")
                number = validation.page_number(str(turn)) if turn else page.number
                target = urlencode(
                    {**dict(parse_qsl(filters)), **({"page": number} if number > 1 else {})}
                )
                return redirect(f"{here}?{target}" if target else here)
        except (RosterError, services.TrainingError) as error:
            messages.error(request, str(error))
            status = 400
        else:
            messages.info(request, "Not saved yet: tap “Save attendance” when the ticks are right.")
        if "shown" in request.POST:  # the rows of the form posted, not the page's afresh
            carried = roster.filter(pk__in=shown)
            rows_of = list(carried) if len(shown) <= 5 * ROSTER_PER_PAGE else rows_of
        if query:
            seen = {psp.pk for psp in rows_of}
            rows_of += [psp for psp in _search(roster, query) if psp.pk not in seen]
    recorded = dict(
        session.attendances.filter(peer_supporter_id__in=[psp.pk for psp in rows_of]).values_list(
            "peer_supporter_id", "hours_credited"
        )
    )
    if ticked is None:
        ticked = dict(recorded)
    if request.method == "POST":
        shown_now = [psp.pk for psp in rows_of if _matches(psp, query)]
        action = request.POST.get("action", "save")
        if action == "select_all":
            ticked.update({pk: ticked.get(pk) for pk in shown_now})
        elif action == "select_none":
            ticked = {pk: value for pk, value in ticked.items() if pk not in shown_now}
    rows = [
        {
            "psp": psp,
            "ticked": psp.pk in ticked,
            "hours": ticked.get(psp.pk) if ticked.get(psp.pk) not in (None, session.hours) else "",
            "recorded": recorded.get(psp.pk),
            "shown": _matches(psp, query),
            "partner": psp.agency_id != session.agency_id,
        }
        for psp in rows_of
    ]
    context = {
        "session": session,
        "rows": rows,
        "query": query,
        "page": page,
        "filters": filters,
        "division": division,
        "shift": shift,
        "divisions": session.agency.divisions.order_by("name"),
        "shifts": session.agency.shifts.order_by("name"),
        "ticked_count": sum(row["ticked"] for row in rows),
        "recorded_count": recorded_all["n"],
        "recorded_hours": recorded_all["hours"] or Decimal("0.0"),
        "partners": selectors.partner_agencies_for(session),
    }
    return render(request, "training/attendance.html", context, status=status)


def _roster_filter(request: policy.AgencyRequest, session: TrainingSession) -> tuple[str, str]:
    """The division and shift asked for (ids of the agency's own), else none."""
    found = []
    for name, choices in (("division", session.agency.divisions), ("shift", session.agency.shifts)):
        value = request.GET.get(name, "")
        ok = value.isascii() and value.isdigit() and len(value) < 10
        found.append(value if ok and choices.filter(pk=int(value)).exists() else "")
    return found[0], found[1]


def _ids(values: list[str]) -> list[int]:
    if not all(value.isascii() and value.isdigit() and len(value) < 19 for value in values):
        raise RosterError("The roster was not understood; reload the page and try again.")
    return [int(value) for value in values]


def _search(roster: QuerySet[PeerSupporter], query: str) -> list[PeerSupporter]:
    """The roster's PSPs whose name, employee number or agency has every word of `query`."""
    for word in query.split()[:5]:
        roster = roster.filter(
            Q(employee__first_name__icontains=word)
            | Q(employee__last_name__icontains=word)
            | Q(employee__employee_number__icontains=word)
            | Q(agency__name__icontains=word)
        )
    return [psp for psp in roster[:FOUND_MOST] if _matches(psp, query)]


def _matches(psp: PeerSupporter, query: str) -> bool:
    words = query.lower().split()
    haystack = f"{psp.employee.full_name} {psp.employee.employee_number} {psp.agency.name}".lower()
    return all(word in haystack for word in words)


def _saved_message(result: services.AttendanceResult) -> str:
    parts = [f"Attendance saved: {result.attending} attending"]
    if result.created:
        parts.append(f"{result.created} added")
    if result.updated:
        parts.append(f"{result.updated} changed")
    if result.removed:
        parts.append(f"{result.removed} removed")
    return ", ".join(parts) + "."


# -- compliance (2011 §8.2, §4.3) ----------------------------------------------------------------


# The table's filters: everyone, or the rows each list above it links to.
SHOW = {
    "": "Everyone",
    "short": "Short of the requirement",
    "remind": "One quarter behind: a reminder",
    "review": "For a deselection review (§4.3)",
}
COMPLIANCE_PER_PAGE = 50
LISTED = 10  # names in the review and reminder lists; the table shows the rest


def _shown(lines: list[compliance.Line], show: str) -> list[compliance.Line]:
    if show == "short":
        return [line for line in lines if not line.standing.compliant]
    if show == "remind":
        return [line for line in lines if line.reminder]
    if show == "review":
        return [line for line in lines if line.flagged]
    return lines


@never_cache
@require_safe
@policy.requires(P.TRAINING_MANAGE)
def compliance_view(request: policy.AgencyRequest) -> HttpResponse:
    """The team's standing in a quarter (2011 §8.2, §4.3): the figures of the whole team, the
    first names for a review or a reminder, and the table a page at a time (issue 18: a team of
    thousands is computed in a few queries, and only the names shown are loaded)."""
    agency = request.agency
    quarter = _quarter(request)
    show = request.GET.get("show", "")
    show = show if show in SHOW else ""
    team = compliance.team_compliance(agency=agency, quarter=quarter)
    page = Paginator(_shown(team.lines, show), COMPLIANCE_PER_PAGE).get_page(
        validation.page_number(request.GET.get("page"))
    )
    flagged = [line for line in team.lines if line.flagged][:LISTED]
    reminders = [line for line in team.lines if line.reminder][:LISTED]
    # One query loads the names of the page's rows and of both lists.
    loaded = compliance.standings([*page.object_list, *flagged, *reminders])
    rows, loaded = loaded[: len(page.object_list)], loaded[len(page.object_list) :]
    coverage = selectors.topic_coverage(
        agency=agency,
        team=[line.psp_id for line in team.lines],
        until=min(quarter.last, clock.local_today(agency)),
    )
    chart = bar_chart(
        [Item(_short(f"{c.topic.number} {c.topic.title}"), c.covered_by) for c in coverage],
        key="chart-topics",
        title="Peer supporters who have covered each topic",
        unit="peer supporters",
    )
    return render(
        request,
        "training/compliance.html",
        {
            "team": team,
            "quarter": quarter,
            "choices": quarter_choices(Quarter.today(agency), quarter),
            "show": show,
            "show_choices": list(SHOW.items()),
            "page": page,
            "rows": rows,
            "query": urlencode({"quarter": quarter.label, **({"show": show} if show else {})}),
            "flagged": loaded[: len(flagged)],
            "reminders": loaded[len(flagged) :],
            "coverage": coverage,
            "chart": chart,
            "uncovered": [c for c in coverage if not c.covered_by],
        },
    )


def _short(text: str, most: int = 58) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


@never_cache
@require_safe
@policy.requires(P.TRAINING_MANAGE)
@fresh_sign_in  # an export: the password again if it was typed long ago
@audited_export("training.team_csv")
def report_csv(request: policy.AgencyRequest) -> HttpResponse:
    """The team report of a quarter, for POST/state certification audits."""
    quarter = _quarter(request)
    team = compliance.team_compliance(agency=request.agency, quarter=quarter)
    # Streamed: a team of thousands is written a chunk at a time (issue 18).
    response = StreamingHttpResponse(
        reports.team_csv_chunks(team), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="peerline-{request.agency.code}-training-{quarter.label}.csv"'
    )
    return response  # type: ignore[return-value]  # streamed; the decorators pass it through


# -- transcripts ---------------------------------------------------------------------------------


@never_cache
@require_safe
@policy.requires(P.TRAINING_MANAGE)
def transcript(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    psp = policy.scoped_or_404(PeerSupporter.objects.select_related("employee"), request, pk=pk)
    return render(
        request,
        "training/transcript.html",
        {
            "t": reports.transcript(psp),
            "pdf_url": reverse("training:transcript-pdf", args=[psp.pk]),
            "own": False,
        },
    )


@never_cache
@require_safe
@policy.requires(P.TRAINING_MANAGE)
@audited_export("training.transcript_pdf")
def transcript_pdf(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    psp = policy.scoped_or_404(PeerSupporter.objects.select_related("employee"), request, pk=pk)
    return reports.pdf_response(psp)
