"""A PSP's own directory card: the one write of the directory (2011 §3.6).

Searching the directory writes nothing; only a PSP changing their own card does.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from peerline.team.models import ExperienceArea, Language, PeerSupporter

CARD_FIELDS = [
    "available",
    "languages",
    "experience_areas",
    "reach_phone",
    "reach_email",
    "reach_note",
]


@transaction.atomic
def card_update(
    *,
    peer_supporter: PeerSupporter,
    available: bool,
    languages: list[str],
    experience_areas: list[str],
    reach_phone: str,
    reach_email: str,
    reach_note: str,
) -> PeerSupporter:
    """Save what a PSP chooses to show and how to reach them; `available` is their own switch
    for "taking contacts now", apart from a leave of absence (2011 §4.4)."""
    unknown = sorted(set(languages) - set(Language.values))
    unknown += sorted(set(experience_areas) - set(ExperienceArea.values))
    if unknown:
        raise ValidationError("Choose languages and experiences from the lists.")
    peer_supporter.available = available
    # Kept in the lists' order, whatever order they were ticked in.
    peer_supporter.languages = [code for code in Language.values if code in languages]
    peer_supporter.experience_areas = [
        code for code in ExperienceArea.values if code in experience_areas
    ]
    peer_supporter.reach_phone = reach_phone
    peer_supporter.reach_email = reach_email
    peer_supporter.reach_note = reach_note
    peer_supporter.full_clean()
    peer_supporter.save(update_fields=CARD_FIELDS)
    return peer_supporter
