"""The home page: each role's start, combining what every app has waiting (issue 14: the top layer)."""

from django.http import HttpResponse
from django.shortcuts import render

from peerline.accounts import policy
from peerline.accounts.models import Role
from peerline.incidents.selectors import open_incidents

from .home import start, waiting_for


@policy.requires(policy.Permission.HOME)
def home(request: policy.AgencyRequest) -> HttpResponse:
    """The role-aware start page: each role sees what the guidelines give it to do."""
    my_roles = policy.roles(request)
    live = None
    if policy.allows(request, policy.Permission.INCIDENT_ACTIVATE):
        # The coordinator at 3 a.m.: opening an incident and the live ones come first (issue 17).
        # Their area in the same query; their number is the reminder's count.
        live = list(
            open_incidents(agency=request.agency).select_related("area").order_by("-occurred_at")
        )
    begun = start(request)
    context: dict[str, object] = {
        "my_roles": [role for role in Role if role in my_roles],
        "employee": begun.employee,
        "tasks": waiting_for(request, begun, live),
        "paging_problems": begun.paging,
        "live_incidents": live,
    }
    if "employees" in begun.counts:
        context["shape"] = {
            name: begun.counts[name] for name in ("employees", "divisions", "shifts")
        }
    return render(request, "accounts/home.html", context)
