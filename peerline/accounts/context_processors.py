from functools import lru_cache
from typing import NamedTuple

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse

from . import policy

P = policy.Permission
# The navigation: (label, URL name, permission) each shown only to roles granted its permission,
# in groups that open as a menu when they hold more than one entry for the user.
NAVIGATION: list[tuple[str, list[tuple[str, str, P]]]] = [
    ("Home", [("Home", "home", P.HOME)]),
    ("Incidents", [("Critical incidents", "incidents:list", P.INCIDENT_ACTIVATE),
                   ("General areas", "incidents:areas", P.INCIDENT_ACTIVATE),
                   ("Mutual aid requests", "incidents:mutual-aid", P.MUTUAL_AID)]),
    ("Contacts", [("Log a contact", "contacts:log", P.CONTACT_LOG),
                  ("My contacts", "contacts:mine", P.CONTACT_LOG)]),
    ("Find a peer", [("Find a peer", "directory:index", P.DIRECTORY)]),
    ("Clinical", [("On call now", "clinical:now", P.ON_CALL_VIEW),
                  ("Log a consultation", "clinical:consultation-log", P.CONSULTATION_LOG),
                  ("On-call schedule", "clinical:on-call", P.CLINICAL_MANAGE),
                  ("Clinicians", "clinical:clinicians", P.CLINICAL_MANAGE),
                  ("Consultations", "clinical:consultations", P.CLINICAL_MANAGE)]),
    ("Resources", [("Referral resources", "resources:index", P.RESOURCES_VIEW)]),
    ("Team", [("Team members", "team:roster", P.TEAM_MANAGE),
              ("Coverage", "coverage:matrix", P.COVERAGE_VIEW),
              ("Recruitment plan", "coverage:recruitment", P.RECRUITMENT_PLAN),
              ("Agreements", "team:agreements", P.TEAM_MANAGE),
              ("Partner agencies", "partners:list", P.PARTNERS_MANAGE),
              ("Paging channels", "notifications:channels", P.CHANNELS_MANAGE),
              ("Access link", "support:manage", P.SUPPORT_MANAGE),
              ("Interviews", "team:interviews", P.TEAM_INTERVIEW)]),
    ("Training", [("Sessions", "training:sessions", P.TRAINING_MANAGE),
                  ("Compliance", "training:compliance", P.TRAINING_MANAGE),
                  ("Hours from partners", "training:partner-credit", P.TRAINING_MANAGE),
                  ("Topics", "training:topics", P.TRAINING_CATALOGUE),
                  ("My training", "training:mine", P.TRAINING_SELF)]),
    ("Statistics", [("Utilization", "stats:program", P.STATS_PROGRAM),
                    ("Reports", "stats:released", P.STATS_RELEASED),
                    ("Periods", "stats:periods", P.STATS_PROGRAM)]),
    ("Program", [("Procedures manual", "manual:index", P.MANUAL_READ),
                 ("Steering committee", "committee:index", P.COMMITTEE_MANAGE),
                 ("Edition and settings", "committee:settings", P.PROGRAM_SETTINGS),
                 ("Self-assessment", "assessment:index", P.ASSESSMENT_VIEW),
                 ("Clinical oversight", "committee:oversight", P.OVERSIGHT_MANAGE)]),
    ("Agency", [("Roster", "roster", P.ROSTER_VIEW),
                ("Sign-in", "accounts:people", P.ACCOUNTS_MANAGE),
                ("Program settings", "agency", P.AGENCY_VIEW),
                ("Limits of confidentiality", "governance:limits", P.LIMITS_MANAGE),
                ("Privilege by state", "governance:jurisdictions", P.JURISDICTIONS_VIEW),
                ("Audit trail", "audit:events", P.AUDIT_VIEW)]),
    ("Account", [("Change password", "accounts:password-change", P.ACCOUNT_SELF),
                 ("Second factors", "signin:devices", P.SECOND_FACTOR),
                 ("API tokens", "accounts:tokens", P.ACCOUNT_SELF)]),
]  # fmt: skip


class NavItem(NamedTuple):
    text: str
    name: str  # the URL name, to mark the current page
    href: str


class NavGroup(NamedTuple):
    label: str
    key: str
    items: tuple[NavItem, ...]


def menu(permissions: frozenset[P]) -> tuple[NavGroup, ...]:
    """The navigation for a user holding exactly `permissions`."""
    return _menu(permissions, str(get_urlconf() or settings.ROOT_URLCONF), get_script_prefix())


# Built once per process for each permission set (and URL conf and prefix, which make its
# links): it holds labels and links only, nothing about an agency or a person (those are added
# per request below). Bounded: the permission sets that occur are a handful.
@lru_cache(maxsize=256)
def _menu(permissions: frozenset[P], urlconf: str, prefix: str) -> tuple[NavGroup, ...]:
    return tuple(
        NavGroup(label=label, key=label.lower().replace(" ", "-"), items=items)
        for label, entries in NAVIGATION
        if (
            items := tuple(
                NavItem(text, name, reverse(name))
                for text, name, permission in entries
                if permission in permissions
            )
        )
    )


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)  # absent under the static-file handler
    if user is None or not user.is_authenticated:
        return {}
    match = request.resolver_match
    return {
        "nav_groups": menu(policy.permissions(request)),
        "nav_current": match.view_name if match is not None else "",
        "current_agency": policy.current_agency(request),
        "my_agencies": policy.agencies_of(request),
    }
