"""The directory's filters as the Django form the page used before issue 18 (a form per request
cost more than the rest of the surge's most requested page): kept here, in the tests, as the
independent statement of the rules that `test_filters.py` holds `filters.read_filters` to."""

from typing import Any, cast

from django import forms

from peerline.agencies.models import Agency, Category, Division, JobFamily, Shift
from peerline.directory.selectors import DirectoryFilter
from peerline.team.models import ExperienceArea, Language

ANY = ("", "Any")


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

    The filters' rules stated as a Django form, as the page read them before issue 18: the
    reference `test_filters.py` holds `filters.read_filters` to."""

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
