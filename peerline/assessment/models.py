"""The live self-assessment: every clause of the agency's edition, measured from live data where
software can, otherwise attested by a named steering committee member (2011 §3.2)."""

from django.db import models


class Status(models.TextChoices):
    MET = "met", "Met"
    PARTLY = "partly", "Partly met"
    NOT_MET = "not_met", "Not met"
    NOT_APPLICABLE = "n_a", "Not applicable"


class Attestation(models.Model):
    """A named committee member's judgement of a clause, with its date and evidence."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="attestations"
    )
    edition = models.CharField(max_length=4)
    clause = models.CharField(max_length=40)
    status = models.CharField(max_length=8, choices=Status.choices)
    member = models.ForeignKey(
        "committee.SteeringCommitteeMember", on_delete=models.RESTRICT, related_name="+"
    )
    attested_on = models.DateField()
    evidence = models.TextField(help_text="Program-level evidence, never about a person supported.")
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-attested_on", "-pk"]
        indexes = [models.Index(fields=["agency", "edition", "clause"], name="attestation_clause")]

    def __str__(self) -> str:
        return f"{self.edition} {self.clause}: {self.get_status_display()}"


class Snapshot(models.Model):
    """The assessment as it stood at one time: the history over time."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="assessment_snapshots"
    )
    taken_at = models.DateTimeField()
    edition = models.CharField(max_length=4)
    counts = models.JSONField(default=dict)  # status → number of clauses
    rows = models.JSONField(default=list)  # [{"clause", "status", "how"}]

    class Meta:
        ordering = ["-taken_at"]

    def __str__(self) -> str:
        return f"Self-assessment of {self.taken_at:%Y-%m-%d}"
