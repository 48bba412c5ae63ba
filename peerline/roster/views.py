from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from peerline.accounts import policy
from peerline.accounts.models import Role
from peerline.agencies import chain, selectors
from peerline.agencies.models import Employee
from peerline.core import validation


@policy.requires(policy.Permission.ROSTER_VIEW)
def roster(request: policy.AgencyRequest) -> HttpResponse:
    """The HR roster as imported, by division, 50 a page (2011 §3.9 program logistics)."""
    agency = request.agency
    division_id = request.GET.get("division", "")
    employees = selectors.roster(agency=agency, division_id=validation.id_or_none(division_id))
    page = Paginator(employees, 50).get_page(validation.page_number(request.GET.get("page")))
    return render(
        request,
        "agencies/roster.html",
        {"page": page, "divisions": agency.divisions.all(), "division_id": division_id},
    )


@require_POST
@policy.requires(policy.Permission.ROSTER_VIEW)
def roster_search(request: policy.AgencyRequest) -> HttpResponse:
    """Name search, sent by POST so that names never appear in URLs or access logs."""
    search = request.POST.get("q", "").strip()
    matches = selectors.roster(agency=request.agency, search=search)[:50] if search else []
    return render(request, "agencies/_search_results.html", {"matches": matches, "q": search})


@policy.requires(policy.Permission.ROSTER_VIEW)
def employee_detail(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    """One employee and their chain of command, above and below (2011 §7.2)."""
    employee = policy.scoped_or_404(
        Employee.objects.select_related("division", "shift"), request, pk=pk
    )
    above_ids = chain.ancestor_ids(employee)
    above = sorted(Employee.objects.filter(pk__in=above_ids), key=lambda e: above_ids.index(e.pk))
    return render(
        request,
        "agencies/employee_detail.html",
        {
            "employee": employee,
            "above": above,
            "direct_reports": employee.direct_reports.filter(separated_on__isnull=True),
            "under_count": chain.everyone_under(employee).count(),
        },
    )


@policy.requires(policy.Permission.AGENCY_VIEW)
def agency(request: policy.AgencyRequest) -> HttpResponse:
    """The agency's program settings and its shape (2011 §3.2, §3.8.1)."""
    activation_roles = [
        role
        for role in Role
        if role.value in request.agency.activation_roles and role not in policy.NEVER_NAMES
    ]
    return render(
        request,
        "agencies/agency.html",
        {
            "shape": selectors.headcounts(agency=request.agency),
            "activation_roles": activation_roles,
        },
    )
