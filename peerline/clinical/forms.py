"""Forms of clinical support: plain Django forms with USWDS classes; the rules are in `services`."""

from typing import Any, cast

from django import forms
from django.utils.dateformat import format as date_format

from peerline.accounts import policy
from peerline.accounts.models import Role, User
from peerline.agencies.models import Agency
from peerline.core import offlist, validation
from peerline.uswds import style

from .models import (
    ClinicalRole,
    ConsultationOutcome,
    ConsultationReason,
    MentalHealthProfessional,
    Resource,
    ResourceCategory,
    Urgency,
)
from .services import MAX_WEEKS, month_choices

LOCAL_DATETIME = "%Y-%m-%dT%H:%M"


class LoginChoiceField(validation.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.username})"


class ClinicianForm(forms.ModelForm):
    user = LoginChoiceField(
        label="Peerline log-in",
        queryset=User.objects.none(),
        required=False,
        empty_label="No log-in",
        help_text="A log-in with the clinical advisor role in this agency, if they have one.",
    )

    class Meta:
        model = MentalHealthProfessional
        fields = [
            "name",
            "role",
            "licence_type",
            "licence_number",
            "licence_state",
            "licence_expires",
            "familiar_with_public_safety",
            "phone",
            "email",
            "user",
            "active",
        ]
        labels = {
            "name": "Name",
            "licence_state": "Licence state (two letters)",
            "licence_expires": "Licence expires on",
            "familiar_with_public_safety": "Familiar with public safety work (2011 §5.1)",
            "phone": "Phone (for tap-to-call and text)",
            "active": "Active (may be on call)",
        }
        help_texts = {
            "licence_expires": "A warning shows 60 days before; once expired they are never on "
            "call.",
        }
        widgets = {
            "role": forms.RadioSelect,
            "licence_expires": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "licence_state": forms.TextInput(
                attrs={"maxlength": 2, "autocapitalize": "characters"}
            ),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any):
        super().__init__(*args, **kwargs)
        role = cast(forms.ChoiceField, self.fields["role"])
        role.choices = ClinicalRole.choices
        user = cast(forms.ModelChoiceField, self.fields["user"])
        user.queryset = policy.holders(agency, Role.CLINICAL_ADVISOR).order_by(
            "last_name", "first_name", "username"
        )
        style(self.fields)


class ShiftForm(forms.Form):
    """One on-call shift in the agency's local time, optionally repeated weekly (2011 §5.1)."""

    clinician = validation.ModelChoiceField(
        label="Clinician",
        queryset=MentalHealthProfessional.objects.none(),
        empty_label="Choose a clinician",
    )
    starts_at = forms.DateTimeField(
        label="Starts",
        input_formats=[LOCAL_DATETIME],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_DATETIME),
    )
    ends_at = forms.DateTimeField(
        label="Ends",
        input_formats=[LOCAL_DATETIME],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_DATETIME),
        help_text="The shift covers up to, not including, this time.",
    )
    weeks = forms.IntegerField(
        label="Repeat weekly for (weeks)",
        min_value=1,
        max_value=MAX_WEEKS,
        initial=1,
        help_text="1 for this shift only; 4 adds the same hours each week for four weeks.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any):
        super().__init__(*args, **kwargs)
        clinician = cast(forms.ModelChoiceField, self.fields["clinician"])
        clinician.queryset = MentalHealthProfessional.objects.filter(agency=agency, active=True)
        style(self.fields)


class ConsultationForm(offlist.AnsweredForm):
    """A consultation as non-identifying statistics, every answer a tile (2011 §5.1, §6.7). The
    field names are exactly `services.CONSULTATION_FIELDS`. No answer is chosen in advance:
    each is counted, so each must be given."""

    field_order = ["reason", "urgency", "outcome", "month", "clinician"]

    month = forms.ChoiceField(label="Month", widget=forms.RadioSelect)
    reason = forms.ChoiceField(
        label="Reason", choices=ConsultationReason.choices, widget=forms.RadioSelect
    )
    urgency = forms.ChoiceField(label="Urgency", choices=Urgency.choices, widget=forms.RadioSelect)
    outcome = forms.ChoiceField(
        label="Outcome", choices=ConsultationOutcome.choices, widget=forms.RadioSelect
    )
    clinician = forms.TypedChoiceField(
        label="Clinician consulted",
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any):
        months = month_choices(agency)[:4]  # a consultation is logged soon after it happens
        # No answer is chosen for the PSP: each one feeds a statistic (2011 §3.9).
        kwargs.setdefault("initial", {"clinician": ""})
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["month"]).choices = [
            (f"{month:%Y-%m}", date_format(month, "F Y")) for month in months
        ]
        cast(forms.ChoiceField, self.fields["clinician"]).choices = [
            ("", "Not recorded"),
            *(
                (str(c.pk), c.name)
                for c in MentalHealthProfessional.objects.filter(agency=agency, active=True)
            ),
        ]
        for field in self.fields.values():
            field.error_messages.update(
                required=offlist.UNANSWERED, invalid_choice="Choose one of the answers listed."
            )


class ResourceForm(forms.ModelForm):
    website = forms.URLField(
        label="Website",
        required=False,
        assume_scheme="https",
        help_text="The full address, starting with https://",
    )

    class Meta:
        model = Resource
        fields = [
            "category",
            "name",
            "description",
            "hours",
            "always_open",
            "for_families",
            "for_retirees",
            "phone",
            "text",
            "website",
            "address",
        ]
        labels = {
            "always_open": "Open 24 hours a day, 7 days a week",
            "for_families": "Serves employees' families (2011 §2.3.7)",
            "for_retirees": "Serves retirees (2011 §1.1)",
            "text": "Text or chat",
            "hours": "Hours",
        }
        help_texts = {
            "text": "A number to text, or “WORD to NUMBER” (START to 88788).",
            "hours": "As the service publishes them, e.g. “Mon–Fri 8:00–17:00”.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"type": "tel"}),
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        style(self.fields)


class ResourceFilter(forms.Form):
    """Filter the directory by category and 24/7 (GET: no personal data in the query)."""

    category = forms.ChoiceField(
        label="Category",
        required=False,
        choices=[("", "All categories"), *ResourceCategory.choices],
    )
    open = forms.BooleanField(label="Open 24/7 only", required=False)
    serves = forms.ChoiceField(
        label="For",
        required=False,
        choices=[("", "Everyone"), ("families", "Families"), ("retirees", "Retirees")],
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        style(self.fields)
