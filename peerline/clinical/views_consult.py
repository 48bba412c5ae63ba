"""Consultations with a licensed MHP, logged without identities like contacts (2011 §5.1, §5.2,
§6.7), and their counts for the coordinator and the clinical advisor: by month, reason and
urgency, never per person."""

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.views.decorators.http import require_http_methods, require_safe

from peerline.accounts import policy
from peerline.core import offlist
from peerline.stats.charts import Item, column_chart

from . import selectors, services
from .forms import ConsultationForm
from .models import ConsultationOutcome, ConsultationReason, Urgency
from .views import add_errors

P = policy.Permission
MONTHS = 12


@dataclass(frozen=True)
class MonthRow:
    month: date
    reasons: list[tuple[str, list[int], int]]  # reason, counts per urgency, total
    totals: list[int]  # per urgency
    total: int


@require_http_methods(["GET", "POST"])
@policy.requires(P.CONSULTATION_LOG)
def consultation_log(request: policy.AgencyRequest) -> HttpResponse:
    """Log a consultation on a phone in a few taps: month, reason, urgency, outcome."""
    agency = request.agency
    # A 400 naming every field outside the schema: refused, never dropped (2011 §6.7).
    refused = offlist.refusal_page(
        request,
        services.CONSULTATION_FIELDS,
        what="consultation",
        again_url=reverse("clinical:consultation-log"),
    )
    if refused is not None:
        return refused
    form = ConsultationForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.consultation_log(agency=agency, data=form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                f"Consultation logged: {saved.get_reason_display()}, "
                f"{date_format(saved.month, 'F Y')}.",
            )
            return redirect("clinical:consultation-log")
    return render(request, "clinical/consultation_form.html", {"form": form})


@require_safe
@policy.requires(P.CLINICAL_MANAGE)
def consultations(request: policy.AgencyRequest) -> HttpResponse:
    """Counts of the last 12 months by month × reason × urgency, and outcomes (2011 §3.9
    utilisation data); no figure per clinician or per person."""
    agency = request.agency
    months: list[date] = services.month_choices(agency)[:MONTHS]  # newest first
    since = months[-1]
    counts = selectors.consultation_counts(agency=agency, since=since)
    urgencies = list(Urgency)
    by_month: list[MonthRow] = []
    for month in months:
        reasons = []
        for reason in ConsultationReason:
            cells = [counts[(month, reason.value, u.value)] for u in urgencies]
            if sum(cells):
                reasons.append((reason.label, cells, sum(cells)))
        totals = [
            sum(counts[(month, r.value, u.value)] for r in ConsultationReason) for u in urgencies
        ]
        by_month.append(MonthRow(month, reasons, totals, sum(totals)))
    by_reason = []
    for reason in ConsultationReason:
        cells = [sum(counts[(m, reason.value, u.value)] for m in months) for u in urgencies]
        by_reason.append((reason.label, cells, sum(cells)))
    outcomes = selectors.outcome_counts(agency=agency, since=since)
    chart = column_chart(
        [
            Item(
                label=date_format(row.month, "F Y"),
                value=row.total,
                tick=date_format(row.month, "M"),
                group=str(row.month.year),
            )
            for row in reversed(by_month)
        ],
        key="consultations-by-month",
        title="Consultations per month",
        unit="consultations",
    )
    return render(
        request,
        "clinical/consultations.html",
        {
            "since": since,
            "urgencies": urgencies,
            "by_month": by_month,
            "by_reason": by_reason,
            "total": sum(row.total for row in by_month),
            "outcomes": [(o.label, outcomes[o.value]) for o in ConsultationOutcome],
            "chart": chart,
        },
    )
