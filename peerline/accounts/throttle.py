"""A small fixed-window limit on failures per client address, for what django-axes does not
cover: bearer tokens on the API and the one-tap page links (`/page/<token>/`).

django-axes counts failed log-ins with a user name; a guessed token has none, so the count here
is per address: `PEERLINE_THROTTLE_PER_MINUTE` failures in a minute, then 429 until the minute
is over. It lives in Django's cache (per process with the default local-memory cache; set a
shared `CACHES` backend when several processes serve Peerline).
"""

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse

WINDOW = 60  # seconds
TOO_MANY = "Too many wrong links or tokens from this address. Wait a minute and try again."


def _key(scope: str, request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    return f"peerline:throttle:{scope}:{address}:{int(time.time() // WINDOW)}"


def blocked(scope: str, request: HttpRequest) -> bool:
    """Has this address used up its failures for `scope` in this minute?"""
    return int(cache.get(_key(scope, request), 0)) >= settings.PEERLINE_THROTTLE_PER_MINUTE


def failed(scope: str, request: HttpRequest) -> None:
    """Count one failure (a wrong token) for this address."""
    key = _key(scope, request)
    cache.add(key, 0, WINDOW * 2)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW * 2)


V = TypeVar("V", bound=Callable[..., Any])


def limit_failures(scope: str) -> Callable[[V], V]:
    """Decorate a public view whose URL holds a token: a 404 (a wrong token) counts as a
    failure, and an address past the limit gets 429 before the token is even read."""

    def decorator(view: V) -> V:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if blocked(scope, request):
                return HttpResponse(TOO_MANY, status=429, content_type="text/plain")
            try:
                response = view(request, *args, **kwargs)
            except Http404:
                failed(scope, request)
                raise
            if response.status_code == 404:
                failed(scope, request)
            return response

        return wrapped  # type: ignore[return-value]

    return decorator
