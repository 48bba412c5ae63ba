"""The coordinator's training pages: sessions, the attendance roster, compliance, transcripts and
the team report (2011 §3.9 "coordinates training", §8.2, §4.3). Thin: rules are in `services`,
`selectors` and `compliance`.
"""

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
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


@never_cache
@require_http_methods(["GET", "POST"])
@policy.requires(P.TRAINING_MANAGE)
def attendance(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    """The session's roster as big checkboxes: tick who came, save once (2011 §8.2).

    The filter and "tick all" work in the page with JavaScript; without it, the same buttons post
    the roster back and the page returns with the filter or the ticks applied, nothing saved.
    Names are filtered by POST, never in the address (no personal data in URLs)."""
    session = policy.scoped_or_404(TrainingSession.objects, request, pk=pk)
    roster = list(selectors.eligible_attendees(session))
    recorded = {row.peer_supporter_id: row.hours_credited for row in session.attendances.all()}
    query, status = "", 200
    ticked: dict[int, Decimal | None] = dict(recorded)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        query = request.POST.get("q", "").strip()[:100]
        try:
            ticked = read_roster(request.POST)
            if action == "save":
                result = services.attendance_record(
                    session=session, attendees=ticked, by=request.user
                )
                messages.success(request, _saved_message(result))
                return redirect("training:attendance", pk=session.pk)
        except (RosterError, services.TrainingError) as error:
            messages.error(request, str(error))
            status = 400
        else:
            messages.info(request, "Not saved yet: tap “Save attendance” when the ticks are right.")
        shown = [psp.pk for psp in roster if _matches(psp, query)]
        if action == "select_all":
            ticked.update({pk: ticked.get(pk) for pk in shown})
        elif action == "select_none":
            ticked = {pk: value for pk, value in ticked.items() if pk not in shown}
    rows = [
        {
            "psp": psp,
            "ticked": psp.pk in ticked,
            "hours": ticked.get(psp.pk) if ticked.get(psp.pk) not in (None, session.hours) else "",
            "recorded": recorded.get(psp.pk),
            "shown": _matches(psp, query),
            "partner": psp.agency_id != session.agency_id,
        }
        for psp in roster
    ]
    context = {
        "session": session,
        "rows": rows,
        "query": query,
        "ticked_count": sum(row["ticked"] for row in rows),
        "recorded_count": len(recorded),
        "recorded_hours": sum(recorded.values(), Decimal("0.0")),
        "partners": selectors.partner_agencies_for(session),
    }
    return render(request, "training/attendance.html", context, status=status)


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


@never_cache
@require_safe
@policy.requires(P.TRAINING_MANAGE)
def compliance_view(request: policy.AgencyRequest) -> HttpResponse:
    agency = request.agency
    quarter = _quarter(request)
    team = compliance.team_compliance(agency=agency, quarter=quarter)
    coverage = selectors.topic_coverage(
        agency=agency,
        team=[row.peer_supporter for row in team.rows],
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
    response = HttpResponse(reports.team_csv(team), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="peerline-{request.agency.code}-training-{quarter.label}.csv"'
    )
    return response


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
