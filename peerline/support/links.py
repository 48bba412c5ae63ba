"""The links of a request for a peer: the PSP's one-tap answer and the requester's state page.

The answer link works as an incident page's (`peerline.incidents.links`): 256 random bits, of
which only the SHA-256 digest is stored (`AnswerToken`), so neither the database, the outbox nor
a backup holds a live link (2011 §6.7; DESIGN principle 8). The outbox row holds a placeholder
naming the page (`[one-tap answer link, page 12]`); the worker makes the token as it sends the
message (`fill_links`, registered with the outbox). A token opens one page and nothing else, and
stops working when another PSP accepts (`revoke_others`), when the request is erased (the
tokens go with its pages), or at its expiry: the request's, or the end of the accepting PSP's
window to see the details.

The requester's state page is a signed token over the request's row number (the outbox's
signer, `peerline.notifications.links`): it is shown to the requester, never sent or stored.
"""

import re
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

from peerline.notifications import links as tokens

from .models import AnswerToken, RequestStatus, SupportPage

STATUS_SALT = "peerline.support.status"
PLACEHOLDER = "[one-tap answer link, page {pk}]"
PLACEHOLDER_RE = re.compile(r"\[one-tap answer link, page (\d+)\]")


class LinkInvalid(Exception):
    """Unknown, tampered, truncated, revoked or expired: a 404."""


def make_token(page: SupportPage) -> str:
    """A new token for `page`, valid until the request expires; only its digest is written."""
    token = tokens.new_token()
    AnswerToken.objects.create(
        page=page, digest=tokens.digest(token), expires_at=page.request.expires_at
    )
    return token


def read_token(token: str, *, now: datetime) -> SupportPage:
    """The page a token opens; LinkInvalid if it is not one in force."""
    if not tokens.TOKEN_SHAPE.fullmatch(token):
        raise LinkInvalid  # not one we made: no database read for a guess
    row = (
        AnswerToken.objects.select_related(
            "page__request__agency", "page__request__not_division", "page__peer_supporter"
        )
        .filter(digest=tokens.digest(token), expires_at__gt=now)
        .first()
    )
    if row is None:
        raise LinkInvalid
    return row.page


def revoke_others(page: SupportPage) -> None:
    """`page` accepted its request: every other page's link stops working (2011 §3.6)."""
    AnswerToken.objects.filter(page__request_id=page.request_id).exclude(page=page).delete()


def keep_until(page: SupportPage, moment: datetime) -> None:
    """The accepting PSP's link works until their window to see the details ends."""
    AnswerToken.objects.filter(page=page).update(expires_at=moment)


def url_for(token: str) -> str:
    return settings.BASE_URL.rstrip("/") + reverse("support:answer", args=[token])


def fill_links(notification, body: str) -> str:  # type: ignore[no-untyped-def]
    """The outbox renderer: a page's placeholder becomes a fresh link, made as it is sent. A
    page of another request, or one already erased, gets no link."""
    kind, _, pk = notification.topic.partition(":")
    if kind != "support" or not PLACEHOLDER_RE.search(body):
        return body

    def link(match: re.Match[str]) -> str:
        page = (
            SupportPage.objects.select_related("request")
            .filter(pk=int(match.group(1)), request_id=int(pk))
            .first()
        )
        if page is None or (page.request.status != RequestStatus.OPEN and not page.accepted):
            return "(this request is closed)"  # a retry after it was taken: no live link
        return url_for(make_token(page))

    return PLACEHOLDER_RE.sub(link, body)


def purge_expired(now: datetime) -> int:
    """Delete the digests of expired tokens: nothing outlives its purpose."""
    deleted, _ = AnswerToken.objects.filter(expires_at__lte=now).delete()
    return deleted


def status_token(request_pk: int, *, now: datetime) -> str:
    return tokens.sign(str(request_pk), salt=STATUS_SALT, now=now)


def read(token: str, *, salt: str) -> int:
    """The row number a status token names. Whether the row still exists is the caller's
    question: a genuine token for an erased request answers "closed", not 404."""
    try:
        payload, _made = tokens.unsign(token, salt=salt)
        return int(payload)
    except (signing.BadSignature, ValueError):
        raise LinkInvalid from None
