from django import forms

from peerline.accounts.models import Role
from peerline.agencies.models import GuidelineEdition
from peerline.uswds import UswdsForm

from .models import MeetingKind, Seat


class MemberForm(UswdsForm):
    name = forms.CharField(max_length=200)
    seat = forms.ChoiceField(choices=Seat.choices)
    licence_state = forms.CharField(
        label="Licence state (licensed MHP only)", max_length=2, required=False,
        help_text="2011 §3.2: licensed in the department's jurisdiction.",
    )  # fmt: skip
    since = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


class DecisionForm(UswdsForm):
    decided_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    subject = forms.CharField(max_length=200)
    decision = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Program-level only: never anything about a person supported (2011 §3.1).",
    )


ACTIVATION_CHOICES = [
    (role.value, role.label)
    for role in Role
    if role not in (Role.COORDINATOR, Role.COMMAND_STAFF, Role.EMPLOYEE)
]


class SettingsForm(UswdsForm):
    """Every program setting this page changes; `services.WHO_MAY` says who changes which."""

    guideline_edition = forms.ChoiceField(
        label="Guidelines the program follows", choices=GuidelineEdition.choices,
        help_text="Decides the default limits, the shooting rule, the discipline caution, the "
        "training hours (2011 §8.2: four a quarter; 2006 names none) and the "
        "self-assessment's clauses.",
    )  # fmt: skip
    training_hours_per_quarter = forms.DecimalField(
        label="Update training hours per quarter (2011 §8.2)", min_value=0, max_digits=4,
        decimal_places=1,
    )  # fmt: skip
    employees_per_psp = forms.IntegerField(label="Coverage target: employees per PSP", min_value=1)
    min_service_months = forms.IntegerField(label="Months of service to volunteer", min_value=0)
    activation_roles = forms.MultipleChoiceField(
        label="Other roles that may activate the team", choices=ACTIVATION_CHOICES,
        required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Never command staff: management receives only anonymous statistics (2011 §3.1).",
    )  # fmt: skip
    incident_retention_days = forms.IntegerField(
        label="Days to keep who was involved after an incident closes", min_value=0
    )
    repeat_contact_threshold = forms.IntegerField(
        label="Prior contacts that prompt a referral (2011 §7.3)", min_value=2
    )
    page_timeout_minutes = forms.IntegerField(label="Minutes to answer a page", min_value=1)
    serves_families = forms.BooleanField(
        label="The program serves employees' families (2011 §2.3.7)", required=False
    )
    serves_retirees = forms.BooleanField(
        label="The program serves retirees (2011 §1.1)", required=False
    )


class ScopeForm(UswdsForm):
    text = forms.CharField(
        label="The advisor's role and scope", widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Mutually determined by the agency and the professional (2011 §3.4).",
    )  # fmt: skip


class MeetingForm(UswdsForm):
    held_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(choices=MeetingKind.choices)
    attendance = forms.IntegerField(label="How many attended", min_value=0, max_value=500)
