from django import forms
from django.contrib.auth.forms import AuthenticationForm

from peerline.uswds import UswdsForm

from .models import Role


class TokenForm(UswdsForm):
    name = forms.CharField(
        label="What is it for?",
        max_length=80,
        help_text="A few words to recognise it by, such as “CAD integration”.",
    )
    days = forms.IntegerField(label="Valid for (days)", min_value=1, max_value=365, initial=90)


class InvitePersonForm(UswdsForm):
    """Someone the roster does not list, such as a clinician (2011 §3.4, §5.1)."""

    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    email = forms.EmailField(label="Work e-mail")
    role = forms.ChoiceField(
        label="Role",
        choices=[
            (Role.CLINICAL_ADVISOR.value, Role.CLINICAL_ADVISOR.label),
            (Role.STEERING_COMMITTEE.value, Role.STEERING_COMMITTEE.label),
            (Role.COMMAND_STAFF.value, Role.COMMAND_STAFF.label),
        ],
    )


class ConfirmPasswordForm(AuthenticationForm):
    """Re-enter the password before a sensitive action (the user name is the session's)."""
