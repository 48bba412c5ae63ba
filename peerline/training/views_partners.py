"""Hours from partner agencies' sessions, waiting for the PSP's own coordinator (2011 §3.8.2, §8.2):
another agency records who attended its session; the hours count in this agency's compliance only
once its own coordinator confirms them here."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from peerline.accounts import policy

from . import services

P = policy.Permission


@require_http_methods(["GET", "POST"])
@policy.requires(P.TRAINING_MANAGE)
def partner_credit(request: policy.AgencyRequest) -> HttpResponse:
    """The pending rows, each with a checkbox; confirm or refuse the ticked ones (POST)."""
    agency = request.agency
    if request.method == "POST":
        ids = [
            int(v)
            for v in request.POST.getlist("attendance")
            if v.isascii() and v.isdigit() and len(v) < 12
        ]
        confirm = request.POST.get("action") == "confirm"
        count = services.partner_credit_answer(
            agency=agency, attendance_ids=ids, confirm=confirm, by=request.user
        )
        verb = "confirmed: they count in compliance" if confirm else "refused"
        messages.success(request, f"{count} attendance{'s' if count != 1 else ''} {verb}.")
        return redirect("training:partner-credit")
    rows = list(services.pending_partner_credit(agency))
    return render(request, "training/partner_credit.html", {"rows": rows})
