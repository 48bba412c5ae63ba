from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from peerline.audit.services import record

from .models import SignInPolicy


@admin.register(SignInPolicy)
class SignInPolicyAdmin(admin.ModelAdmin):
    """Where the system administrator switches an agency's Peerline passwords off, asks
    everyone for a second factor, or hands roles to identity provider groups."""

    list_display = ["agency", "local_passwords", "second_factor", "updated_at"]
    fields = ["agency", "local_passwords", "second_factor", "group_roles"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        record(
            "signin.policy_changed",
            by=request.user,
            agency=obj.agency,
            detail={
                "local_passwords": obj.local_passwords,
                "second_factor": obj.second_factor,
                "group_roles": obj.group_roles,
            },
        )
