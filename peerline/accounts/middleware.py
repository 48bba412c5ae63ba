"""Session limits on every request and `Cache-Control: no-store` on every response.

After log-out on a shared computer, the browser's back button must not show the roster,
incidents or statistics again from its cache: nothing Django serves may be stored. (Static
files are served before this, by WhiteNoise, and keep their long cache.)
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from . import sessions

ENDED = {
    "idle": "You were signed out after a while without activity. Sign in again to go on.",
    "shift": "You were signed out at the end of a shift (12 hours). Sign in again to go on.",
}


class SessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self._ended(request) or self.get_response(request)
        add_never_cache_headers(response)
        return response

    def _ended(self, request: HttpRequest) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return None
        now = timezone.now()
        why = sessions.expired(request, now)
        if not why:
            sessions.seen(request, now)
            return None
        logout(request)
        messages.info(request, ENDED[why])
        login = reverse("login")
        if request.method == "GET" and not request.path.startswith("/api/"):
            login += "?" + urlencode({"next": request.get_full_path()})
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login
            return response
        return redirect(login)
