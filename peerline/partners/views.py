"""The coordinator's partner agreements page (2011 §3.8.2): every agreement this agency is a side
of, the offers waiting for its answer (accept, keeping or dropping each item, or decline), a form
for a new offer, and a button to end one at any time."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from peerline.accounts import policy
from peerline.agencies.clock import local_today

from . import selectors, services
from .forms import AgreementForm, ItemsForm
from .models import PartnerAgreement


def _add_errors(form: AgreementForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_messages)
    else:
        form.add_error(None, error.messages)


def _ours_or_404(request: policy.AgencyRequest, pk: int) -> PartnerAgreement:
    """An agreement this agency is a side of; any other answers 404 like a missing one."""
    found = selectors.agreements_scope(request.agency).select_related("agency", "partner")
    agreement = found.filter(pk=pk).first()
    if agreement is None:
        raise Http404
    return agreement


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Permission.PARTNERS_MANAGE)
def agreement_list(request: policy.AgencyRequest) -> HttpResponse:
    """Agreements of this agency, and the form to offer one (POST)."""
    agency = request.agency
    today = local_today(agency)
    form = AgreementForm(request.POST or None, agency=agency, today=today)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                agreement = services.agreement_offer(
                    agency=agency,
                    partner=data["partner"],
                    items=form.items(),
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    by=request.user,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Agreement offered to {agreement.partner.name}: nothing is shared until "
                    "their coordinator accepts it.",
                )
                return redirect("partners:list")
        status = 400
    return render(
        request,
        "partners/list.html",
        {"form": form, "rows": selectors.agreements_of(agency, today), "today": today},
        status=status,
    )


@require_POST
@policy.requires(policy.Permission.PARTNERS_MANAGE)
def agreement_accept(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    """Accept an offer made to this agency, with the items it keeps."""
    agreement = _ours_or_404(request, pk)
    form = ItemsForm(request.POST)
    form.is_valid()  # booleans only: always valid
    try:
        services.agreement_accept(
            agreement=agreement, agency=request.agency, items=form.items(), by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The agreement with {agreement.agency.name} is accepted.")
    return redirect("partners:list")


@require_POST
@policy.requires(policy.Permission.PARTNERS_MANAGE)
def agreement_decline(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    agreement = _ours_or_404(request, pk)
    try:
        services.agreement_decline(agreement=agreement, agency=request.agency, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The offer from {agreement.agency.name} is declined.")
    return redirect("partners:list")


@require_POST
@policy.requires(policy.Permission.PARTNERS_MANAGE)
def agreement_end(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    """End an agreement this agency is a side of, whichever side offered it; others answer 404."""
    agreement = _ours_or_404(request, pk)
    try:
        services.agreement_end(
            agreement=agreement,
            agency=request.agency,
            today=local_today(request.agency),
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The agreement has ended: nothing is shared any more.")
    return redirect("partners:list")
