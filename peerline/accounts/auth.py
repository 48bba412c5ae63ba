"""API authentication with the role check built in.

Each operation names its permission with `auth=api_auth(Permission.X)`. The check runs as part of
authentication, before the request body is read, so a wrong role gets 403 whatever it sends, and
no identity gets 401. The rule itself lives in `policy`, shared with the pages.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from . import policy, throttle
from .models import ApiToken, User


def _grant(request: HttpRequest, user: User | None, permission: policy.Permission) -> User | None:
    if user is None:
        return None
    request.user = user  # the policy reads request.user, as it does for pages
    try:
        request.agency = policy.check(request, permission)  # type: ignore[attr-defined]
    except PermissionDenied:
        raise HttpError(403, "Your role in this agency does not allow this.") from None
    return user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; tokens come from the "API tokens" page or
    `peerline token USERNAME`, and expire (`PEERLINE_TOKEN_DAYS`)."""

    def __init__(self, permission: policy.Permission):
        super().__init__()
        self.permission = permission

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # Guessed tokens: a few failures a minute per address, then 429 (`throttle`).
        if throttle.blocked("api", request):
            raise HttpError(429, throttle.TOO_MANY)
        found, memberships = ApiToken.objects.for_key_with_roles(token)
        if found is None:
            throttle.failed("api", request)
            return None
        if memberships:
            policy.remember_memberships(request, found.user_id, memberships)
        return _grant(request, found.user, self.permission)


class SessionAuth(NinjaSessionAuth):
    """The browser's session cookie, with Django's CSRF check on unsafe methods."""

    def __init__(self, permission: policy.Permission):
        super().__init__(csrf=True)
        self.permission = permission

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user if request.user.is_authenticated else None
        return _grant(request, user, self.permission)  # type: ignore[arg-type]


def api_auth(permission: policy.Permission) -> list[Any]:
    return [TokenAuth(permission), SessionAuth(permission)]
