"""The one-tap answer to a page: public (no log-in at 3 a.m. on a phone), safe by its signed,
expiring token (`links.py`).

GET shows the incident type, time, general place and the person's role with two big buttons;
only a POST answers, because mail scanners prefetch links. A link answers once; a second answer
shows what was answered. An expired link says so; a tampered one is a bare 404.
"""

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from peerline.accounts import policy, throttle

from . import links, paging, services
from .models import Deployment, DeploymentStatus, IncidentStatus


def _context(deployment: Deployment, **extra: object) -> dict[str, object]:
    incident = deployment.incident
    return {
        "deployment": deployment,
        "incident": incident,
        "Status": DeploymentStatus,
        "closed": incident.status == IncidentStatus.CLOSED,
        "where": paging.where_for(deployment),
        **extra,
    }


@policy.public
@throttle.limit_failures("page")  # guessed links: a few a minute per address, then 429
@never_cache
@require_http_methods(["GET", "POST"])
def page(request, token: str) -> HttpResponse:  # type: ignore[no-untyped-def]
    now = timezone.now()
    try:
        deployment = links.read_token(token, now=now)
    except links.LinkInvalid:
        raise Http404 from None
    except links.LinkExpired as expired:
        return render(
            request, "incidents/respond_expired.html", _context(expired.deployment), status=410
        )
    if request.method == "POST":
        answer = request.POST.get("answer")
        if answer not in {"accept", "decline"}:
            return HttpResponseBadRequest("Choose accept or decline.")
        try:
            services.respond(deployment=deployment, accept=answer == "accept", now=now)
        except services.AlreadyAnswered as already:
            return render(
                request,
                "incidents/respond.html",
                _context(already.deployment, already=True),
                status=409,
            )
        return redirect(request.path)  # the answer shows on a GET: a reload answers nothing
    preselect = request.GET.get("answer", "")
    return render(
        request,
        "incidents/respond.html",
        _context(deployment, preselect=preselect if preselect in {"accept", "decline"} else ""),
    )
