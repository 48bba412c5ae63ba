"""The program's written rules that the software applies (2011 §3.5, §6.1–§6.3)."""

from django.db import models


class ExceptionCategory(models.TextChoices):
    """Limits to confidentiality (2011 §6.3; 2006 Confidentiality 3 adds serious violations)."""

    THREAT_TO_SELF = "threat_to_self", "Threat to self"
    THREAT_TO_OTHERS = "threat_to_others", "Threat to others"
    CHILD_ABUSE = "child_abuse", "Child abuse"
    ELDER_ABUSE = "elder_abuse", "Elder abuse"
    SERIOUS_VIOLATION = "serious_violation", "Serious violation of law"  # 2006 Confidentiality 3
    AGENCY_DEFINED = "agency_defined", "Agency-defined"  # e.g. sexual harassment (2006)


class ConfidentialityException(models.Model):
    """One limit to confidentiality in an agency, with the procedure a PSP follows (2011 §6.3)."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="confidentiality_exceptions"
    )
    category = models.CharField(max_length=24, choices=ExceptionCategory.choices)
    label = models.CharField(max_length=100)
    procedure = models.TextField(
        help_text="What the peer supporter does at once when this limit is reached."
    )
    position = models.PositiveSmallIntegerField(default=0)
    # Removed limits stay as rows (logged contacts point at them) but leave the card and the form.
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "label"], name="unique_exception_label")
        ]

    def __str__(self) -> str:
        return self.label


class LimitsVersion(models.Model):
    """One version of an agency's limits and procedures: who changed what, when (2011 §6.3, §3.5).

    `limits` is the whole list as it stood after the change (label, category, procedure), so any
    past version can be read, and the manual can cite the one in force."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="limits_versions"
    )
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    change = models.CharField(max_length=300)
    limits = models.JSONField(default=list)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "number"], name="unique_limits_version")
        ]

    def __str__(self) -> str:
        return f"Limits v{self.number}"
