from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from peerline.agencies.selectors import headcounts
from peerline.core.health import paging_banner
from peerline.incidents.selectors import open_incidents

from . import policy
from .home import waiting_for
from .models import Role


@method_decorator(policy.public, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


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


@require_POST
@policy.requires(policy.Permission.HOME)
def switch_agency(request: policy.AgencyRequest) -> HttpResponse:
    """Act in another of the user's agencies (regional teams, 2011 §3.8.2)."""
    wanted = request.POST.get("agency", "")
    mine = {str(agency.pk) for agency in policy.agencies_of(request)}
    if wanted in mine:
        request.session[policy.AGENCY_SESSION_KEY] = int(wanted)
    return redirect("home")
