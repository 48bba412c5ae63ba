"""The peer support team: who is on it, how they got there and how they leave (2011 §4, §6.8).

A `PeerSupporter` is an employee on the team, from the day they volunteer (candidate) to the day
they leave it (deselected, alumni). Every change of status is a `StatusChange` row with its date,
reason and who decided it; `services.py` is the only writer and refuses forbidden transitions.

Nothing here is about the people a PSP supports: that is never stored (2011 §6.7).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Status(models.TextChoices):
    CANDIDATE = "candidate", "Candidate"  # volunteered, in selection (2011 §4.1)
    ACTIVE = "active", "Active"
    ON_LEAVE = "on_leave", "On leave"  # 2011 §4.4
    INACTIVE = "inactive", "Inactive"  # stepped down, or not selected
    DESELECTED = "deselected", "Deselected"  # 2011 §4.3
    ALUMNI = "alumni", "Alumni"  # left the agency or retired from the team in good standing


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"
    ASL = "ase", "American Sign Language"
    VIETNAMESE = "vi", "Vietnamese"
    CHINESE = "zh", "Chinese"
    TAGALOG = "tl", "Tagalog"
    KOREAN = "ko", "Korean"
    ARABIC = "ar", "Arabic"
    RUSSIAN = "ru", "Russian"
    FRENCH = "fr", "French"
    PORTUGUESE = "pt", "Portuguese"
    HINDI = "hi", "Hindi"


class ExperienceArea(models.TextChoices):
    """What a PSP chooses to say they have lived through or know well (self-disclosed, §3.6)."""

    OFFICER_INVOLVED_SHOOTING = "ois", "Officer-involved shooting"
    LINE_OF_DUTY_DEATH = "lodd", "Line-of-duty death of a colleague"
    INJURY = "injury", "Serious injury or illness"
    SUICIDE_LOSS = "suicide_loss", "Suicide loss"
    GRIEF = "grief", "Grief and loss"
    RELATIONSHIP = "relationship", "Relationships, separation, divorce"
    PARENTING = "parenting", "Parenting and family"
    SUBSTANCE = "substance", "Substance use and recovery"
    FINANCIAL = "financial", "Financial stress"
    MILITARY = "military", "Military service and deployment"
    INVESTIGATION = "investigation", "Internal investigation or discipline"
    CAREER = "career", "Career changes and promotion"
    DISPATCH = "dispatch", "Dispatch and call-taking stress"
    CHILD_DEATH = "child_death", "Calls involving children"


class PeerSupporter(models.Model):
    """An employee on the peer support team, whatever their status."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="peer_supporters"
    )
    employee = models.OneToOneField(
        "agencies.Employee", on_delete=models.CASCADE, related_name="peer_supporter"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CANDIDATE)
    status_since = models.DateField()
    # Onboarding (2011 §4.1, §8): the agency's initial training, recorded by the coordinator.
    initial_training_on = models.DateField(null=True, blank=True)
    # The directory card (2011 §3.6): what the PSP chooses to show, and how to reach them.
    languages = models.JSONField(default=list, blank=True)  # Language codes
    experience_areas = models.JSONField(default=list, blank=True)  # ExperienceArea codes
    reach_phone = models.CharField("phone or text", max_length=32, blank=True)
    reach_email = models.EmailField("e-mail", blank=True)
    reach_note = models.CharField(
        "how and when to reach me", max_length=200, blank=True, help_text="e.g. text first"
    )
    # The PSP's own switch: off when they cannot take contacts for now (not a leave of absence).
    available = models.BooleanField("taking contacts now", default=True)

    class Meta:
        ordering = ["employee__last_name", "employee__first_name"]
        indexes = [models.Index(fields=["agency", "status"], name="psp_agency_status_idx")]

    def __str__(self) -> str:
        return f"{self.employee} ({self.get_status_display()})"


class StatusChange(models.Model):
    """One dated change of a PSP's status, with its reason: the team history."""

    peer_supporter = models.ForeignKey(
        PeerSupporter, on_delete=models.CASCADE, related_name="history"
    )
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    effective_on = models.DateField()
    reason = models.CharField(max_length=500)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["effective_on", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status} on {self.effective_on}"


class Application(models.Model):
    """A volunteer's application to join the team (2011 §4.1)."""

    peer_supporter = models.ForeignKey(
        PeerSupporter, on_delete=models.CASCADE, related_name="applications"
    )
    submitted_at = models.DateTimeField()
    statement = models.TextField(max_length=2000, help_text="Why you want to serve as a PSP.")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # The coordinator's eligibility check: good standing and the agency's minimum service.
    eligibility_checked_at = models.DateTimeField(null=True, blank=True)
    eligibility_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    eligible = models.BooleanField(null=True)
    eligibility_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"application of {self.peer_supporter.employee}"


class RecommenderRelation(models.TextChoices):
    SUPERIOR = "superior", "Superior"
    PEER = "peer", "Peer"


class Recommends(models.TextChoices):
    STRONGLY = "strongly", "Strongly recommend"
    YES = "yes", "Recommend"
    RESERVATIONS = "reservations", "Recommend with reservations"
    NO = "no", "Do not recommend"


class Recommendation(models.Model):
    """A superior's or peer's recommendation, asked by the coordinator (2011 §4.1).

    The recommender answers on their own log-in, at the link the request gives them.
    """

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="recommendations"
    )
    recommender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recommendations_asked"
    )
    relation = models.CharField(max_length=16, choices=RecommenderRelation.choices)
    requested_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    recommends = models.CharField(max_length=16, choices=Recommends.choices, blank=True)
    comments = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "recommender"], name="unique_recommender"
            )
        ]

    def __str__(self) -> str:
        return f"recommendation by {self.recommender} ({self.get_relation_display()})"


# The considerations of 2011 §4.2 (2006 Selection 2), each scored 1–5 by each panel member.
CONSIDERATIONS = [
    ("education_training", "Previous education and training"),
    ("resolved_trauma", "Resolved traumatic experiences"),
    ("maturity", "Maturity"),
    ("judgment", "Judgment"),
    ("ethics", "Personal and professional ethics"),
    ("credibility", "Credibility"),
]
SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class Interview(models.Model):
    """The interview of a candidate by a panel of PSPs and the licensed MHP (2011 §4.1)."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="interview"
    )
    scheduled_for = models.DateTimeField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"interview of {self.application.peer_supporter.employee}"


class PanelRole(models.TextChoices):
    PSP = "psp", "Peer supporter"
    MHP = "mhp", "Licensed mental health professional"
    COORDINATOR = "coordinator", "Program coordinator"


class InterviewScore(models.Model):
    """One panel member's seat on the panel and, once they submit it, their score sheet."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="scores")
    panelist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interview_scores"
    )
    panel_role = models.CharField(max_length=16, choices=PanelRole.choices)
    education_training = models.PositiveSmallIntegerField(null=True, validators=SCORE_VALIDATORS)
    resolved_trauma = models.PositiveSmallIntegerField(null=True, validators=SCORE_VALIDATORS)
    maturity = models.PositiveSmallIntegerField(null=True, validators=SCORE_VALIDATORS)
    judgment = models.PositiveSmallIntegerField(null=True, validators=SCORE_VALIDATORS)
    ethics = models.PositiveSmallIntegerField(null=True, validators=SCORE_VALIDATORS)
    credibility = models.PositiveSmallIntegerField(null=True, validators=SCORE_VALIDATORS)
    comments = models.TextField(max_length=2000, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["panel_role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["interview", "panelist"], name="unique_panelist")
        ]

    def __str__(self) -> str:
        return f"score sheet of {self.panelist}"


class Outcome(models.TextChoices):
    SELECTED = "selected", "Selected"
    NOT_SELECTED = "not_selected", "Not selected"


class Decision(models.Model):
    """The coordinator's selection decision with its reasons (2011 §4.1, §4.2)."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="decision"
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    reasons = models.TextField(max_length=2000)
    decided_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.decided_at:%Y-%m-%d})"


class ConfidentialityAgreement(models.Model):
    """One version of the agency's PSP confidentiality agreement (2011 §6.8).

    A version is never edited once published: a change is a new version, and PSPs sign again.
    """

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="confidentiality_agreements"
    )
    version = models.PositiveSmallIntegerField()
    text = models.TextField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["agency", "-version"]
        get_latest_by = "version"
        constraints = [
            models.UniqueConstraint(fields=["agency", "version"], name="unique_agreement_version")
        ]

    def __str__(self) -> str:
        return f"confidentiality agreement v{self.version}"


class AgreementSignature(models.Model):
    """Who signed which version of the agreement, and when (2011 §6.8)."""

    peer_supporter = models.ForeignKey(
        PeerSupporter, on_delete=models.CASCADE, related_name="signatures"
    )
    agreement = models.ForeignKey(
        ConfidentialityAgreement, on_delete=models.RESTRICT, related_name="signatures"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField()
    typed_name = models.CharField("full name, typed as a signature", max_length=200)

    class Meta:
        ordering = ["-signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["peer_supporter", "agreement"], name="unique_signature_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.agreement.version} signed by {self.signed_by} on {self.signed_at:%Y-%m-%d}"


class LeaveReason(models.TextChoices):
    """A category only: a PSP's reasons for a leave are their own (2011 §4.4)."""

    PERSONAL = "personal", "Personal"
    FAMILY = "family", "Family"
    HEALTH = "health", "Health"
    WORKLOAD = "workload", "Workload or assignment"
    OTHER = "other", "Other"


class LeaveOfAbsence(models.Model):
    """A leave from the team, with an expected return the coordinator is reminded of (§4.4)."""

    peer_supporter = models.ForeignKey(
        PeerSupporter, on_delete=models.CASCADE, related_name="leaves"
    )
    starts_on = models.DateField()
    expected_return = models.DateField()
    returned_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=16, choices=LeaveReason.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expected_return__gte=models.F("starts_on")),
                name="leave_returns_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"leave from {self.starts_on}, expected back {self.expected_return}"


class DeselectionCriterion(models.TextChoices):
    """The criteria of 2011 §4.3 (2006 Selection/Deselection 3)."""

    BREACH_OF_CONFIDENTIALITY = "breach_of_confidentiality", "Breach of confidentiality"
    FAILURE_TO_ATTEND_TRAINING = "failure_to_attend_training", "Failure to attend training"
    LOSS_OF_GOOD_STANDING = "loss_of_good_standing", "Loss of good standing with the agency"
    OTHER = "other", "Other"


class Deselection(models.Model):
    """A recorded decision to remove a PSP from the team (2011 §4.3)."""

    peer_supporter = models.ForeignKey(
        PeerSupporter, on_delete=models.CASCADE, related_name="deselections"
    )
    criterion = models.CharField(max_length=32, choices=DeselectionCriterion.choices)
    decided_on = models.DateField()
    reasons = models.TextField(max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-decided_on"]

    def __str__(self) -> str:
        return f"{self.get_criterion_display()} ({self.decided_on})"
