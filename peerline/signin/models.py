"""Each agency's sign-in policy: local passwords, who needs a second factor, and which identity
provider groups (if any) grant roles.

Single sign-on itself is configured per deployment, from the environment (`settings.py`); an
agency without a row here keeps the defaults: passwords allowed, a second factor for the roles
that see program data, no role ever taken from the identity provider.
"""

from django.core.exceptions import ValidationError
from django.db import models

from peerline.accounts.models import Role


class SecondFactorRule(models.TextChoices):
    # The roles that see program data (coordinator, clinical advisor, command staff, steering
    # committee, administrator); employees and PSPs may enrol if they wish.
    PRIVILEGED = "privileged", "Roles that see program data"
    EVERYONE = "everyone", "Everyone in the agency"


def _validate_group_roles(value: object) -> None:
    if not isinstance(value, dict):
        raise ValidationError("The group mapping is a table of group → role.")
    for group, role in value.items():
        if not isinstance(group, str) or not group.strip():
            raise ValidationError("Each group is named by its identifier at the identity provider.")
        if role not in Role.values:
            raise ValidationError(f"{role!r} is not a Peerline role.")


class SignInPolicy(models.Model):
    agency = models.OneToOneField(
        "agencies.Agency", on_delete=models.CASCADE, related_name="sign_in_policy"
    )
    local_passwords = models.BooleanField(
        "allow Peerline passwords",
        default=True,
        help_text="Off: this agency's people sign in only through single sign-on.",
    )
    second_factor = models.CharField(
        "second factor required for",
        max_length=16,
        choices=SecondFactorRule.choices,
        default=SecondFactorRule.PRIVILEGED,
    )
    # Identity provider group id → Peerline role. Empty: roles are never taken from the provider.
    # Each role named here is then the provider's to give and to take away.
    group_roles = models.JSONField(
        "identity provider groups that grant roles",
        default=dict,
        blank=True,
        validators=[_validate_group_roles],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "sign-in policy"
        verbose_name_plural = "sign-in policies"

    def __str__(self) -> str:
        return f"sign-in policy of {self.agency}"
