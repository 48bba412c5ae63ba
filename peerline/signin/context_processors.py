from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .oidc import enabled


def single_sign_on(request: HttpRequest) -> dict[str, Any]:
    """Whether the log-in page offers single sign-on, and under which name."""
    return {"sso_enabled": enabled(), "sso_provider_name": settings.PEERLINE_OIDC_PROVIDER_NAME}
