"""The counts that remain of requests for a peer, for the program statistics pages (issue 16.1).

A template tag, so the statistics pages show them without the stats app importing this one."""

from typing import Any

from django import template

from peerline.agencies.models import Agency

from ..selectors import monthly_counts

register = template.Library()


@register.inclusion_tag("support/_counts.html")
def support_counts(agency: Agency | None, *, suppress: bool = True) -> dict[str, Any]:
    """Requests, answered and average minutes to answer by month; with `suppress` (command
    staff, 2011 §3.1) small counts are withheld."""
    rows = monthly_counts(agency, suppress=suppress) if agency is not None else []
    k = agency.suppression_k if agency is not None else 0
    return {"rows": rows, "k": k, "suppress": suppress}
