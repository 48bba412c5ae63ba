"""Forms of the incident pages. Times are typed in the agency's own time zone."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from peerline.agencies.models import Agency, Division

from .models import IncidentType
from .services import MAX_TEAM_SIZE

LOCAL_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")
FUTURE_SLACK = timedelta(minutes=10)


def parse_local(value: str, agency: Agency) -> datetime:
    """A datetime-local value read in the agency's time zone."""
    for fmt in LOCAL_FORMATS:
        try:
            naive = datetime.strptime(value.strip(), fmt)  # noqa: DTZ007 (made aware below)
        except ValueError:
            continue
        return naive.replace(tzinfo=ZoneInfo(agency.time_zone))
    raise forms.ValidationError("Enter a date and time, e.g. 2026-03-16 14:05.")


def local_input(moment: datetime, agency: Agency) -> str:
    """The value of a datetime-local input for `moment`, in the agency's time zone."""
    return moment.astimezone(ZoneInfo(agency.time_zone)).strftime("%Y-%m-%dT%H:%M")


class IncidentForm(forms.Form):
    """The fast form: what, when, where, which units, how many PSPs. The involved people are
    chosen apart, by a POSTed search (names never reach a URL)."""

    type = forms.ChoiceField(label="What happened", choices=IncidentType.choices)
    occurred_at = forms.CharField(label="When", max_length=32)
    place = forms.CharField(label="Where (general location, no names)", max_length=200, strip=True)
    units = forms.ModelMultipleChoiceField(
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

    def clean_occurred_at(self) -> datetime:
        moment = parse_local(self.cleaned_data["occurred_at"], self.agency)
        if moment > timezone.now() + FUTURE_SLACK:
            raise forms.ValidationError("The time is in the future.")
        return moment


class FollowUpTimeForm(forms.Form):
    due_at = forms.CharField(label="New date and time", max_length=32)

    def __init__(self, *args: object, agency: Agency, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.agency = agency

    def clean_due_at(self) -> datetime:
        return parse_local(self.cleaned_data["due_at"], self.agency)


class TeamSizeForm(forms.Form):
    team_size = forms.IntegerField(
        label="Peer supporters to send", min_value=1, max_value=MAX_TEAM_SIZE
    )
