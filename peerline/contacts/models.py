"""The contact log: non-identifying statistics of peer support, and nothing more.

"A PSP must not keep written formal or private records of supportive contacts other than
non-identifying statistical records that help document the general productivity of the program
(such as number of contacts)" (2011 §6.7; 2006 Confidentiality 6).

So a Contact holds only fixed-list answers: no free text, no name, no employee number, no day or
time, and no link to any person but the peer supporter who logged it. `test_schema_guard.py`
fails the build if a field of another kind is added here.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

# A reporting quarter, "2026-Q3", and nothing else: `\Z` (not `$`, which allows a trailing
# newline) reads the same in Python, so in SQLite's regex function, and in PostgreSQL.
PERIOD_PATTERN = r"^[0-9]{4}-Q[1-4]\Z"


class Activity(models.TextChoices):
    HOSPITAL_VISITATION = "hospital_visitation", "Hospital visitation"  # 2011 §2.3.1
    CAREER = "career", "Career issues"  # 2011 §2.3.2
    POST_CRITICAL_INCIDENT = (
        "post_critical_incident",
        "Post-critical-incident support",
    )  # 2011 §2.3.3
    DEATH_NOTIFICATION = "death_notification", "Death notification"  # 2011 §2.3.4
    SUBSTANCE_EAP = "substance_eap", "Substance abuse / EAP referral"  # 2011 §2.3.5
    RELATIONSHIP = "relationship", "Relationship issues"  # 2011 §2.3.6
    FAMILY_OF_INJURED = "family_of_injured", "Family of injured or ill employee"  # 2011 §2.3.7
    ON_SCENE = "on_scene", "On-scene support after a critical incident"  # 2011 §2.3.8
    # 2011 §3.10: support for an employee under investigation or in a disciplinary process,
    # never about the incident itself (the caution is read aloud on the form).
    INVESTIGATION_DISCIPLINE = (
        "investigation_discipline",
        "Support during investigation or discipline",
    )
    GENERAL_STRESS = "general_stress", "General stress"
    GRIEF = "grief", "Grief"
    FINANCIAL = "financial", "Financial"
    OTHER = "other", "Other"


class RecipientGroup(models.TextChoices):
    SWORN = "sworn", "Sworn"
    CIVILIAN = "civilian", "Civilian"
    FAMILY = "family", "Family member"
    RETIREE = "retiree", "Retiree"
    OTHER_AGENCY = "other_agency", "Other agency"


class Mode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video"
    TEXT = "text", "Text message"


class InitiatedBy(models.TextChoices):
    SELF = "self", "The person themselves"
    SUPERVISOR = "supervisor", "A supervisor's suggestion"
    OUTREACH = "outreach", "Peer supporter outreach"
    ACTIVATION = "activation", "Critical incident activation"


class Duration(models.TextChoices):
    UNDER_15 = "lt15", "Under 15 minutes"
    MIN_15_30 = "15-30", "15–30 minutes"
    MIN_30_60 = "30-60", "30–60 minutes"
    HOURS_1_2 = "1-2h", "1–2 hours"
    OVER_2H = "gt2h", "Over 2 hours"


class PriorContacts(models.TextChoices):
    """How many times the PSP has supported this person before (2011 §7.3)."""

    FIRST = "first", "First contact"
    TWO_THREE = "2-3", "2–3 contacts"
    FOUR_PLUS = "4+", "4 or more"


# The lowest count in each band, to compare with the agency's referral threshold (2011 §7.3).
PRIOR_CONTACTS_FLOOR = {
    PriorContacts.FIRST: 1,
    PriorContacts.TWO_THREE: 2,
    PriorContacts.FOUR_PLUS: 4,
}


class Referral(models.TextChoices):
    """Where a PSP referred the person on (2011 §2.1, §2.3.5, §7.3)."""

    MENTAL_HEALTH = "mental_health", "Licensed mental health professional"
    EAP = "eap", "Employee assistance program"
    CHAPLAIN = "chaplain", "Chaplain"
    SUBSTANCE = "substance", "Substance abuse program"
    ANOTHER_PSP = "another_psp", "Another peer supporter"
    LOCAL_RESOURCE = "local_resource", "Local resource"


class Contact(models.Model):
    """One supportive contact, as non-identifying statistics (2011 §6.7)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    # The only person a contact may point to: the PSP who logged it, so they can correct it.
    peer_supporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(
        help_text="The first day of the month of the contact; never a day or a time."
    )
    # The reporting quarter the contact counts in, "2026-Q3": its own quarter while that is open,
    # else the open one, so that a closed report never changes (see agencies.periods).
    period = models.CharField(
        max_length=7,
        validators=[RegexValidator(PERIOD_PATTERN, "A reporting period is YYYY-Qn.")],
    )
    activity = models.CharField(max_length=24, choices=Activity.choices)
    recipient_group = models.CharField(max_length=16, choices=RecipientGroup.choices)
    mode = models.CharField(max_length=16, choices=Mode.choices)
    initiated_by = models.CharField(max_length=16, choices=InitiatedBy.choices)
    duration = models.CharField(max_length=8, choices=Duration.choices)
    referral_mental_health = models.BooleanField(default=False)
    referral_eap = models.BooleanField(default=False)
    referral_chaplain = models.BooleanField(default=False)
    referral_substance = models.BooleanField(default=False)
    referral_another_psp = models.BooleanField(default=False)
    referral_local_resource = models.BooleanField(default=False)
    limits_explained = models.BooleanField(
        help_text="Limits of confidentiality explained at the outset (2011 §6.2)."
    )
    exception = models.ForeignKey(
        "governance.ConfidentialityException",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
    )
    role_conflict = models.BooleanField(
        help_text="The person is the PSP's supervisor or subordinate (2011 §7.2)."
    )
    prior_contacts = models.CharField(max_length=8, choices=PriorContacts.choices)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period__regex=PERIOD_PATTERN), name="contact_period_quarter"
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "period"], name="contact_period_idx"),
            models.Index(fields=["peer_supporter", "period"], name="contact_psp_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_activity_display()} · {self.month:%Y-%m}"

    @property
    def referrals(self) -> list[str]:
        return [referral for referral in Referral if getattr(self, f"referral_{referral.value}")]


class ReminderKind(models.TextChoices):
    FOLLOW_UP = "follow_up", "A follow-up you set is due"
    # 2011 §2.3.1, §2.3.7: a family after an employee's injury or death is followed up over the
    # year; the reminder names no family, no employee and no incident.
    FAMILY = "family", "A family follow-up you set is due"


class FollowUpReminder(models.Model):
    """A PSP's own reminder to follow up, due in a week: no link to any contact (2011 §6.7).

    Kept apart from the contact so that no contact row carries a day that dates it. It says only
    "a follow-up you set is due this week"; it is deleted when done, or when its week has passed.
    """

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    peer_supporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    due_week = models.DateField(help_text="The Monday of the week the follow-up is due.")
    kind = models.CharField(
        max_length=16, choices=ReminderKind.choices, default=ReminderKind.FOLLOW_UP
    )

    class Meta:
        indexes = [models.Index(fields=["peer_supporter", "due_week"], name="reminder_psp_idx")]

    def __str__(self) -> str:
        return f"follow-up due the week of {self.due_week:%Y-%m-%d}"
