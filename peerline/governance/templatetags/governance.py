"""The confidentiality card's law and caution, shown wherever a recipient or a PSP reads the
limits (2011 §2.2.3, §3.10, §6.4; 2006 Administration 10, Confidentiality 4–5)."""

from django import template

from peerline.agencies.models import Agency
from peerline.governance.selectors import Card, card

register = template.Library()


@register.inclusion_tag("governance/_law_and_caution.html")
def law_and_caution(
    agency: Agency, speaker: str = "psp", found: Card | None = None
) -> dict[str, object]:
    """`speaker="psp"` for the read-aloud card (first person), "employee" for the find-a-peer page.
    `found`: the agency's card when the page has read it already (its limits are a query)."""
    return {"card": found or card(agency), "speaker": speaker}


@register.inclusion_tag("governance/_family_card.html")
def family_card(agency: Agency, found: Card | None = None) -> dict[str, object]:
    """The limits card in words for a family member or retiree (2011 §2.3.1, §2.3.7, §6.2): read
    aloud by a PSP, or read by them on the pages they use. Empty when the agency serves neither.
    `found`: the agency's card when the page has read it already (its limits are a query)."""
    return {
        "card": found or card(agency),
        "families": agency.serves_families,
        "retirees": agency.serves_retirees,
    }
