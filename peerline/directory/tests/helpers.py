"""Builders shared by the directory's tests."""

from datetime import date

from peerline.agencies.models import Employee
from peerline.partners.models import PartnerAgreement
from peerline.partners.testing import accepted_agreement
from peerline.team.models import PeerSupporter, Status

LONG_AGO = date(2020, 1, 1)


def make_psp(employee: Employee, status: str = Status.ACTIVE, **fields: object) -> PeerSupporter:
    """A PSP row made directly: the team's services are tested elsewhere."""
    return PeerSupporter.objects.create(
        agency_id=employee.agency_id,
        employee=employee,
        status=status,
        status_since=LONG_AGO,
        **fields,
    )


def share_directory(giver, receiver, **fields: object) -> PartnerAgreement:
    """`giver` lists its PSPs in `receiver`'s directory (2011 §3.8.2)."""
    return accepted_agreement(
        giver, receiver, starts_on=fields.pop("starts_on", LONG_AGO), **fields
    )
