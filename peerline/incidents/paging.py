"""Pages, rounds and mutual-aid requests: the writes behind activation and escalation (2011 §3.3,
§3.8.2, §5.1).

Every function here runs inside the caller's transaction, with the incident row locked
(`lock_incident`), so a decline and the worker's escalation tick never page the same slot twice.
The intent to notify is written to the outbox (`peerline.notifications.outbox.enqueue`) in that
same transaction; the worker sends after commit. A page never names anyone involved: it carries
the incident type, the time, the general place, the person's role and the one-tap links.
"""

from datetime import datetime, timedelta
from itertools import islice

from django.conf import settings
from django.db.models import Max
from django.urls import reverse

from peerline.accounts import policy
from peerline.accounts.models import Role, User
from peerline.agencies import clock
from peerline.agencies.models import Agency
from peerline.clinical.models import ClinicalRole, MentalHealthProfessional
from peerline.clinical.selectors import on_call_now
from peerline.notifications.models import topic_for
from peerline.notifications.outbox import enqueue
from peerline.partners.selectors import answers_aid_for, mutual_aid_partners
from peerline.team.models import PeerSupporter

from . import links
from .models import (
    CriticalIncident,
    Deployment,
    DeploymentRole,
    DeploymentStatus,
    IncidentStatus,
    MutualAidRequest,
    MutualAidStatus,
)
from .proposal import Candidate, involved_of, partner_candidates, propose

LIVE = (DeploymentStatus.PAGED, DeploymentStatus.ACCEPTED)  # count toward the team size


def lock_incident(pk: int) -> CriticalIncident:
    """The incident, row-locked until the transaction ends (PostgreSQL; SQLite serialises)."""
    return CriticalIncident.objects.select_for_update().select_related("agency").get(pk=pk)


def next_round(incident: CriticalIncident) -> int:
    latest = incident.deployments.aggregate(latest=Max("round"))["latest"]
    return (latest or 0) + 1


def page_text(deployment: Deployment, *, now: datetime) -> tuple[str, str]:
    """Subject and body of a page. No names of involved people: pages cross e-mail and SMS."""
    incident = deployment.incident
    agency = incident.agency
    when = clock.local_now(agency, incident.occurred_at)
    minutes = agency.page_timeout_minutes
    subject = f"Peer support activation: {incident.get_type_display()}"
    body = "\n".join(
        [
            f"{agency.name} asks you to respond to a critical incident.",
            "",
            f"Incident: {incident.get_type_display()}",
            f"When: {when:%a %b %-d, %H:%M} ({agency.time_zone})",
            # A partner's PSP reads only the general area (2011 §3.8.2, §6.7).
            f"Where: {where_for(deployment)}",
            f"Your role: {deployment.role_label}",
            "",
            # Filled in by the worker as it sends: the outbox row never holds a live link.
            f"Accept: {links.ACCEPT}",
            f"Decline: {links.DECLINE}",
            "",
            f"Please answer within {minutes} minutes; after that the page goes to someone else.",
        ]
    )
    return subject, body


def notify(deployment: Deployment, *, now: datetime) -> None:
    subject, body = page_text(deployment, now=now)
    incident_id = deployment.incident_id
    if deployment.peer_supporter is not None:
        psp = deployment.peer_supporter
        user = psp.employee.user
        email = psp.reach_email or psp.employee.email
        key = f"incident:{incident_id}:psp:{psp.pk}:round:{deployment.round}"
        agency = psp.agency
    else:
        clinician = deployment.clinician
        assert clinician is not None  # a deployment is a PSP or a clinician (model constraint)
        user, email, agency = clinician.user, clinician.email, clinician.agency
        key = f"incident:{incident_id}:mhp:{clinician.pk}:round:{deployment.round}"
    enqueue(
        agency=agency,
        key=key,
        subject=subject,
        body=body,
        now=now,
        user=user,
        email=email,
        topic=topic_for("deployment", deployment.pk),
    )


def page_psps(
    incident: CriticalIncident, candidates: list[Candidate], *, round_: int, now: datetime
) -> list[Deployment]:
    psps = PeerSupporter.objects.select_related("employee__user", "agency").in_bulk(
        [c.peer_supporter_id for c in candidates]
    )
    created = []
    for candidate in candidates:
        deployment = Deployment.objects.create(
            incident=incident,
            peer_supporter=psps[candidate.peer_supporter_id],
            role=DeploymentRole.PEER_SUPPORT,
            round=round_,
            paged_at=now,
        )
        notify(deployment, now=now)
        created.append(deployment)
    return created


def page_clinician(
    incident: CriticalIncident,
    clinician: MentalHealthProfessional,
    *,
    role: str,
    round_: int,
    now: datetime,
) -> Deployment:
    deployment = Deployment.objects.create(
        incident=incident, clinician=clinician, role=role, round=round_, paged_at=now
    )
    notify(deployment, now=now)
    return deployment


def fill(
    incident: CriticalIncident, *, now: datetime, round_: int | None = None
) -> list[Deployment]:
    """Page the next PSPs until accepted + pending covers the team size: the agency's own next
    candidates of a fresh proposal first, then partners' PSPs where a mutual-aid request was
    accepted (never more than each partner agreed to send). When nobody is left, ask the
    partners that were not asked yet (2011 §3.8.2). `round_`: the round of an escalation that
    also pages clinicians, so that one moment is one round."""
    psp_deployments = incident.deployments.filter(peer_supporter__isnull=False)
    live = psp_deployments.filter(status__in=LIVE).count()
    needed = incident.team_size - live
    if needed <= 0 or incident.status != IncidentStatus.ACTIVATED:
        return []
    asked = set(psp_deployments.values_list("peer_supporter_id", flat=True))
    proposal = propose(incident=incident, now=now)
    # Read only as far as needed: the ranking builds candidates as they are read.
    chosen = list(islice((c for c in proposal.ranked if c.peer_supporter_id not in asked), needed))
    involved = None
    accepted = incident.mutual_aid_requests.filter(status=MutualAidStatus.ACCEPTED)
    today = clock.local_now(incident.agency, now).date()
    for request in accepted.select_related("partner").order_by("answered_at", "pk"):
        if len(chosen) >= needed:
            break
        partner = request.partner
        if partner is None:
            continue  # the partner agency was removed: nobody of it to page
        if not answers_aid_for(partner, incident.agency_id, today):
            continue  # the agreement ended since: nothing crosses any more
        live_from_partner = psp_deployments.filter(
            status__in=LIVE, peer_supporter__agency=partner
        ).count()
        room = min(request.psps_requested - live_from_partner, needed - len(chosen))
        if room <= 0:
            continue
        involved = involved if involved is not None else involved_of(incident)
        offered = partner_candidates(partner=partner, involved=involved, now=now)
        chosen += list(islice((c for c in offered if c.peer_supporter_id not in asked), room))
    deployments = page_psps(incident, chosen, round_=round_ or next_round(incident), now=now)
    if len(chosen) < needed:
        request_mutual_aid(incident, needed=needed - len(chosen), now=now)
    return deployments


def fill_clinicians(
    incident: CriticalIncident, *, now: datetime, round_: int | None = None
) -> list[Deployment]:
    """For each clinical role whose clinician declined or did not answer, page the next one: on
    call now, else an active clinical advisor or consultant not asked yet (2011 §5.1). Every
    clinician paged now is in one round (`round_`, or the next one)."""
    if incident.status != IncidentStatus.ACTIVATED:
        return []
    # By role: a clinician's page stays one when the clinician is no longer on record, and a
    # role is covered only by someone still on record.
    rows = list(incident.deployments.exclude(role=DeploymentRole.PEER_SUPPORT))
    asked = {row.clinician_id for row in rows if row.clinician_id is not None}
    created = []
    for role in dict.fromkeys(row.role for row in rows):
        if any(row.role == role and row.status in LIVE and not row.removed for row in rows):
            continue
        on_call = on_call_now(agency=incident.agency, at=now)
        others = MentalHealthProfessional.objects.filter(
            agency=incident.agency,
            active=True,
            role__in=[ClinicalRole.CLINICAL_ADVISOR, ClinicalRole.CONSULTANT],
        ).order_by("name", "pk")
        nxt = next((m for m in [*on_call, *others] if m.pk not in asked), None)
        if nxt is None:
            continue
        asked.add(nxt.pk)
        round_ = round_ or next_round(incident)
        created.append(page_clinician(incident, nxt, role=role, round_=round_, now=now))
    return created


def coordinators_of(agency: Agency) -> list[User]:
    return list(policy.holders(agency, Role.COORDINATOR).order_by("pk"))


def request_mutual_aid(
    incident: CriticalIncident, *, needed: int, now: datetime
) -> list[MutualAidRequest]:
    """Ask each partner agency whose agreement in force gives mutual aid, and not asked yet for
    this incident, for `needed` PSPs; their coordinators are notified (2011 §3.8.2)."""
    agency = incident.agency
    today = clock.local_now(agency, now).date()
    already = set(incident.mutual_aid_requests.values_list("partner_id", flat=True))
    # The minimum, never a name (2011 §3.8.2, §6.7): why help is needed in general terms.
    reason = "Too few peer supporters who are not involved or close to those involved"
    created = []
    for partner in mutual_aid_partners(agency, today):
        if partner.pk in already:
            continue
        request = MutualAidRequest.objects.create(
            incident=incident,
            partner=partner,
            partner_name=partner.name,
            psps_requested=needed,
            reason=reason[:200],
            requested_at=now,
        )
        _notify_partner(request, partner, now=now)
        created.append(request)
    return created


def _notify_partner(request: MutualAidRequest, partner: Agency, *, now: datetime) -> None:
    incident = request.incident
    answer_at = settings.BASE_URL.rstrip("/") + reverse("incidents:mutual-aid")
    subject = f"Mutual aid requested by {incident.agency.name}"
    body = "\n".join(
        [
            f"{incident.agency.name} asks {partner.name} for "
            f"{request.psps_requested} peer supporter(s) (2011 §3.8.2).",
            "",
            f"Incident: {incident.get_type_display()}",
            f"When: {coarse_time(incident)}",
            f"Where: {general_area(incident)}",
            "",
            f"Accept or decline (log in as the coordinator): {answer_at}",
        ]
    )
    for user in coordinators_of(partner):
        enqueue(
            agency=partner,
            key=f"incident:{incident.pk}:mutual-aid:{partner.pk}:user:{user.pk}",
            subject=subject,
            body=body,
            now=now,
            user=user,
            topic=topic_for("mutual-aid", request.pk),
        )


def overdue(deployment: Deployment, now: datetime) -> bool:
    minutes = deployment.incident.agency.page_timeout_minutes
    return deployment.paged_at + timedelta(minutes=minutes) <= now


def coarse_time(incident: CriticalIncident) -> str:
    """The incident's time as a partner agency reads it: the day and the part of the day."""
    when = clock.local_now(incident.agency, incident.occurred_at)
    part = ("night", "morning", "afternoon", "evening")[when.hour // 6]
    return f"{when:%a %b %-d}, {part}"


def general_area(incident: CriticalIncident) -> str:
    """The general area from the agency's list; never the free text, which stays at home."""
    return incident.area.name if incident.area else "Area not given"


def where_for(deployment: Deployment) -> str:
    """Where, as the person paged reads it: a partner's PSP reads only the general area."""
    psp, incident = deployment.peer_supporter, deployment.incident
    if psp is None:
        # A clinician is the agency's own; a person no longer on record reads the least.
        own = deployment.clinician_id is not None
    else:
        own = psp.agency_id == incident.agency_id
    return incident.where if own else general_area(incident)
