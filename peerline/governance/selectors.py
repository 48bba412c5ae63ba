"""Reads of the written program's confidentiality rules (2011 §2.2, §3.10, §6.2–§6.4)."""

from dataclasses import dataclass

from django.db.models import QuerySet

from peerline.agencies.models import Agency

from . import editions, jurisdictions
from .models import ConfidentialityException


def active_limits(agency: Agency) -> QuerySet[ConfidentialityException]:
    return ConfidentialityException.objects.filter(agency=agency, retired_at__isnull=True)


def limits_statement(*, agency: Agency) -> list[str]:
    """The limits of confidentiality as a PSP reads them aloud at the outset (2011 §6.2, §6.4)."""
    return [limit.label for limit in active_limits(agency)]


@dataclass(frozen=True)
class Card:
    """What a recipient is told at the outset: the limits, what the state's law does, and the
    discipline caution, in the agency's edition's words."""

    limits: list[str]
    jurisdiction: jurisdictions.Jurisdiction
    caution: str
    caution_clause: str
    limits_clause: str
    counsel: str = jurisdictions.COUNSEL


def card(agency: Agency, *, limits: list[str] | None = None) -> Card:
    """`limits`: `limits_statement(agency=agency)` when the page has read the active limits
    already (the contact form lists them with their procedures): the card is then no query."""
    rules = editions.rules(agency)
    return Card(
        limits=limits_statement(agency=agency) if limits is None else limits,
        jurisdiction=jurisdictions.for_state(agency.state),
        caution=rules.caution,
        caution_clause=rules.caution_clause,
        limits_clause=rules.limits_clause,
    )
