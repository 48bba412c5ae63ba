"""Peerline passwords, refused for the agencies that sign in only through single sign-on."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from peerline.accounts.backends import UserWithRoles

from .selectors import local_password_allowed

# Set on the request when the password was right but the agency wants single sign-on, so the
# log-in page can say where to go instead (only to someone who knows the password).
SSO_ONLY_ATTR = "peerline_sso_only"


class PasswordBackend(UserWithRoles, ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None,
        password: str | None = None, **kwargs: Any,
    ) -> Any:  # fmt: skip
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not local_password_allowed(user):
            if request is not None:
                setattr(request, SSO_ONLY_ATTR, True)
            return None
        return user
