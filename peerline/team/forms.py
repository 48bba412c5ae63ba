"""The team's forms: plain Django forms with USWDS classes; the rules are in `services`."""

from collections.abc import Sequence
from typing import Any

from django import forms

from peerline import uswds
from peerline.accounts.models import User
from peerline.core import validation

from .models import (
    CONSIDERATIONS,
    DeselectionCriterion,
    LeaveReason,
    Outcome,
    PanelRole,
    RecommenderRelation,
    Recommends,
)

# On every free-text field about a person: support is never written down (2011 §6.7).
NO_DETAILS = "Write nothing about anyone you have supported (2011 §6.7)."
YES_NO = [("yes", "Yes"), ("no", "No")]
SCORES = [
    (1, "1 · Serious concern"),
    (2, "2 · Some concern"),
    (3, "3 · Acceptable"),
    (4, "4 · Good"),
    (5, "5 · Excellent"),
]
# What each consideration of 2011 §4.2 asks the panel to weigh.
CONSIDERATION_HINTS = {
    "education_training": "What prepares them to support colleagues: courses, work, experience.",
    "resolved_trauma": "Traumatic experiences of their own that they have worked through. Score "
    "only; record no details of the experience.",
    "maturity": "A desirable personal quality: steadiness, patience, self-awareness.",
    "judgment": "A desirable personal quality: knowing their limits and when to refer (§7.3).",
    "ethics": "Keeps confidences, is honest, never exploits a relationship (§7.1).",
    "credibility": "Credibility with colleagues: would people in the agency go to them?",
}


def _date(label: str, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _text(label: str, *, required: bool = True, max_length: int = 2000, help_text: str = ""):  # type: ignore[no-untyped-def]
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class UswdsForm(uswds.UswdsForm):
    """A USWDS form that also marks its fields in error once validated."""

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                css = widget.attrs.get("class", "")
                if css in ("usa-input", "usa-textarea", "usa-select"):
                    widget.attrs["class"] = f"{css} {css}--error"


class VolunteerForm(UswdsForm):
    statement = _text(
        "Why do you want to serve as a peer supporter?",
        help_text="A few sentences for the program coordinator and the interview panel. "
        + NO_DETAILS,
    )


class EligibilityForm(UswdsForm):
    eligible = forms.TypedChoiceField(
        label="Is the volunteer eligible?",
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text="In good standing with the agency and with its minimum service (2011 §4.1).",
    )
    note = forms.CharField(label="Note", required=False, max_length=300)


class UserChoiceField(validation.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _user_label(obj)


class RecommendForm(UswdsForm):
    recommender = UserChoiceField(
        label="Ask",
        queryset=User.objects.none(),
        help_text="A user of the agency. They answer on their own log-in, at the link shown "
        "after you ask.",
    )
    relation = forms.ChoiceField(
        label="Who they are to the volunteer",
        choices=RecommenderRelation.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["recommender"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = users


def _user_label(user: User) -> str:
    employee = getattr(user, "employee", None)
    name = user.get_full_name() or user.get_username()
    if employee is not None:
        return f"{employee.last_name}, {employee.first_name}" + (
            f" · {employee.rank}" if employee.rank else ""
        )
    return name


class PanelForm(UswdsForm):
    members = forms.MultipleChoiceField(
        label="Panel members",
        widget=forms.CheckboxSelectMultiple,
        help_text="Peer supporters and the licensed mental health professional (2011 §4.1). "
        "One seat each.",
    )
    scheduled_for = forms.DateTimeField(
        label="Date and time",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    location = forms.CharField(label="Place", required=False, max_length=200)

    def __init__(self, *args: Any, choices: Sequence[tuple[User, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.by_value = {f"{user.pk}:{role}": (user, role) for user, role in choices}
        field = self.fields["members"]
        assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101
        field.choices = [
            (value, f"{_user_label(user)} ({PanelRole(role).label})")
            for value, (user, role) in self.by_value.items()
        ]

    def clean_members(self) -> list[tuple[User, str]]:
        return [self.by_value[value] for value in self.cleaned_data["members"]]


class DecideForm(UswdsForm):
    outcome = forms.ChoiceField(label="Decision", choices=Outcome.choices, widget=forms.RadioSelect)
    reasons = _text(
        "Reasons",
        help_text="Recorded with the decision (2011 §4.1, §4.2). " + NO_DETAILS,
    )


class AnswerForm(UswdsForm):
    recommends = forms.ChoiceField(
        label="Your recommendation", choices=Recommends.choices, widget=forms.RadioSelect
    )
    comments = _text(
        "Comments",
        required=False,
        help_text="What the program coordinator should know. " + NO_DETAILS,
    )


class ScoreForm(UswdsForm):
    comments = _text("Comments", required=False, help_text=NO_DETAILS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        comments = self.fields.pop("comments")
        for name, label in CONSIDERATIONS:
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                choices=SCORES,
                coerce=int,
                widget=forms.RadioSelect,
                help_text=CONSIDERATION_HINTS[name],
            )
        self.fields["comments"] = comments

    def considerations(self) -> list[forms.BoundField]:
        return [self[name] for name, _ in CONSIDERATIONS]


class SignForm(UswdsForm):
    typed_name = forms.CharField(label="Your full name, typed as your signature", max_length=200)
    confirm = forms.BooleanField(
        label="I have read this agreement and I agree to it.",
        error_messages={"required": "Tick the box to agree."},
    )


class PublishForm(UswdsForm):
    text = forms.CharField(
        label="Text of the new version",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text="Every peer supporter signs the new version again (2011 §6.8). Include the "
        "consequences of a breach of confidentiality.",
    )


class LeaveForm(UswdsForm):
    starts_on = _date("Leave starts on")
    expected_return = _date("Expected back on", "The coordinator is reminded a week before.")
    reason = forms.ChoiceField(
        label="Kind of leave",
        choices=LeaveReason.choices,
        widget=forms.RadioSelect,
        help_text="A category only: the PSP's reasons are their own (2011 §4.4).",
    )


class ReturnForm(UswdsForm):
    returned_on = _date("Back on")


class ReasonForm(UswdsForm):
    on = _date("Effective on")
    reason = forms.CharField(label="Reason", max_length=400, help_text=NO_DETAILS)


class DeselectForm(UswdsForm):
    criterion = forms.ChoiceField(
        label="Criterion (2011 §4.3)",
        choices=DeselectionCriterion.choices,
        widget=forms.RadioSelect,
    )
    reasons = _text(
        "Reasons for the decision",
        help_text="For a breach of confidentiality, say what kind of breach, never what was "
        "disclosed. " + NO_DETAILS,
    )
    on = _date("Decided on")


class TrainingForm(UswdsForm):
    on = _date("Initial training completed on")


class ActivateForm(UswdsForm):
    on = _date("Active from")
