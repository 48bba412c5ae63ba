"""Erasure that erases (2011 §6.7; DESIGN principle 8): after the agency's retention window, an
incident keeps only what is not about anyone.

Erased: who was involved, the free-text place, who was paged (deployments become counts by
role), the follow-ups, the pages' bodies, subjects and addresses in the outbox (their delivery
status stays, so delivery counts stay), and the exact times (each becomes the first of its month
in the agency's time zone). Kept: the type, the general area from the agency's list, the month,
the team size, the counts of principals and witnesses, deployment counts by role, and the partner
agencies asked for mutual aid with their answers (each by the name it had when asked, kept when
the partner agency is removed).
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, Q

from peerline.audit.services import record
from peerline.notifications.models import Notification

from .models import (
    CriticalIncident,
    DeploymentStatus,
    DeploymentTally,
    IncidentStatus,
    Involvement,
)


def month_of(moment: datetime | None, time_zone: str) -> datetime | None:
    """The first instant of `moment`'s month in the agency's time zone."""
    if moment is None:
        return None
    local = moment.astimezone(ZoneInfo(time_zone))
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def outbox_of(incident: CriticalIncident) -> "list[int]":
    """The outbox rows of an incident's pages and mutual-aid requests, by their key."""
    return list(
        Notification.objects.filter(key__startswith=f"incident:{incident.pk}:").values_list(
            "pk", flat=True
        )
    )


@transaction.atomic
def erase_incident(incident: CriticalIncident, *, now: datetime) -> None:
    incident = (
        CriticalIncident.objects.select_for_update().select_related("agency").get(pk=incident.pk)
    )
    tz = incident.agency.time_zone
    tallies = incident.deployments.values("role").annotate(
        paged=Count("pk"), accepted=Count("pk", filter=Q(status=DeploymentStatus.ACCEPTED))
    )
    DeploymentTally.objects.bulk_create(
        [
            DeploymentTally(
                incident=incident, role=row["role"], paged=row["paged"], accepted=row["accepted"]
            )
            for row in tallies
        ]
    )
    # The outbox rows stay, detached and emptied: their status and attempts are the delivery
    # counts. The key named the person paged; it becomes the row's own number.
    for pk in outbox_of(incident):
        Notification.objects.filter(pk=pk).update(
            key=f"incident:{incident.pk}:erased:{pk}",
            subject="",
            body="",
            target="",
            last_error="",
            topic="",
        )
    incident.deployments.all().delete()
    incident.follow_ups.all().delete()
    Involvement.objects.filter(incident=incident).delete()
    incident.mutual_aid_requests.update(reason="", answered_by=None)
    incident.place = ""
    for field in ("occurred_at", "activated_at", "closed_at"):
        setattr(incident, field, month_of(getattr(incident, field), tz))
    incident.erased_at = month_of(now, tz)
    incident.save()
    # opened_at is auto_now_add: written apart.
    CriticalIncident.objects.filter(pk=incident.pk).update(
        opened_at=month_of(incident.opened_at, tz)
    )
    # Named as every incident event is: its number and type, nothing about who was involved.
    record(
        "incident.erased",
        agency=incident.agency,
        target=f"incident:{incident.pk}",
        detail={"type": incident.type},
    )


def erase_expired(now: datetime) -> int:
    """The worker's job: erase incidents closed more than the agency's `incident_retention_days`
    ago. Returns how many."""
    candidates = CriticalIncident.objects.filter(
        status=IncidentStatus.CLOSED, erased_at__isnull=True, closed_at__isnull=False
    ).select_related("agency")
    erased = 0
    for incident in candidates:
        assert incident.closed_at is not None
        if incident.closed_at + timedelta(days=incident.agency.incident_retention_days) > now:
            continue
        erase_incident(incident, now=now)
        erased += 1
    return erased
