"""Reads about sign-in: which policy applies, and whether a user must show a second factor."""

from collections.abc import Collection
from typing import Any, NamedTuple

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django_otp import device_classes, user_has_device

from peerline.accounts import policy
from peerline.accounts.models import Membership, Role, User
from peerline.agencies.models import Agency, Employee

from .models import SecondFactorRule, SignInPolicy

# The roles that see program data (issue: CJIS Security Policy IA-2, OWASP ASVS level 2).
PRIVILEGED_ROLES = frozenset(
    {
        Role.COORDINATOR,
        Role.CLINICAL_ADVISOR,
        Role.COMMAND_STAFF,
        Role.STEERING_COMMITTEE,
        Role.SYSTEM_ADMIN,
    }
)


def policy_for(agency: Agency) -> SignInPolicy:
    """The agency's policy, or the defaults (unsaved) when it never changed them."""
    found = SignInPolicy.objects.filter(agency=agency).first()
    return found or SignInPolicy(agency=agency)


def _agency_ids(user: User) -> set[int]:
    ids = set(Membership.objects.filter(user=user).values_list("agency_id", flat=True))
    employee = getattr(user, "employee", None)
    if employee is not None:
        ids.add(employee.agency_id)
    return ids


def second_factor_required(user: User) -> bool:
    """True if any role of `user` sees program data, or any of their agencies asks everyone."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    if policy.holds_anywhere(user, *PRIVILEGED_ROLES):
        return True
    return SignInPolicy.objects.filter(
        agency_id__in=_agency_ids(user), second_factor=SecondFactorRule.EVERYONE
    ).exists()


def second_factor_required_many(users: Collection[User]) -> set[int]:
    """`second_factor_required` for many users in four queries: the ids of those who must
    show a second factor (the demo's hundreds of accounts, `signin.demo`)."""
    active = [user for user in users if user.is_active]
    ids = [user.pk for user in active]
    privileged = set(
        Membership.objects.filter(user_id__in=ids, role__in=list(PRIVILEGED_ROLES)).values_list(
            "user_id", flat=True
        )
    )
    agencies: dict[int, set[int]] = {}  # `_agency_ids` of each
    for found in (
        Membership.objects.filter(user_id__in=ids),
        Employee.objects.filter(user_id__in=ids),
    ):
        for user_id, agency_id in found.values_list("user_id", "agency_id"):
            agencies.setdefault(user_id, set()).add(agency_id)
    everyone = set(
        SignInPolicy.objects.filter(
            agency_id__in={pk for found in agencies.values() for pk in found},
            second_factor=SecondFactorRule.EVERYONE,
        ).values_list("agency_id", flat=True)
    )
    return {
        user.pk
        for user in active
        if user.is_superuser or user.pk in privileged or agencies.get(user.pk, set()) & everyone
    }


def has_second_factor(user: User) -> bool:
    """A confirmed TOTP app, passkey or recovery code list."""
    return user_has_device(user, confirmed=True)


def local_password_allowed(user: User) -> bool:
    """False when any agency of the user signs in only through single sign-on."""
    return not SignInPolicy.objects.filter(
        agency_id__in=_agency_ids(user), local_passwords=False
    ).exists()


class SecondFactorState(NamedTuple):
    required: bool  # `second_factor_required`
    enrolled: bool  # `has_second_factor`


def second_factor_state(
    user: User, *, roles: Collection[Role], agency_ids: Collection[int]
) -> SecondFactorState:
    """`second_factor_required(user)` and `has_second_factor(user)` in at most one query, for
    a user whose roles and agencies the request's policy has already read (`roles`, in any
    agency, and `agency_ids`, as `policy.roles_anywhere` and `policy.agencies_of`): what every
    request of a session that has not shown a second factor asks (issue 18). The same rules: a
    superuser or a role that sees program data, or an agency of theirs (a role's or their
    roster row's) asking everyone; and a confirmed device of any kind. The statement is written
    once per database and number of agencies, names from the models, values as parameters."""
    if not user.is_active:
        return SecondFactorState(required=False, enrolled=False)
    required = bool(user.is_superuser or PRIVILEGED_ROLES & set(roles))
    connection = connections[router.db_for_read(SignInPolicy)]
    sql, devices = _state_sql(connection, len(agency_ids))
    params: list[Any] = [user.pk, True] * devices
    params += [SecondFactorRule.EVERYONE.value, *sorted(agency_ids), user.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return SecondFactorState(required=required or bool(row[devices]), enrolled=any(row[:devices]))


_STATE_SQL: dict[tuple[str, int], tuple[str, int]] = {}


def _state_sql(connection: BaseDatabaseWrapper, agencies: int) -> tuple[str, int]:
    """`second_factor_state`'s statement and its number of device kinds (each that django-otp
    knows, as `user_has_device` asks)."""
    found = _STATE_SQL.get((connection.vendor, agencies))
    if found is None:
        quote = connection.ops.quote_name

        def table(model: Any) -> str:
            return quote(model._meta.db_table)

        def column(model: Any, name: str) -> str:
            return quote(model._meta.get_field(name).column)

        # Names from the models, values as parameters.
        checks = [
            f"EXISTS(SELECT 1 FROM {table(model)} WHERE {column(model, 'user')} = %s "  # noqa: S608
            f"AND {column(model, 'confirmed')} = %s)"
            for model in device_classes()
        ]
        agency = column(SignInPolicy, "agency")
        listed = f"{agency} IN ({', '.join(['%s'] * agencies)}) OR " if agencies else ""
        checks.append(
            f"EXISTS(SELECT 1 FROM {table(SignInPolicy)} "  # noqa: S608
            f"WHERE {column(SignInPolicy, 'second_factor')} = %s AND ({listed}"
            f"{agency} IN (SELECT {column(Employee, 'agency')} FROM {table(Employee)} "
            f"WHERE {column(Employee, 'user')} = %s)))"
        )
        found = ("SELECT " + ", ".join(checks), len(checks) - 1)
        _STATE_SQL[(connection.vendor, agencies)] = found
    return found
