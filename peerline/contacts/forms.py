"""The phone form of the contact log: every answer from a fixed list, none typed (2011 §6.7).

The field names are exactly `services.FIELDS`, so the form, the API and the demo seed hand the
same dictionary to `services.contact_log`. The view refuses any other field before this form is
built; the form only checks that each answer is one of its list.
"""

from datetime import date
from typing import Any, cast

from django import forms
from django.utils.dateformat import format as date_format

from peerline.agencies.models import Agency
from peerline.core import offlist
from peerline.governance.models import ConfidentialityException

from . import services
from .models import (
    PRIOR_CONTACTS_FLOOR,
    Activity,
    Contact,
    Duration,
    InitiatedBy,
    Mode,
    PriorContacts,
    RecipientGroup,
    Referral,
)

YES, NO = "yes", "no"
YES_NO = [(YES, "Yes"), (NO, "No")]
NONE = "none"  # an explicit "no" to a list question, so that none is ever assumed

FOLLOW_UP_CHOICES = ((7, "Next week"), (14, "In 2 weeks"), (28, "In 4 weeks"))
MONTHS_SHOWN = 4  # month tiles shown at once; the older ones sit behind "An earlier month"


def _yes(value: str) -> bool:
    return value == YES


def month_value(month: date) -> str:
    return f"{month:%Y-%m}"


def _exception(value: str) -> int | None:
    return None if value == NONE else int(value)


class ContactForm(offlist.AnsweredForm):
    """One contact as non-identifying statistics. No answer is chosen in advance: a default the
    PSP leaves as it is would be counted as an answer (an inflated "limits explained" rate), so
    every question that feeds a statistic must be answered before the form saves."""

    # The order of the page, so that the focus goes to the first question left unanswered.
    field_order = [
        "activity",
        "recipient_group",
        "duration",
        "month",
        "mode",
        "initiated_by",
        "limits_explained",
        "exception",
        "role_conflict",
        "prior_contacts",
        "referrals",
        "follow_up_days",
        "family_follow_ups",
    ]

    month = forms.ChoiceField(label="Month of the contact", widget=forms.RadioSelect)
    activity = forms.ChoiceField(
        label="Activity", choices=Activity.choices, widget=forms.RadioSelect
    )
    recipient_group = forms.ChoiceField(
        label="Who was supported", choices=RecipientGroup.choices, widget=forms.RadioSelect
    )
    duration = forms.ChoiceField(
        label="How long", choices=Duration.choices, widget=forms.RadioSelect
    )
    mode = forms.ChoiceField(label="How", choices=Mode.choices, widget=forms.RadioSelect)
    initiated_by = forms.ChoiceField(
        label="Who asked for it", choices=InitiatedBy.choices, widget=forms.RadioSelect
    )
    limits_explained = forms.TypedChoiceField(
        label="Did you explain the limits of confidentiality at the outset?",
        choices=YES_NO,
        coerce=_yes,
        widget=forms.RadioSelect,
    )
    exception = forms.TypedChoiceField(
        label="Was a limit of confidentiality reached?",
        coerce=_exception,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    role_conflict = forms.TypedChoiceField(
        label="Is this person your supervisor or subordinate?",
        choices=YES_NO,
        coerce=_yes,
        widget=forms.RadioSelect,
    )
    prior_contacts = forms.ChoiceField(
        label="Contacts with this person so far",
        choices=PriorContacts.choices,
        widget=forms.RadioSelect,
    )
    referrals = forms.MultipleChoiceField(
        label="Referrals made",
        choices=[(NONE, "No referral"), *Referral.choices],
        widget=forms.CheckboxSelectMultiple,
    )
    family_follow_ups = forms.BooleanField(
        label="Remind me to follow up with the family over the year: in a week, a month, three "
        "and six months, and at the anniversary",
        required=False,
    )
    follow_up_days = forms.TypedChoiceField(
        label="Remind me to follow up",
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(
        self,
        *args: Any,
        agency: Agency,
        exceptions: list[ConfidentialityException],
        contact: Contact | None = None,
        **kwargs: Any,
    ):
        months = services.month_choices(agency)
        kwargs.setdefault("initial", initial_for(contact, months))
        super().__init__(*args, **kwargs)
        self.month_values = [month_value(month) for month in months]
        self._choice_field("month").choices = [
            (month_value(month), date_format(month, "F Y")) for month in months
        ]
        self._choice_field("recipient_group").choices = [
            (group.value, group.label)
            for group in services.recipient_groups(
                agency, keep=contact.recipient_group if contact else ""
            )
        ]
        self._choice_field("exception").choices = [
            (NONE, "No"),
            *((str(exception.pk), exception.label) for exception in exceptions),
        ]
        self._choice_field("follow_up_days").choices = [
            ("", "No change" if contact else "No reminder"),
            *((str(days), label) for days, label in FOLLOW_UP_CHOICES),
        ]
        for field in self.fields.values():
            # Django's own message repeats the value sent; these never echo what was typed.
            field.error_messages.update(
                required=offlist.UNANSWERED, invalid_choice="Choose one of the answers listed."
            )

    def clean_referrals(self) -> list[str]:
        chosen = self.cleaned_data["referrals"]
        if NONE in chosen and len(chosen) > 1:
            raise forms.ValidationError("Choose “No referral” or the referrals made, not both.")
        return [value for value in chosen if value != NONE]

    def _choice_field(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])

    @property
    def months_shown(self) -> list[Any]:
        return self["month"].subwidgets[:MONTHS_SHOWN]

    @property
    def months_earlier(self) -> list[Any]:
        return self["month"].subwidgets[MONTHS_SHOWN:]

    @property
    def earlier_month_chosen(self) -> bool:
        """Open "An earlier month" when the chosen month is not one of the first tiles."""
        return str(self["month"].value() or "") not in self.month_values[:MONTHS_SHOWN]


def initial_for(contact: Contact | None, months: list[date]) -> dict[str, Any]:
    """Nothing answered for a new contact; a contact's own answers when it is corrected."""
    if contact is None:
        return {"follow_up_days": ""}  # every statistic starts unanswered
    return {
        "month": month_value(contact.month),
        "activity": contact.activity,
        "recipient_group": contact.recipient_group,
        "duration": contact.duration,
        "mode": contact.mode,
        "initiated_by": contact.initiated_by,
        "limits_explained": YES if contact.limits_explained else NO,
        "exception": str(contact.exception_id or NONE),
        "role_conflict": YES if contact.role_conflict else NO,
        "prior_contacts": contact.prior_contacts,
        "referrals": [str(referral) for referral in contact.referrals] or [NONE],
        "follow_up_days": "",
    }


def prompting_bands(agency: Agency) -> list[str]:
    """The prior-contacts answers at or over the agency's referral threshold (2011 §7.3)."""
    return [
        str(band)  # a TextChoices member is its value
        for band, floor in PRIOR_CONTACTS_FLOOR.items()
        if floor >= agency.repeat_contact_threshold
    ]
