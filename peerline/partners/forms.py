"""The coordinator's forms for partner agreements (2011 §3.8.2): an offer, and the answer to one."""

from datetime import date
from typing import Any

from django import forms

from peerline.agencies.models import Agency
from peerline.core.validation import PLAN_DATE_MAX, date_error

from .selectors import partner_choices
from .services import Items


class DateInput(forms.DateInput):
    input_type = "date"


class ItemsForm(forms.Form):
    """What each side shares, seen from the agency answering the form."""

    we_directory = forms.BooleanField(
        label="Our peer supporters appear in their find-a-peer directory", required=False
    )
    we_training = forms.BooleanField(
        label="Their peer supporters may attend our training", required=False
    )
    we_aid = forms.BooleanField(label="We answer their mutual-aid requests", required=False)
    they_directory = forms.BooleanField(
        label="Their peer supporters appear in our find-a-peer directory", required=False
    )
    they_training = forms.BooleanField(
        label="Our peer supporters may attend their training", required=False
    )
    they_aid = forms.BooleanField(label="They answer our mutual-aid requests", required=False)

    def items(self) -> Items:
        return Items(**{name: bool(self.cleaned_data[name]) for name in Items.__dataclass_fields__})


class AgreementForm(ItemsForm):
    partner = forms.ModelChoiceField(
        label="Partner agency",
        queryset=Agency.objects.none(),
        empty_label="Choose an agency",
        error_messages={"required": "Choose the partner agency."},
    )
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
        kwargs.setdefault("initial", {"starts_on": today})
        super().__init__(*args, **kwargs)
        partner = self.fields["partner"]
        assert isinstance(partner, forms.ModelChoiceField)
        partner.queryset = partner_choices(agency)

    def clean_starts_on(self) -> date:
        return _bounded(self.cleaned_data["starts_on"])

    def clean_ends_on(self) -> date | None:
        value = self.cleaned_data.get("ends_on")
        return None if value is None else _bounded(value)


def _bounded(value: date) -> date:
    error = date_error(value, latest=PLAN_DATE_MAX)
    if error:
        raise forms.ValidationError(error)
    return value
