"""How django-axes names the account a failed log-in counts against.

No custom password backend is needed for even timing: Django 5.2's `ModelBackend` runs the
password hasher once for an unknown user name and for an account with no usable password
(invited, not yet signed in; disabled), as for a wrong password on a real account
(`test_a_failed_log_in_always_costs_one_password_hash`).
"""

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The name django-axes counts failures under: folded, so "Ann" and "ann " are one."""
    name = (credentials or {}).get("username") or ""
    if not name and request is not None:
        name = request.POST.get("username", "")
    return str(name).strip().casefold()


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, first in `AUTHENTICATION_BACKENDS`.

    Every log-in over HTTP comes with its request and is counted. A call without one (a script,
    the test client's `login()`) has no address or form to count and is left to the password
    backend, where django-axes itself would raise.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
