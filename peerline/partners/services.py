"""Writes of partner agreements (2011 §3.8.2). An agreement exists only when both coordinators
accepted it: one offers, the other accepts (keeping or dropping each item) or declines, and
either side ends it at any time. Each step records who and when, on the row and in the audit
trail."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from peerline.agencies.models import Agency
from peerline.audit.services import record

from .models import AgreementStatus, PartnerAgreement

OFFER_ITEMS = (
    "shares_directory",
    "shares_training",
    "mutual_aid",
    "partner_shares_directory",
    "partner_shares_training",
    "partner_mutual_aid",
)


@dataclass(frozen=True)
class Items:
    """What each side shares: `we_*` by the agency acting, `they_*` by the other side."""

    we_directory: bool = False
    we_training: bool = False
    we_aid: bool = False
    they_directory: bool = False
    they_training: bool = False
    they_aid: bool = False

    def any(self) -> bool:
        return any(vars(self).values())


def _detail(agreement: PartnerAgreement) -> dict[str, Any]:
    return {
        "offerer": agreement.agency.code,
        "partner": agreement.partner.code,
        **{item: getattr(agreement, item) for item in OFFER_ITEMS},
    }


@transaction.atomic
def agreement_offer(
    *,
    agency: Agency,
    partner: Agency,
    items: Items,
    starts_on: date,
    ends_on: date | None,
    by: Any,
) -> PartnerAgreement:
    """Offer `partner` an agreement: nothing is shared until its coordinator accepts.

    One live agreement (offered or accepted) per pair of agencies: end it before offering another.
    """
    if partner.pk == agency.pk:
        raise ValidationError(
            {"partner": "Choose another agency: an agency cannot partner with itself."}
        )
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": "The end date must be on or after the start date."})
    if not items.any():
        raise ValidationError("Choose at least one thing the agreement shares.")
    Agency.objects.select_for_update().filter(pk__in=[agency.pk, partner.pk]).count()
    pair = Q(agency=agency, partner=partner) | Q(agency=partner, partner=agency)
    live = PartnerAgreement.objects.filter(
        pair, status__in=[AgreementStatus.OFFERED, AgreementStatus.ACCEPTED]
    )
    if live.exists():
        raise ValidationError(
            {"partner": f"There is already an agreement with {partner.name}: end it first."}
        )
    agreement = PartnerAgreement(
        agency=agency,
        partner=partner,
        shares_directory=items.we_directory,
        shares_training=items.we_training,
        mutual_aid=items.we_aid,
        partner_shares_directory=items.they_directory,
        partner_shares_training=items.they_training,
        partner_mutual_aid=items.they_aid,
        starts_on=starts_on,
        ends_on=ends_on,
        status=AgreementStatus.OFFERED,
        offered_by=by,
        offered_at=timezone.now(),
    )
    agreement.full_clean()
    agreement.save()
    record(
        "partners.offered",
        by=by,
        agency=agency,
        target=str(agreement.pk),
        detail=_detail(agreement),
    )
    return agreement


def _locked(agreement: PartnerAgreement) -> PartnerAgreement:
    return (
        PartnerAgreement.objects.select_for_update()
        .select_related("agency", "partner")
        .get(pk=agreement.pk)
    )


@transaction.atomic
def agreement_accept(
    *, agreement: PartnerAgreement, agency: Agency, items: Items, by: Any
) -> PartnerAgreement:
    """The partner's coordinator accepts: it keeps or drops each offered item (`items`, from its
    own side: `we_*` is what it shares), never adds one. Only the agency asked may accept."""
    agreement = _locked(agreement)
    if agreement.partner_id != agency.pk:
        raise ValidationError("Only the agency the agreement was offered to may accept it.")
    if agreement.status != AgreementStatus.OFFERED:
        raise ValidationError("This agreement is no longer waiting for an answer.")
    agreement.partner_shares_directory = agreement.partner_shares_directory and items.we_directory
    agreement.partner_shares_training = agreement.partner_shares_training and items.we_training
    agreement.partner_mutual_aid = agreement.partner_mutual_aid and items.we_aid
    agreement.shares_directory = agreement.shares_directory and items.they_directory
    agreement.shares_training = agreement.shares_training and items.they_training
    agreement.mutual_aid = agreement.mutual_aid and items.they_aid
    if not any(getattr(agreement, item) for item in OFFER_ITEMS):
        raise ValidationError("Keep at least one item, or decline the agreement.")
    agreement.status = AgreementStatus.ACCEPTED
    agreement.accepted_by, agreement.accepted_at = by, timezone.now()
    agreement.save()
    record(
        "partners.accepted",
        by=by,
        agency=agency,
        target=str(agreement.pk),
        detail=_detail(agreement),
    )
    return agreement


@transaction.atomic
def agreement_decline(*, agreement: PartnerAgreement, agency: Agency, by: Any) -> PartnerAgreement:
    """The partner's coordinator declines an offer: it never comes into force."""
    agreement = _locked(agreement)
    if agreement.partner_id != agency.pk:
        raise ValidationError("Only the agency the agreement was offered to may decline it.")
    if agreement.status != AgreementStatus.OFFERED:
        raise ValidationError("This agreement is no longer waiting for an answer.")
    agreement.status = AgreementStatus.DECLINED
    agreement.declined_by, agreement.declined_at = by, timezone.now()
    agreement.save()
    record(
        "partners.declined",
        by=by,
        agency=agency,
        target=str(agreement.pk),
        detail=_detail(agreement),
    )
    return agreement


@transaction.atomic
def agreement_end(
    *, agreement: PartnerAgreement, agency: Agency, today: date, by: Any = None
) -> PartnerAgreement:
    """Either side ends the agreement (or withdraws its offer), at once: nothing crosses any
    more, from this moment."""
    agreement = _locked(agreement)
    if agency.pk not in (agreement.agency_id, agreement.partner_id):
        raise ValidationError("Only a side of the agreement may end it.")
    if agreement.status not in (AgreementStatus.OFFERED, AgreementStatus.ACCEPTED):
        raise ValidationError("This agreement has already ended.")
    agreement.status = AgreementStatus.ENDED
    agreement.ended_by, agreement.ended_by_agency, agreement.ended_at = by, agency, timezone.now()
    if agreement.ends_on is None or agreement.ends_on > today:
        agreement.ends_on = max(today, agreement.starts_on)
    agreement.save()
    record(
        "partners.ended", by=by, agency=agency, target=str(agreement.pk), detail=_detail(agreement)
    )
    return agreement
