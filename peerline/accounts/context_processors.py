from django.http import HttpRequest

from . import policy

# The navigation, each entry shown only to roles granted its permission.
NAVIGATION = [
    ("Home", "home", policy.Permission.HOME),
    ("Log a contact", "contacts:log", policy.Permission.CONTACT_LOG),
    ("My contacts", "contacts:mine", policy.Permission.CONTACT_LOG),
    ("Roster", "roster", policy.Permission.ROSTER_VIEW),
    ("Agency", "agency", policy.Permission.AGENCY_VIEW),
    ("Utilization", "stats:program", policy.Permission.STATS_PROGRAM),
    ("Reports", "stats:released", policy.Permission.STATS_RELEASED),
    ("Periods", "stats:periods", policy.Permission.STATS_PROGRAM),
]


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)  # absent under the static-file handler
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_items": [
            (label, name) for label, name, perm in NAVIGATION if policy.allows(request, perm)
        ],
        "current_agency": policy.current_agency(request),
        "my_agencies": policy.agencies_of(request),
    }
