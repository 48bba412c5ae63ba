"""Every page of the product by URL name, as the query budgets test (tests/test_query_budgets.py)
and the bench's page sweep (bench/suite.py) load them: each URL without a parameter, and the main
detail pages with one object of the agency, the largest of its kind where size could matter (the
incident with the most deployments, the training session with the most attendance rows...).

Every parameterised URL is either in `DETAILS` or `KIOSK_PAGES` or named in `NOT_MEASURED` with why (a test
checks it), so a new page is measured or consciously left out the day it is added.
"""

from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import Count
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from peerline.accounts.models import Role, User
from peerline.agencies.models import Agency, Employee

# Not pages to measure: log-in and log-out, the load balancer's checks, single sign-on's
# redirects, the passkey ceremony's JSON steps (POST-only or state-changing), the API's schema.
NOT_PAGES = {
    "login",
    "logout",
    "health",
    "ready",
    "signin:sso-start",
    "signin:sso-callback",
    "otp_webauthn:credential-registration-begin",
    "otp_webauthn:credential-registration-complete",
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
    "otp_webauthn:js-i18n-catalog",
    "api:openapi-json",
    "api:api-root",
}


def _first(queryset: Any) -> Any:
    return queryset.first()


def _largest(queryset: Any, related: str) -> Any:
    """The row with the most `related` rows: where a loop over them would show most."""
    return queryset.annotate(_n=Count(related)).order_by("-_n", "pk").first()


def _employee(agency: Agency) -> Any:
    return _largest(Employee.objects.filter(agency=agency), "direct_reports")


def _psp(agency: Agency) -> Any:
    from peerline.team.models import PeerSupporter

    return _largest(
        PeerSupporter.objects.filter(agency=agency, status="active"), "training_attendances"
    )


def _application(agency: Agency) -> Any:
    from peerline.team.models import Application

    return _first(Application.objects.filter(peer_supporter__agency=agency).order_by("pk"))


def _session(agency: Agency) -> Any:
    from peerline.training.models import TrainingSession

    return _largest(TrainingSession.objects.filter(agency=agency), "attendances")


def _incident(agency: Agency) -> Any:
    from peerline.incidents.models import CriticalIncident

    return _largest(CriticalIncident.objects.filter(agency=agency), "deployments")


def _clinician(agency: Agency) -> Any:
    from peerline.clinical.models import MentalHealthProfessional

    return _largest(MentalHealthProfessional.objects.filter(agency=agency), "on_call_shifts")


def _period(agency: Agency) -> Any:
    from peerline.stats.models import ClosedPeriod

    closed = ClosedPeriod.objects.filter(agency=agency).order_by("-period").first()
    return closed and closed.period


def _section(agency: Agency) -> Any:
    from peerline.manual.models import ManualSection

    return _first(ManualSection.objects.filter(agency=agency).order_by("pk"))


def coordinator_user(agency: Agency) -> Any:
    return User.objects.filter(memberships__agency=agency, memberships__role=Role.COORDINATOR)[0]


def _pk(pick: Callable[[Agency], Any]) -> Callable[[Agency], dict[str, Any] | None]:
    def kwargs(agency: Agency) -> dict[str, Any] | None:
        found = pick(agency)
        return None if found is None else {"pk": found.pk}

    return kwargs


# The main detail pages: URL name → the keyword arguments of one object of the agency.
DETAILS: dict[str, Callable[[Agency], dict[str, Any] | None]] = {
    "employee-detail": _pk(_employee),
    "team:member": _pk(_psp),
    "team:application": _pk(_application),
    "training:session": _pk(_session),
    "training:attendance": _pk(_session),
    "training:transcript": _pk(_psp),
    "training:transcript-pdf": _pk(_psp),
    "clinical:clinician": _pk(_clinician),
    "incidents:detail": _pk(_incident),
    "incidents:board": _pk(_incident),
    "incidents:follow-ups": _pk(_incident),
    "stats:released-pdf": lambda agency: {"period": _period(agency)},
    "stats:released-csv": lambda agency: {"period": _period(agency)},
    "manual:section": _pk(_section),
    "notifications:person": lambda agency: {"user_id": coordinator_user(agency).pk},
    "api:incident_proposal": lambda agency: {"incident_id": _incident(agency).pk},
}

# Parameterised URLs not measured, and why.
NOT_MEASURED = {
    # Actions: POST-only, each changes one row; a GET answers 405 without reading data.
    **dict.fromkeys(
        [
            "accounts:token-revoke",
            "contacts:delete",
            "contacts:follow-up-done",
            "partners:accept",
            "partners:decline",
            "partners:end",
            "clinical:shift-delete",
            "resources:delete",
            "incidents:activate",
            "incidents:team-size",
            "incidents:close",
            "incidents:mutual-aid-answer",
            "notifications:add",
            "notifications:test-email",
            "notifications:remove",
            "notifications:test",
            "signin:device-remove",
            "governance:limit-remove",
            "governance:limit-move",
            "manual:publish",
            "api:incident_activate",
            "support:revoke",
        ],
        "a POST-only action on one row",
    ),
    # One small row's edit form: reads that row and the form's fixed choices.
    "contacts:edit": "one contact's form (a PSP's own row)",
    "resources:edit": "one resource's form",
    "governance:limit-edit": "one limit's form",
    "notifications:edit": "one channel's form",
    # Reached with a secret in the URL, not by a role's log-in.
    "accounts:password-reset-confirm": "a one-time link, no log-in",
    "accounts:invitation": "a one-time link, no log-in",
    "clinical:ical": "a calendar feed reached by its secret token",
    "respond:page": "a one-tap paging link reached by its token",
    "support:answer": "a one-tap link to an anonymous request, reached by its token",
    # One's own, only for the person asked (a recommendation, a panel seat).
    "team:recommendation": "the recommender's own form; measured through its list page",
    "team:score": "a panel member's own score sheet; measured through its list page",
}


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Any]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(
                entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace
            )
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name, namespace


def _name(name: str | None, namespace: str) -> str:
    return f"{namespace}:{name}" if namespace else str(name)


def routes() -> list[tuple[str, str, bool]]:
    """(URL name, route, takes parameters) of every URL but Django's admin."""
    return [
        (_name(name, namespace), route, "<" in route)
        for route, name, namespace in _walk(get_resolver().url_patterns)
        if namespace != "admin" and _name(name, namespace) not in NOT_PAGES
    ]


def pages(agency: Agency) -> dict[str, str]:
    """URL name → URL of every page measured for `agency`."""
    found = {}
    for name, route, parameterised in routes():
        if not parameterised:
            found[name] = "/" + route
        elif name in DETAILS:
            kwargs = DETAILS[name](agency)
            if kwargs is not None and None not in kwargs.values():
                found[name] = reverse(name, kwargs=kwargs)
    return found


# The kiosk of the agency's access link (issue 16): no log-in, reached by the agency's access
# code; the query budgets load them as an anonymous visitor.
KIOSK_PAGES = (
    "support:kiosk",
    "support:peers",
    "support:request",
    "support:status",
    "support:limits",
    "support:resources",
)
