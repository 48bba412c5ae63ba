from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from . import policy


@method_decorator(policy.public, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@require_POST
@policy.requires(policy.Permission.HOME)
def switch_agency(request: policy.AgencyRequest) -> HttpResponse:
    """Act in another of the user's agencies (regional teams, 2011 §3.8.2)."""
    wanted = request.POST.get("agency", "")
    mine = {str(agency.pk) for agency in policy.agencies_of(request)}
    if wanted in mine:
        request.session[policy.AGENCY_SESSION_KEY] = int(wanted)
    return redirect("home")
