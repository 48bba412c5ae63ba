"""Training forms: plain Django forms with USWDS classes; the rules are in `services`.

The attendance roster is not a Django form: it is one checkbox and one hours field per PSP,
read by `read_roster`.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.http import QueryDict

from peerline.agencies.models import Agency
from peerline.core import validation
from peerline.uswds import UswdsForm

from . import selectors
from .models import TrainingSession
from .services import MAX_HOURS, MIN_HOURS, SessionFields

NO_DETAILS = "Write nothing about anyone a peer supporter has supported (2011 §6.7)."


class TopicChoice(validation.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.reference} · {obj.title}"


class SessionForm(UswdsForm):
    title = forms.CharField(max_length=200, help_text="For example: Quarterly update training.")
    date = forms.DateField(
        help_text="The agency's local date; it decides the quarter the hours count in.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    start_time = forms.TimeField(
        label="Start time",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    hours = forms.DecimalField(
        label="Length in hours",
        min_value=MIN_HOURS,
        max_value=MAX_HOURS,
        decimal_places=1,
        help_text="The hours credited to each attendee unless you give fewer (2011 §8.2).",
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    topics = TopicChoice(
        queryset=None,  # type: ignore[arg-type]  # set per agency
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="From the agency's catalogue (2011 §8.3 and its own topics, §8.1).",
    )
    instructor = forms.CharField(label="Instructor's name", max_length=200)
    instructor_is_mhp = forms.BooleanField(
        label="The instructor is a licensed mental health professional", required=False
    )
    location = forms.CharField(max_length=200, required=False)
    partners_may_attend = forms.BooleanField(
        label="Partner agencies' peer supporters may attend (2011 §3.8.2)", required=False
    )
    notes = forms.CharField(
        max_length=2000,
        required=False,
        help_text=NO_DETAILS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = selectors.session_topic_choices(agency)  # type: ignore[attr-defined]

    @classmethod
    def for_session(cls, session: TrainingSession, agency: Agency) -> "SessionForm":
        return cls(
            agency=agency,
            initial={
                **{
                    name: getattr(session, name)
                    for name in (
                        "title",
                        "date",
                        "start_time",
                        "hours",
                        "instructor",
                        "instructor_is_mhp",
                        "location",
                        "partners_may_attend",
                        "notes",
                    )
                },
                "topics": list(session.topics.all()),
            },
        )

    def fields_value(self) -> SessionFields:
        data = self.cleaned_data
        return SessionFields(
            title=data["title"].strip(),
            date=data["date"],
            start_time=data["start_time"],
            hours=data["hours"],
            topics=list(data["topics"]),
            instructor=data["instructor"].strip(),
            instructor_is_mhp=data["instructor_is_mhp"],
            location=data["location"].strip(),
            partners_may_attend=data["partners_may_attend"],
            notes=data["notes"].strip(),
        )


class TopicForm(UswdsForm):
    title = forms.CharField(
        label="New topic",
        max_length=200,
        help_text="A topic the steering committee wants trained on, beyond the guidelines' list.",
    )


class RosterError(ValueError):
    pass


def read_roster(data: QueryDict) -> dict[int, Decimal | None]:
    """The ticked PSPs (`attended`) and their hours (`hours-<id>`, empty: the whole session)."""
    found: dict[int, Decimal | None] = {}
    for raw in data.getlist("attended"):
        if not raw.isdigit():
            raise RosterError("The roster was not understood; reload the page and try again.")
        text = data.get(f"hours-{raw}", "").strip().replace(",", ".")
        try:
            hours = Decimal(text) if text else None
        except InvalidOperation:
            raise RosterError("Hours credited are a number, for example 1.5.") from None
        if hours is not None and not hours.is_finite():
            raise RosterError("Hours credited are a number, for example 1.5.")
        found[int(raw)] = hours
    return found
