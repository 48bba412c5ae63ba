"""Released utilisation statistics as pages and a PDF, and the coordinator's periods (2011 §3.1)."""

import csv
import io
import json
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from peerline.accounts import policy
from peerline.accounts.sessions import fresh_sign_in
from peerline.audit.exports import audited_export

from . import disclosure, overview, release_format, releases
from .models import ThresholdChange


@policy.requires(policy.Permission.STATS_RELEASED)
def released(request: policy.AgencyRequest) -> HttpResponse:
    """The frozen release of one closed period, as tables (2011 §3.1). Periods are not personal,
    so the choice travels in the query string."""
    agency = request.agency
    available = releases.released_periods(agency)
    # Not stripped: " 2026" is not a period, and no second spelling of one is served.
    period = request.GET.get("period", "") or (available[0] if available else "")
    context: dict[str, object] = {"period": period, "report": None}
    status = 200
    if period:
        try:
            closed = releases.closed_release(agency=agency, period=period)
        except release_format.BadPeriod as error:
            context["error"], status = str(error), 400
        except release_format.NotReleased as error:
            context["error"], status = str(error), 404
        else:
            context["report"] = release_format.presentable(json.loads(bytes(closed.release_json)))
            context["closed"] = closed
    context["choices"] = [(p, release_format.period_label(p)) for p in available]
    return render(request, "stats/released.html", context, status=status)


@policy.requires(policy.Permission.STATS_RELEASED)
@fresh_sign_in  # an export: the password again if it was typed long ago
@audited_export("stats.released_pdf")
def released_pdf(request: policy.AgencyRequest, period: str) -> HttpResponse:
    """The frozen PDF of a closed period: the same bytes on every request (2011 §3.1).

    A period with no release goes back to the release page, which says why.
    """
    try:
        closed = releases.closed_release(agency=request.agency, period=period)
    except release_format.PeriodError:
        return redirect(f"{reverse('stats:released')}?{urlencode({'period': period})}")
    response = HttpResponse(releases.pdf_for(closed), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="peerline-{request.agency.code}-{closed.period}.pdf"'
    )
    return response


@policy.requires(policy.Permission.STATS_RELEASED)
def released_csv(request: policy.AgencyRequest, period: str) -> HttpResponse:
    """The frozen release of a closed period as a CSV, from the same frozen bytes (2011 §3.1)."""
    try:
        closed = releases.closed_release(agency=request.agency, period=period)
    except release_format.PeriodError:
        return redirect(f"{reverse('stats:released')}?{urlencode({'period': period})}")
    report = release_format.presentable(json.loads(bytes(closed.release_json)))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["period", "table", "category", "contacts"])
    for table in report["tables"]:
        for row in table["rows"]:
            shown = "suppressed*" if row["suppressed"] else row["count"]
            writer.writerow([report["period"], table["title"], row["label"], shown])
        if table["partition"]:
            total = "suppressed*" if table["total"] is None else table["total"]
            writer.writerow([report["period"], table["title"], "Total", total])
    writer.writerow([])
    writer.writerow([f"* {report['suppressed_note']}"])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="peerline-{request.agency.code}-{closed.period}.csv"'
    )
    return response


@policy.requires(policy.Permission.STATS_PROGRAM)
def period_list(request: policy.AgencyRequest) -> HttpResponse:
    """Quarters and their state, "Close" for ended ones, and the threshold k with its history.

    For the program coordinator (2011 §3.9); command staff see only what closing releases.
    """
    agency = request.agency
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "close":
                period = request.POST.get("period", "")
                releases.period_close(agency=agency, period=period, acting_user=request.user)
                messages.success(
                    request, f"{period} is closed; its report is released and will not change."
                )
            elif action == "threshold":
                raw = request.POST.get("k", "").strip()
                k = int(raw) if raw.isdigit() else -1
                change = releases.threshold_change(agency=agency, k=k, acting_user=request.user)
                messages.success(
                    request,
                    f"The smallest count shown is now {k}; it applies to periods closed from now on."
                    if change
                    else f"The smallest count shown is already {k}.",
                )
            else:
                messages.error(request, "Choose a quarter to close or a new threshold.")
        except release_format.PeriodError as error:
            messages.error(request, str(error))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("stats:periods")
    return render(
        request,
        "stats/periods.html",
        {
            "quarters": overview.quarter_overview(agency),
            "breaching": overview.releases_breaching_rule(agency),
            "grace_days": releases.GRACE_DAYS,
            "min_k": disclosure.MIN_K,
            "default_k": disclosure.DEFAULT_K,
            "max_k": releases.MAX_K,
            "changes": ThresholdChange.objects.filter(agency=agency).select_related("changed_by")[
                :50
            ],
        },
    )
