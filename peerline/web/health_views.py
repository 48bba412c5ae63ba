"""Liveness and readiness, for a load balancer and for monitoring (docs/deploy.md, "Monitoring").

`/healthz` (liveness): the web process answers. It says nothing about the database or the worker,
so a supervisor restarts only a process that hangs. `/readyz` (readiness): the deployment works;
503 with one plain line per problem when it does not. Neither needs a log-in, and neither names an
agency, a person or a setting.
"""

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from peerline.accounts import policy
from peerline.core.health import readiness_problems


@policy.public
@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """Liveness: this process answers. Says nothing else."""
    return HttpResponse("ok\n", content_type="text/plain")


@policy.public
@never_cache
def ready(request: HttpRequest) -> HttpResponse:
    """Readiness: 200 "ready", or 503 and what is wrong, one line each."""
    problems = readiness_problems(timezone.now())
    if problems:
        return HttpResponse("\n".join(problems) + "\n", status=503, content_type="text/plain")
    return HttpResponse("ready\n", content_type="text/plain")
