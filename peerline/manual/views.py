"""The procedures manual's pages (2011 §3.5): everyone reads and acknowledges the published
version (HTML, or a PDF for print); the coordinator writes sections and drafts; the steering
committee publishes, seeing the changes against the previous version."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from peerline.accounts import policy
from peerline.core.pdf import html_to_pdf

from . import selectors, services
from .models import ManualSection, ManualVersion

P = policy.Permission


@require_safe
@policy.requires(P.MANUAL_READ)
def index(request: policy.AgencyRequest) -> HttpResponse:
    agency = request.agency
    version = selectors.published(agency)
    context: dict[str, object] = {
        "version": version,
        "pending": selectors.needs_acknowledging(agency, request.user),
        "may_edit": policy.allows(request, P.MANUAL_EDIT),
        "may_approve": policy.allows(request, P.MANUAL_APPROVE),
    }
    if context["may_edit"] or context["may_approve"]:
        found = selectors.draft_of(agency)
        context["draft"] = found
        context["changes"] = selectors.diff(version, found) if found else []
        context["rates"] = selectors.acknowledgement_rates(version) if version else []
        context["sections"] = ManualSection.objects.filter(agency=agency)
    return render(request, "manual/index.html", context)


@require_safe
@policy.requires(P.MANUAL_READ)
def pdf(request: policy.AgencyRequest) -> HttpResponse:
    """The published manual for print (WeasyPrint), tagged for screen readers."""
    version = selectors.published(request.agency)
    if version is None:
        messages.info(request, "No version is published yet.")
        return redirect("manual:index")
    html = render_to_string("manual/pdf.html", {"version": version, "agency": request.agency})
    body = html_to_pdf(html, pdf_variant="pdf/ua-1")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="procedures-manual-v{version.number}.pdf"'
    )
    return response


@require_POST
@policy.requires(P.MANUAL_READ)
def acknowledge(request: policy.AgencyRequest) -> HttpResponse:
    version = selectors.published(request.agency)
    if version is None:
        messages.info(request, "No version is published yet.")
        return redirect("manual:index")
    services.acknowledge(version=version, user=request.user)
    messages.success(request, f"Thank you: version {version.number} acknowledged.")
    return redirect("manual:index")


@require_http_methods(["GET", "POST"])
@policy.requires(P.MANUAL_EDIT)
def section(request: policy.AgencyRequest, pk: int | None = None) -> HttpResponse:
    """Write or edit a section of the coordinator's own (it enters the next draft)."""
    found = policy.scoped_or_404(ManualSection.objects, request, pk=pk) if pk else None
    error = ""
    if request.method == "POST":
        try:
            services.section_save(
                agency=request.agency, by=request.user, section=found,
                title=request.POST.get("title", ""), body=request.POST.get("body", ""),
            )  # fmt: skip
        except ValidationError as e:
            error = " ".join(e.messages)
        else:
            return redirect("manual:index")
    values = {
        "title": request.POST.get("title", found.title if found else ""),
        "body": request.POST.get("body", found.body if found else ""),
    }
    return render(
        request, "manual/section.html", {"section": found, "error": error, "values": values}
    )


@require_POST
@policy.requires(P.MANUAL_EDIT)
def draft(request: policy.AgencyRequest) -> HttpResponse:
    version = services.draft(agency=request.agency, by=request.user)
    messages.success(request, f"Draft version {version.number} is ready for the committee.")
    return redirect("manual:index")


@require_POST
@policy.requires(P.MANUAL_APPROVE)
def publish(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    version = policy.scoped_or_404(ManualVersion.objects, request, pk=pk)
    try:
        services.publish(version=version, by=request.user, note=request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Version {version.number} published: everyone is asked to "
                         "acknowledge it.")  # fmt: skip
    return redirect("manual:index")
