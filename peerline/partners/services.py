"""Writes of partner agreements (2011 §3.8.2): the giving agency's coordinator makes and ends
them. An agreement only ever commits the agency that gives, never its partner."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from peerline.agencies.models import Agency

from .models import PartnerAgreement
from .selectors import agreement_state


@transaction.atomic
def agreement_create(
    *,
    agency: Agency,
    partner: Agency,
    shares_directory: bool,
    shares_training: bool,
    mutual_aid: bool,
    starts_on: date,
    ends_on: date | None,
    today: date,
) -> PartnerAgreement:
    """Share `agency`'s team with `partner` from `starts_on` (2011 §3.8.2: "smaller departments
    may need to combine resources with adjacent agencies").

    One agreement per pair: an ended one is renewed with the new terms; one still in force, or
    yet to start, must be ended first.
    """
    if partner.pk == agency.pk:
        raise ValidationError(
            {"partner": "Choose another agency: an agency cannot partner with itself."}
        )
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": "The end date must be on or after the start date."})
    if not (shares_directory or shares_training or mutual_aid):
        raise ValidationError("Choose at least one thing the agreement shares.")
    existing = (
        PartnerAgreement.objects.select_for_update().filter(agency=agency, partner=partner).first()
    )
    if existing is not None and agreement_state(existing, today) != "ended":
        raise ValidationError(
            {"partner": f"There is already an agreement with {partner.name}: end it first."}
        )
    agreement = existing or PartnerAgreement(agency=agency, partner=partner)
    agreement.shares_directory = shares_directory
    agreement.shares_training = shares_training
    agreement.mutual_aid = mutual_aid
    agreement.starts_on = starts_on
    agreement.ends_on = ends_on
    agreement.full_clean()
    agreement.save()
    return agreement


@transaction.atomic
def agreement_end(*, agreement: PartnerAgreement, today: date) -> PartnerAgreement:
    """End an agreement: `today` is its last day in force (one not yet started never starts)."""
    agreement = PartnerAgreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement_state(agreement, today) == "ended":
        raise ValidationError("This agreement has already ended.")
    if agreement.ends_on is None or agreement.ends_on > today:
        agreement.ends_on = today
        agreement.save(update_fields=["ends_on"])
    return agreement
