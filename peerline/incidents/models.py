"""Critical incidents: activation of a conflict-aware team, its deployments, follow-ups and
mutual aid (2011 §2.3.3, §2.3.8, §3.3, §3.8.2, §5.1; 2006 Administration 3).

Who was involved is kept only while the incident is open and for the agency's retention window
after it closes (`Involvement` rows are then erased; the counts on the incident stay).
"""

from django.conf import settings
from django.db import models

from peerline.notifications.models import Notification, topic_for


class IncidentType(models.TextChoices):
    OFFICER_INVOLVED_SHOOTING = "ois", "Officer-involved shooting"
    OFFICER_INJURED = "officer_injured", "Officer injured"
    LINE_OF_DUTY_DEATH = "lodd", "Line-of-duty death"
    EMPLOYEE_SUICIDE = "employee_suicide", "Employee suicide"
    MASS_CASUALTY = "mass_casualty", "Mass casualty"
    CHILD_DEATH = "child_death", "Child death"
    OTHER = "other", "Other"


class IncidentStatus(models.TextChoices):
    OPEN = "open", "Open"  # reported; the team is proposed but nobody is paged yet
    ACTIVATED = "activated", "Activated"  # pages sent
    CLOSED = "closed", "Closed"


class IncidentArea(models.Model):
    """A general area of the agency's jurisdiction ("North district", "Highway 9"), from a list
    the coordinator keeps: where an incident happened, without a name or an address (2011 §6.7)."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="incident_areas"
    )
    name = models.CharField(max_length=80)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="unique_incident_area")
        ]

    def __str__(self) -> str:
        return self.name


class CriticalIncident(models.Model):
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="incidents"
    )
    type = models.CharField(max_length=20, choices=IncidentType.choices)
    occurred_at = models.DateTimeField()
    area = models.ForeignKey(
        IncidentArea, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Optional words about the place, refused when they hold a roster name; erased with the
    # involvements after the retention window.
    place = models.CharField(max_length=200, blank=True, help_text="General location; no names.")
    units = models.ManyToManyField("agencies.Division", blank=True, related_name="+")
    team_size = models.PositiveSmallIntegerField(help_text="How many PSPs to send.")
    status = models.CharField(
        max_length=16, choices=IncidentStatus.choices, default=IncidentStatus.OPEN
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    activated_at = models.DateTimeField(null=True, blank=True)
    # Who activated the team and who closed the incident: the coordinator's acts (2011 §3.9),
    # kept with the incident (never anyone involved in it).
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set when the involved-person links were erased after the retention window; counts stay.
    erased_at = models.DateTimeField(null=True, blank=True)
    principals_count = models.PositiveSmallIntegerField(default=0)
    witnesses_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-occurred_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.occurred_at:%Y-%m-%d})"

    @property
    def where(self) -> str:
        """The general area, then the free text if any."""
        parts = [self.area.name if self.area_id and self.area else "", self.place]
        return ", ".join(part for part in parts if part) or "Area not given"


class Circle(models.TextChoices):
    """Circles of involvement: who is closest to the incident."""

    PRINCIPAL = "principal", "Principal"  # e.g. the officers who fired; OIS → licensed MHP only
    WITNESS = "witness", "Witness"


class Involvement(models.Model):
    """An employee involved in an incident. Erased after the retention window."""

    incident = models.ForeignKey(
        CriticalIncident, on_delete=models.CASCADE, related_name="involvements"
    )
    employee = models.ForeignKey("agencies.Employee", on_delete=models.CASCADE, related_name="+")
    circle = models.CharField(max_length=16, choices=Circle.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "employee"], name="unique_involvement")
        ]

    def __str__(self) -> str:
        return f"{self.get_circle_display()} in {self.incident}"


class DeploymentRole(models.TextChoices):
    PEER_SUPPORT = "peer_support", "Peer support (outer circles)"
    INDIVIDUAL_INTERVENTION = "individual_intervention", "Individual intervention (licensed MHP)"
    CLINICAL_CONSULTATION = "clinical_consultation", "Clinician on call"


# What a person reads. The stored choice labels above stay as migrated; "outer circles" (2006:
# people who were NOT on the scene) is never shown to anyone paged to a scene.
ROLE_WORDS: dict[str, str] = {
    DeploymentRole.PEER_SUPPORT: "Peer support",
    DeploymentRole.INDIVIDUAL_INTERVENTION: "Individual intervention (licensed MHP)",
    DeploymentRole.CLINICAL_CONSULTATION: "Clinician on call",
}


class DeploymentStatus(models.TextChoices):
    PAGED = "paged", "Paged"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    NO_ANSWER = "no_answer", "No answer (escalated)"
    CANCELLED = "cancelled", "Cancelled"


class Deployment(models.Model):
    """One person asked to respond: a PSP (of this agency or a partner's) or a clinician.

    The row is the incident's record (its agency's, 2011 §3.3): who was paged in which role and
    round, and the answer. Removing the person (a partner agency leaving, a clinician deleted)
    clears the link to them and keeps the row, so the incident's board and its erased tallies
    (`retention`) still count the page; the role says whether it was a PSP's. Only the incident
    going, or its retention window ending, removes deployments (2011 §6.7; DESIGN principle 7:
    one agency's removal never deletes another's records)."""

    incident = models.ForeignKey(
        CriticalIncident, on_delete=models.CASCADE, related_name="deployments"
    )
    # Either person, never both; neither once the person's record was removed (SET_NULL).
    peer_supporter = models.ForeignKey(
        "team.PeerSupporter", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    clinician = models.ForeignKey(
        "clinical.MentalHealthProfessional",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField(max_length=24, choices=DeploymentRole.choices)
    round = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=16, choices=DeploymentStatus.choices, default=DeploymentStatus.PAGED
    )
    paged_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(peer_supporter__isnull=True) | models.Q(clinician__isnull=True),
                name="deployment_at_most_one_person",
            ),
            models.UniqueConstraint(
                fields=["incident", "peer_supporter"],
                condition=models.Q(peer_supporter__isnull=False),
                name="unique_psp_deployment",
            ),
            models.UniqueConstraint(
                fields=["incident", "clinician"],
                condition=models.Q(clinician__isnull=False),
                name="unique_clinician_deployment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role_label} · round {self.round} · {self.get_status_display()}"

    @property
    def role_label(self) -> str:
        return ROLE_WORDS.get(self.role, self.role)

    @property
    def is_psp(self) -> bool:
        """A PSP's page, whether or not the PSP is still on record (clinicians hold the other
        roles)."""
        return self.role == DeploymentRole.PEER_SUPPORT

    @property
    def removed(self) -> bool:
        """The person paged is no longer on record: nothing says who it was."""
        return self.peer_supporter_id is None and self.clinician_id is None

    @property
    def notifications(self) -> "models.QuerySet[Notification]":
        """This page's outbox rows (the outbox knows it by its topic, not by a foreign key)."""
        return Notification.objects.filter(topic=topic_for("deployment", self.pk))


class PageToken(models.Model):
    """A one-tap link's token, kept only as its SHA-256 digest (2011 §6.7; DESIGN principle 8).

    The token itself is made by the worker at the moment it sends the page and exists in clear
    only in the message sent: never in this table, the outbox row or a log. It dies with its
    deployment (erasure), and the retention job deletes it once expired."""

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="tokens")
    digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"one-tap token of deployment {self.deployment_id}"


class DeploymentTally(models.Model):
    """What is kept of an erased incident's deployments: how many were paged and how many
    accepted, by role; never who (2011 §6.7)."""

    incident = models.ForeignKey(CriticalIncident, on_delete=models.CASCADE, related_name="tallies")
    role = models.CharField(max_length=24, choices=DeploymentRole.choices)
    paged = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["role"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "role"], name="unique_tally_per_role")
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.accepted}/{self.paged}"


class MutualAidStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class MutualAidRequest(models.Model):
    """A request for PSPs from a partner agency whose agreement provides mutual aid (§3.8.2).

    The row is the asking agency's record: whom it asked, for how many, and the answer. Removing
    the partner agency clears the link to it and keeps the row, with the partner's name as it
    was when asked (`partner_name`), so the board and the erased incident still say which
    partner was asked and what it answered (2011 §3.8.2, §6.7; DESIGN principle 7: either side
    may end a partnership, one agency's removal never deletes another's records)."""

    incident = models.ForeignKey(
        CriticalIncident, on_delete=models.CASCADE, related_name="mutual_aid_requests"
    )
    # None once the partner agency was removed (SET_NULL): `partner_name` still names it.
    partner = models.ForeignKey(
        "agencies.Agency", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    partner_name = models.CharField(max_length=200)  # the partner's name when it was asked
    psps_requested = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=200)
    requested_at = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=MutualAidStatus.choices, default=MutualAidStatus.REQUESTED
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            # One request per partner and incident while the partner is on record; rows whose
            # partner was removed hold NULL, and NULLs never clash (SQLite and PostgreSQL).
            models.UniqueConstraint(fields=["incident", "partner"], name="unique_mutual_aid")
        ]

    def __str__(self) -> str:
        return f"mutual aid from {self.partner_name} ({self.get_status_display()})"

    @property
    def removed(self) -> bool:
        """The partner agency asked is no longer on record (its name stays)."""
        return self.partner_id is None


class FollowUpKind(models.TextChoices):
    ON_SCENE = "on_scene", "One-to-one support and psychological first aid on scene"
    DEFUSING = "defusing", "Group defusing (optional), 8–12 hours after"
    GROUP_SESSION = "group_session", "Group session with an MHP (optional), 24–72 hours after"
    CHECK_IN_WEEK = "check_in_week", "Check-in at one week"
    CHECK_IN_MONTH = "check_in_month", "Check-in at one month"
    CHECK_IN_QUARTER = "check_in_quarter", "Check-in at three months"
    ANNIVERSARY = "anniversary", "Anniversary"


class FollowUp(models.Model):
    """A scheduled follow-up of an incident, editable by the coordinator."""

    incident = models.ForeignKey(
        CriticalIncident, on_delete=models.CASCADE, related_name="follow_ups"
    )
    kind = models.CharField(max_length=20, choices=FollowUpKind.choices)
    due_at = models.DateTimeField()
    optional = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    skipped = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {self.due_at:%Y-%m-%d %H:%M}"
