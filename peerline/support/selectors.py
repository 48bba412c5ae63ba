"""Reads for requests for a peer: the door's code, who may be paged, a request's state, the
monthly counts. Nothing here reads or returns the callback details except `details_for`, which
only the accepting page's view calls."""

import hashlib
import random
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from peerline.agencies.models import Agency
from peerline.directory.selectors import listed
from peerline.team.models import PeerSupporter

from .models import AccessLink, Requester, SupportRequest, SupportSettings, SupportTally


def settings_of(agency: Agency) -> SupportSettings:
    """The agency's settings, or the defaults (unsaved) when the coordinator changed none."""
    found = SupportSettings.objects.filter(agency=agency).first()
    if found is None:
        return SupportSettings(agency=agency)
    found.agency = agency  # read by `requesters`: no second query for it
    return found


def requesters(rules: SupportSettings) -> list[str]:
    """Who may use the access link: employees always; family members and retirees only when the
    program serves them (the steering committee's scope, 2011 §1.1, §2.3.7) and the coordinator
    opened the link to them. The request form, the service and the kiosk's words all read this."""
    agency = rules.agency
    allowed: list[str] = [Requester.EMPLOYEE]
    if agency.serves_families and rules.families_may_use:
        allowed.append(Requester.FAMILY)
    if agency.serves_retirees and rules.retirees_may_use:
        allowed.append(Requester.RETIREE)
    return allowed


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def access_link_for(code: str, *, now: datetime) -> AccessLink | None:
    """The access link in force that `code` opens, or None (wrong, revoked or expired)."""
    if not code or len(code) > 100:
        return None
    return (
        AccessLink.objects.select_related("agency")
        .filter(code_hash=code_hash(code), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )


def access_links(agency: Agency) -> list[AccessLink]:
    return list(AccessLink.objects.filter(agency=agency))


def today_of(agency: Agency, now: datetime) -> date:
    return now.astimezone(ZoneInfo(agency.time_zone)).date()


def month_of(moment: datetime, agency: Agency) -> date:
    """The first day of `moment`'s month in the agency's time zone."""
    return moment.astimezone(ZoneInfo(agency.time_zone)).date().replace(day=1)


def matching(request: SupportRequest, *, today: date) -> list[PeerSupporter]:
    """The PSPs who match the request, in a fair order that is the same for one request and
    differs between requests (the directory filters, it does not rank: 2011 §3.6). Active,
    taking contacts, of the request's own agency, never from the division the requester named
    (2011 §7.2)."""
    qs = listed(viewer=None, agency=request.agency, today=today).filter(agency=request.agency)
    narrowing = {"employee__category": request.category, "employee__job_family": request.job_family}
    qs = qs.filter(**{key: value for key, value in narrowing.items() if value})
    if request.not_division_id:
        qs = qs.exclude(employee__division_id=request.not_division_id)
    psps = list(qs.select_related("employee__user", "agency"))
    if request.language:
        psps = [psp for psp in psps if request.language in psp.languages]
    psps.sort(key=lambda psp: psp.pk)
    random.Random(request.pk).shuffle(psps)
    return psps


def request_for_status(pk: int) -> SupportRequest | None:
    return SupportRequest.objects.filter(pk=pk).select_related("agency").first()


@dataclass(frozen=True)
class MonthCount:
    month: date
    requests: int | None  # None: suppressed (fewer than k, for command staff)
    answered: int | None
    minutes: int | None  # average minutes to answer


def monthly_counts(agency: Agency, *, suppress: bool, months: int = 12) -> list[MonthCount]:
    """Requests, answered, and the average minutes to answer, by month, newest first. With
    `suppress` (command staff, 2011 §3.1) a month with fewer than the agency's k requests shows
    nothing but that, and an average is shown only over k answered ones."""
    k = agency.suppression_k
    rows = SupportTally.objects.filter(agency=agency).order_by("-month")[:months]
    out = []
    for row in rows:
        average = round(row.minutes_to_answer / row.answered) if row.answered else None
        if suppress and row.requests < k:
            out.append(MonthCount(row.month, None, None, None))
            continue
        if suppress and row.answered < k:
            average = None
        answered: int | None = row.answered
        if suppress and row.requests - row.answered < k and row.requests != row.answered:
            answered = None  # the unanswered would be a small cell by difference
        out.append(MonthCount(row.month, row.requests, answered, average))
    return out
