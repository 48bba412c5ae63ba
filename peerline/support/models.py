"""Requests for a peer without a personal account (2011 §3.6 "the person chooses", §1.1, §2.3.7).

A `SupportRequest` holds the callback details and preferences only while they serve: until a PSP
accepts (then that PSP alone sees them) and they mark it done or a short window ends, or until the
request expires unanswered (agency setting, 24 hours by default). The row is then deleted with
its pages; what remains is `SupportTally`, a count by month (requests, answered, minutes to
answer). Nothing here records who asked: no user, no address, no cookie, no IP.

`AccessLink` is the agency's door for people without a log-in (families, retirees, anyone the
agency gives the link to): only a hash of its code is stored.
"""

from django.db import models

from peerline.agencies.models import Category, JobFamily
from peerline.team.models import Language


class SupportSettings(models.Model):
    """The agency's choices for the access link and requests for a peer."""

    agency = models.OneToOneField(
        "agencies.Agency", on_delete=models.CASCADE, related_name="support_settings"
    )
    # 2011 §2.3.7: the agency decides whether families and retirees may use the door.
    families_may_use = models.BooleanField("family members may use the access link", default=True)
    retirees_may_use = models.BooleanField("retirees may use the access link", default=True)
    expiry_hours = models.PositiveSmallIntegerField(
        "an unanswered request is erased after (hours)", default=24
    )
    escalate_after_minutes = models.PositiveSmallIntegerField(
        "nobody accepted: page the next peer supporters after (minutes)", default=10
    )
    psps_per_round = models.PositiveSmallIntegerField("peer supporters paged at a time", default=3)
    shown_hours = models.PositiveSmallIntegerField(
        "the accepting peer supporter sees the callback details for (hours)", default=2
    )

    def __str__(self) -> str:
        return f"support settings of {self.agency}"


class AccessLink(models.Model):
    """The agency's access link or code: rotatable, revocable, with an expiry. The code itself
    is shown once to the coordinator who makes it; only its SHA-256 is kept."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"access link {self.pk} of {self.agency}"


class Requester(models.TextChoices):
    """Who asks, in a word (2011 §2.3.7): the agency decides whether families and retirees may."""

    EMPLOYEE = "employee", "An employee of the agency"
    FAMILY = "family", "A family member of an employee"
    RETIREE = "retiree", "A retiree of the agency"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Waiting for a peer supporter"
    ACCEPTED = "accepted", "A peer supporter will call you"


class Window(models.TextChoices):
    ANY = "", "Any time"
    NOW = "now", "As soon as possible"
    DAY = "day", "Daytime (8 a.m. to 6 p.m.)"
    EVENING = "evening", "Evening (6 p.m. to 10 p.m.)"
    NIGHT = "night", "Night (10 p.m. to 8 a.m.)"


class SupportRequest(models.Model):
    """An anonymous request for a peer, kept only until it is answered and done, or expires."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    requester = models.CharField(
        max_length=16, choices=Requester.choices, default=Requester.EMPLOYEE
    )
    # The callback details: erased with the row (DESIGN principle 8).
    callback_phone = models.CharField("phone to call back", max_length=32, blank=True)
    callback_email = models.EmailField("e-mail to write to", blank=True)
    window = models.CharField(max_length=16, choices=Window.choices, blank=True)
    # Preferences (2011 §3.6: the person chooses), each optional.
    category = models.CharField(max_length=16, choices=Category.choices, blank=True)
    job_family = models.CharField(max_length=24, choices=JobFamily.choices, blank=True)
    language = models.CharField(max_length=8, choices=Language.choices, blank=True)
    # "Not from my division": the requester's division, so nobody in it is paged (2011 §7.2).
    not_division = models.ForeignKey(
        "agencies.Division", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    # Whoever accepted ends the clinician escalation; it is never shown to anyone else.
    clinician_paged = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["status", "expires_at"], name="support_due_idx")]

    def __str__(self) -> str:
        # Never the callback details: a str() may reach a log or an error page.
        return f"support request {self.pk} ({self.status})"


class SupportPage(models.Model):
    """One person asked to answer a request: a PSP, or the on-call clinician at the end."""

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="pages")
    peer_supporter = models.ForeignKey(
        "team.PeerSupporter", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    clinician = models.ForeignKey(
        "clinical.MentalHealthProfessional",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    round = models.PositiveSmallIntegerField(default=1)
    paged_at = models.DateTimeField()
    accepted = models.BooleanField(default=False)

    class Meta:
        ordering = ["round", "pk"]

    def __str__(self) -> str:
        return f"page {self.pk} of support request {self.request_id}"


class AnswerToken(models.Model):
    """A one-tap answer link's token, kept only as its SHA-256 digest, like an incident page's
    (`incidents.PageToken`; 2011 §6.7, DESIGN principle 8). Made by the worker as the page is
    sent, so the link in clear is only in the message delivered. It names one page and serves
    that page alone; it is deleted when another PSP accepts, and dies with the request (erased
    with its pages) or at `expires_at`."""

    page = models.ForeignKey(SupportPage, on_delete=models.CASCADE, related_name="tokens")
    digest = models.CharField(
        "a fingerprint of the link (never the link)", max_length=64, unique=True
    )
    expires_at = models.DateTimeField("the link stops working at")

    class Meta:
        verbose_name = "one-tap answer link"

    def __str__(self) -> str:
        return f"one-tap token of support page {self.page_id}"


class SupportTally(models.Model):
    """What remains of the requests: counts by month, in the agency's time zone. No row here is
    about one request once a month has more than one."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month
    requests = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    minutes_to_answer = models.PositiveIntegerField(default=0)  # the sum over answered ones

    class Meta:
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "month"], name="unique_support_tally")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.answered}/{self.requests}"
