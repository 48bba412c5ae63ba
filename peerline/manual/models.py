"""The procedures manual (2011 §3.5; 2006 Administration 5): "a written procedures manual that
is available to all personnel". Sections generated from the agency's live settings and records,
plus sections the coordinator writes; each published version is frozen, approved by the steering
committee and acknowledged by everyone."""

from django.db import models


class ManualSection(models.Model):
    """A section the coordinator writes (e.g. mission statement details, local procedures)."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="manual_sections"
    )
    title = models.CharField(max_length=200)
    body = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class ManualVersion(models.Model):
    """A frozen manual: `sections` is [{"title", "clause", "body"}] as it stood when drafted."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="manual_versions"
    )
    number = models.PositiveIntegerField()
    sections = models.JSONField(default=list)
    drafted_at = models.DateTimeField()
    drafted_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approval_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "number"], name="unique_manual_version")
        ]

    def __str__(self) -> str:
        return f"Procedures manual v{self.number}"

    @property
    def text(self) -> str:
        return "\n\n".join(f"{s['title']}\n{s['body']}" for s in self.sections)


class Acknowledgement(models.Model):
    version = models.ForeignKey(
        ManualVersion, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="unique_acknowledgement")
        ]

    def __str__(self) -> str:
        return f"v{self.version.number} acknowledged"
