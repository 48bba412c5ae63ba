"""The home page: each role's start, combining what every app has waiting (issue 14: the top layer)."""

from django.http import HttpResponse
from django.shortcuts import render

from peerline.accounts import policy
from peerline.accounts.models import Role
from peerline.agencies.selectors import headcounts
from peerline.incidents.selectors import open_incidents

from .home import paging_banner, waiting_for


@policy.requires(policy.Permission.HOME)
def home(request: policy.AgencyRequest) -> HttpResponse:
    """The role-aware start page: each role sees what the guidelines give it to do."""
    my_roles = policy.roles(request)
    context = {
        "my_roles": [role for role in Role if role in my_roles],
        "can": {perm.name: policy.allows(request, perm) for perm in policy.Permission},
        "employee": getattr(request.user, "employee", None),
        "tasks": waiting_for(request),
        "paging_problems": paging_banner(request),
    }
    if policy.allows(request, policy.Permission.ROSTER_VIEW):
        context["shape"] = headcounts(agency=request.agency)
    if policy.allows(request, policy.Permission.INCIDENT_ACTIVATE):
        # The coordinator at 3 a.m.: opening an incident and the live ones come first (issue 17).
        context["live_incidents"] = open_incidents(agency=request.agency).order_by("-occurred_at")
    return render(request, "accounts/home.html", context)
