"""Clinical support: licensed mental health professionals, their 24/7 on-call schedule,
consultations (non-identifying, like contacts) and the referral resource directory.

2011 §3.4 (clinical oversight and consultation), §5.1 (consultation available 24 hours a day with
a licensed MHP familiar with public safety), §2.3.5 and §8.3.24 (referral resources).
"""

from django.conf import settings
from django.db import models


class LicenceType(models.TextChoices):
    PSYCHOLOGIST = "psychologist", "Licensed psychologist"
    PSYCHIATRIST = "psychiatrist", "Psychiatrist (MD/DO)"
    LCSW = "lcsw", "Licensed clinical social worker"
    LPC = "lpc", "Licensed professional counselor"
    LMFT = "lmft", "Licensed marriage and family therapist"
    OTHER = "other", "Other licensed mental health professional"


class ClinicalRole(models.TextChoices):
    CLINICAL_ADVISOR = "clinical_advisor", "Clinical advisor"  # 2011 §3.4
    CONSULTANT = "consultant", "Consultant"  # 2011 §5.1
    REFERRAL_PROVIDER = "referral_provider", "Referral provider"  # 2011 §3.9


class MentalHealthProfessional(models.Model):
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="clinicians"
    )
    # Their Peerline log-in, if they have one (the clinical advisor role).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clinician_records",
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    licence_type = models.CharField(max_length=16, choices=LicenceType.choices)
    licence_number = models.CharField(max_length=64)
    licence_state = models.CharField(max_length=2)
    licence_expires = models.DateField()
    familiar_with_public_safety = models.BooleanField(default=True)  # 2011 §5.1
    role = models.CharField(max_length=20, choices=ClinicalRole.choices)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OnCallShift(models.Model):
    """One clinician on call from `starts_at` to `ends_at` (2011 §5.1: 24 hours a day)."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="on_call_shifts"
    )
    clinician = models.ForeignKey(
        MentalHealthProfessional, on_delete=models.CASCADE, related_name="on_call_shifts"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["agency", "starts_at"], name="oncall_agency_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="oncall_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.clinician} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%Y-%m-%d %H:%M}"


class ConsultationReason(models.TextChoices):
    CRITICAL_INCIDENT = "critical_incident", "After a critical incident"
    SUICIDE_RISK = "suicide_risk", "Concern about suicide risk"
    SUBSTANCE = "substance", "Substance use"
    REFERRAL_ADVICE = "referral_advice", "Advice on a referral"
    BEYOND_TRAINING = "beyond_training", "Beyond the PSP's training (2011 §5.2)"
    PSP_WELLBEING = "psp_wellbeing", "The PSP's own wellbeing"
    CONFIDENTIALITY = "confidentiality", "A question of confidentiality limits"
    OTHER = "other", "Other"


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    SAME_DAY = "same_day", "Same day"
    IMMEDIATE = "immediate", "Immediate"


class ConsultationOutcome(models.TextChoices):
    ADVICE = "advice", "Advice given"
    REFERRED = "referred", "Referred to a clinician"
    EMERGENCY = "emergency", "Emergency services involved"
    FOLLOW_UP = "follow_up", "Follow-up arranged"


class Consultation(models.Model):
    """A PSP's or the coordinator's consultation with an MHP, as non-identifying statistics:
    no names, no free text, no day or time (2011 §5.1, §6.7)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    clinician = models.ForeignKey(
        MentalHealthProfessional, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    month = models.DateField(help_text="The first day of the month; never a day or a time.")
    reason = models.CharField(max_length=24, choices=ConsultationReason.choices)
    urgency = models.CharField(max_length=16, choices=Urgency.choices)
    outcome = models.CharField(max_length=16, choices=ConsultationOutcome.choices)

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.month:%Y-%m})"


class ResourceCategory(models.TextChoices):
    EAP = "eap", "Employee assistance program"
    CHAPLAIN = "chaplain", "Chaplain"
    AA_NA = "aa_na", "AA / NA meetings"
    SOCIAL_SERVICES = "social_services", "Social services"
    CHILD_CARE = "child_care", "Child care"
    FINANCIAL = "financial", "Financial help"
    LEGAL = "legal", "Legal help"
    DOMESTIC_VIOLENCE = "domestic_violence", "Domestic violence services"
    CRISIS_LINE = "crisis_line", "Crisis line"
    OTHER = "other", "Other"


class Resource(models.Model):
    """A referral resource (2011 §2.3.5, §8.3.24 "local resources")."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="resources"
    )
    category = models.CharField(max_length=20, choices=ResourceCategory.choices)
    name = models.CharField(max_length=200)
    description = models.CharField(max_length=500, blank=True)
    hours = models.CharField(max_length=200, blank=True)
    always_open = models.BooleanField("24/7", default=False)
    phone = models.CharField(max_length=32, blank=True)
    text = models.CharField("text or chat", max_length=64, blank=True)
    website = models.URLField(blank=True)
    address = models.CharField(max_length=300, blank=True)
    # Whom it serves beyond employees (2011 §2.3.7 families, §1.1 retirees): a filter of the
    # directory, and what the pages families and retirees use list.
    for_families = models.BooleanField("serves employees' families", default=False)
    for_retirees = models.BooleanField("serves retirees", default=False)

    class Meta:
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name
