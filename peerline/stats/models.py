"""Released reports: once a period closes its report is frozen, byte for byte (2011 §3.1)."""

from django.conf import settings
from django.db import models


class ClosedPeriod(models.Model):
    """A reporting period (a quarter "2026-Q3" or a year "2026") whose release is frozen.

    Contacts logged late for a closed quarter count in the open one, so two releases of the
    same period can never be differenced.
    """

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=7)
    closed_at = models.DateTimeField(auto_now_add=True)
    # None when the scheduled `close-periods` command closed it.
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    threshold = models.PositiveSmallIntegerField()
    release_json = models.BinaryField(help_text="The exact bytes served for this period.")
    release_pdf = models.BinaryField(
        default=b"", help_text="The same release as a PDF, rendered once at close."
    )
    # The unsuppressed counts the release was protected from: never served. A year is built from
    # its quarters' counts, so it sums to them exactly even if contacts are deleted later.
    cell_counts = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "period"], name="unique_closed_period")
        ]

    def __str__(self) -> str:
        return f"{self.agency.code} {self.period}"


class ThresholdChange(models.Model):
    """A change of the agency's suppression threshold k, recorded as the issue asks (2011 §3.1).

    k defaults to 11 (the CMS cell-size rule); an agency may lower it, never below 5.
    """

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    old_k = models.PositiveSmallIntegerField()
    new_k = models.PositiveSmallIntegerField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(new_k__gte=5), name="threshold_change_at_least_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency.code} k {self.old_k} → {self.new_k}"
