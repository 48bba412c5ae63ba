"""The sign-in policy form (issue 11 §2, §3): the coordinator's or administrator's page."""

from django import forms

from peerline.accounts.models import Role
from peerline.uswds import UswdsForm

from .models import SecondFactorRule


def _mapping_text(mapping: dict[str, str]) -> str:
    return "\n".join(f"{group} = {role}" for group, role in sorted(mapping.items()))


class SignInPolicyForm(UswdsForm):
    local_passwords = forms.BooleanField(
        label="Allow Peerline passwords (off: single sign-on only)", required=False
    )
    second_factor = forms.ChoiceField(
        label="Second factor required for", choices=SecondFactorRule.choices
    )
    group_roles = forms.CharField(
        label="Identity provider groups that grant roles",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line: the group's identifier at the provider, “=”, a Peerline role ("
        + ", ".join(Role.values)
        + "). Empty: roles are never taken from the identity provider. A role named here is "
        "then the provider's to give and to take away.",
    )

    @staticmethod
    def initial_for(policy) -> dict[str, object]:  # type: ignore[no-untyped-def]
        return {
            "local_passwords": policy.local_passwords,
            "second_factor": policy.second_factor,
            "group_roles": _mapping_text(policy.group_roles),
        }

    def clean_group_roles(self) -> dict[str, str]:
        mapping: dict[str, str] = {}
        for number, line in enumerate(self.cleaned_data["group_roles"].splitlines(), start=1):
            if not line.strip():
                continue
            group, sep, role = line.partition("=")
            group, role = group.strip(), role.strip()
            if not sep or not group or not role:
                raise forms.ValidationError(f"Line {number}: write “group = role”.")
            if role not in Role.values:
                raise forms.ValidationError(f"Line {number}: “{role}” is not a Peerline role.")
            if group in mapping:
                raise forms.ValidationError(f"Line {number}: “{group}” is named twice.")
            mapping[group] = role
        return mapping
