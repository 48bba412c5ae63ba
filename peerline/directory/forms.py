"""A PSP's own card form (2011 §3.6); the directory's filters are read by `filters.read_filters`."""

import re
from typing import Any

from django import forms

from peerline.team.models import ExperienceArea, Language, PeerSupporter

PHONE_RE = re.compile(r"^\+?[0-9 ().-]+$")


def _phone_digits(value: str) -> int:
    return len(re.sub(r"\D", "", value))


class CardForm(forms.ModelForm):
    """What a PSP chooses to show on their card and how to reach them (2011 §3.6)."""

    languages = forms.MultipleChoiceField(
        label="Languages I can offer support in",
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    experience_areas = forms.MultipleChoiceField(
        label="Experiences I am willing to share",
        choices=ExperienceArea.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Self-disclosed, and only what you are comfortable naming.",
    )

    class Meta:
        model = PeerSupporter
        fields = [
            "available",
            "languages",
            "experience_areas",
            "reach_phone",
            "reach_email",
            "reach_note",
        ]
        labels = {
            "available": "I am taking contacts now",
            "reach_phone": "Phone or text",
            "reach_email": "E-mail",
            "reach_note": "How and when to reach me",
        }
        help_texts = {
            "reach_phone": "A number you want colleagues to call or text, e.g. 720-555-0142.",
            "reach_email": "Leave both phone and e-mail empty to show your work phone and e-mail.",
            "reach_note": "e.g. “Text first, I work nights.” Up to 200 characters.",
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name in ("languages", "experience_areas"):
            self.fields[name].error_messages["invalid_choice"] = "Choose from the list."

    def clean_reach_phone(self) -> str:
        phone = " ".join(self.cleaned_data.get("reach_phone", "").split())
        if phone and (not PHONE_RE.match(phone) or not 7 <= _phone_digits(phone) <= 15):
            raise forms.ValidationError(
                "Enter a phone number of 7 to 15 digits; spaces, dashes, brackets and a leading + "
                "are fine."
            )
        return phone

    def clean_reach_note(self) -> str:
        return " ".join(self.cleaned_data.get("reach_note", "").split())
