"""Forms of the incident pages. Times are typed in the agency's own time zone."""

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from peerline.agencies import clock
from peerline.agencies.models import Agency, Division
from peerline.core import validation
from peerline.core.validation import PLAN_DATE_MAX, date_error

from .models import IncidentArea, IncidentType
from .services import MAX_TEAM_SIZE, check_occurred_at, check_place

T = TypeVar("T")
LOCAL_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")


def _refused_as_form_error(check: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """A service check's refusal as this field's error."""
    try:
        return check(*args, **kwargs)
    except ValidationError as error:
        raise forms.ValidationError(
            [m for messages in error.message_dict.values() for m in messages]
        ) from None


def parse_local(value: str, agency: Agency) -> datetime:
    """A datetime-local value read in the agency's time zone."""
    for fmt in LOCAL_FORMATS:
        try:
            naive = datetime.strptime(value.strip(), fmt)  # noqa: DTZ007 (made aware below)
        except ValueError:
            continue
        return naive.replace(tzinfo=clock.zone(agency))
    raise forms.ValidationError("Enter a date and time, e.g. 2026-03-16 14:05.")


def local_input(moment: datetime, agency: Agency) -> str:
    """The value of a datetime-local input for `moment`, in the agency's time zone."""
    return clock.local_now(agency, moment).strftime("%Y-%m-%dT%H:%M")


class IncidentForm(forms.Form):
    """The fast form: what, when, where, which units, how many PSPs. The involved people are
    chosen apart, by a POSTed search (names never reach a URL)."""

    type = forms.ChoiceField(label="What happened", choices=IncidentType.choices)
    occurred_at = forms.CharField(label="When", max_length=32)
    area = validation.ModelChoiceField(
        label="General area",
        queryset=IncidentArea.objects.none(),
        required=False,
        empty_label="Choose the general area",
    )
    place = forms.CharField(
        label="More about the place (optional, no names)",
        max_length=200,
        strip=True,
        required=False,
    )
    units = validation.ModelMultipleChoiceField(
        label="Units involved", queryset=Division.objects.none(), required=False
    )
    team_size = forms.IntegerField(
        label="Peer supporters to send",
        min_value=1,
        max_value=MAX_TEAM_SIZE,
        required=False,
        help_text="Leave empty for the usual size for this type of incident.",
    )

    def __init__(self, *args: object, agency: Agency, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.agency = agency
        self.fields["units"].queryset = agency.divisions.order_by("name")  # type: ignore[attr-defined]
        areas = agency.incident_areas.filter(active=True)  # type: ignore[attr-defined]
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        self.fields["area"].required = areas.exists()

    def clean_occurred_at(self) -> datetime:
        moment = parse_local(self.cleaned_data["occurred_at"], self.agency)
        return _refused_as_form_error(check_occurred_at, moment, now=timezone.now())

    def clean_place(self) -> str:
        return _refused_as_form_error(check_place, self.agency, self.cleaned_data["place"])


class FollowUpTimeForm(forms.Form):
    due_at = forms.CharField(label="New date and time", max_length=32)

    def __init__(self, *args: object, agency: Agency, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.agency = agency

    def clean_due_at(self) -> datetime:
        moment = parse_local(self.cleaned_data["due_at"], self.agency)
        error = date_error(moment, latest=PLAN_DATE_MAX)
        if error:
            raise forms.ValidationError(error)
        return moment


class TeamSizeForm(forms.Form):
    team_size = forms.IntegerField(
        label="Peer supporters to send", min_value=1, max_value=MAX_TEAM_SIZE
    )
