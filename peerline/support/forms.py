from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from peerline.agencies.models import Agency, Category, Division, JobFamily
from peerline.core import validation
from peerline.notifications.outbox import PHONE_RE, phone_digits
from peerline.team.models import Language
from peerline.uswds import style

from .models import Requester, SupportSettings, Window
from .selectors import requesters

ANY = [("", "No preference")]


class RequestForm(forms.Form):
    """One page, one tap: every field is optional (2011 §3.6)."""

    requester = forms.ChoiceField(label="I am", choices=Requester.choices, required=False)
    callback_phone = forms.CharField(
        label="Phone number to call or text you back (optional)",
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel"}),
    )
    callback_email = forms.EmailField(
        label="Or an e-mail address (optional)",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    window = forms.ChoiceField(label="When to reach you", choices=Window.choices, required=False)
    category = forms.ChoiceField(
        label="A peer supporter who is", choices=ANY + list(Category.choices), required=False
    )
    job_family = forms.ChoiceField(
        label="Who works in", choices=ANY + list(JobFamily.choices), required=False
    )
    not_division = validation.ModelChoiceField(
        label="Not from my division",
        queryset=Division.objects.none(),
        required=False,
        empty_label="Anyone",
        help_text="Nobody from the division you pick is asked.",
    )
    language = forms.ChoiceField(
        label="Who speaks", choices=ANY + list(Language.choices), required=False
    )

    def __init__(self, *args: Any, agency: Agency, rules: SupportSettings, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["not_division"].queryset = Division.objects.filter(agency=agency)  # type: ignore[attr-defined]
        allowed = requesters(rules)
        requester = self.fields["requester"]
        requester.choices = [(r, Requester(r).label) for r in allowed]  # type: ignore[attr-defined]
        if len(allowed) == 1:
            requester.widget = forms.HiddenInput()
        style(self.fields)

    def clean_callback_phone(self) -> str:
        value = self.cleaned_data["callback_phone"]
        if value and not PHONE_RE.match(phone_digits(value)):
            raise ValidationError("A phone number is 7 to 15 digits, with an optional +.")
        return phone_digits(value) if value else ""

    def clean_requester(self) -> str:
        return self.cleaned_data["requester"] or Requester.EMPLOYEE


class SettingsForm(forms.ModelForm):
    class Meta:
        model = SupportSettings
        fields = [
            "families_may_use",
            "retirees_may_use",
            "expiry_hours",
            "escalate_after_minutes",
            "psps_per_round",
            "shown_hours",
        ]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # The program's scope (the steering committee's, 2011 §2.3.7) comes first: the link
        # cannot open to people the program does not serve.
        agency = self.instance.agency
        for field, served, whom in (
            ("families_may_use", agency.serves_families, "families"),
            ("retirees_may_use", agency.serves_retirees, "retirees"),
        ):
            if not served:
                self.fields[field].help_text = (
                    f"The program does not serve {whom} (the steering committee decides): "
                    "the link stays closed to them whatever is chosen here."
                )
        style(self.fields)

    def clean_expiry_hours(self) -> int:
        value = int(self.cleaned_data["expiry_hours"])
        if not 1 <= value <= 72:
            raise ValidationError("Between 1 and 72 hours.")
        return value

    def clean_shown_hours(self) -> int:
        value = int(self.cleaned_data["shown_hours"])
        if not 1 <= value <= 24:
            raise ValidationError("Between 1 and 24 hours.")
        return value

    def clean_psps_per_round(self) -> int:
        value = int(self.cleaned_data["psps_per_round"])
        if not 1 <= value <= 20:
            raise ValidationError("Between 1 and 20.")
        return value

    def clean_escalate_after_minutes(self) -> int:
        value = int(self.cleaned_data["escalate_after_minutes"])
        if not 1 <= value <= 240:
            raise ValidationError("Between 1 and 240 minutes.")
        return value
