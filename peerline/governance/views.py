"""The agency's limits of confidentiality and the jurisdiction table (2011 §2.2.3, §6.1–§6.5).

The coordinator and the steering committee add, word, remove and order the limits, each with its
procedure; every version is kept. Every employee can read what each state's law says.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from peerline.accounts import policy

from . import jurisdictions, selectors, services
from .forms import LimitForm
from .models import ConfidentialityException, LimitsVersion

P = policy.Permission


def _limit(request: policy.AgencyRequest, pk: int) -> ConfidentialityException:
    return policy.scoped_or_404(  # type: ignore[no-any-return]
        ConfidentialityException.objects.filter(retired_at__isnull=True), request, pk=pk
    )


def _apply(form: LimitForm, write) -> bool:  # type: ignore[no-untyped-def]
    if not form.is_valid():
        return False
    try:
        write(**form.cleaned_data)
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return False
    return True


@require_http_methods(["GET", "POST"])
@policy.requires(P.LIMITS_MANAGE)
def limits(request: policy.AgencyRequest) -> HttpResponse:
    """The limits, their procedures, the card as read aloud, and every past version."""
    agency = request.agency
    form = LimitForm(request.POST or None)
    add = lambda **data: services.limit_add(agency=agency, by=request.user, **data)  # noqa: E731
    if request.method == "POST" and _apply(form, add):
        messages.success(request, "Limit added; a new version is recorded.")
        return redirect("governance:limits")
    return render(
        request,
        "governance/limits.html",
        {
            "limits": selectors.active_limits(agency),
            "form": form,
            "versions": LimitsVersion.objects.filter(agency=agency).select_related("by")[:50],
            "card": selectors.card(agency),
        },
    )


@require_http_methods(["GET", "POST"])
@policy.requires(P.LIMITS_MANAGE)
def limit_edit(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    limit = _limit(request, pk)
    initial = {"label": limit.label, "procedure": limit.procedure}
    form = LimitForm(request.POST or None, initial=initial)
    if request.method == "POST":
        write = lambda **data: services.limit_edit(limit=limit, by=request.user, **data)  # noqa: E731
        if _apply(form, write):
            messages.success(request, "Saved; the previous wording stays in the versions.")
            return redirect("governance:limits")
    return render(request, "governance/limit_edit.html", {"limit": limit, "form": form})


@require_POST
@policy.requires(P.LIMITS_MANAGE)
def limit_remove(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    limit = _limit(request, pk)
    services.limit_remove(limit=limit, by=request.user)
    messages.success(request, "Removed from the card and the contact form.")
    return redirect("governance:limits")


@require_POST
@policy.requires(P.LIMITS_MANAGE)
def limit_move(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    limit = _limit(request, pk)
    services.limit_move(limit=limit, by=request.user, up=request.POST.get("direction") == "up")
    return redirect("governance:limits")


@require_safe
@policy.requires(P.JURISDICTIONS_VIEW)
def jurisdiction_table(request: policy.AgencyRequest) -> HttpResponse:
    """What each state's law says about peer support privilege, or that it is not confirmed."""
    table = sorted(jurisdictions.states().values(), key=lambda j: j.name)
    return render(
        request,
        "governance/jurisdictions.html",
        {
            "federal": jurisdictions.federal(),
            "states": table,
            "own": jurisdictions.for_state(request.agency.state),
            "counsel": jurisdictions.COUNSEL,
            "confirmed": sum(j.confirmed for j in table),
        },
    )
