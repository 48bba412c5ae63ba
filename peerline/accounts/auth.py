"""API authentication: a per-user bearer token, or the browser's session (with CSRF)."""

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from .models import ApiToken


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; tokens come from `peerline token USERNAME`."""

    def authenticate(self, request: HttpRequest, token: str):  # type: ignore[override]
        found = ApiToken.objects.for_key(token)
        if found is None:
            return None
        # The policy module reads request.user, as it does for browser sessions.
        request.user = found.user
        return found.user


API_AUTH = [TokenAuth(), SessionAuth()]
