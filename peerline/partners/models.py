"""Agreements between agencies that combine their peer support resources (2011 §3.8.2).

"Smaller departments may need to combine resources with adjacent agencies, particularly for
training and critical incident support." An agreement is one-way: `agency` shares its team with
`partner`. Two agencies that help each other hold two agreements.
"""

from django.db import models


class PartnerAgreement(models.Model):
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="agreements_given"
    )
    partner = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="agreements_received"
    )
    # What the agreement shares with the partner's employees and coordinator.
    shares_directory = models.BooleanField(
        "our PSPs appear in the partner's find-a-peer directory", default=True
    )
    shares_training = models.BooleanField("partner PSPs may attend our training", default=True)
    mutual_aid = models.BooleanField("we answer the partner's mutual-aid requests", default=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["partner__name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "partner"], name="unique_partner_agreement"),
            models.CheckConstraint(
                condition=~models.Q(agency=models.F("partner")), name="partner_is_another_agency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} → {self.partner}"
