"""The referral resource directory (2011 §2.3.5 referral, §8.3.24 local resources): everyone
reads it, by category and "open 24/7"; the coordinator keeps it up to date."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from peerline.accounts import policy

from . import services
from .forms import ResourceFilter, ResourceForm
from .models import Resource, ResourceCategory
from .views import add_errors

P = policy.Permission


@require_safe
@policy.requires(P.RESOURCES_VIEW)
def index(request: policy.AgencyRequest) -> HttpResponse:
    """Every resource, grouped by category; filters in the query string (no personal data)."""
    filters = ResourceFilter(request.GET or None)
    resources = Resource.objects.filter(agency=request.agency)
    category, always_open, serves = "", False, ""
    if filters.is_valid():
        category, always_open = filters.cleaned_data["category"], filters.cleaned_data["open"]
        serves = filters.cleaned_data["serves"]
    if serves == "families":
        resources = resources.filter(for_families=True)
    elif serves == "retirees":
        resources = resources.filter(for_retirees=True)
    if category:
        resources = resources.filter(category=category)
    if always_open:
        resources = resources.filter(always_open=True)
    labels = dict(ResourceCategory.choices)
    groups: dict[str, list[Resource]] = {}
    for resource in resources.order_by("category", "name"):
        groups.setdefault(resource.category, []).append(resource)
    # Crisis lines first: someone may need one now.
    order = [ResourceCategory.CRISIS_LINE, *(c for c in ResourceCategory if c != "crisis_line")]
    return render(
        request,
        "resources/index.html",
        {
            "filters": filters,
            "groups": [(code, labels[code], groups[code]) for code in order if code in groups],
            "count": sum(len(found) for found in groups.values()),
            "filtered": bool(category or always_open or serves),
            "can_manage": policy.allows(request, P.RESOURCES_MANAGE),
        },
    )


@require_http_methods(["GET", "POST"])
@policy.requires(P.RESOURCES_MANAGE)
def new(request: policy.AgencyRequest) -> HttpResponse:
    return _form(request, Resource(agency=request.agency))


@require_http_methods(["GET", "POST"])
@policy.requires(P.RESOURCES_MANAGE)
def edit(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    return _form(request, policy.scoped_or_404(Resource.objects, request, pk=pk))


def _form(request: policy.AgencyRequest, resource: Resource) -> HttpResponse:
    is_new = resource.pk is None
    form = ResourceForm(request.POST or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        try:
            services.resource_save(agency=request.agency, resource=form.instance)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{resource.name} saved.")
            return redirect("resources:index")
    return render(
        request, "resources/form.html", {"form": form, "resource": None if is_new else resource}
    )


@require_POST
@policy.requires(P.RESOURCES_MANAGE)
def delete(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    resource = policy.scoped_or_404(Resource.objects, request, pk=pk)
    services.resource_delete(resource=resource)
    messages.success(request, f"{resource.name} deleted.")
    return redirect("resources:index")
