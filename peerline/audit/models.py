"""The audit trail (DESIGN: AuditEvent): who did what to the program, append-only and hash-chained.

Each row carries the hash of the row before it, so an edited, deleted or inserted row breaks the
chain (`peerline audit verify`). `seq` numbers the rows 1, 2, 3… without gaps (ids may skip on
PostgreSQL when a transaction rolls back; `seq` is taken under the writers' lock), so a missing
row is named by its number. The actor is kept as an id and a label rather than a foreign key: a
row never changes after it is written, not even when a user is removed. Nothing about a person
supported is ever recorded here (2011 §6.7): targets are program objects (a user, a role, an
incident, a setting), never a contact.
"""

from django.db import models


class AuditEvent(models.Model):
    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64)
    target = models.CharField(max_length=120, blank=True)  # e.g. "user:12", "incident:5"
    detail = models.JSONField(default=dict, blank=True)
    # Unique: two writers that read the same last row cannot both append after it (no fork).
    prev_hash = models.CharField(max_length=64, unique=True)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["agency", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target}"


class ChainCheck(models.Model):
    """The result of a full walk of the chain (the command, the worker's hourly check): the audit
    page verifies only the rows written since the last one that held."""

    at = models.DateTimeField()
    head_seq = models.PositiveBigIntegerField()
    head_hash = models.CharField(max_length=64)
    broken_seq = models.PositiveBigIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} up to row {self.head_seq}"
