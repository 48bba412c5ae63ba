"""Passkeys through django-otp-webauthn: its views, with the enrolment recorded in the audit
trail and the first factor's recovery codes made, as for an authenticator app."""

from typing import Any

from django.http import HttpResponse
from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp_webauthn import views as webauthn

from peerline.accounts import policy

from . import services
from .views import NEW_CODES_SESSION_KEY


class CompleteRegistration(webauthn.CompleteCredentialRegistrationView):
    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            user: Any = self.request.user
            services.record_passkey_enrolled(user=user)
            if not StaticDevice.objects.filter(user=user).exists():
                codes = services.recovery_codes_renew(user=user)
                self.request.session[NEW_CODES_SESSION_KEY] = codes
        return response


def _open(view: Any) -> Any:
    # The ceremonies check the user themselves (registration needs a session; passwordless
    # log-in is off), and run between the password and the second factor.
    return policy.public(view)


app_name = "otp_webauthn"
urlpatterns = [
    path(
        "registration/begin/",
        _open(webauthn.BeginCredentialRegistrationView.as_view()),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        _open(CompleteRegistration.as_view()),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        _open(webauthn.BeginCredentialAuthenticationView.as_view()),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        _open(webauthn.CompleteCredentialAuthenticationView.as_view()),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        _open(JavaScriptCatalog.as_view(packages=["django_otp_webauthn"])),
        name="js-i18n-catalog",
    ),
]
