"""Reads of critical incidents for the pages: the list, the live board, mutual aid."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from peerline.agencies import clock
from peerline.agencies.models import Agency
from peerline.notifications.models import Notification, NotificationStatus, topic_for
from peerline.notifications.outbox import by_topic
from peerline.partners.selectors import receivers_ids

from .models import (
    CriticalIncident,
    Deployment,
    DeploymentRole,
    DeploymentStatus,
    IncidentStatus,
    MutualAidRequest,
    MutualAidStatus,
)

RECENT = timedelta(days=90)
# The board's name for a page whose person is no longer on record.
REMOVED = "No longer on record"
HISTORY = timedelta(days=365)  # incidents are rare: a year of them fits one page


def incident_list(*, agency: Agency, now: datetime) -> QuerySet[CriticalIncident]:
    """Open and activated incidents, and those closed in the last year, newest first."""
    return (
        CriticalIncident.objects.filter(agency=agency)
        # Each row's area with it: `where` read one per incident (issue 18).
        .select_related("agency", "area")
        .filter(~Q(status=IncidentStatus.CLOSED) | Q(closed_at__gte=now - HISTORY))
        .annotate(
            accepted=Count(
                "deployments",
                filter=Q(
                    deployments__status=DeploymentStatus.ACCEPTED,
                    deployments__role=DeploymentRole.PEER_SUPPORT,
                ),
            )
        )
        .order_by("-occurred_at", "-pk")
    )


def open_incidents(*, agency: Agency) -> QuerySet[CriticalIncident]:
    """Incidents not closed yet: for the coordinator's home page."""
    return CriticalIncident.objects.filter(agency=agency).exclude(status=IncidentStatus.CLOSED)


def mutual_aid_waiting(*, agency: Agency) -> QuerySet[MutualAidRequest]:
    """Requests partners sent to `agency` that wait for an answer: for the home page."""
    today = clock.local_today(agency)
    return MutualAidRequest.objects.filter(
        partner=agency,
        incident__agency__in=aid_receivers(agency, today),
        status=MutualAidStatus.REQUESTED,
        incident__status=IncidentStatus.ACTIVATED,
    )


@dataclass(frozen=True)
class Delivery:
    label: str
    tone: str  # "ok", "pending", "error"
    detail: str = ""


def delivery(notifications: list[Notification], zone: ZoneInfo) -> Delivery:
    """What the outbox says about one page (all of a person's channels)."""
    if not notifications:
        return Delivery("no channel", "error", "no channel and no e-mail address")
    sent = [n.sent_at for n in notifications if n.status == NotificationStatus.SENT and n.sent_at]
    if sent:
        # In the time zone the page is shown in (the agency's), like the other times on the board.
        return Delivery("delivered", "ok", f"{min(sent).astimezone(zone):%H:%M:%S}")
    if all(n.status == NotificationStatus.WITHDRAWN for n in notifications):
        return Delivery("withdrawn", "pending", "not sent: no longer needed")
    if all(n.status == NotificationStatus.FAILED for n in notifications):
        return Delivery("failed", "error", notifications[-1].last_error)
    attempts = max(n.attempts for n in notifications)
    return Delivery("sending", "pending", f"attempt {attempts + 1}" if attempts else "queued")


@dataclass(frozen=True)
class BoardRow:
    deployment: Deployment
    name: str
    agency_code: str
    partner: bool
    clinician: bool
    delivery: Delivery


@dataclass(frozen=True)
class Board:
    incident: CriticalIncident
    rows: list[BoardRow]
    accepted: int  # PSPs
    pending: int  # PSPs
    clinician_accepted: bool
    requests: list[MutualAidRequest]

    @property
    def full(self) -> bool:
        return self.accepted >= self.incident.team_size


def board_incidents() -> QuerySet[CriticalIncident]:
    """Incidents as the live board reads one: with its agency, and whether a partner agency was
    asked for aid at all, so that `board` asks for the requests only when there are some (most
    incidents have none; the board is polled every few seconds on every coordinator's screen)."""
    asked = MutualAidRequest.objects.filter(incident=OuterRef("pk"))
    return CriticalIncident.objects.select_related("agency").annotate(asked_aid=Exists(asked))


def board(incident: CriticalIncident) -> Board:
    """The live board: who was paged, delivered, accepted, declined, passed on, with times.
    `incident` from `board_incidents` saves a query when no partner was asked for aid."""
    deployments = list(
        incident.deployments.select_related(
            "peer_supporter__employee", "peer_supporter__agency", "clinician"
        )
    )
    outbox_rows = by_topic([topic_for("deployment", d.pk) for d in deployments])
    zone = clock.zone(incident.agency)
    rows = []
    for d in deployments:
        outbox_of_page = outbox_rows[topic_for("deployment", d.pk)]
        if d.peer_supporter is not None:
            employee = d.peer_supporter.employee
            name, code = employee.full_name, d.peer_supporter.agency.code
            partner = d.peer_supporter.agency_id != incident.agency_id
        elif d.clinician is not None:
            name, code, partner = d.clinician.name, incident.agency.code, False
        else:
            # The person's record was removed (a partner agency gone, a clinician deleted): the
            # page and its answer stay on the incident's record, nobody's name with them.
            name, code, partner = REMOVED, "", False
        rows.append(
            BoardRow(
                deployment=d,
                name=name,
                agency_code=code,
                partner=partner,
                clinician=d.clinician_id is not None,
                delivery=delivery(outbox_of_page, zone)
                if outbox_of_page or not d.removed
                else Delivery("not known", "pending", ""),
            )
        )
    psps = [d for d in deployments if d.is_psp]
    return Board(
        incident=incident,
        rows=rows,
        accepted=sum(d.status == DeploymentStatus.ACCEPTED for d in psps),
        pending=sum(d.status == DeploymentStatus.PAGED for d in psps),
        clinician_accepted=any(
            not d.is_psp and d.status == DeploymentStatus.ACCEPTED for d in deployments
        ),
        # Named by `partner_name`, the name when asked: no join, and a removed partner too.
        requests=list(incident.mutual_aid_requests.order_by("pk"))
        if getattr(incident, "asked_aid", True)
        else [],
    )


def requests_to(*, agency: Agency, now: datetime) -> QuerySet[MutualAidRequest]:
    """Mutual-aid requests partners sent to `agency`: waiting ones first, then the last 90 days."""
    today = clock.local_today(agency, now)
    return (
        MutualAidRequest.objects.filter(
            partner=agency, incident__agency__in=aid_receivers(agency, today)
        )
        .filter(Q(status=MutualAidStatus.REQUESTED) | Q(requested_at__gte=now - RECENT))
        .select_related("incident__agency", "incident__area")
        .annotate(
            sent=Count(
                "incident__deployments",
                filter=Q(incident__deployments__peer_supporter__agency=agency),
            ),
            accepted_psps=Count(
                "incident__deployments",
                filter=Q(
                    incident__deployments__peer_supporter__agency=agency,
                    incident__deployments__status=DeploymentStatus.ACCEPTED,
                ),
            ),
        )
        .order_by("-requested_at", "-pk")
    )


def aid_receivers(agency: Agency, today: date) -> Any:
    """Agencies whose requests `agency` answers today: only under an agreement in force (2011
    §3.8.2); a request of an agreement since ended is no longer shown or answered."""
    return receivers_ids(agency.pk, today, "aid")
