from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from peerline.accounts import policy
from peerline.accounts.models import Role
from peerline.audit import selectors, services


@never_cache
@require_safe
@policy.requires(policy.Permission.AUDIT_VIEW)
def events(request: policy.AgencyRequest) -> HttpResponse:
    """The agency's audit trail, newest first, and whether the chain holds (2011 §3.2: the
    steering committee oversees the program; the system administrator keeps its accounts).
    Events of no agency (deployment-wide) are shown to system administrators only."""
    deployment_wide = Role.SYSTEM_ADMIN in policy.roles(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in selectors.KINDS else ""
    rows = selectors.events_for(
        agency_id=request.agency.pk, deployment_wide=deployment_wide, kind=kind
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    page.object_list = selectors.labelled(list(page.object_list))
    result, last_full = services.state()
    state = selectors.chain_state(
        result, agency_id=request.agency.pk, deployment_wide=deployment_wide
    )
    return render(
        request,
        "audit/events.html",
        {
            "page": page,
            "kind": kind,
            "kinds": [(key, label) for key, (label, _) in selectors.KINDS.items()],
            "state": state,
            "last_full": last_full,
            "deployment_wide": deployment_wide,
        },
    )
