"""Sign-in pages under /signin/; the passkey ceremonies are `passkeys.py`, included beside."""

from typing import Any

from django.urls import path

from peerline.accounts import policy

from . import oidc, views
from .middleware import second_factor_open

app_name = "signin"


def _public(view: Any) -> Any:
    return second_factor_open(policy.public(view))


urlpatterns = [
    path("enrol/", views.enrol, name="enrol"),
    path("verify/", views.verify, name="verify"),
    path("recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("recovery-codes/new/", views.recovery_codes_renew, name="recovery-codes-new"),
    path("devices/", views.devices, name="devices"),
    path("devices/<str:kind>/<int:pk>/remove/", views.device_remove, name="device-remove"),
    path("refused/", views.refused, name="refused"),
    path("policy/", views.sign_in_policy, name="policy"),
    path("sso/start/", _public(oidc.AuthenticateView.as_view()), name="sso-start"),
    path("sso/callback/", _public(oidc.CallbackView.as_view()), name="sso-callback"),
]
