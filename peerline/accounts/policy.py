"""Who may do what: the one place where roles are checked.

HTML views, API operations and commands ask this module, never `Membership` directly. Each page
declares the permission it needs with `@requires(...)`, each API operation with
`auth=api_auth(...)` (`accounts/auth.py`, which calls `check` here); the declaration is kept on
the view so the test suite can walk the URL conf and try every endpoint with every wrong role.

A user without a role in the agency gets 403 and no data (DESIGN: "never data").
"""

from collections.abc import Callable, Iterable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from peerline.agencies.models import Agency

from .models import MEMBERSHIPS_ATTR, Membership, Role, User

AGENCY_SESSION_KEY = "peerline_agency_id"
AGENCY_HEADER = "X-Peerline-Agency"  # API clients in several agencies name one by its code


class Permission(StrEnum):
    HOME = "home"
    ROSTER_VIEW = "roster.view"  # the HR roster and chain of command (2011 §3.9 program logistics)
    AGENCY_VIEW = "agency.view"  # program settings (2011 §3.2 steering committee)
    CONTACT_LOG = "contact.log"  # a PSP's own non-identifying contact records (2011 §6.7)
    STATS_PROGRAM = "stats.program"  # full utilisation data, per PSP (2011 §3.9)
    STATS_RELEASED = "stats.released"  # disclosure-controlled releases only (2011 §3.1)
    TEAM_MANAGE = "team.manage"  # selection, status, leave, deselection, agreements (2011 §3.9, §4)
    # Anyone's own part in the team: volunteering, their application, signing the agreement,
    # their directory card, a recommendation asked of them. Views check it is theirs.
    TEAM_SELF = "team.self"
    TEAM_INTERVIEW = "team.interview"  # interview panels: PSPs and the licensed MHP (2011 §4.1)
    COVERAGE_VIEW = "coverage.view"  # coverage matrix and forecast (2011 §3.2, §3.8.1–§3.8.3)
    RECRUITMENT_PLAN = "coverage.recruit"  # names candidates, so the coordinator only (§3.9)
    DIRECTORY = "directory"  # find a peer: every employee chooses their own (2011 §3.6)
    PARTNERS_MANAGE = "partners.manage"  # agreements with partner agencies (2011 §3.8.2)
    TRAINING_MANAGE = "training.manage"  # sessions, attendance, compliance (2011 §3.9, §8.2)
    TRAINING_CATALOGUE = "training.catalogue"  # the agency's own topics (2011 §8.1)
    TRAINING_SELF = "training.self"  # a PSP's own hours and transcript (2011 §8.2)
    CLINICAL_MANAGE = "clinical.manage"  # clinicians, licences, on-call schedule (2011 §3.4, §5.1)
    ON_CALL_VIEW = "clinical.on_call"  # who is on call now, one tap away for every PSP (§5.1)
    CONSULTATION_LOG = "clinical.consultation"  # non-identifying consultations (§5.1, §6.7)
    RESOURCES_VIEW = "resources.view"  # the referral resource directory (2011 §2.3.5, §8.3.24)
    RESOURCES_MANAGE = "resources.manage"
    INCIDENT_ACTIVATE = "incidents.activate"  # open, activate, watch the board (2011 §3.9)
    MUTUAL_AID = "incidents.mutual_aid"  # answer partner agencies' requests (2011 §3.8.2)
    CHANNELS_MANAGE = "notifications.channels"  # how each person is paged
    AUDIT_VIEW = "audit.view"  # the audit trail: who changed the program (2011 §3.2 oversight)
    ACCOUNTS_MANAGE = "accounts.manage"  # invitations, who has signed in, lifting a lockout
    ACCOUNT_SELF = "accounts.self"  # one's own password, API tokens, the fresh sign-in
    SECOND_FACTOR = "signin.second_factor"  # one's own second factors (issue 11 §3)
    LIMITS_MANAGE = "governance.limits"  # the agency's limits and procedures (2011 §6.3)
    JURISDICTIONS_VIEW = "governance.jurisdictions"  # what each state's law says (2011 §2.2.3)
    PROGRAM_SETTINGS = "program.settings"  # edition and settings, each change recorded (§3.2)
    COMMITTEE_MANAGE = "committee.manage"  # members, seats, decisions (2011 §3.2)
    OVERSIGHT_MANAGE = "committee.oversight"  # the advisor's scope, meetings (2011 §3.4, §3.9)
    MANUAL_READ = "manual.read"  # the procedures manual, available to all personnel (2011 §3.5)
    MANUAL_EDIT = "manual.edit"  # the coordinator writes sections and drafts (2011 §3.5, §3.9)
    MANUAL_APPROVE = "manual.approve"  # the steering committee publishes (2011 §3.2, §3.5)
    ASSESSMENT_VIEW = "assessment.view"  # the live self-assessment (every clause)
    ASSESSMENT_ATTEST = "assessment.attest"  # a named committee member attests a clause
    SUPPORT_MANAGE = "support.manage"  # the agency's access link and request settings (§2.3.7)


class AgencyRequest(HttpRequest):
    """A request that passed a permission check: `agency` is the agency it acts in."""

    agency: Agency
    user: User  # type: ignore[assignment]  # always logged in once a permission is checked


ALL_ROLES = frozenset(Role)

GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.HOME: ALL_ROLES,
    Permission.ROSTER_VIEW: frozenset({Role.COORDINATOR, Role.SYSTEM_ADMIN}),
    Permission.AGENCY_VIEW: frozenset(
        {Role.COORDINATOR, Role.STEERING_COMMITTEE, Role.SYSTEM_ADMIN}
    ),
    Permission.CONTACT_LOG: frozenset({Role.PEER_SUPPORTER}),
    Permission.STATS_PROGRAM: frozenset({Role.COORDINATOR}),
    Permission.STATS_RELEASED: frozenset(
        {Role.COORDINATOR, Role.COMMAND_STAFF, Role.STEERING_COMMITTEE}
    ),
    Permission.TEAM_MANAGE: frozenset({Role.COORDINATOR}),
    Permission.TEAM_SELF: ALL_ROLES,
    Permission.TEAM_INTERVIEW: frozenset(
        {Role.PEER_SUPPORTER, Role.CLINICAL_ADVISOR, Role.COORDINATOR}
    ),
    Permission.COVERAGE_VIEW: frozenset({Role.COORDINATOR, Role.STEERING_COMMITTEE}),
    Permission.RECRUITMENT_PLAN: frozenset({Role.COORDINATOR}),
    Permission.DIRECTORY: ALL_ROLES,
    Permission.PARTNERS_MANAGE: frozenset({Role.COORDINATOR}),
    Permission.TRAINING_MANAGE: frozenset({Role.COORDINATOR}),
    Permission.TRAINING_CATALOGUE: frozenset({Role.STEERING_COMMITTEE, Role.COORDINATOR}),
    Permission.TRAINING_SELF: frozenset({Role.PEER_SUPPORTER}),
    Permission.CLINICAL_MANAGE: frozenset({Role.COORDINATOR, Role.CLINICAL_ADVISOR}),
    Permission.ON_CALL_VIEW: frozenset(
        {Role.PEER_SUPPORTER, Role.COORDINATOR, Role.CLINICAL_ADVISOR}
    ),
    Permission.CONSULTATION_LOG: frozenset(
        {Role.PEER_SUPPORTER, Role.COORDINATOR, Role.CLINICAL_ADVISOR}
    ),
    Permission.RESOURCES_VIEW: ALL_ROLES,
    Permission.RESOURCES_MANAGE: frozenset({Role.COORDINATOR}),
    Permission.INCIDENT_ACTIVATE: frozenset({Role.COORDINATOR}),
    Permission.MUTUAL_AID: frozenset({Role.COORDINATOR}),
    Permission.CHANNELS_MANAGE: frozenset({Role.COORDINATOR}),
    Permission.AUDIT_VIEW: frozenset({Role.SYSTEM_ADMIN, Role.STEERING_COMMITTEE}),
    Permission.ACCOUNTS_MANAGE: frozenset({Role.COORDINATOR, Role.SYSTEM_ADMIN}),
    Permission.ACCOUNT_SELF: ALL_ROLES,
    Permission.SECOND_FACTOR: ALL_ROLES,
    Permission.LIMITS_MANAGE: frozenset({Role.COORDINATOR, Role.STEERING_COMMITTEE}),
    Permission.JURISDICTIONS_VIEW: ALL_ROLES,
    Permission.PROGRAM_SETTINGS: frozenset({Role.COORDINATOR, Role.STEERING_COMMITTEE}),
    Permission.COMMITTEE_MANAGE: frozenset({Role.COORDINATOR, Role.STEERING_COMMITTEE}),
    Permission.OVERSIGHT_MANAGE: frozenset({Role.COORDINATOR, Role.CLINICAL_ADVISOR}),
    Permission.MANUAL_READ: ALL_ROLES,
    Permission.MANUAL_EDIT: frozenset({Role.COORDINATOR}),
    Permission.MANUAL_APPROVE: frozenset({Role.STEERING_COMMITTEE}),
    Permission.ASSESSMENT_VIEW: frozenset(
        {Role.COORDINATOR, Role.STEERING_COMMITTEE, Role.CLINICAL_ADVISOR}
    ),
    Permission.ASSESSMENT_ATTEST: frozenset({Role.STEERING_COMMITTEE}),
    Permission.SUPPORT_MANAGE: frozenset({Role.COORDINATOR}),
}

# Management receives only anonymous statistics (2011 §3.1; 2006 Administration 1): no role that
# command staff hold may see who was involved, supported or followed up in an incident, whatever
# the agency lists in `activation_roles`. A user holding such a role is refused these pages even
# if they hold another role that grants them.
NEVER_NAMES: frozenset[Role] = frozenset({Role.COMMAND_STAFF})
NAMES_PERMISSIONS = frozenset({Permission.INCIDENT_ACTIVATE, Permission.MUTUAL_AID})

# Permissions an agency may extend to more roles, and the Agency field that lists them.
AGENCY_GRANTS: dict[Permission, str] = {Permission.INCIDENT_ACTIVATE: "activation_roles"}


def _memberships(request: HttpRequest) -> list[tuple[int, str]]:
    """(agency id, role) of the user's memberships, with their agencies: one query per request
    and user, kept on the request (the session's idle limit, the policy and the navigation all
    read it). Kept per user: an API token may change `request.user` during the request. The
    session's user comes with them (`models.user_with_roles`: one query for both, issue 18)."""
    user = request.user
    cached = getattr(request, "_peerline_memberships", None)
    if cached is None or cached[0] != user.pk:
        rows: list[Membership] = []
        if user.is_authenticated:
            read = getattr(user, MEMBERSHIPS_ATTR, None)
            rows = (
                read
                if read is not None
                else list(
                    Membership.objects.filter(user_id=user.pk, user__is_active=True)
                    .select_related("agency")
                    .order_by("agency__code")
                )
            )
        remember_memberships(request, user.pk, rows)
        cached = request._peerline_memberships  # type: ignore[attr-defined]
    return cached[1]  # type: ignore[no-any-return]


def remember_memberships(request: HttpRequest, user_pk: int | None, rows: list[Membership]) -> None:
    """Keep memberships already read (with their agencies, in code order) as `_memberships`
    would: the API token's own query reads them with the token."""
    agencies = {row.agency_id: row.agency for row in rows}
    request._peerline_memberships = (  # type: ignore[attr-defined]
        user_pk,
        [(row.agency_id, row.role) for row in rows],
        agencies,
    )


def _agencies(request: HttpRequest) -> dict[int, Agency]:
    """The agencies the user holds a role in, by id, in code order (no query of its own)."""
    _memberships(request)
    return request._peerline_memberships[2]  # type: ignore[attr-defined,no-any-return]


def agencies_of(request: HttpRequest) -> list[Agency]:
    return list(_agencies(request).values())


def roles_anywhere(request: HttpRequest) -> frozenset[Role]:
    """The user's roles in any of their agencies (the session's idle limit asks)."""
    return frozenset(Role(role) for _, role in _memberships(request) if role in Role)


def current_agency(request: HttpRequest) -> Agency | None:
    """The agency the request acts in: the header (API), the session's choice, or the first one.
    Resolved once per request and user, from the memberships' own query."""
    user_pk = request.user.pk
    cached = getattr(request, "_peerline_agency", None)
    if cached is not None and cached[0] == user_pk:
        return cached[1]  # type: ignore[no-any-return]
    agencies = _agencies(request)
    agency = None
    if agencies:
        code = request.headers.get(AGENCY_HEADER)
        chosen = request.session.get(AGENCY_SESSION_KEY) if hasattr(request, "session") else None
        if code:
            agency = next((found for found in agencies.values() if found.code == code), None)
        elif chosen in agencies:
            agency = agencies[chosen]
        else:
            agency = next(iter(agencies.values()))
    request._peerline_agency = (user_pk, agency)  # type: ignore[attr-defined]
    return agency


def roles(request: HttpRequest) -> frozenset[Role]:
    """The user's roles in the current agency."""
    agency = current_agency(request)
    if agency is None:
        return frozenset()
    return frozenset(
        Role(role) for agency_id, role in _memberships(request) if agency_id == agency.pk
    )


def allows(request: HttpRequest, permission: Permission) -> bool:
    return permission in permissions(request)


def permissions(request: HttpRequest) -> frozenset[Permission]:
    """Every permission the user holds in the current agency: what `allows` answers, all at
    once, worked out once per request and user (an API token may change `request.user`). The
    navigation is cached by this set (`accounts.context_processors`)."""
    user_pk = request.user.pk
    cached = getattr(request, "_peerline_permissions", None)
    if cached is not None and cached[0] == user_pk:
        return cached[1]  # type: ignore[no-any-return]
    agency = current_agency(request)
    held = roles(request)
    never_names = bool(held & NEVER_NAMES)
    found = frozenset(
        permission
        for permission in GRANTS
        if not (never_names and permission in NAMES_PERMISSIONS)
        and held & granted(permission, agency)
    )
    request._peerline_permissions = (user_pk, found)  # type: ignore[attr-defined]
    return found


def granted(permission: Permission, agency: Agency | None) -> frozenset[Role]:
    """The roles holding `permission` in `agency`: the fixed grants and the agency's own."""
    extra = AGENCY_GRANTS.get(permission)
    if extra is None or agency is None:
        return GRANTS[permission]
    added = {Role(role) for role in getattr(agency, extra) if role in Role}
    return GRANTS[permission] | (added - NEVER_NAMES)


def check(request: HttpRequest, permission: Permission) -> Agency:
    """The current agency if the user may do `permission` in it; PermissionDenied otherwise."""
    agency = current_agency(request)
    if agency is None or not allows(request, permission):
        raise PermissionDenied
    return agency


V = TypeVar("V", bound=Callable[..., Any])


def requires(permission: Permission) -> Callable[[V], V]:
    """Decorate an HTML view: 403 unless the user holds a role granted `permission`."""

    def decorator(view: V) -> V:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            request.agency = check(request, permission)  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        wrapped.required_permission = permission  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def public(view: V) -> V:
    """Mark a view that needs no log-in and no role (log-in page, health check)."""
    view.login_required = False  # type: ignore[attr-defined]
    view.required_permission = None  # type: ignore[attr-defined]
    return view


# -- who holds a role: the one place that reads memberships for other modules -------------------
# Every "who is the coordinator", "which users are this agency's PSPs" and "may this person sit in
# that seat" asks here, so that what counts as holding a role (an active account, a membership in
# that agency) is decided once.


def _held(agency: Agency | int, roles: Iterable[Role]) -> QuerySet[Membership]:
    wanted = list(roles)
    found = Membership.objects.filter(agency=agency, user__is_active=True)
    return found.filter(role__in=wanted) if wanted else found


def holders(agency: Agency | int, *roles: Role) -> QuerySet[User]:
    """The active users holding any of `roles` in `agency` (any role when none is named), each
    once; callers order and select what they need."""
    return User.objects.filter(is_active=True, pk__in=_held(agency, roles).values("user_id"))


def holder_ids(agency: Agency | int, *roles: Role) -> set[int]:
    """The ids of `holders(agency, *roles)`."""
    return set(_held(agency, roles).values_list("user_id", flat=True))


def holder_ids_by_role(agency: Agency | int) -> dict[Role, set[int]]:
    """{role: ids of its active holders} for every role held in `agency`: one query."""
    found: dict[Role, set[int]] = {}
    for user_id, role in _held(agency, ()).values_list("user_id", "role"):
        if role in Role:
            found.setdefault(Role(role), set()).add(user_id)
    return found


def holds_anywhere(user: User | int, *roles: Role) -> bool:
    """True when `user` holds any of `roles` in any agency (a rule about the person, such as
    the second factor or the shorter idle limit of the roles that see program data)."""
    return Membership.objects.filter(user=user, role__in=list(roles)).exists()


def holdings(agency: Agency | int, *roles: Role) -> list[tuple[User, Role]]:
    """Each (active user, role) pair of `roles` held in `agency`, by the user's name."""
    found = _held(agency, roles).select_related("user")
    found = found.order_by("user__last_name", "user__first_name", "user__username", "role")
    return [(m.user, Role(m.role)) for m in found if m.role in Role]


def holds(user: User | int, agency: Agency | int, *roles: Role) -> bool:
    """True when `user` (active) holds any of `roles` in `agency` (any role when none is named)."""
    return _held(agency, roles).filter(user=user).exists()


def scoped_or_404(queryset: Any, request: HttpRequest, **lookup: Any) -> Any:
    """Fetch one row of the current agency: "missing" and "another agency's" both answer 404."""
    obj = queryset.filter(agency=current_agency(request), **lookup).first()
    if obj is None:
        raise Http404
    return obj
