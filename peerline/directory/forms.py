"""The directory's filter form and a PSP's own card form (2011 §3.6)."""

import re
from typing import Any, cast

from django import forms

from peerline.agencies.models import Agency, Category, Division, JobFamily, Shift
from peerline.team.models import ExperienceArea, Language, PeerSupporter

from .selectors import DirectoryFilter

ANY = ("", "Any")
PHONE_RE = re.compile(r"^\+?[0-9 ().-]+$")


def _grouped(rows: list[Any], agency: Agency, partners: list[Agency]) -> list[Any]:
    """Divisions or shifts as choices: the agency's own, then each partner's under its name."""
    own = [(str(row.pk), row.name) for row in rows if row.agency_id == agency.pk]
    if not partners:
        return [ANY, *own]
    groups: list[Any] = [ANY, (agency.name, own)]
    for partner in partners:
        group = [(str(row.pk), row.name) for row in rows if row.agency_id == partner.pk]
        if group:
            groups.append((partner.name, group))
    return groups


class DirectoryFilterForm(forms.Form):
    """Every field optional; an answer outside the lists is an error, never a silent "any".

    The filters' rules stated as a form. The pages read the filters with the plain
    `filters.read_filters` (a form per request cost more than the rest of the surge's most
    requested page, issue 18), and its tests hold it to accept and refuse what this form does."""

    category = forms.ChoiceField(
        label="Sworn or civilian",
        choices=[("", "Either"), *Category.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    job_family = forms.ChoiceField(
        label="Job family", choices=[ANY, *JobFamily.choices], required=False
    )
    division = forms.TypedChoiceField(
        label="Division", coerce=int, empty_value=None, required=False
    )
    shift = forms.TypedChoiceField(label="Shift", coerce=int, empty_value=None, required=False)
    language = forms.ChoiceField(label="Language", choices=[ANY, *Language.choices], required=False)
    experience_area = forms.ChoiceField(
        label="Has lived through or knows well",
        choices=[ANY, *ExperienceArea.choices],
        required=False,
    )
    agency = forms.TypedChoiceField(label="Agency", coerce=int, empty_value=None, required=False)

    def __init__(self, *args: Any, agency: Agency, partners: list[Agency], **kwargs: Any):
        super().__init__(*args, **kwargs)
        ids = [agency.pk, *(partner.pk for partner in partners)]
        divisions = list(Division.objects.filter(agency_id__in=ids).order_by("name"))
        shifts = list(Shift.objects.filter(agency_id__in=ids).order_by("code"))
        self._choices("division").choices = _grouped(divisions, agency, partners)
        self._choices("shift").choices = _grouped(shifts, agency, partners)
        self._choices("agency").choices = [
            ("", "Ours and partners"),
            (str(agency.pk), agency.name),
            *((str(partner.pk), partner.name) for partner in partners),
        ]
        for name, form_field in self.fields.items():
            # Never echo what was sent: the criteria are nobody's business (2011 §3.6).
            form_field.error_messages["invalid_choice"] = "Choose one of the answers listed."
            if name != "category":
                form_field.widget.attrs["class"] = "usa-select"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:  # set by full_clean: no second pass
            if name in self.fields:  # the error shown next to the field names it
                self.fields[name].widget.attrs["aria-describedby"] = f"{name}-error"

    def _choices(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])

    def filters(self) -> DirectoryFilter:
        data = self.cleaned_data
        return DirectoryFilter(
            category=data.get("category") or "",
            job_family=data.get("job_family") or "",
            division_id=data.get("division"),
            shift_id=data.get("shift"),
            language=data.get("language") or "",
            experience_area=data.get("experience_area") or "",
            agency_id=data.get("agency"),
        )


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
