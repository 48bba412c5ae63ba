"""Released reports: once a period closes its report is frozen, byte for byte (2011 §3.1)."""

from django.db import models


class ClosedPeriod(models.Model):
    """A reporting period (a quarter "2026-Q3" or a year "2026") whose release is frozen.

    Contacts logged late for a closed quarter count in the open one, so two releases of the
    same period can never be differenced.
    """

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=7)
    closed_at = models.DateTimeField(auto_now_add=True)
    threshold = models.PositiveSmallIntegerField()
    release_json = models.BinaryField(help_text="The exact bytes served for this period.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "period"], name="unique_closed_period")
        ]

    def __str__(self) -> str:
        return f"{self.agency.code} {self.period}"
