"""Reads of clinical support."""

from datetime import datetime

from peerline.agencies.models import Agency

from .models import MentalHealthProfessional


def on_call_now(*, agency: Agency, at: datetime) -> list[MentalHealthProfessional]:
    """The clinicians on call at `at` (2011 §5.1), earliest shift first."""
    return list(
        MentalHealthProfessional.objects.filter(
            agency=agency,
            active=True,
            on_call_shifts__starts_at__lte=at,
            on_call_shifts__ends_at__gt=at,
        )
        .order_by("on_call_shifts__starts_at", "pk")
        .distinct()
    )
