"""The signed, expiring one-tap link in a page: accept or decline with no log-in (2011 §3.3).

The token is a salted `TimestampSigner` signature over "<deployment id>.<round>": it names the
deployment, holds no name, and cannot be forged or moved to another deployment. It expires the
agency's page timeout plus `MARGIN` after it was made: the margin covers the worker's escalation
loop and the moments between opening the page and tapping a button. Whether the answer still
counts is the deployment's status (only a PAGED deployment can be answered, once).

The clock is passed in (`now`), like everywhere in incidents, so tests control it.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from peerline.notifications import links as tokens

from .models import Deployment

SALT = "peerline.incidents.page-link"
MARGIN = timedelta(minutes=5)


class LinkInvalid(Exception):
    """Tampered, truncated or naming no deployment: answered with a bare 404."""


class LinkExpired(Exception):
    def __init__(self, deployment: Deployment):
        super().__init__("link expired")
        self.deployment = deployment


def make_token(deployment: Deployment, *, now: datetime) -> str:
    return tokens.sign(f"{deployment.pk}.{deployment.round}", salt=SALT, now=now)


def lifetime(deployment: Deployment) -> timedelta:
    return timedelta(minutes=deployment.incident.agency.page_timeout_minutes) + MARGIN


def read_token(token: str, *, now: datetime) -> Deployment:
    """The deployment a token names; LinkInvalid if tampered, LinkExpired if too old."""
    try:
        payload, made = tokens.unsign(token, salt=SALT)
        deployment_id, round_ = (int(part) for part in payload.split("."))
    except (signing.BadSignature, ValueError):
        raise LinkInvalid from None
    deployment = (
        Deployment.objects.select_related(
            "incident__agency", "peer_supporter__employee", "clinician"
        )
        .filter(pk=deployment_id, round=round_)
        .first()
    )
    if deployment is None:
        raise LinkInvalid
    if now.timestamp() - made > lifetime(deployment).total_seconds():
        raise LinkExpired(deployment)
    return deployment


def page_url(deployment: Deployment, *, now: datetime, answer: str = "") -> str:
    """The absolute link for a page (settings.BASE_URL); `answer` only preselects a button."""
    path = reverse("respond:page", args=[make_token(deployment, now=now)])
    query = f"?answer={answer}" if answer in {"accept", "decline"} else ""
    return settings.BASE_URL.rstrip("/") + path + query
