"""Agreements between agencies that combine their peer support resources (2011 §3.8.2).

"Smaller departments may need to combine resources with adjacent agencies, particularly for
training and critical incident support." An agreement binds two agencies and exists only once both
coordinators have accepted it: one offers (`agency`), the other (`partner`) accepts or declines,
and either ends it at any time. It states what each side shares (directory cards, joint training,
mutual aid); the offer proposes every item, the acceptance keeps or drops each one, so an item is
shared only when both sides chose it. Nothing crosses before acceptance or after the end.
"""

from django.conf import settings
from django.db import models


class AgreementStatus(models.TextChoices):
    OFFERED = "offered", "Offered, waiting for the partner"
    ACCEPTED = "accepted", "Accepted by both"
    DECLINED = "declined", "Declined"
    ENDED = "ended", "Ended"


# The items an agreement may share, each given by one side to the other.
ITEMS = ("directory", "training", "aid")


class PartnerAgreement(models.Model):
    # Either agency's removal deletes the agreement (CASCADE): it binds both, and with one gone
    # nothing can cross any more. Nothing else hangs off it: an incident's mutual-aid requests
    # and pages name the partner agency (SET_NULL, with its name kept), never the agreement, and
    # each side's audit trail keeps its steps (2011 §3.8.2; DESIGN principle 7).
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="agreements_given"
    )  # the agency that offered
    partner = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="agreements_received"
    )  # the agency asked to accept
    # What the offering agency shares with the partner.
    shares_directory = models.BooleanField(
        "our PSPs appear in the partner's find-a-peer directory", default=False
    )
    shares_training = models.BooleanField("partner PSPs may attend our training", default=False)
    mutual_aid = models.BooleanField("we answer the partner's mutual-aid requests", default=False)
    # What the partner shares with the offering agency.
    partner_shares_directory = models.BooleanField(
        "the partner's PSPs appear in our find-a-peer directory", default=False
    )
    partner_shares_training = models.BooleanField(
        "our PSPs may attend the partner's training", default=False
    )
    partner_mutual_aid = models.BooleanField(
        "the partner answers our mutual-aid requests", default=False
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)  # the last day in force
    status = models.CharField(
        max_length=10, choices=AgreementStatus.choices, default=AgreementStatus.OFFERED
    )
    # Every step, who and when (the audit trail records them too).
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    offered_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    declined_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ended_by_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["partner__name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(agency=models.F("partner")), name="partner_is_another_agency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} ↔ {self.partner}"

    def gives(self, side_agency_id: int, item: str) -> bool:
        """Whether the side `side_agency_id` shares `item` ("directory", "training", "aid")."""
        offerer = side_agency_id == self.agency_id
        field = {
            "directory": "shares_directory",
            "training": "shares_training",
            "aid": "mutual_aid",
        }[item]
        return bool(getattr(self, field if offerer else f"partner_{field}"))
