"""Reads of the contact log. A PSP sees only their own rows; nobody else sees rows at all."""

from django.db.models import QuerySet

from peerline.accounts.models import User
from peerline.agencies.models import Agency
from peerline.stats import periods
from peerline.stats.models import ClosedPeriod

from .models import Contact


def contacts_own_open(*, agency: Agency, fetched_by: User) -> QuerySet[Contact]:
    """The caller's own contacts in periods not yet closed: the ones they may still correct."""
    closed = ClosedPeriod.objects.filter(agency=agency).values("period")
    return (
        Contact.objects.filter(agency=agency, peer_supporter=fetched_by)
        .exclude(period__in=closed)
        .select_related("exception")
        .order_by("-month", "-pk")
    )


def follow_ups_due(*, agency: Agency, fetched_by: User) -> QuerySet[Contact]:
    """The caller's follow-up reminders that are due: shown as "a follow-up is due (activity)"."""
    return Contact.objects.filter(
        agency=agency, peer_supporter=fetched_by, follow_up_due__lte=periods.local_today(agency)
    ).order_by("follow_up_due")
