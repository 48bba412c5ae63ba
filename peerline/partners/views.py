"""The coordinator's partner agreements page (2011 §3.8.2): what this agency shares with
partners, what it receives, a form for a new agreement, and a button to end one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from peerline.accounts import policy
from peerline.agencies.importer import agency_today

from . import selectors, services
from .forms import AgreementForm
from .models import PartnerAgreement


def _add_errors(form: AgreementForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_messages)
    else:
        form.add_error(None, error.messages)


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Permission.PARTNERS_MANAGE)
def agreement_list(request: policy.AgencyRequest) -> HttpResponse:
    """Agreements given and received, and the form to make one (POST)."""
    agency = request.agency
    today = agency_today(agency)
    form = AgreementForm(request.POST or None, agency=agency, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(agency=agency, today=today, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Agreement with {agreement.partner.name} saved.")
            return redirect("partners:list")
    return render(
        request,
        "partners/list.html",
        {
            "form": form,
            "given": selectors.agreements_given(agency, today),
            "received": selectors.agreements_received(agency, today),
            "today": today,
        },
    )


@require_POST
@policy.requires(policy.Permission.PARTNERS_MANAGE)
def agreement_end(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    """End one of this agency's own agreements; another agency's answers 404."""
    agreement = policy.scoped_or_404(
        PartnerAgreement.objects.select_related("partner"), request, pk=pk
    )
    try:
        services.agreement_end(agreement=agreement, today=agency_today(request.agency))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"The agreement with {agreement.partner.name} ends today, its last day."
        )
    return redirect("partners:list")
