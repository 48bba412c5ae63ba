"""The live self-assessment page and its PDF for an accreditation file."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from peerline.accounts import policy
from peerline.agencies.clock import local_today
from peerline.committee.models import SteeringCommitteeMember
from peerline.committee.selectors import current_members
from peerline.core.pdf import html_to_pdf

from . import selectors, services
from .models import Snapshot, Status

P = policy.Permission


def _context(request: policy.AgencyRequest) -> dict[str, object]:
    agency = request.agency
    rows = selectors.assessment(agency, timezone.now())
    return {
        "rows": rows,
        "counts": [(selectors.LABELS[k], k, v) for k, v in selectors.counts(rows).items()],
        "history": Snapshot.objects.filter(agency=agency)[:12],
        "edition": agency.get_guideline_edition_display(),
    }


@require_safe
@policy.requires(P.ASSESSMENT_VIEW)
def index(request: policy.AgencyRequest) -> HttpResponse:
    context = _context(request)
    context["may_attest"] = policy.allows(request, P.ASSESSMENT_ATTEST)
    context["members"] = current_members(request.agency, local_today(request.agency))
    context["statuses"] = Status.choices
    context["today"] = local_today(request.agency)
    return render(request, "assessment/index.html", context)


@require_safe
@policy.requires(P.ASSESSMENT_VIEW)
def pdf(request: policy.AgencyRequest) -> HttpResponse:
    context = _context(request)
    context["agency"] = request.agency
    context["now"] = timezone.now()
    html = render_to_string("assessment/pdf.html", context)
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="self-assessment.pdf"'
    return response


@require_POST
@policy.requires(P.ASSESSMENT_ATTEST)
def attest(request: policy.AgencyRequest) -> HttpResponse:
    """A named committee member attests a clause software cannot measure."""
    data = request.POST
    member = SteeringCommitteeMember.objects.filter(
        agency=request.agency, pk=data.get("member", "") if data.get("member", "").isdigit() else 0
    ).first()
    if member is None:
        messages.error(request, "Choose the committee member who attests.")
        return redirect("assessment:index")
    try:
        services.attest(
            agency=request.agency, by=request.user, clause=data.get("clause", ""),
            status=data.get("status", ""), member=member,
            attested_on=local_today(request.agency), evidence=data.get("evidence", ""),
        )  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{data.get('clause')}: attested.")
    return redirect("assessment:index")


@require_POST
@policy.requires(P.ASSESSMENT_ATTEST)
def take_snapshot(request: policy.AgencyRequest) -> HttpResponse:
    services.snapshot(agency=request.agency, now=timezone.now())
    messages.success(request, "The assessment as it stands now is kept in the history.")
    return redirect("assessment:index")
