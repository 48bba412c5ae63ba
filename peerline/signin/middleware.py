"""After log-in, the roles that see program data show a second factor before anything else
(issue 11 §3): enrol one if they have none, verify it if they have. Anyone else who enrolled a
factor verifies it too. The log-in and log-out pages, the enrol and verify pages, the health
check and static files are left alone.

Installed after `django_otp.middleware.OTPMiddleware` (which tells whether the session is
verified) and after `AuthenticationMiddleware`.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from peerline.accounts import policy

from .oidc import PROVIDER_MFA_SESSION_KEY
from .selectors import SecondFactorState, second_factor_state

# URL names (and namespaces) reachable before the second factor.
OPEN_NAMES = frozenset({"login", "logout", "health"})
OPEN_NAMESPACES = frozenset({"otp_webauthn", "oidc"})


def second_factor_open(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view reachable between the password and the second factor."""
    view.second_factor_open = True  # type: ignore[attr-defined]
    return view


def needs_second_factor(request: HttpRequest) -> bool:
    """True while this session must still show a second factor. A verified session asks the
    database nothing more; one that is not asks once (`_state`)."""
    cached = getattr(request, "_peerline_needs_second_factor", None)
    if cached is None:
        user: Any = request.user
        cached = bool(
            user.is_authenticated
            and not user.is_verified()
            and not request.session.get(PROVIDER_MFA_SESSION_KEY)
            and any(_state(request))
        )
        request._peerline_needs_second_factor = cached  # type: ignore[attr-defined]
    return cached


def _state(request: HttpRequest) -> SecondFactorState:
    """Whether the user must show a second factor and has one, once per request: one query,
    the user's roles and agencies taken from the memberships the policy read with the user."""
    cached = getattr(request, "_peerline_second_factor_state", None)
    if cached is None:
        cached = second_factor_state(
            request.user,  # type: ignore[arg-type]
            roles=policy.roles_anywhere(request),
            agency_ids={agency.pk for agency in policy.agencies_of(request)},
        )
        request._peerline_second_factor_state = cached  # type: ignore[attr-defined]
    return cached


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if (
            getattr(view, "second_factor_open", False)
            or (match is not None and (match.url_name in OPEN_NAMES
                                       or OPEN_NAMESPACES & set(match.namespaces)))
            or not needs_second_factor(request)
        ):  # fmt: skip
            return None
        if match is not None and "api" in match.namespaces:
            return JsonResponse(
                {"detail": "Verify your second factor in the browser first."}, status=403
            )
        step = "signin:verify" if _state(request).enrolled else "signin:enrol"
        return HttpResponseRedirect(
            f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}"
        )
