"""Training: the topic catalogue of both editions, sessions and attendance (2011 §8, 2006 Training).

* `TrainingTopic` — the 24 topics of 2011 §8.3.1–§8.3.24 and the 21 of 2006 Training 3, loaded
  by a data migration with the mapping between the editions (`equivalents`), and the agency's
  own topics that its steering committee adds (2011 §8.1). A topic is retired, never deleted:
  past sessions keep naming it.
* `TrainingSession` — one session the coordinator schedules (2011 §8.2: "as scheduled by the
  program coordinator"), on a date of the agency's own calendar. Partner agencies' PSPs may
  attend when it says so and an agreement shares training (2011 §3.8.2).
* `Attendance` — a PSP's hours credited for one session; the quarterly requirement of 2011 §8.2
  is checked against them in `compliance.py`.

Nothing here is about anyone a PSP supported (2011 §6.7).
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Edition(models.TextChoices):
    IACP_2011 = "2011", "IACP 2011 (§8.3)"
    IACP_2006 = "2006", "IACP 2006 (Training 3)"
    AGENCY = "agency", "The agency's own (2011 §8.1)"


class TrainingTopic(models.Model):
    edition = models.CharField(max_length=8, choices=Edition.choices)
    # "8.3.5" for 2011, "5" (the list position) for 2006, "A1", "A2", … for the agency's own.
    number = models.CharField(max_length=16)
    position = models.PositiveSmallIntegerField(default=0)  # order within the edition
    title = models.CharField(max_length=200)
    # Set for the agency's own topics only; the editions' topics are shared by every agency.
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="training_topics",
    )
    # The same topic in the other edition (2006 "AIDS" = 2011 "HIV and AIDS").
    equivalents = models.ManyToManyField("self", symmetrical=True, blank=True)
    # Why a topic has no equivalent, or how the two wordings differ: every edition topic is
    # mapped or explicitly unmapped.
    mapping_note = models.CharField(max_length=300, blank=True)
    retired_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["edition", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "number"],
                condition=models.Q(agency__isnull=True),
                name="unique_edition_topic_number",
            ),
            models.UniqueConstraint(
                fields=["agency", "number"],
                condition=models.Q(agency__isnull=False),
                name="unique_agency_topic_number",
            ),
            models.CheckConstraint(
                condition=models.Q(edition="agency", agency__isnull=False)
                | (~models.Q(edition="agency") & models.Q(agency__isnull=True)),
                name="agency_topics_have_an_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        """How a clause is cited: "2011 §8.3.16", "2006 Training 3.16", "Agency A1"."""
        if self.edition == Edition.IACP_2011:
            return f"2011 §{self.number}"
        if self.edition == Edition.IACP_2006:
            return f"2006 Training 3.{self.number}"
        return f"Agency {self.number}"


HOURS_VALIDATORS = [MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("24"))]


class TrainingSession(models.Model):
    """A training session; `date` and `start_time` are the agency's local calendar and clock."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="training_sessions"
    )
    title = models.CharField(max_length=200)
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    hours = models.DecimalField(max_digits=4, decimal_places=1, validators=HOURS_VALIDATORS)
    topics = models.ManyToManyField(TrainingTopic, related_name="sessions", blank=True)
    instructor = models.CharField("instructor's name", max_length=200)
    instructor_is_mhp = models.BooleanField(
        "the instructor is a licensed mental health professional", default=False
    )
    location = models.CharField(max_length=200, blank=True)
    partners_may_attend = models.BooleanField(
        "partner agencies' PSPs may attend (2011 §3.8.2)", default=False
    )
    notes = models.TextField(max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-start_time", "-pk"]
        indexes = [models.Index(fields=["agency", "date"], name="training_session_date_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%Y-%m-%d})"


# Attendances that count: the host's own PSPs at once, a partner's PSPs once confirmed.
CONFIRMED = models.Q(confirmed_at__isnull=False)


class Attendance(models.Model):
    """Hours credited to one PSP for one session: the session's hours, or fewer for part of it."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendances"
    )
    peer_supporter = models.ForeignKey(
        "team.PeerSupporter", on_delete=models.CASCADE, related_name="training_attendances"
    )
    hours_credited = models.DecimalField(
        max_digits=4, decimal_places=1, validators=HOURS_VALIDATORS
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField()
    # Hours from a partner agency's session count only once the PSP's own coordinator confirms
    # them (2011 §3.8.2): another agency never changes this agency's compliance on its own.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["session__date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "peer_supporter"], name="unique_attendance_per_session"
            ),
            models.CheckConstraint(
                condition=models.Q(hours_credited__gt=0), name="attendance_hours_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hours_credited} h at {self.session}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The host's own PSPs' hours count as recorded; only a partner's wait (2011 §3.8.2).
        if self._state.adding and self.confirmed_at is None and self.is_own_agency():
            self.confirmed_at, self.confirmed_by_id = self.recorded_at, self.recorded_by_id
        super().save(*args, **kwargs)

    def is_own_agency(self) -> bool:
        return TrainingSession.objects.filter(
            pk=self.session_id, agency__peer_supporters__pk=self.peer_supporter_id
        ).exists()
