"""The manifest, the service worker and the offline card (issue 16 §4).

What the phone keeps (the service worker's cache) is chosen so that nothing personal is ever in
it: the design system's files, the icons, and one page, the offline card, which holds only what
the agency publishes to everyone: its crisis lines and the limits of confidentiality. The
on-call clinician's name and number are not in it: they are a person's details, they change
with every shift, and a copy saved last week could send a PSP at 3 a.m. to someone off duty.
Offline, the card says how to reach help without them (the crisis lines at any hour, 911).
"""

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_safe

from peerline.accounts import policy
from peerline.clinical.models import Resource, ResourceCategory
from peerline.governance.selectors import card

# A new name drops every earlier cache when the service worker updates.
CACHE_VERSION = "peerline-v1"


@policy.public
@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from the root so that its scope is the whole site. A static
    script (no inline JavaScript, CSP) whose list of files to keep comes from the static storage,
    so that the hashed names of production are the ones cached."""
    response = render(
        request,
        "pwa/sw.js",
        {
            "version": CACHE_VERSION,
            "offline_url": reverse("offline"),
            "precache": json.dumps(_precache()),
        },
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    return response


def _precache() -> list[str]:
    files = [
        "vendor/uswds/css/uswds.min.css",
        "vendor/uswds/js/uswds-init.min.js",
        "vendor/uswds/js/uswds.min.js",
        "peerline/peerline.css",
        "peerline/peerline.js",
        "peerline/offline.js",
        "peerline/icons/peerline-192.png",
        # What the design system's stylesheet draws with: ticks, alerts' icons, the menu.
        "vendor/uswds/img/correct8.svg",
        "vendor/uswds/img/checkbox-indeterminate.svg",
        "vendor/uswds/img/usa-icons/check_circle.svg",
        "vendor/uswds/img/usa-icons/error.svg",
        "vendor/uswds/img/usa-icons/info.svg",
        "vendor/uswds/img/usa-icons/warning.svg",
        "vendor/uswds/img/usa-icons/close.svg",
    ]
    return [static(name) for name in files]


@policy.public
@require_safe
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest: what a phone needs to install Peerline on its home screen. The
    browser fetches it without the session's cookie, so it names no agency and no person."""
    icons: list[dict[str, Any]] = [
        {"src": static(f"peerline/icons/peerline-{size}.png"), "sizes": f"{size}x{size}",
         "type": "image/png", "purpose": "any"}
        for size in (192, 512)
    ] + [
        {"src": static(f"peerline/icons/peerline-maskable-{size}.png"),
         "sizes": f"{size}x{size}", "type": "image/png", "purpose": "maskable"}
        for size in (192, 512)
    ]  # fmt: skip
    body = {
        "name": "Peerline peer support",
        "short_name": "Peerline",
        "description": "Your agency's peer support program: log a contact, find a peer, "
        "crisis lines at any hour.",
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#1a4480",
        "icons": icons,
        "shortcuts": [
            {"name": "Log a contact", "url": reverse("contacts:log")},
            {"name": "Help at any hour", "url": reverse("offline")},
        ],
    }
    return HttpResponse(json.dumps(body, indent=2), content_type="application/manifest+json")


@require_safe
@policy.requires(policy.Permission.RESOURCES_VIEW)
def offline(request: policy.AgencyRequest) -> HttpResponse:
    """The card kept on the phone for when there is no connection: crisis lines, the limits of
    confidentiality (2011 §6.2, §6.4) and how to reach the on-call clinician (§5.1). It is the
    same for everyone in the agency: no name, no role, no menu of the person signed in."""
    agency = request.agency
    crisis = Resource.objects.filter(agency=agency, category=ResourceCategory.CRISIS_LINE)
    found = card(agency)  # its limits for the list, the whole card for the law and caution
    return render(
        request,
        "pwa/offline.html",
        {
            "agency": agency,
            "crisis": crisis.order_by("-always_open", "name"),
            "limits": found.limits,
            "card": found,
        },
    )
