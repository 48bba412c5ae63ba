"""Reads of the contact log. A PSP sees only their own rows; nobody else sees rows at all."""

from django.db.models import QuerySet

from peerline.accounts.models import User
from peerline.agencies import clock, periods
from peerline.agencies.models import Agency

from .models import Contact, FollowUpReminder


def contacts_own_open(*, agency: Agency, fetched_by: User) -> QuerySet[Contact]:
    """The caller's own contacts in periods not yet closed: the ones they may still correct."""
    closed = periods.closed(agency).values("period")
    return (
        Contact.objects.filter(agency=agency, peer_supporter=fetched_by)
        .exclude(period__in=closed)
        .select_related("exception")
        .order_by("-month", "-pk")
    )


def follow_ups_due(*, agency: Agency, fetched_by: User) -> QuerySet[FollowUpReminder]:
    """The caller's own follow-up reminders due this week or before (never tied to a contact)."""
    today = clock.local_today(agency)
    return FollowUpReminder.objects.filter(
        agency=agency, peer_supporter=fetched_by, due_week__lte=today
    ).order_by("due_week", "pk")


def follow_ups_set(*, agency: Agency, fetched_by: User) -> QuerySet[FollowUpReminder]:
    """All the caller's own follow-up reminders, due or not."""
    return FollowUpReminder.objects.filter(agency=agency, peer_supporter=fetched_by).order_by(
        "due_week", "pk"
    )
