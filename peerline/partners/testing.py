"""A builder for tests in any app: an agreement both coordinators accepted (2011 §3.8.2)."""

from datetime import date
from typing import Any

from django.utils import timezone

from peerline.agencies.models import Agency

from .models import AgreementStatus, PartnerAgreement


def accepted_agreement(
    giver: Agency,
    receiver: Agency,
    *,
    starts_on: date = date(2020, 1, 1),
    shares_directory: bool = True,
    shares_training: bool = True,
    mutual_aid: bool = True,
    **fields: Any,
) -> PartnerAgreement:
    """`giver` offered, `receiver` accepted: `giver` shares the items named (the receiver shares
    nothing unless `partner_*` fields say so)."""
    now = timezone.now()
    return PartnerAgreement.objects.create(
        agency=giver,
        partner=receiver,
        starts_on=starts_on,
        shares_directory=shares_directory,
        shares_training=shares_training,
        mutual_aid=mutual_aid,
        status=AgreementStatus.ACCEPTED,
        offered_at=now,
        accepted_at=now,
        **fields,
    )
