"""Single sign-on with OpenID Connect through mozilla-django-oidc (issue 11 §2).

The backend matches the provider's claims to a roster employee and never creates an account;
a refusal sends the person to a page that says why. When the provider's ID token says it used
a second factor itself (`amr`), Peerline does not ask for one again.
"""

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from peerline.accounts.backends import UserWithRoles

from .services import SignInRefused, sso_sign_in

REFUSED_SESSION_KEY = "peerline_sso_refused"
# Set in the session when the person signed in through the identity provider.
SSO_SESSION_KEY = "peerline_sso"
# Set in the session when the identity provider reports a second factor of its own.
PROVIDER_MFA_SESSION_KEY = "peerline_provider_mfa"
# RFC 8176 methods that are a second factor (Entra ID reports "mfa"; others "otp", "hwk", …).
MFA_METHODS = frozenset({"mfa", "otp", "hwk", "swk", "sms", "fpt", "face", "iris", "retina"})


def enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID and settings.OIDC_OP_AUTHORIZATION_ENDPOINT)


class RosterOIDCBackend(UserWithRoles, OIDCAuthenticationBackend):
    """Authenticates the OpenID Connect code flow against the roster. A session it opened loads
    its user with their roles (`UserWithRoles`), and ends when the account is disabled."""

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return True  # what is needed is decided by `match_employee`, which says why it refuses

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        # Claims from the user-info endpoint, over those of the signed ID token.
        claims = {**payload, **self.get_userinfo(access_token, id_token, payload)}
        try:
            user = sso_sign_in(claims=claims)
        except SignInRefused as refused:
            self.request.session[REFUSED_SESSION_KEY] = refused.reason
            return None
        # `amr` only from the signed ID token: the user-info response is not signed.
        methods = payload.get("amr") or []
        user.peerline_provider_mfa = bool(  # type: ignore[attr-defined]
            MFA_METHODS & set(methods)
        )
        return user

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        if not enabled():
            return None
        return super().authenticate(request, **kwargs)

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        return self.UserModel.objects.none()  # never used: `get_or_create_user` decides

    def create_user(self, claims: dict[str, Any]) -> Any:
        raise SignInRefused("not_on_roster")  # never reached; single sign-on creates no one


class AuthenticateView(OIDCAuthenticationRequestView):
    """Sends the browser to the identity provider; 404 when single sign-on is not configured."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404
        return super().get(request)

    def login_success(self) -> HttpResponse:
        response = super().login_success()
        self.request.session[SSO_SESSION_KEY] = True
        if getattr(self.user, "peerline_provider_mfa", False):
            self.request.session[PROVIDER_MFA_SESSION_KEY] = True
        return response

    def login_failure(self) -> HttpResponse:
        if REFUSED_SESSION_KEY not in self.request.session:
            self.request.session[REFUSED_SESSION_KEY] = "provider"
        return HttpResponseRedirect(reverse("signin:refused"))


def provider_logout_url(request: HttpRequest) -> str:
    """The provider's end-session URL for this session (RP-Initiated Logout 1.0), or "" when the
    person did not sign in through the provider or it offers no end_session_endpoint."""
    endpoint = settings.PEERLINE_OIDC_END_SESSION_ENDPOINT
    through_sso = hasattr(request, "session") and request.session.get(SSO_SESSION_KEY)
    if not (enabled() and endpoint and through_sso):
        return ""
    back = request.build_absolute_uri(reverse(settings.LOGOUT_REDIRECT_URL))
    # The client names the session's relying party; no ID token is kept to send as a hint (it
    # carries the person's claims, and the session table should not).
    query = urlencode({"client_id": settings.OIDC_RP_CLIENT_ID, "post_logout_redirect_uri": back})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


class LogoutView(auth_views.LogoutView):
    """Django's log-out (POST only, CSRF-checked); after single sign-on it goes on to the
    provider's end-session endpoint, which comes back to Peerline's sign-in page."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        at_provider = provider_logout_url(request)  # read before the session is flushed
        response = super().post(request, *args, **kwargs)
        if at_provider and response.status_code in (301, 302):
            return HttpResponseRedirect(at_provider)
        return response
