"""The coordinator's form for a new partner agreement (2011 §3.8.2)."""

from datetime import date
from typing import Any

from django import forms

from peerline.agencies.models import Agency

from .selectors import partner_choices


class DateInput(forms.DateInput):
    input_type = "date"


class AgreementForm(forms.Form):
    partner = forms.ModelChoiceField(
        label="Partner agency",
        queryset=Agency.objects.none(),
        empty_label="Choose an agency",
        error_messages={"required": "Choose the partner agency."},
    )
    shares_directory = forms.BooleanField(
        label="Our peer supporters appear in their find-a-peer directory", required=False
    )
    shares_training = forms.BooleanField(
        label="Their peer supporters may attend our training", required=False
    )
    mutual_aid = forms.BooleanField(label="We answer their mutual-aid requests", required=False)
    starts_on = forms.DateField(
        label="Starts on", widget=DateInput, error_messages={"required": "Give the start date."}
    )
    ends_on = forms.DateField(
        label="Ends on (optional)",
        required=False,
        widget=DateInput,
        help_text="The last day in force. Leave empty for an agreement without an end date.",
    )

    def __init__(self, *args: Any, agency: Agency, today: date, **kwargs: Any):
        kwargs.setdefault(
            "initial",
            {
                "shares_directory": True,
                "shares_training": True,
                "mutual_aid": True,
                "starts_on": today,
            },
        )
        super().__init__(*args, **kwargs)
        partner = self.fields["partner"]
        assert isinstance(partner, forms.ModelChoiceField)
        partner.queryset = partner_choices(agency)
