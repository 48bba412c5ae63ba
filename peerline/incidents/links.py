"""The one-tap link in a page: accept or decline with no log-in (2011 §3.3).

The token is 256 random bits; only its SHA-256 digest is stored (`PageToken`), so neither the
database, the outbox nor a backup holds a live link (2011 §6.7; DESIGN principle 8). The page's
outbox row holds placeholders (`ACCEPT`, `DECLINE`); the worker makes the token when it sends the
message (`fill_links`, registered with the outbox), so the link in clear exists only in the
message delivered. A token names one deployment and holds no name. It expires the agency's page
timeout plus `MARGIN` after it was made: the margin covers the worker's escalation loop and the
moments between opening the page and tapping a button. Whether the answer still counts is the
deployment's status (only a PAGED deployment can be answered, once).

The clock is passed in (`now`), like everywhere in incidents, so tests control it.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from peerline.notifications import links as tokens

from .models import Deployment, PageToken

MARGIN = timedelta(minutes=5)
# What the outbox row holds where the links go; the worker fills them in when it sends.
ACCEPT = "[one-tap accept link]"
DECLINE = "[one-tap decline link]"


class LinkInvalid(Exception):
    """Unknown, tampered or truncated: answered with a bare 404."""


class LinkExpired(Exception):
    def __init__(self, deployment: Deployment):
        super().__init__("link expired")
        self.deployment = deployment


def lifetime(deployment: Deployment) -> timedelta:
    return timedelta(minutes=deployment.incident.agency.page_timeout_minutes) + MARGIN


def make_token(deployment: Deployment, *, now: datetime) -> str:
    """A new token for `deployment`; only its digest is written."""
    token = tokens.new_token()
    PageToken.objects.create(
        deployment=deployment, digest=tokens.digest(token), expires_at=now + lifetime(deployment)
    )
    return token


def read_token(token: str, *, now: datetime) -> Deployment:
    """The deployment a token names; LinkInvalid if unknown, LinkExpired if too old."""
    if not tokens.TOKEN_SHAPE.fullmatch(token):
        raise LinkInvalid  # not one we made: no database read for a guess
    row = (
        PageToken.objects.select_related(
            "deployment__incident__agency",
            "deployment__peer_supporter__employee",
            "deployment__clinician",
        )
        .filter(digest=tokens.digest(token))
        .first()
    )
    if row is None or row.deployment.removed:
        # A page whose person is no longer on record answers nothing and shows nothing: nobody
        # can say whose link it was (a partner's PSP never reads the free-text place).
        raise LinkInvalid
    if now > row.expires_at:
        raise LinkExpired(row.deployment)
    return row.deployment


def url_for(token: str, answer: str = "") -> str:
    """The absolute link (settings.BASE_URL); `answer` only preselects a button."""
    path = reverse("respond:page", args=[token])
    query = f"?answer={answer}" if answer in {"accept", "decline"} else ""
    return settings.BASE_URL.rstrip("/") + path + query


def page_url(deployment: Deployment, *, now: datetime, answer: str = "") -> str:
    return url_for(make_token(deployment, now=now), answer)


def fill_links(notification, body: str) -> str:  # type: ignore[no-untyped-def]
    """The outbox renderer: the page's placeholders become a fresh link, made as it is sent."""
    kind, _, pk = notification.topic.partition(":")
    if kind != "deployment" or (ACCEPT not in body and DECLINE not in body):
        return body
    deployment = Deployment.objects.select_related("incident__agency").get(pk=int(pk))
    token = make_token(deployment, now=timezone.now())
    return body.replace(ACCEPT, url_for(token, "accept")).replace(
        DECLINE, url_for(token, "decline")
    )


def purge_expired(now: datetime) -> int:
    """Delete the digests of expired tokens: nothing outlives its purpose."""
    deleted, _ = PageToken.objects.filter(expires_at__lt=now).delete()
    return deleted
