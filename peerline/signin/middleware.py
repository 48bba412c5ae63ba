"""After log-in, the roles that see program data show a second factor before anything else
(issue 11 §3): enrol one if they have none, verify it if they have. Anyone else who enrolled a
factor verifies it too. The log-in and log-out pages, the enrol and verify pages, the health
check and static files are left alone.

Installed after `VerifiedDeviceMiddleware` (django-otp's, which tells whether the session is
verified) and after `AuthenticationMiddleware`.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.db import router
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from peerline.accounts import policy
from peerline.core import rawsql

from .oidc import PROVIDER_MFA_SESSION_KEY
from .selectors import SecondFactorState, second_factor_state

# URL names (and namespaces) reachable before the second factor.
OPEN_NAMES = frozenset({"login", "logout", "health"})
OPEN_NAMESPACES = frozenset({"otp_webauthn", "oidc"})


class VerifiedDeviceMiddleware(OTPMiddleware):
    """django-otp's `OTPMiddleware` (`request.user.is_verified()`), reading the device the
    session was verified with by a statement written once per device kind instead of compiling
    `Device.from_persistent_id`'s query on every request (issue 18). The same checks follow in
    django-otp: the device must still exist, be confirmed and belong to the session's user."""

    def _device_from_persistent_id(self, persistent_id: str) -> Device | None:
        return device_from_persistent_id(self._normalize_persistent_id(persistent_id))


_DEVICE_ROWS: dict[type[Device], rawsql.Rows] = {}


def device_from_persistent_id(persistent_id: str) -> Device | None:
    """`Device.from_persistent_id(persistent_id)`: the same parsing, the same refusal of any
    model that is not a device, None for anything that names no device."""
    try:
        model_label, device_id = persistent_id.rsplit("/", 1)
        app_label, model_name = model_label.split(".")
        model = apps.get_model(app_label, model_name)
        pk = int(device_id)
    except (ValueError, LookupError):
        return None
    if not issubclass(model, Device):
        return None
    rows = _DEVICE_ROWS.get(model)
    if rows is None:
        name = model._meta.pk.name
        rows = _DEVICE_ROWS[model] = rawsql.Rows(model, f"{{{name}}} = %s", [name])
    return rows.first(pk, using=router.db_for_read(model))  # type: ignore[no-any-return]


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
