"""Accounts, per-agency roles and API tokens.

A user's roles are held per agency (2011 §3.8.2: one deployment may serve several agencies of a
regional team); the policy module (`policy.py`) is the one place that reads them.
"""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who logs in. Their link to the HR roster, if any, is `Employee.user`."""

    class Meta:
        db_table = "accounts_user"


class Role(models.TextChoices):
    """The roles of DESIGN.md, each named after the guideline clause it serves."""

    EMPLOYEE = "employee", "Employee"  # 2011 §1.1, §3.6: any member may seek and choose support
    PEER_SUPPORTER = "peer_supporter", "Peer supporter"  # 2011 §2.1
    COORDINATOR = "coordinator", "Program coordinator"  # 2011 §3.9
    CLINICAL_ADVISOR = "clinical_advisor", "Clinical advisor"  # 2011 §3.4, §5.1
    COMMAND_STAFF = "command_staff", "Command staff"  # 2011 §3.1: anonymous statistics only
    STEERING_COMMITTEE = "steering_committee", "Steering committee member"  # 2011 §3.2, §8.1
    SYSTEM_ADMIN = "system_admin", "System administrator"


class Membership(models.Model):
    """One role of one user in one agency."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="unique_membership_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.agency.code}"


def _digest(key: str) -> str:
    # Tokens are long random strings, so a fast keyed hash is enough (no need for a slow KDF).
    return hashlib.sha256(f"{settings.SECRET_KEY}:{key}".encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def for_key(self, key: str) -> "ApiToken | None":
        return self.select_related("user").filter(digest=_digest(key), user__is_active=True).first()


class ApiToken(models.Model):
    """A per-user bearer token for the JSON API. Only its hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ApiTokenQuerySet.as_manager()

    def __str__(self) -> str:
        return f"token of {self.user}"

    @classmethod
    def issue(cls, user: User) -> str:
        """Create a token for `user` and return its key, which is shown once and never stored."""
        key = settings.API_TOKEN_PREFIX + secrets.token_urlsafe(32)
        cls.objects.create(user=user, digest=_digest(key))
        return key
