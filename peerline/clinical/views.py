"""Clinical support pages: clinicians and their licences, the 24/7 on-call schedule and its holes,
who is on call now, each clinician's calendar feed (2011 §3.4, §5.1). Consultations are in
`views_consult`, the referral directory in `resource_views`. Thin: rules are in `services` and
`selectors`; every page runs in the agency's time zone.
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from peerline.accounts import policy
from peerline.agencies import clock

from . import ical, schedule, selectors, services
from .forms import LOCAL_DATETIME, ClinicianForm, ShiftForm
from .models import MentalHealthProfessional, OnCallShift, Resource, ResourceCategory

P = policy.Permission
DAYS = 30  # the schedule the coordinator watches (issue 6: every hole in the next 30 days)


def add_errors(form: BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_messages)
    else:
        form.add_error(None, error.messages)


# -- clinicians ----------------------------------------------------------------------------------


@require_safe
@policy.requires(P.CLINICAL_MANAGE)
@clock.in_agency_zone
def clinicians(request: policy.AgencyRequest) -> HttpResponse:
    """Every clinician with their licence, and a banner for licences expiring or expired."""
    today = clock.local_today(request.agency)
    on_call = {c.pk for c in selectors.on_call_now(agency=request.agency, at=timezone.now())}
    rows = [
        (clinician, selectors.licence_alert(clinician, today), clinician.pk in on_call)
        for clinician in MentalHealthProfessional.objects.filter(agency=request.agency)
    ]
    alerts = [alert for clinician, alert, _ in rows if alert and clinician.active]
    return render(
        request,
        "clinical/clinicians.html",
        {
            "rows": rows,
            "expired": [alert for alert in alerts if alert.expired],
            "expiring": [alert for alert in alerts if not alert.expired],
            "warning_days": selectors.LICENCE_WARNING_DAYS,
        },
    )


@require_http_methods(["GET", "POST"])
@policy.requires(P.CLINICAL_MANAGE)
@clock.in_agency_zone
def clinician_new(request: policy.AgencyRequest) -> HttpResponse:
    return _clinician_form(request, MentalHealthProfessional(agency=request.agency))


@require_http_methods(["GET", "POST"])
@policy.requires(P.CLINICAL_MANAGE)
@clock.in_agency_zone
def clinician(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    """A clinician's record, licence state, calendar feed and next shifts; another agency's 404."""
    return _clinician_form(
        request, policy.scoped_or_404(MentalHealthProfessional.objects, request, pk=pk)
    )


def _clinician_form(
    request: policy.AgencyRequest, clinician: MentalHealthProfessional
) -> HttpResponse:
    agency, is_new = request.agency, clinician.pk is None
    form = ClinicianForm(request.POST or None, instance=clinician, agency=agency)
    if request.method == "POST" and form.is_valid():
        try:
            services.clinician_save(agency=agency, clinician=form.instance)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{clinician.name} saved.")
            return redirect("clinical:clinician", pk=clinician.pk)
    context: dict[str, Any] = {"form": form, "clinician": None}
    if not is_new:
        now = timezone.now()
        saved = MentalHealthProfessional.objects.get(pk=clinician.pk)  # not the unsaved edits
        context.update(
            clinician=saved,
            alert=selectors.licence_alert(saved, clock.local_today(request.agency)),
            feed_url=settings.BASE_URL.rstrip("/")
            + reverse("clinical:ical", args=[ical.token_for(saved)]),
            shifts=saved.on_call_shifts.filter(
                ends_at__gt=now, starts_at__lt=now + timedelta(days=DAYS)
            ).order_by("starts_at"),
        )
    return render(request, "clinical/clinician.html", context)


# -- the on-call schedule ------------------------------------------------------------------------


def _parse_local(value: str, tz: Any) -> datetime | None:
    try:
        return datetime.strptime(value, LOCAL_DATETIME).replace(tzinfo=tz)
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
@policy.requires(P.CLINICAL_MANAGE)
@clock.in_agency_zone
def on_call(request: policy.AgencyRequest) -> HttpResponse:
    """The next 30 days as a picture, every hole listed, and the form to add shifts (§5.1)."""
    agency = request.agency
    tz = clock.zone(agency)
    now, today = timezone.now(), clock.local_today(request.agency)
    form = ShiftForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            added = services.shift_add(
                agency=agency,
                clinician=data["clinician"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                weeks=data["weeks"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            count = len(added)
            messages.success(
                request,
                f"{count} shift{'s' if count > 1 else ''} added for {data['clinician'].name}.",
            )
            return redirect("clinical:on-call")

    start = selectors.local_midnight(today, tz)
    holes: list[dict[str, Any]] = []
    for begins, ends in selectors.holes(agency=agency, start=start, days=DAYS):
        if ends <= now:
            continue
        begins = max(begins, now.astimezone(tz))
        hours = (ends - begins).total_seconds() / 3600
        holes.append(
            {
                "starts_at": begins,
                "ends_at": ends,
                "hours": f"{hours:.0f}" if hours >= 1 else "under 1",
                "fill": f"?start={begins:%Y-%m-%dT%H:%M}&end={ends:%Y-%m-%dT%H:%M}",
            }
        )
    if request.method == "GET":
        # "Fill this hole" links carry times only, no one's data; the first hole by default.
        fill_start = _parse_local(request.GET.get("start", ""), tz)
        fill_end = _parse_local(request.GET.get("end", ""), tz)
        if fill_start is None and holes:
            fill_start, fill_end = holes[0]["starts_at"], holes[0]["ends_at"]
        form = ShiftForm(
            agency=agency, initial={"starts_at": fill_start, "ends_at": fill_end, "weeks": 1}
        )
    desc = (
        f"{DAYS} days from {date_format(today, 'j F')}: "
        + (f"{len(holes)} holes with no clinician on call." if holes else "no holes.")
        + " Every hole is listed below the picture."
    )
    alerts = selectors.licences_expiring(agency=agency, today=today)
    return render(
        request,
        "clinical/on_call.html",
        {
            "form": form,
            "holes": holes,
            "days": DAYS,
            "picture": schedule.picture(agency=agency, today=today, now=now, desc=desc, days=DAYS),
            "shifts": selectors.shifts_between(
                agency=agency, start=now, end=selectors.window_end(agency, start, DAYS)
            ),
            "expired": [alert for alert in alerts if alert.expired],
            "expiring": [alert for alert in alerts if not alert.expired],
        },
    )


@require_POST
@policy.requires(P.CLINICAL_MANAGE)
@clock.in_agency_zone
def shift_delete(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    shift = policy.scoped_or_404(OnCallShift.objects.select_related("clinician"), request, pk=pk)
    services.shift_delete(shift=shift)
    messages.success(
        request,
        f"Shift of {shift.clinician.name} from "
        f"{timezone.localtime(shift.starts_at):%a %d %b %H:%M} deleted.",
    )
    return redirect("clinical:on-call")


@require_safe
@policy.requires(P.ON_CALL_VIEW)
@clock.in_agency_zone
@never_cache
def who_is_on_call(request: policy.AgencyRequest) -> HttpResponse:
    """Who is on call now, one tap away for every PSP: call, text, until when, who is next."""
    on_now, upcoming = selectors.on_call_board(agency=request.agency, at=timezone.now())
    today = clock.local_today(request.agency)
    crisis = Resource.objects.filter(
        agency=request.agency, category=ResourceCategory.CRISIS_LINE, always_open=True
    ).order_by("name")[:3]
    return render(
        request,
        "clinical/now.html",
        {
            "on_now": [(entry, _when(entry.ends_at, today)) for entry in on_now],
            "next": upcoming,
            "next_from": _when(upcoming.starts_at, today) if upcoming else "",
            "next_until": _when(upcoming.ends_at, today) if upcoming else "",
            "crisis": crisis,
        },
    )


def _when(moment: datetime, today: Any) -> str:
    """ "today at 20:00", "tomorrow at 08:00" or "Wednesday, Nov 25 at 08:00"."""
    day = moment.date()
    if day == today:
        return f"today at {moment:%H:%M}"
    if day == today + timedelta(days=1):
        return f"tomorrow at {moment:%H:%M}"
    return f"{date_format(day, 'l, M j')} at {moment:%H:%M}"


@policy.public
@require_safe
def ical_feed(request: Any, token: str) -> HttpResponse:
    """A clinician's shifts for their calendar app; the signed token is the only key (§5.1)."""
    clinician = ical.clinician_for(token)
    if clinician is None:
        raise Http404
    response = HttpResponse(
        ical.feed(clinician, now=timezone.now()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="on-call.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
