"""Reads of partner agreements (2011 §3.8.2), shared by the directory, mutual aid and pages.

An agreement is one-way: `agency` shares with `partner`. It is in force on a day when it has
started and has not ended (`ends_on` is the last day it is in force). Each "partners" reader
answers one question for the agency that *receives*: whose PSPs, training or help it may use.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from peerline.agencies.models import Agency

from .models import PartnerAgreement


def in_force_q(today: date, prefix: str = "") -> Q:
    """Agreements in force on `today`: started, and not ended before it."""
    return Q(**{f"{prefix}starts_on__lte": today}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": today})
    )


def _givers(agency: Agency, today: date, **shares: bool) -> QuerySet[PartnerAgreement]:
    return PartnerAgreement.objects.filter(in_force_q(today), partner=agency, **shares)


def directory_givers_ids(agency: Agency, today: date) -> QuerySet[PartnerAgreement, Any]:
    """The ids of agencies whose PSPs are in `agency`'s directory today, as a subquery."""
    return _givers(agency, today, shares_directory=True).values("agency_id")


def partners_sharing_directory_with(agency: Agency, today: date) -> QuerySet[Agency]:
    """Agencies whose PSPs appear in `agency`'s find-a-peer directory today (2011 §3.6, §3.8.2)."""
    return Agency.objects.filter(pk__in=directory_givers_ids(agency, today)).order_by("name")


def partners_sharing_training_with(agency: Agency, today: date) -> QuerySet[Agency]:
    """Agencies whose training `agency`'s PSPs may attend today (2011 §3.8.2, §8)."""
    givers = _givers(agency, today, shares_training=True).values("agency_id")
    return Agency.objects.filter(pk__in=givers).order_by("name")


def mutual_aid_partners(agency: Agency, today: date) -> QuerySet[Agency]:
    """Agencies that answer `agency`'s mutual-aid requests today (2011 §3.8.2: critical
    incident support, and help when the agency's own PSPs are close to the incident)."""
    givers = _givers(agency, today, mutual_aid=True).values("agency_id")
    return Agency.objects.filter(pk__in=givers).order_by("name")


@dataclass(frozen=True)
class AgreementRow:
    """An agreement as the coordinator's page shows it, with its state on `today`."""

    agreement: PartnerAgreement
    other: Agency  # the partner of a given agreement, the giver of a received one
    state: str  # "in force", "starts later" or "ended"

    @property
    def in_force(self) -> bool:
        return self.state == "in force"

    @property
    def ended(self) -> bool:
        return self.state == "ended"


def agreement_state(agreement: PartnerAgreement, today: date) -> str:
    ends_on = agreement.ends_on
    # Ended before it started: cancelled, never in force.
    if ends_on is not None and (ends_on < today or ends_on < agreement.starts_on):
        return "ended"
    if agreement.starts_on > today:
        return "starts later"
    return "in force"


def agreements_given(agency: Agency, today: date) -> list[AgreementRow]:
    """What `agency` shares with its partners: in force first, then by partner name."""
    rows = [
        AgreementRow(a, a.partner, agreement_state(a, today))
        for a in PartnerAgreement.objects.filter(agency=agency).select_related("partner")
    ]
    return sorted(rows, key=lambda row: (row.ended, row.other.name))


def agreements_received(agency: Agency, today: date) -> list[AgreementRow]:
    """What partners share with `agency`."""
    rows = [
        AgreementRow(a, a.agency, agreement_state(a, today))
        for a in PartnerAgreement.objects.filter(partner=agency).select_related("agency")
    ]
    return sorted(rows, key=lambda row: (row.ended, row.other.name))


def partner_choices(agency: Agency) -> QuerySet[Agency]:
    """The other agencies of this deployment an agreement may name."""
    return Agency.objects.exclude(pk=agency.pk).order_by("name")
