"""How django-axes names the account a failed log-in counts against.

No custom password backend is needed for even timing: Django 5.2's `ModelBackend` runs the
password hasher once for an unknown user name and for an account with no usable password
(invited, not yet signed in; disabled), as for a wrong password on a real account
(`test_a_failed_log_in_always_costs_one_password_hash`).
"""

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.db import router
from django.http import HttpRequest

from .models import User, user_with_roles


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


class UserWithRoles:
    """`get_user` for the backends a session names (passwords, single sign-on): the user with
    their roles and agencies in one query (`user_with_roles`), which the policy then reads with
    no query of its own (issue 18). An inactive account gets no user, as `ModelBackend` does."""

    def get_user(self, user_id: int) -> User | None:
        user = user_with_roles(user_id, using=router.db_for_read(User))
        return user if user is not None and user.is_active else None
