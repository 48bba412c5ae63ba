"""What the worker leaves behind for readiness and for other workers: when each scheduled job is
next due (one row per job, claimed by a conditional UPDATE so it runs once per interval however
many workers run), and when each worker was last seen alive."""

from django.db import models


class ScheduledJob(models.Model):
    """One row per registered job (`peerline.core.jobs.periodic`)."""

    name = models.CharField(max_length=100, unique=True)
    due_at = models.DateTimeField()
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    # The exception's class only: a message could carry personal data.
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WorkerHeartbeat(models.Model):
    """Written by each `peerline worker` on every loop; read by /readyz and the home banner."""

    worker = models.CharField(max_length=200, unique=True, help_text="host and process id")
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.worker
