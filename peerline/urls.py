from django.contrib import admin
from django.urls import include, path

from peerline.accounts import views as account_views
from peerline.roster import views as agency_views
from peerline.signin import oidc as signin_oidc
from peerline.web import health_views as core_views
from peerline.web import views as web_views

from . import __version__
from .api import api

admin.site.site_header = f"Peerline {__version__} administration"

urlpatterns = [
    path("", web_views.home, name="home"),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    # Ends the identity provider's session too after single sign-on (signin/oidc.py).
    path("accounts/logout/", signin_oidc.LogoutView.as_view(), name="logout"),
    path("accounts/agency/", account_views.switch_agency, name="switch-agency"),
    path("accounts/", include("peerline.accounts.urls")),
    path("", include("peerline.pwa.urls")),
    path("healthz", core_views.health, name="health"),
    path("readyz", core_views.ready, name="ready"),
    path("roster/", agency_views.roster, name="roster"),
    path("roster/search/", agency_views.roster_search, name="roster-search"),
    path("roster/<int:pk>/", agency_views.employee_detail, name="employee-detail"),
    path("agency/", agency_views.agency, name="agency"),
    path("contacts/", include("peerline.contacts.urls")),
    path("stats/", include("peerline.stats.urls")),
    path("team/", include("peerline.team.urls")),
    path("coverage/", include("peerline.coverage.urls")),
    path("peers/", include("peerline.directory.urls")),
    path("partners/", include("peerline.partners.urls")),
    path("training/", include("peerline.training.urls")),
    path("clinical/", include("peerline.clinical.urls")),
    path("resources/", include("peerline.clinical.resource_urls")),
    path("incidents/", include("peerline.incidents.urls")),
    path("page/", include("peerline.incidents.respond_urls")),
    path("notifications/", include("peerline.notifications.urls")),
    path("reach/", include("peerline.support.urls")),
    path("audit/", include("peerline.web.audit_urls")),
    path("signin/", include("peerline.signin.urls")),
    path("signin/passkeys/", include("peerline.signin.passkeys")),
    path("program/", include("peerline.governance.urls")),
    path("committee/", include("peerline.committee.urls")),
    path("manual/", include("peerline.manual.urls")),
    path("assessment/", include("peerline.assessment.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
