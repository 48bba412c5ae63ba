"""Writes for requests for a peer (2011 §3.6, §2.3.7; DESIGN principle 8).

A request is written with its first round of pages in one transaction (the outbox sends after
commit). The first PSP to accept gets the callback details; the other pages are withdrawn and
their links say "taken". The details are erased — the request row and its pages deleted, the
outbox rows emptied — when the PSP marks the request done, when the PSP's window to see them
ends, or when nobody accepted before the request expired. What remains is `SupportTally`.

Nothing here logs, audits or returns the callback details: the audit trail records the
coordinator's access-link changes only, never a request (2011 §6.7).
"""

import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F

from peerline.accounts.models import User
from peerline.agencies.models import Agency, Division
from peerline.audit.services import record
from peerline.clinical.selectors import on_call_now
from peerline.notifications import outbox
from peerline.notifications.models import topic_for
from peerline.team.models import PeerSupporter

from . import links, selectors
from .models import (
    AccessLink,
    Requester,
    RequestStatus,
    SupportPage,
    SupportRequest,
    SupportSettings,
    SupportTally,
)

ACCESS_LINK_DAYS = 365


class Taken(Exception):
    """Another PSP accepted first, or the request was erased."""


class NotAllowed(Exception):
    """The agency does not open its door to this kind of requester (2011 §2.3.7)."""


# --- The agency's door --------------------------------------------------------------------------


def settings_update(*, agency: Agency, by: User, **values: object) -> SupportSettings:
    found = selectors.settings_of(agency)
    before = {name: getattr(found, name) for name in values}
    for name, value in values.items():
        setattr(found, name, value)
    found.full_clean()
    found.save()
    record(
        "support.settings",
        agency=agency,
        by=by,
        target=f"agency:{agency.pk}",
        detail={"before": before, "after": values},
    )
    return found


@transaction.atomic
def access_link_rotate(
    *, agency: Agency, by: User, now: datetime, days: int = ACCESS_LINK_DAYS
) -> tuple[AccessLink, str]:
    """A new access code for the agency; every earlier one stops working. Returns the row and
    the code, which is shown once and never stored (only its SHA-256)."""
    code = secrets.token_urlsafe(18)
    revoked = AccessLink.objects.filter(agency=agency, revoked_at__isnull=True).update(
        revoked_at=now
    )
    link = AccessLink.objects.create(
        agency=agency,
        code_hash=selectors.code_hash(code),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    record(
        "support.access_link.rotated",
        agency=agency,
        by=by,
        target=f"access-link:{link.pk}",
        detail={"expires_at": link.expires_at.isoformat(), "revoked": revoked},
    )
    return link, code


def access_link_revoke(*, link: AccessLink, by: User, now: datetime) -> None:
    if link.revoked_at is not None:
        return
    link.revoked_at = now
    link.save(update_fields=["revoked_at"])
    record(
        "support.access_link.revoked",
        agency=link.agency,
        by=by,
        target=f"access-link:{link.pk}",
    )


# --- Requests -----------------------------------------------------------------------------------


def _tally(agency: Agency, moment: datetime, **increments: int) -> None:
    month = selectors.month_of(moment, agency)
    SupportTally.objects.get_or_create(agency=agency, month=month)
    SupportTally.objects.filter(agency=agency, month=month).update(
        **{name: F(name) + value for name, value in increments.items()}
    )


@transaction.atomic
def request_create(
    *,
    agency: Agency,
    now: datetime,
    requester: str = Requester.EMPLOYEE,
    callback_phone: str = "",
    callback_email: str = "",
    window: str = "",
    category: str = "",
    job_family: str = "",
    language: str = "",
    not_division: Division | None = None,
) -> SupportRequest:
    """Send an anonymous request for a peer and page the first matching PSPs (2011 §3.6)."""
    rules = selectors.settings_of(agency)
    if requester not in selectors.requesters(rules):
        raise NotAllowed
    if not_division is not None and not_division.agency_id != agency.pk:
        raise ValueError("a division of another agency")
    request = SupportRequest(
        agency=agency,
        requester=requester,
        callback_phone=callback_phone.strip(),
        callback_email=callback_email.strip(),
        window=window,
        category=category,
        job_family=job_family,
        language=language,
        not_division=not_division,
        created_at=now,
        expires_at=now + timedelta(hours=rules.expiry_hours),
    )
    request.full_clean()
    request.save()
    _tally(agency, now, requests=1)
    _page_round(request, rules=rules, now=now)
    return request


def _page_text(request: SupportRequest, page: SupportPage) -> tuple[str, str]:
    """No details at all: who asked, how to reach them and what they prefer are seen on the
    answer page, by the one who accepts (pages cross e-mail and SMS)."""
    subject = "Someone asks for a peer supporter"
    body = "\n".join(
        [
            f"{request.agency.name}: someone asks to talk with a peer supporter.",
            "Nothing in this message says who. The first to accept sees how to reach them;",
            "the others will see that it was taken.",
            "",
            # The worker makes the one-tap link as it sends (`links.fill_links`): the outbox
            # row never holds a live link.
            f"Open to accept: {links.PLACEHOLDER.format(pk=page.pk)}",
        ]
    )
    return subject, body


def _notify(request: SupportRequest, page: SupportPage, *, now: datetime) -> None:
    subject, body = _page_text(request, page)
    if page.peer_supporter is not None:
        psp = page.peer_supporter
        user, email, who = psp.employee.user, psp.reach_email or psp.employee.email, f"psp:{psp.pk}"
    else:
        clinician = page.clinician
        assert clinician is not None
        user, email, who = clinician.user, clinician.email, f"mhp:{clinician.pk}"
    outbox.enqueue(
        agency=request.agency,
        key=f"support:{request.pk}:{who}:round:{page.round}",
        subject=subject,
        body=body,
        now=now,
        user=user,
        email=email,
        topic=topic_for("support", request.pk),
    )


def _page_round(request: SupportRequest, *, rules: SupportSettings, now: datetime) -> int:
    """Page the next matching PSPs not asked yet; when none is left, the on-call clinician
    once (2011 §5.1). Returns how many were paged."""
    asked = set(request.pages.values_list("peer_supporter_id", flat=True))
    round_ = (request.pages.order_by("-round").values_list("round", flat=True).first() or 0) + 1
    today = selectors.today_of(request.agency, now)
    chosen: list[PeerSupporter] = [
        psp for psp in selectors.matching(request, today=today) if psp.pk not in asked
    ][: rules.psps_per_round]
    for psp in chosen:
        page = SupportPage.objects.create(
            request=request, peer_supporter=psp, round=round_, paged_at=now
        )
        _notify(request, page, now=now)
    if chosen or request.clinician_paged:
        return len(chosen)
    clinicians = on_call_now(agency=request.agency, at=now)
    for clinician in clinicians[:1]:
        page = SupportPage.objects.create(
            request=request, clinician=clinician, round=round_, paged_at=now
        )
        _notify(request, page, now=now)
    request.clinician_paged = True
    request.save(update_fields=["clinician_paged"])
    return len(clinicians[:1])


def _lock(pk: int) -> SupportRequest:
    found = SupportRequest.objects.select_for_update(of=("self",)).select_related("agency")
    found = found.filter(pk=pk)
    request = found.first()
    if request is None:
        raise Taken
    return request


@transaction.atomic
def accept(*, page: SupportPage, now: datetime) -> SupportRequest:
    """The first to accept gets the request; the others' pages are withdrawn (2011 §3.6)."""
    request = _lock(page.request_id)
    if request.status != RequestStatus.OPEN:
        raise Taken
    request.status = RequestStatus.ACCEPTED
    request.accepted_at = now
    request.save(update_fields=["status", "accepted_at"])
    SupportPage.objects.filter(pk=page.pk).update(accepted=True)
    page.accepted = True
    # The others' links stop working; this one's lasts as long as the details are shown.
    links.revoke_others(page)
    shown = timedelta(hours=selectors.settings_of(request.agency).shown_hours)
    links.keep_until(page, now + shown)
    minutes = max(0, int((now - request.created_at).total_seconds() // 60))
    _tally(request.agency, request.created_at, answered=1, minutes_to_answer=minutes)
    outbox.withdraw(topics=[topic_for("support", request.pk)])
    return request


def _erase(request: SupportRequest) -> None:
    """Delete the request and its pages; empty their outbox rows (DESIGN principle 8)."""
    outbox.erase(topics=[topic_for("support", request.pk)], key_prefix="support:erased:")
    request.delete()


@transaction.atomic
def done(*, page: SupportPage) -> None:
    """The accepting PSP has the details and marks the request done: erased now."""
    request = _lock(page.request_id)
    if not SupportPage.objects.filter(pk=page.pk, accepted=True).exists():
        raise Taken
    _erase(request)


@transaction.atomic
def withdraw(*, request_pk: int) -> None:
    """The requester takes the request back: erased now (the count stays)."""
    try:
        _erase(_lock(request_pk))
    except Taken:
        return


def escalate_due(*, now: datetime) -> int:
    """The worker's job: an open request whose last round was paged `escalate_after_minutes`
    ago without an answer goes to the next PSPs, then the on-call clinician. Returns how many
    requests got a new round."""
    moved = 0
    for pk in SupportRequest.objects.filter(
        status=RequestStatus.OPEN, expires_at__gt=now
    ).values_list("pk", flat=True):
        with transaction.atomic():
            try:
                request = _lock(pk)
            except Taken:
                continue
            if request.status != RequestStatus.OPEN:
                continue
            rules = selectors.settings_of(request.agency)
            last = request.pages.order_by("-paged_at").values_list("paged_at", flat=True).first()
            since = last or request.created_at
            if since + timedelta(minutes=rules.escalate_after_minutes) > now:
                continue
            if last is not None and request.clinician_paged:
                continue  # everyone was asked: it waits for an answer until it expires
            _page_round(request, rules=rules, now=now)
            moved += 1
    return moved


def erase_due(*, now: datetime) -> int:
    """The worker's job: erase requests that expired unanswered, and answered ones whose window
    to see the details ended (DESIGN principle 8). Returns how many."""
    erased = 0
    candidates = SupportRequest.objects.select_related("agency")
    for request in candidates.filter(status=RequestStatus.OPEN, expires_at__lte=now):
        withdraw(request_pk=request.pk)
        erased += 1
    for request in candidates.filter(status=RequestStatus.ACCEPTED):
        rules = selectors.settings_of(request.agency)
        assert request.accepted_at is not None
        if request.accepted_at + timedelta(hours=rules.shown_hours) <= now:
            withdraw(request_pk=request.pk)
            erased += 1
    return erased
