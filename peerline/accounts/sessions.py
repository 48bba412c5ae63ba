"""Session limits and the fresh sign-in for sensitive actions (CJIS AC-11, AC-12; ASVS V7).

* **Idle**: a session unused for `PEERLINE_IDLE_MINUTES_PRIVILEGED` (30) ends when the user holds
  a role that sees program data anywhere (coordinator, clinical advisor, command staff, steering
  committee, system administrator), after `PEERLINE_IDLE_MINUTES` (120) otherwise.
* **Absolute**: one shift, `PEERLINE_SESSION_HOURS` (12) after signing in, however active.
* **Fresh sign-in**: `@fresh_sign_in` on a view asks for the password again when it was last
  typed more than `PEERLINE_FRESH_SIGNIN_MINUTES` ago (activating a team member, changing
  settings or roles, exports).

The times live in the session, set when the user signs in (any way: password, single sign-on,
or a test's `force_login`, so tests need no helper).
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from . import policy
from .models import Role

SIGNED_IN_AT = "peerline_signed_in_at"
LAST_SEEN_AT = "peerline_last_seen_at"
CONFIRMED_AT = "peerline_confirmed_at"
SEEN_EVERY = timedelta(seconds=60)  # the session is rewritten at most once a minute for this

PRIVILEGED = frozenset(
    {
        Role.COORDINATOR,
        Role.CLINICAL_ADVISOR,
        Role.COMMAND_STAFF,
        Role.STEERING_COMMITTEE,
        Role.SYSTEM_ADMIN,
    }
)


def _stamp(now: datetime) -> float:
    return now.timestamp()


@receiver(user_logged_in, dispatch_uid="peerline.accounts.sessions.signed_in")
def signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = _stamp(timezone.now())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now
    request.session[CONFIRMED_AT] = now


def password_confirmed(request: HttpRequest) -> None:
    request.session[CONFIRMED_AT] = _stamp(timezone.now())


def idle_limit(request: HttpRequest) -> timedelta:
    """The shorter limit for a role that sees program data anywhere; read from the memberships
    the policy loads once per request, so the check costs no query of its own."""
    privileged = bool(policy.roles_anywhere(request) & PRIVILEGED)
    minutes = (
        settings.PEERLINE_IDLE_MINUTES_PRIVILEGED if privileged else settings.PEERLINE_IDLE_MINUTES
    )
    return timedelta(minutes=minutes)


def expired(request: HttpRequest, now: datetime) -> str:
    """Why the session must end now ("idle", "shift"), or "" if it may go on."""
    session = request.session
    signed_in_at = session.get(SIGNED_IN_AT)
    last_seen = session.get(LAST_SEEN_AT)
    if signed_in_at is None or last_seen is None:
        return ""  # a session from before these limits: they start now
    stamp = _stamp(now)
    if stamp - signed_in_at > settings.PEERLINE_SESSION_HOURS * 3600:
        return "shift"
    if stamp - last_seen > idle_limit(request).total_seconds():
        return "idle"
    return ""


def seen(request: HttpRequest, now: datetime) -> None:
    session = request.session
    stamp = _stamp(now)
    session.setdefault(SIGNED_IN_AT, stamp)
    session.setdefault(CONFIRMED_AT, stamp)
    if stamp - session.get(LAST_SEEN_AT, 0) >= SEEN_EVERY.total_seconds():
        session[LAST_SEEN_AT] = stamp


def is_fresh(request: HttpRequest) -> bool:
    typed = request.session.get(CONFIRMED_AT)
    limit = settings.PEERLINE_FRESH_SIGNIN_MINUTES * 60
    return typed is not None and _stamp(timezone.now()) - typed <= limit


V = TypeVar("V", bound=Callable[..., Any])


def fresh_sign_in(view: V) -> V:
    """Decorate a sensitive view: without a recent password, go and confirm it, then come back
    (a form's POST is not replayed: the person submits it again, knowingly)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return ask_again(request) or view(request, *args, **kwargs)

    wrapped.fresh_sign_in = True  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


def ask_again(request: HttpRequest) -> HttpResponse | None:
    """None when the password was typed recently; else the way to the password check, and back
    (for a view where only some actions are sensitive: `return ask_again(request) or ...`)."""
    if is_fresh(request):
        return None
    back = request.get_full_path() if request.method == "GET" else _referer(request)
    url = reverse("accounts:confirm") + "?" + urlencode({"next": back})
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _referer(request: HttpRequest) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.path
