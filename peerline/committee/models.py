"""The steering committee (2011 §3.2; 2006 Administration 2), the program settings it changes,
and clinical oversight (2011 §3.4, §3.9; 2006 Administration 4)."""

from django.db import models


class Seat(models.TextChoices):
    """Who sits on the committee (2011 §3.2): sworn and civilian parties, employee organizations
    and administrators, and a mental health professional licensed in the jurisdiction."""

    SWORN = "sworn", "Sworn"
    CIVILIAN = "civilian", "Civilian"
    EMPLOYEE_ORGANIZATION = "employee_org", "Employee organization"
    ADMINISTRATION = "administration", "Administration"
    LICENSED_MHP = "licensed_mhp", "Licensed mental health professional"


class SteeringCommitteeMember(models.Model):
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="committee_members"
    )
    name = models.CharField(max_length=200)
    seat = models.CharField(max_length=16, choices=Seat.choices)
    # For the licensed MHP's seat: §3.2 asks for a licence in the department's jurisdiction.
    licence_state = models.CharField(max_length=2, blank=True)
    # The member's log-in, when they have one: attestations are signed by a named member.
    user = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    since = models.DateField()
    until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["seat", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_seat_display()})"


class CommitteeDecision(models.Model):
    """A decision of the committee: program-level text, never about a person supported."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="committee_decisions"
    )
    decided_on = models.DateField()
    subject = models.CharField(max_length=200)
    decision = models.TextField()
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return self.subject


class SettingChange(models.Model):
    """One change of a program setting, with its old and new value (2011 §3.2)."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="setting_changes"
    )
    setting = models.CharField(max_length=64)
    old = models.CharField(max_length=200)
    new = models.CharField(max_length=200)
    by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.setting}: {self.old} → {self.new}"


class AdvisorScope(models.Model):
    """The clinical advisor's role and scope, mutually determined by the agency and the
    professional (2011 §3.4; 2006 Administration 4): a versioned text both sides accept."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="advisor_scopes"
    )
    version = models.PositiveIntegerField()
    text = models.TextField()
    written_at = models.DateTimeField()
    written_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    agency_accepted_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    agency_accepted_at = models.DateTimeField(null=True, blank=True)
    advisor_accepted_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    advisor_accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "version"], name="unique_scope_version")
        ]

    def __str__(self) -> str:
        return f"Role and scope v{self.version}"

    @property
    def agreed(self) -> bool:
        return self.agency_accepted_at is not None and self.advisor_accepted_at is not None


class MeetingKind(models.TextChoices):
    CLINICAL_OVERSIGHT = "oversight", "Clinical oversight or supervision (2011 §3.4)"
    TEAM = "team", "Team meeting (2011 §3.9)"
    COMMITTEE = "committee", "Steering committee (2011 §3.2)"


class Meeting(models.Model):
    """An oversight or team meeting: date, kind and how many attended (2011 §3.4, §3.9)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    kind = models.CharField(max_length=16, choices=MeetingKind.choices)
    attendance = models.PositiveSmallIntegerField()
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.held_on}"
