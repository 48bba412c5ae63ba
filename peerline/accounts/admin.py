from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest, HttpResponse

from .models import ApiToken, Membership, User
from .sessions import ask_again


class FreshSignInAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Roles and accounts change here: the password again if it was typed long ago."""

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST" and (confirm := ask_again(request)):
            return confirm
        return super().changeform_view(request, *args, **kwargs)


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 1


@admin.register(User)
class PeerlineUserAdmin(FreshSignInAdmin, UserAdmin):  # type: ignore[type-arg]
    inlines = [MembershipInline]
    list_display = ["username", "email", "first_name", "last_name", "is_active", "last_login"]
    list_filter = ["is_active", "disabled_reason", "is_staff"]


@admin.register(Membership)
class MembershipAdmin(FreshSignInAdmin):
    list_display = ["user", "agency", "role", "created_at"]
    list_filter = ["agency", "role"]
    search_fields = ["user__username"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Tokens can be revoked here; people make their own on the "API tokens" page."""

    list_display = ["user", "name", "created_at", "expires_at", "last_used_at"]
    readonly_fields = ["user", "name", "digest", "created_at", "expires_at", "last_used_at"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
